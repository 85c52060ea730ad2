// The load generator of `npm run bench:sse`: its own process, raw `net` sockets (no HTTP or SSE client
// library in the way), driven by the orchestrator over IPC.
//   open <n>   -> opens n SSE connections, at most `window` connecting at once; replies with how long it took
//                 until every one of them had received its first event (the response head and a first frame)
//   close      -> destroys every connection
// Every broadcast frame carries {"s":<seq>,"t":<server clock>}; once every open connection has it, the
// generator reports how long after `t` the first and the last connection had it.
import net from 'node:net';
import { clock } from './control.ts';

type Request = { type: 'open'; port: number; n: number; window: number } | { type: 'close' } | { type: 'exit' };

const REQUEST = Buffer.from('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
// The closing brace matters: a number cut by a read boundary must not match.
const STAMP = /"s":(\d+),"t":(\d+(?:\.\d+)?)}/g;

interface Conn {
  socket: net.Socket;
  opened: boolean;
  /** Unparsed text: the response head until it is complete, then at most the tail of a split frame. */
  text: string;
}

const conns = new Set<Conn>();
/** seq -> [connections that have it, first receipt delay, last receipt delay] */
const seen = new Map<number, [number, number, number]>();
let failed = 0;

const send = (m: object) => process.send!(m);

function onData(conn: Conn, chunk: Buffer): void {
  const now = clock();
  let text = conn.text + chunk.toString('latin1');
  if (!conn.opened) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return void (conn.text = text);
    if (!text.startsWith('HTTP/1.1 200')) throw new Error(`unexpected response: ${text.slice(0, 200)}`);
    // The first body bytes after the head are the connection's first event.
    if (text.length === end + 4) return void (conn.text = text);
    conn.opened = true;
    opening.onOpen();
    text = text.slice(end + 4);
  }
  let last = 0;
  STAMP.lastIndex = 0;
  for (let m = STAMP.exec(text); m; m = STAMP.exec(text)) {
    last = STAMP.lastIndex;
    received(Number(m[1]), now - Number(m[2]));
  }
  // Keep only what may be the start of a frame split across reads.
  const rest = text.length - last;
  conn.text = rest > 0 ? text.slice(text.length - Math.min(rest, 64)) : '';
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
  port: 0,
  window: 0,
  start: 0,
  onOpen(): void {
    this.inFlight--;
    if (--this.remaining === 0) return void send({ type: 'opened', ms: performance.now() - this.start, failed });
    this.fill();
  },
  fill(): void {
    while (this.pending > 0 && this.inFlight < this.window) {
      this.pending--;
      this.inFlight++;
      connect(this.port);
    }
  },
};

function connect(port: number): void {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  const conn: Conn = { socket, opened: false, text: '' };
  conns.add(conn);
  socket.on('connect', () => socket.write(REQUEST));
  socket.on('data', (chunk: Buffer) => onData(conn, chunk));
  socket.on('error', () => {});
  socket.on('close', () => {
    conns.delete(conn);
    if (!conn.opened && opening.remaining > 0) {
      // Refused or reset while connecting: counted, and retried so that the phase still reaches n.
      failed++;
      opening.inFlight--;
      opening.pending++;
      setTimeout(() => opening.fill(), 10);
    }
  });
}

process.on('message', (m: Request) => {
  if (m.type === 'exit') process.exit(0);
  if (m.type === 'open') {
    failed = 0;
    Object.assign(opening, { pending: m.n, inFlight: 0, remaining: m.n, port: m.port, window: m.window, start: performance.now() });
    opening.fill();
  } else if (m.type === 'close') {
    opening.remaining = 0;
    for (const conn of conns) conn.socket.destroy();
    conns.clear();
    seen.clear();
    send({ type: 'closed' });
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
