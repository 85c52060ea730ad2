// SIGINT/SIGTERM and Close-PodeServer end the same way: a graceful stop, then exit 0.
import { logInfo, logException } from '../log.ts';
import type { PodeServer } from './server.ts';

let installed = false;

export function exitWhenStopped(server: PodeServer): void {
  if (installed) return;
  installed = true;
  const stop = (signal: string) => {
    logInfo(`${signal}: stopping the server`);
    server.stop().catch((err) => logException('Stopping the server', err));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  server.closed().then(() => process.exit(0));
}

/** The server never dies from one request, timer or handler: stray async errors are logged, not fatal. */
export function keepAliveOnStrayErrors(): void {
  process.on('unhandledRejection', (reason) => logException('Unhandled promise rejection', reason));
  process.on('uncaughtException', (err) => logException('Uncaught exception', err));
}
