// The composition root: the one place a server is built from options. `podets serve`, StartPodeServer
// and createPodeServer all come through here, so a flag means the same in each.
import type { ServeOptionValues } from '../cli/serve-options.ts';
import { setLogLevel, setQuiet } from '../log.ts';
import { applyServeFlags } from './flags.ts';
import { PodeServer, type ServerOptions } from './server.ts';

/**
 * A server with the options applied (SSE settings, history, limits); throws a PodeError for a combination
 * that cannot work. Logging (logLevel, quiet) is the process's: it goes to one terminal.
 */
export function composeServer(options: ServerOptions, flags: ServeOptionValues = {}): PodeServer {
  if (flags.logLevel) setLogLevel(flags.logLevel);
  if (flags.quiet) setQuiet(true);
  const server = new PodeServer({ ...options, address: options.address ?? flags.address, port: options.port ?? flags.port });
  applyServeFlags(server, flags);
  return server;
}
