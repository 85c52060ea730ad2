// Shared by the HTTP tests: a real server on 127.0.0.1:0, raw requests for paths fetch would
// normalise (`/a/../b`), and log capture.
import http from 'node:http';
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
