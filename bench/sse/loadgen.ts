// What every load generator of the SSE benches does, whatever carries its connections (client.ts: raw
// HTTP/1.1 over `net` or `tls`; h2-client.ts: node:http2 streams): driven by the orchestrator over IPC,
//   open <n>   -> opens n SSE connections, at most `window` connecting at once; replies with how long it took
//                 until every one of them had received its first event (the response head and a first frame)
//   close      -> destroys every connection
//   pings      -> how many `event: pode.ping` frames its connections have read so far (the heartbeat row of bench/sse/large.ts)
// Every broadcast frame carries {"s":<seq>,"t":<server clock>}; once every open connection has it, the
// generator reports how long after `t` the first and the last connection had it.
import { clock } from './control.ts';

export type OpenRequest = {
  type: 'open';
  port: number;
  n: number;
  window: number;
  /** client.ts: HTTP/1.1 over TLS (ALPN http/1.1) instead of plain TCP. */
  tls?: boolean;
  /** h2-client.ts: streams per HTTP/2 session. */
  streams?: number;
  /** client.ts: the source address its sockets bind to (e.g. 127.0.0.2; default: none, the kernel picks 127.0.0.1). */
  localAddress?: string;
};
type Request = OpenRequest | { type: 'close' } | { type: 'pings' } | { type: 'exit' };

/** One SSE connection, as the transport made it. */
export interface Conn {
  opened: boolean;
  /** Unparsed text: (HTTP/1.1) the response head until it is complete, then at most the tail of a split frame. */
  text: string;
  destroy(): void;
}

// The closing brace matters: a number cut by a read boundary must not match.
const STAMP = /"s":(\d+),"t":(\d+(?:\.\d+)?)}/g;
// A heartbeat frame (podets' pode.ping), counted; matched up to its line end so a split one is counted once.
const PING = 'event: pode.ping\n';
let pings = 0;

const conns = new Set<Conn>();
/** seq -> [connections that have it, first receipt delay, last receipt delay] */
const seen = new Map<number, [number, number, number]>();
let failed = 0;
let connect: (m: OpenRequest) => Conn;
let request: OpenRequest;

const send = (m: object) => process.send!(m);

/** The transport saw the connection's first event (its first body bytes). */
export function opened(conn: Conn): void {
  conn.opened = true;
  opening.onOpen();
}

/** Body text read at `now` (clock()): the stamps in it, counted; the tail of a split frame kept. */
export function body(conn: Conn, text: string, now: number): void {
  let last = 0;
  STAMP.lastIndex = 0;
  for (let m = STAMP.exec(text); m; m = STAMP.exec(text)) {
    last = STAMP.lastIndex;
    received(Number(m[1]), now - Number(m[2]));
  }
  // From the start: the kept tail holds nothing counted before, and a ping may come before the last stamp.
  for (let i = text.indexOf(PING); i >= 0; i = text.indexOf(PING, i + PING.length)) {
    pings++;
    if (i + PING.length > last) last = i + PING.length;
  }
  const rest = text.length - last;
  conn.text = rest > 0 ? text.slice(text.length - Math.min(rest, 64)) : '';
}

/** The connection is over. Refused or reset while connecting: counted, and retried so that the phase still reaches n. */
export function closed(conn: Conn): void {
  conns.delete(conn);
  if (!conn.opened && opening.remaining > 0) {
    failed++;
    opening.inFlight--;
    opening.pending++;
    setTimeout(() => opening.fill(), 10);
  }
}

function received(seq: number, delay: number): void {
  let entry = seen.get(seq);
  if (!entry) seen.set(seq, (entry = [0, delay, delay]));
  entry[0]++;
  if (delay < entry[1]) entry[1] = delay;
  if (delay > entry[2]) entry[2] = delay;
  if (entry[0] === conns.size) {
    seen.delete(seq);
    send({ type: 'received', seq, firstMs: entry[1], lastMs: entry[2] });
  }
}

/** The open phase in progress. */
const opening = {
  pending: 0,
  inFlight: 0,
  remaining: 0,
  start: 0,
  onOpen(): void {
    this.inFlight--;
    if (--this.remaining === 0) return void send({ type: 'opened', ms: performance.now() - this.start, failed });
    this.fill();
  },
  fill(): void {
    while (this.pending > 0 && this.inFlight < request.window) {
      this.pending--;
      this.inFlight++;
      conns.add(connect(request));
    }
  },
};

/** Serves the orchestrator with `open` making one connection; `closeAll` after every connection is destroyed. */
export function serveLoad(open: (m: OpenRequest) => Conn, closeAll?: () => void): void {
  connect = open;
  process.on('message', (m: Request) => {
    if (m.type === 'exit') process.exit(0);
    if (m.type === 'open') {
      failed = 0;
      request = m;
      Object.assign(opening, { pending: m.n, inFlight: 0, remaining: m.n, start: performance.now() });
      opening.fill();
    } else if (m.type === 'pings') {
      send({ type: 'pings', count: pings });
    } else if (m.type === 'close') {
      opening.remaining = 0;
      for (const conn of conns) conn.destroy();
      conns.clear();
      seen.clear();
      closeAll?.();
      send({ type: 'closed' });
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

export { clock };
