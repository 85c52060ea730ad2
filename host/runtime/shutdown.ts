// SIGINT/SIGTERM and Close-PodeServer end the same way: a graceful stop. Under `podets serve` the process
// then exits 0; a script run with plain node/tsx (StartPodeServer as a library) gets its
// `await StartPodeServer(…)` resolved instead, runs the lines after it, and ends when nothing is left to do.
import { logInfo, logException } from '../log.ts';
import type { PodeServer } from './server.ts';

let signalsInstalled = false;

/** SIGINT and SIGTERM stop `server` gracefully (once per process: a process serves one server). */
export function stopOnSignals(server: PodeServer): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const stop = (signal: string) => {
    // Pode's terminatingMessage, what its console shows when Ctrl+C stops it; podets adds the signal.
    logInfo(`Terminating... (${signal})`);
    server.stop().catch((err) => logException('Stopping the server', err));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** `podets serve`: signals stop the server, and a stopped server ends the process with 0. */
export function exitWhenStopped(server: PodeServer): void {
  stopOnSignals(server);
  server.closed().then(() => process.exit(0));
}

/**
 * The server never dies from one request, timer or handler: stray async errors are logged, not fatal.
 * Output that is gone (the pipe of a process manager or of `| head` closed: EPIPE) is dropped: left
 * unhandled, its error would be an uncaught exception whose log line fails the same way, for ever.
 */
export function keepAliveOnStrayErrors(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => stream.destroy());
  process.on('unhandledRejection', (reason) => logException('Unhandled promise rejection', reason));
  process.on('uncaughtException', (err) => logException('Uncaught exception', err));
}
