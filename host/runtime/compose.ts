// The composition root: the one place a server is built from options. `podets serve`, StartPodeServer
// and createPodeServer all come through here, so a flag means the same in each.
import type { ServeOptionValues } from '../cli/serve-options.ts';
import { applyServeFlags } from './flags.ts';
import { PodeServer, type ServerOptions } from './server.ts';

/**
 * A server with the options applied (SSE settings, history, limits); throws a PodeError for a combination
 * that cannot work. logLevel and quiet are the server's own (server.log); the CLI sets the process's too.
 */
export function composeServer(options: ServerOptions, flags: ServeOptionValues = {}): PodeServer {
  const server = new PodeServer({ ...options, address: options.address ?? flags.address, port: options.port ?? flags.port });
  if (flags.logLevel) server.log.level = flags.logLevel;
  if (flags.quiet) server.log.quiet = true;
  applyServeFlags(server, flags);
  return server;
}
