// Serves a fixture script in this process, through the embedding API (createPodeServer) and a node:http
// server of the test's own, for suites whose subject is not the CLI: no subprocess to start, so they run
// faster. The fixture is the same file `podets serve` would load (test/helpers/serve.ts), with the same
// globals; what it logs and writes with Write-PodeHost is captured as the CLI's stdout/stderr lines would be.
// Endpoints the script adds are not bound (the test's server listens), so endpoint tests stay on the CLI.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import chalk from 'chalk';
import { createPodeServer, type PodeApp, type PodeServerOptions } from '../../index.ts';
import { setLogSink } from '../../host/log.ts';
import { ambient } from '../../host/runtime/ambient.ts';
import { installGlobals, uninstallGlobals } from '../../host/runtime/globals.ts';
import { setHostSink } from '../../host/runtime/hostwrite.ts';
import { loadScript } from '../../host/runtime/load.ts';
import type { PodeServer } from '../../host/runtime/server.ts';

type Stream = 'stdout' | 'stderr';

export interface EmbeddedOptions extends PodeServerOptions {
  /** Environment variables the fixture reads at its top level: set while it loads, then put back. */
  env?: Record<string, string>;
}

export interface EmbeddedScript {
  /** `http://127.0.0.1:<port>/`, with the trailing slash, as the CLI's Listening line gives it. */
  url: string;
  pode: PodeApp;
  /** Lines as `podets serve` would print them: errors and warnings on stderr, the rest on stdout. */
  stdout: string[];
  stderr: string[];
  /** Both streams, in the order written. */
  lines: { stream: Stream; text: string }[];
  /** Resolves with the first line (existing or future) of that stream matching `pattern`, from line `from` on. */
  waitForLine(stream: Stream, pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  /** pode.close(), then the listener closes; the process is left as it was once the last one has closed. */
  close(): Promise<void>;
}

class Capture {
  server: PodeServer | undefined;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly lines: { stream: Stream; text: string }[] = [];
  private rest: Record<Stream, string> = { stdout: '', stderr: '' };
  private waiters: { stream: Stream; pattern: RegExp; from: number; done: (line: string) => void }[] = [];

  /** Text as a stream gets it (newlines included): split into lines as test/helpers/serve.ts splits the CLI's. */
  write(stream: Stream, text: string): void {
    const all = this.rest[stream] + text;
    const parts = all.split('\n');
    this.rest[stream] = parts.pop()!;
    for (const part of parts) this.line(stream, part.replace(/\r$/, ''));
  }

  waitForLine(stream: Stream, pattern: RegExp, timeoutMs = 5000, from = 0): Promise<string> {
    const seen = this[stream].slice(from).find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        fail(new Error(`No ${stream} line matching ${pattern} within ${timeoutMs}ms.\nstdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr.join('\n')}`));
      }, timeoutMs);
      const waiter = { stream, pattern, from, done: (line: string) => (clearTimeout(timer), done(line)) };
      this.waiters.push(waiter);
    });
  }

  private line(stream: Stream, text: string): void {
    const list = this[stream];
    list.push(text);
    this.lines.push({ stream, text });
    this.waiters = this.waiters.filter((w) => {
      if (w.stream !== stream || list.length - 1 < w.from || !w.pattern.test(text)) return true;
      w.done(text);
      return false;
    });
  }
}

// The log and host sinks, the globals and chalk are the process's: swapped when the first capture opens,
// put back when the last one closes. A line goes to the capture of the server it was written for (the
// ambient one); a line written outside any server (node's client errors) goes to every open capture.
const open = new Set<Capture>();
let restore: (() => void) | undefined;

function route(stream: Stream, text: string): void {
  const server = ambient()?.server;
  const own = [...open].filter((c) => c.server === server);
  for (const capture of own.length ? own : open) capture.write(stream, text);
}

function begin(capture: Capture): void {
  if (open.size === 0) {
    const oldLog = setLogSink((level, line) => route(level === 'error' || level === 'warn' ? 'stderr' : 'stdout', line + '\n'));
    const oldHost = setHostSink((text) => route('stdout', text));
    const installed = installGlobals();
    // What NO_COLOR=1 does for the CLI runs: lines compare as plain text.
    const level = chalk.level;
    chalk.level = 0;
    restore = () => {
      setLogSink(oldLog);
      setHostSink(oldHost);
      if (installed) uninstallGlobals();
      chalk.level = level;
    };
  }
  open.add(capture);
}

function end(capture: Capture): void {
  if (!open.delete(capture) || open.size > 0) return;
  restore?.();
  restore = undefined;
}

let instances = 0;

/**
 * Serves `script` (a fixture file, loaded as `podets serve` loads it, rooted at its folder; or a block) on
 * 127.0.0.1 and a free port. Each load of a file is a module of its own, so a fixture's top level runs for
 * every server made from it.
 */
export async function serveEmbedded(script: string | (() => unknown), options: EmbeddedOptions = {}): Promise<EmbeddedScript> {
  const { env, ...serverOptions } = options;
  const capture = new Capture();
  begin(capture);
  let pode: PodeApp;
  const saved = Object.entries(env ?? {}).map(([name, value]) => {
    const old = process.env[name];
    process.env[name] = value;
    return () => (old === undefined ? delete process.env[name] : (process.env[name] = old));
  });
  try {
    const path = typeof script === 'string' ? resolve(script) : undefined;
    pode = await createPodeServer(
      async () => {
        capture.server = ambient()?.server;
        if (typeof script === 'string') await loadScript(path!, String(++instances));
        else await script();
      },
      { rootPath: path ? dirname(path) : undefined, ...serverOptions },
    );
  } catch (err) {
    end(capture);
    throw err;
  } finally {
    for (const put of saved) put();
  }
  const listener = http.createServer(pode.handler);
  await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    pode,
    stdout: capture.stdout,
    stderr: capture.stderr,
    lines: capture.lines,
    waitForLine: (stream, pattern, timeoutMs, from) => capture.waitForLine(stream, pattern, timeoutMs, from),
    close: () =>
      (closing ??= (async () => {
        try {
          await pode.close(); // pode.close to every stream, timers stop, as SIGTERM does under the CLI
          listener.closeAllConnections();
          await new Promise((done) => listener.close(done));
        } finally {
          end(capture);
        }
      })()),
  };
}
