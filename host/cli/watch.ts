// `podets serve --watch`: the server runs in a child process that is replaced when the script or a file
// beside it changes. A fresh process means a fresh module graph; the old child is stopped with SIGTERM,
// so its SSE clients get `pode.close` and in-flight requests finish first.
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logInfo } from '../log.ts';

const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));
const IGNORED = /(^|[/\\])(node_modules|\.git)([/\\]|$)/;
const DEBOUNCE_MS = 150;

export async function watchAndRestart(script: string, args: string[]): Promise<void> {
  const folder = dirname(resolve(script));
  let child: ChildProcess | undefined;
  let restarting = false;
  let stopping = false;

  const start = () => {
    child = spawn(process.execPath, [BIN, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => {
      if (!restarting && stopping) process.exit(code ?? 0);
    });
  };
  const stopChild = () =>
    new Promise<void>((done) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });

  let timer: NodeJS.Timeout | undefined;
  watch(folder, { recursive: true }, (_event, file) => {
    if (file && IGNORED.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      restarting = true;
      logInfo(`Change detected${file ? ` in ${file}` : ''}: restarting`);
      await stopChild();
      restarting = false;
      if (!stopping) start();
    }, DEBOUNCE_MS);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, async () => {
      stopping = true;
      await stopChild();
      process.exit(0);
    });
  start();
  await new Promise(() => {}); // runs until a signal
}
