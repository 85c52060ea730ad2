// Shared by the HTTP tests: a real server on 127.0.0.1:0, raw requests for paths fetch would
// normalise (`/a/../b`), and log capture.
import http from 'node:http';
import net from 'node:net';
import { setLogSink, type LogLevel } from '../../../host/log.ts';
import { Router } from '../../../host/http/router.ts';
import { createPodeHttpServer, type PodeHttpServer, type PodeHttpServerOptions } from '../../../host/http/server.ts';

export interface TestServer {
  url: string;
  port: number;
  server: PodeHttpServer;
  router: Router;
  close(): Promise<void>;
}

export async function startServer(options: Partial<PodeHttpServerOptions> = {}): Promise<TestServer> {
  const router = options.router ?? new Router();
  const server = createPodeHttpServer({ ...options, router });
  const [bound] = await server.listen([{ address: '127.0.0.1', port: 0 }]);
  return { url: bound!.url, port: bound!.port, server, router, close: () => server.close(1000) };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with the path sent exactly as given (fetch would resolve `..` before sending). */
export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Sends `request` byte for byte on a fresh socket and resolves with everything the server sent until it
 * closed the connection (send `Connection: close`, or expect the server to close it). By default our
 * side is ended after the request, which makes node drop a response not written at once: pass
 * `end: false` for answers that take a turn (files, bodies, timeouts).
 */
export function rawExchange(port: number, request: string | Buffer, options: { end?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    // end: false keeps our side open, so only the server can end the exchange.
    if (options.end === false) socket.write(request);
    else socket.end(request);
  });
}

/** A raw connection to drive by hand: what was received so far, and events for more and for the close. */
export interface RawConnection {
  socket: net.Socket;
  received(): string;
  /** Resolves once the received text matches `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  closed: Promise<string>;
}

export function rawConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let waiters: Array<{ pattern: RegExp; done: (t: string) => void }> = [];
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      waiters = waiters.filter((w) => (w.pattern.test(text) ? (w.done(text), false) : true));
    });
    // A reset after the server's answer is one way a refused connection ends; what was received counts.
    socket.on('error', () => {});
    const closed = new Promise<string>((done) => socket.on('close', () => done(text)));
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => text,
        waitFor: (pattern) => (pattern.test(text) ? Promise.resolve(text) : new Promise((done) => waiters.push({ pattern, done }))),
        closed,
      }),
    );
    socket.once('error', reject);
  });
}

/** Splits a raw HTTP/1.1 response into its status line, lower-cased header lines, and body. */
export function parseRaw(response: string): { statusLine: string; headers: Record<string, string>; body: string } {
  const split = response.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = response.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine: statusLine!, headers, body: response.slice(split + 4) };
}

export interface CapturedLog {
  lines: { level: LogLevel; line: string }[];
  restore(): void;
  text(): string;
}

/** Captures log lines until restore(); colour codes are stripped for easy matching. */
export function captureLog(): CapturedLog {
  const lines: { level: LogLevel; line: string }[] = [];
  // eslint-disable-next-line no-control-regex
  const old = setLogSink((level, line) => lines.push({ level, line: line.replace(/\x1b\[[0-9;]*m/g, '') }));
  return { lines, restore: () => void setLogSink(old), text: () => lines.map((l) => l.line).join('\n') };
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` passes (for effects that land just after a response, like log hooks). */
export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await delay(5);
  }
}
