// Real sockets for the writer/heartbeat tests: a node:http server that hands each SSE request to the test,
// and a raw `net` client whose reading the test controls (so it can stop reading, like a stuck client).
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { transportFor, type Transport } from '../../../host/http/transport/index.ts';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface TestServer {
  port: number;
  /** The next request the server receives; `on(res)` takes it over and sends the head. */
  next(): Promise<Exchange>;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const arrived: Exchange[] = [];
  const waiting: ((ex: Exchange) => void)[] = [];
  const server = http.createServer((req, res) => {
    const ex = { req, res };
    const resolve = waiting.shift();
    if (resolve) resolve(ex);
    else arrived.push(ex);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    next: () => {
      const ex = arrived.shift();
      return ex ? Promise.resolve(ex) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A raw HTTP/1.1 client: it decodes the chunked body incrementally as it arrives (so a test that streams
 * megabytes stays linear) and lets the test stop reading at will.
 */
export class RawClient {
  private head: Buffer | null = Buffer.alloc(0); // null once the response head has been seen
  private pending: Buffer = Buffer.alloc(0); // undecoded chunked bytes
  private parts: Buffer[] = [];
  private decoded = 0;
  private listeners: (() => void)[] = [];
  ended = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.receive(d);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects and sends an SSE GET; `paused` stops reading at once (a client that never reads). */
  static async connect(port: number, paused = false): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawClient(socket);
    if (paused) socket.pause();
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    return client;
  }

  /** Bytes of body decoded so far. */
  get bodyLength(): number {
    return this.decoded;
  }

  /** The response body received so far (chunked encoding removed), as UTF-8. */
  body(): string {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts.length ? this.parts[0]!.toString('utf8') : '';
  }

  /** Resolves once the body satisfies `test` (or rejects when the socket closes before it does). */
  async waitForBody(test: (body: string) => boolean): Promise<string> {
    for (;;) {
      const body = this.body();
      if (test(body)) return body;
      if (this.ended) throw new Error(`connection closed; body so far: ${JSON.stringify(body)}`);
      await this.changed();
    }
  }

  async waitForBodyLength(n: number): Promise<void> {
    while (this.decoded < n) {
      if (this.ended) throw new Error(`connection closed after ${this.decoded} of ${n} body bytes`);
      await this.changed();
    }
  }

  async waitForEnd(): Promise<void> {
    while (!this.ended) await this.changed();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(d: Buffer): void {
    if (this.head) {
      const all = Buffer.concat([this.head, d]);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        this.head = all;
        return;
      }
      this.head = null;
      d = all.subarray(end + 4);
    }
    let buf = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    for (;;) {
      const eol = buf.indexOf('\r\n');
      if (eol < 0) break;
      const size = parseInt(buf.toString('latin1', 0, eol), 16);
      if (!(size > 0) || buf.length < eol + 2 + size + 2) break;
      this.parts.push(buf.subarray(eol + 2, eol + 2 + size));
      this.decoded += size;
      buf = buf.subarray(eol + 2 + size + 2);
    }
    this.pending = buf;
  }

  private changed(): Promise<void> {
    return new Promise<void>((resolve) => this.listeners.push(resolve));
  }

  private wake(): void {
    const ls = this.listeners;
    this.listeners = [];
    for (const l of ls) l();
  }
}

export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The transport podets would pick for this response (HTTP/1.1 here: chunks straight to the socket), head sent. */
export function on(res: ServerResponse): Transport {
  const transport = transportFor(res.req, res);
  transport.open(200, { 'content-type': 'text/event-stream' });
  return transport;
}
