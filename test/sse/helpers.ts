// Shared by the SSE end-to-end suites: the fixture servers (served by the real CLI through
// test/helpers/serve.ts, or in this process through test/helpers/embedded.ts), a raw HTTP/1.1 client on node:net that keeps the exact response bytes, JSON
// calls to the fixtures' control routes, and builders for the frames a test expects on the wire.
import http from 'node:http';
import net from 'node:net';
import { resolve } from 'node:path';
import { serveEmbedded, type EmbeddedOptions, type EmbeddedScript } from '../helpers/embedded.ts';
import { repoRoot, start, type ServedScript, type StartOptions } from '../helpers/serve.ts';

export type { ServedScript } from '../helpers/serve.ts';
export type { EmbeddedScript } from '../helpers/embedded.ts';

/** What the clients below need of a server, whoever serves it: its URL (`http://127.0.0.1:<port>/`). */
export interface Served {
  readonly url: string;
}

export const sseFixture = (name: string) => resolve(repoRoot, 'test/fixtures/sse', name);

/** Serves test/fixtures/sse/<name> with the real CLI (`--port 0` plus `args`). */
export function serveSse(name: string, args: string[] = [], options: StartOptions = {}): Promise<ServedScript> {
  return start(sseFixture(name), args, options);
}

/** Serves test/fixtures/sse/<name> in this process, with createPodeServer's options (`{ sseHistory: 10 }`). */
export function serveSseEmbedded(name: string, options: EmbeddedOptions = {}): Promise<EmbeddedScript> {
  return serveEmbedded(sseFixture(name), options);
}

// ---- Expected wire bytes ------------------------------------------------------------------------

/** One event as podets frames it: `id:`, `event:`, one `data:` line per line, a blank line. */
export function frame(fields: { id?: string; event?: string; data: string }): string {
  let text = '';
  if (fields.id) text += `id: ${fields.id}\n`;
  if (fields.event) text += `event: ${fields.event}\n`;
  for (const line of fields.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return text + '\n';
}

export const openFrame = (clientId: string, group: string, name: string) =>
  `event: pode.open\ndata: ${JSON.stringify({ clientId, group, name })}\n\n`;
export const CLOSE_FRAME = 'event: pode.close\ndata: \n\n';

/**
 * The `id:` values in an SSE body, in order. With history on, automatic ids are positions: microseconds since
 * the Unix epoch, one more when the clock has not moved (host/sse/seq.ts), so tests read them off the wire.
 */
export const idsOf = (body: string): string[] => [...body.matchAll(/^id: (.*)$/gm)].map((m) => m[1]!);

/** Automatic ids strictly increase, and each is a time in microseconds near now (within a minute). */
export function expectPositions(ids: readonly string[]): void {
  for (let i = 0; i < ids.length; i++) {
    const n = Number(ids[i]);
    if (!Number.isSafeInteger(n) || Math.abs(n / 1000 - Date.now()) > 60_000) throw new Error(`id ${ids[i]} is not a position (microseconds near now)`);
    if (i > 0 && !(n > Number(ids[i - 1]))) throw new Error(`ids do not strictly increase: ${ids.join(', ')}`);
  }
}
export const PING_FRAME = 'event: pode.ping\ndata: \n\n';

// ---- JSON calls to the fixtures' control routes ------------------------------------------------

export interface JsonReply<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: T;
}

/**
 * One request on its own connection (`Connection: close`, no keep-alive pool), so no idle socket is left
 * behind to hold up the server's graceful stop.
 */
export function call<T = any>(
  server: Served,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonReply<T>> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const all: Record<string, string> = { ...headers };
  if (payload !== undefined) {
    all['content-type'] = 'application/json';
    all['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, server.url), { method, headers: all, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export const post = <T = any>(server: Served, path: string, body: unknown = {}, headers?: Record<string, string>) =>
  call<T>(server, 'POST', path, body, headers);
export const get = <T = any>(server: Served, path: string, headers?: Record<string, string>) => call<T>(server, 'GET', path, undefined, headers);

// ---- A raw HTTP/1.1 client ----------------------------------------------------------------------

export interface RawRequest {
  method?: string;
  path: string;
  /** Extra headers; a null value leaves out a default one (Accept: text/event-stream, User-Agent). */
  headers?: Record<string, string | null>;
  body?: string;
  /** Stop reading at once (a client that never reads). */
  paused?: boolean;
  /** Sees each piece of decoded body as it arrives. */
  onBody?: (chunk: Buffer) => void;
  /** False: pass the body to onBody but do not keep it (for streams of megabytes). */
  keepBody?: boolean;
}

const clients = new Set<RawHttp>();

/** Destroys every raw client still open (call it in afterEach). */
export function closeAllClients(): void {
  for (const c of clients) c.close();
  clients.clear();
}

/**
 * Writes the request bytes itself and keeps everything it receives: the response head as sent and the
 * body with the chunked framing removed (decoded incrementally, so megabytes stay linear). Tests await
 * conditions on the body ("until it contains X") instead of sleeping.
 */
export class RawHttp {
  /** The response head exactly as received, up to and including the blank line; '' until it arrives. */
  head = '';
  status = 0;
  /** Response headers, names lower-cased; repeated ones joined with ', '. */
  headers: Record<string, string> = {};
  /** True once the socket has closed. */
  closed = false;
  /** True once the body is complete: the terminating chunk, or Content-Length bytes. */
  complete = false;

  private raw: Buffer = Buffer.alloc(0); // bytes before the head is complete
  private pending: Buffer = Buffer.alloc(0); // undecoded chunked bytes
  private parts: Buffer[] = [];
  private mode: 'chunked' | 'length' | 'close' = 'close';
  private remaining = 0;
  private waiters: (() => void)[] = [];
  private onBody: ((chunk: Buffer) => void) | undefined;
  private keepBody = true;

  private constructor(readonly socket: net.Socket) {
    clients.add(this);
    socket.on('data', (d: Buffer) => {
      this.receive(d);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      clients.delete(this);
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects to the server and writes the request; resolves once the request is on its way. */
  static async open(server: Served | string, request: RawRequest): Promise<RawHttp> {
    const url = new URL(typeof server === 'string' ? server : server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawHttp(socket);
    client.onBody = request.onBody;
    client.keepBody = request.keepBody ?? true;
    if (request.paused) socket.pause();
    const headers: Record<string, string | null> = {
      Host: url.host,
      Accept: 'text/event-stream',
      'User-Agent': 'podets-raw-test',
      ...request.headers,
    };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
    let text = `${request.method ?? 'GET'} ${request.path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) if (value !== null) text += `${name}: ${value}\r\n`;
    socket.write(text + '\r\n' + (request.body ?? ''));
    return client;
  }

  /** Opens an SSE GET and resolves once its response head has arrived. */
  static async sse(server: Served, path: string, headers: Record<string, string | null> = {}, paused = false): Promise<RawHttp> {
    const client = await RawHttp.open(server, { path, headers, paused });
    if (!paused) await client.headReady();
    return client;
  }

  /** The body so far (chunked framing removed), as UTF-8. */
  body(): string {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts.length ? this.parts[0]!.toString('utf8') : '';
  }

  /** The X-Pode-Sse-Client-Id the server gave this connection. */
  get clientId(): string {
    return this.headers['x-pode-sse-client-id'] ?? '';
  }

  headReady(timeoutMs = 10000): Promise<void> {
    return this.waitFor(() => this.head !== '', 'the response head', timeoutMs).then(() => undefined);
  }

  /** Resolves with the body once it contains `text` at or after `from`. */
  async until(text: string, from = 0, timeoutMs = 10000): Promise<string> {
    await this.waitFor(() => this.body().indexOf(text, from) >= 0, JSON.stringify(text), timeoutMs);
    return this.body();
  }

  /** Resolves once `test` holds, checked whenever bytes arrive. */
  untilState(test: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    return this.waitFor(test, what, timeoutMs);
  }

  /** Resolves once the server has closed the connection (or ended the body). */
  async ended(timeoutMs = 10000): Promise<string> {
    await this.waitFor(() => this.closed || this.complete, 'the end of the response', timeoutMs, true);
    return this.body();
  }

  close(): void {
    this.socket.destroy();
    clients.delete(this);
  }

  private waitFor(test: () => boolean, what: string, timeoutMs: number, endOk = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (test()) {
          clearTimeout(timer);
          return resolve();
        }
        if (!endOk && (this.closed || this.complete)) {
          clearTimeout(timer);
          return reject(new Error(`the connection ended before ${what}; head: ${JSON.stringify(this.head)}; body: ${JSON.stringify(this.body())}`));
        }
        this.waiters.push(check);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no ${what} within ${timeoutMs}ms; head: ${JSON.stringify(this.head)}; body: ${JSON.stringify(this.body())}`));
      }, timeoutMs);
      check();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private receive(d: Buffer): void {
    if (this.head === '') {
      const all = this.raw.length ? Buffer.concat([this.raw, d]) : d;
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        this.raw = all;
        return;
      }
      this.raw = Buffer.alloc(0);
      this.parseHead(all.toString('latin1', 0, end + 4));
      d = all.subarray(end + 4);
    }
    if (this.mode === 'chunked') this.receiveChunked(d);
    else if (this.mode === 'length') {
      const take = d.subarray(0, this.remaining);
      this.push(take);
      this.remaining -= take.length;
      if (this.remaining === 0) this.complete = true;
    } else this.push(d);
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    this.status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1] ?? 0);
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      this.headers[name] = name in this.headers ? `${this.headers[name]}, ${value}` : value;
    }
    if (/chunked/i.test(this.headers['transfer-encoding'] ?? '')) this.mode = 'chunked';
    else if (this.headers['content-length'] !== undefined) {
      this.mode = 'length';
      this.remaining = Number(this.headers['content-length']);
      if (this.remaining === 0) this.complete = true;
    }
    this.head = head; // last: a waiter for the head then sees the parsed fields too
  }

  private receiveChunked(d: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    for (;;) {
      const eol = buf.indexOf('\r\n');
      if (eol < 0) break;
      const size = parseInt(buf.toString('latin1', 0, eol), 16);
      if (size === 0) {
        this.complete = true;
        buf = Buffer.alloc(0);
        break;
      }
      if (!(size > 0) || buf.length < eol + 2 + size + 2) break;
      this.push(buf.subarray(eol + 2, eol + 2 + size));
      buf = buf.subarray(eol + 2 + size + 2);
    }
    this.pending = buf.length ? Buffer.from(buf) : buf;
  }

  private push(b: Buffer): void {
    if (b.length === 0) return;
    if (this.keepBody) this.parts.push(b);
    this.onBody?.(b);
  }
}
