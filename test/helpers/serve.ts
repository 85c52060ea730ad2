// Runs the real CLI (`node host/cli/bin.js serve <script> --port 0 …`) for end-to-end tests: waits for
// the `Listening on` line, collects stdout/stderr lines, and lets a test wait for a line to appear
// instead of sleeping.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = resolve(repoRoot, 'host/cli/bin.js');
export const fixtureScript = (name: string) => resolve(repoRoot, 'test/fixtures/scripts', name);

export interface StartOptions {
  /** Extra environment variables (NO_COLOR=1 is always set so lines compare as plain text). */
  env?: Record<string, string>;
  /** How long to wait for the Listening line (ms). */
  timeout?: number;
}

export interface ServedScript {
  /** The first endpoint's URL, with the trailing slash: `http://127.0.0.1:40123/`. */
  url: string;
  /** Every `Listening on` URL seen so far, one per endpoint (wait for more with waitForLine). */
  urls: string[];
  stdout: string[];
  stderr: string[];
  /** Resolves with the first line (existing or future) of that stream matching `pattern`, from line `from` on. */
  waitForLine(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  /** SIGTERM, then the exit code once the process has gone. */
  stop(): Promise<number | undefined>;
  readonly process: ResultPromise;
}

type Waiter = { stream: 'stdout' | 'stderr'; pattern: RegExp; resolve: (line: string) => void };

/** Serves `script` (`--port 0` unless `args` names a port) and resolves once it listens. */
export async function start(script: string, args: string[] = [], options: StartOptions = {}): Promise<ServedScript> {
  const portArgs = args.includes('--port') ? [] : ['--port', '0'];
  const child = execa(process.execPath, [cliPath, 'serve', script, ...portArgs, ...args], {
    cwd: repoRoot,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    buffer: false,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const urls: string[] = [];
  let waiters: Waiter[] = [];
  let exited = false;

  const onLine = (stream: 'stdout' | 'stderr', line: string) => {
    (stream === 'stdout' ? stdout : stderr).push(line);
    const m = stream === 'stdout' ? /^Listening on (\S+)$/.exec(line) : null;
    if (m) urls.push(m[1]!);
    waiters = waiters.filter((w) => {
      if (w.stream !== stream || !w.pattern.test(line)) return true;
      w.resolve(line);
      return false;
    });
  };
  splitLines(child.stdout!, (line) => onLine('stdout', line));
  splitLines(child.stderr!, (line) => onLine('stderr', line));

  const waitForLine = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 5000, from = 0): Promise<string> => {
    const seen = (stream === 'stdout' ? stdout : stderr).slice(from).find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`No ${stream} line matching ${pattern} within ${timeoutMs}ms.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`));
      }, timeoutMs);
      const waiter: Waiter = { stream, pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) };
      waiters.push(waiter);
    });
  };

  const exit = child.then((r) => {
    exited = true;
    return r.exitCode;
  });
  const listening = waitForLine('stdout', /^Listening on /, options.timeout ?? 15000);
  const failed = exit.then((code) => {
    throw new Error(`podets serve exited (${code}) before listening.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`);
  });
  await Promise.race([listening, failed]);
  failed.catch(() => {}); // from here on, exiting is the test's business

  return {
    url: urls[0]!,
    urls,
    stdout,
    stderr,
    waitForLine,
    process: child,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      return exit;
    },
  };
}

/** Runs `podets serve` expecting it to end by itself (a script that fails to load, say). */
export async function run(script: string, args: string[] = [], options: { env?: Record<string, string>; timeout?: number } = {}) {
  const portArgs = args.includes('--port') ? [] : ['--port', '0'];
  return execa(process.execPath, [cliPath, 'serve', script, ...portArgs, ...args], {
    cwd: repoRoot,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    timeout: options.timeout ?? 15000,
  });
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      onLine(rest.slice(0, nl).replace(/\r$/, ''));
      rest = rest.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
  });
}
