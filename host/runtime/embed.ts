// createPodeServer: podets inside an app that already has its server (node:http, node:https, Express,
// Fastify). The block registers routes, SSE and timers on a server of its own; the app listens and hands
// requests to `pode.handler`; `pode.run` calls cmdlets against this server from anywhere (an Express
// route, a queue consumer). Several can live in one process: each keeps its own routes, connections,
// history and settings, because cmdlets find their server in the ambient context.
import { InvalidArgumentError } from 'commander';
import { errors } from '../errors/catalog.ts';
import { checkEmbeddedOptions, type EmbeddedOptionValues } from '../cli/serve-options.ts';
import type { PodeRequestHandler } from '../http/handler.ts';
import { logException } from '../log.ts';
import { runAmbient } from './ambient.ts';
import { connectBackplane } from './backplane.ts';
import { composeServer } from './compose.ts';
import type { PodeServer } from './server.ts';

const COMMAND = 'createPodeServer';

/** The options of `podets serve`, camelCase (`sseHistory: 100` is `--sse-history 100`), and the root path. */
export interface PodeServerOptions extends EmbeddedOptionValues {
  /** Where views/ and relative paths are resolved from (default: the current directory). */
  rootPath?: string;
}

export interface PodeApp {
  /** `(req, res, next?)`: podets' routes and SSE; a request podets has no route for goes to `next()`, else 404. */
  readonly handler: PodeRequestHandler;
  /** Runs `fn` against this server: cmdlets inside it (SendPodeSseEvent…) reach this server's connections. */
  run<R>(fn: () => R): R;
  /** pode.close to every stream, timers and schedules stop, the backplane is left; resolves when done. */
  close(): Promise<void>;
  /** The server object, for what the API above does not cover. */
  readonly server: PodeServer;
}

export async function createPodeServer(block: () => unknown, options: PodeServerOptions = {}): Promise<PodeApp> {
  if (typeof block !== 'function') throw errors.ScriptBlockRequired(COMMAND);
  const { rootPath, ...rest } = options;
  let flags: EmbeddedOptionValues;
  try {
    flags = checkEmbeddedOptions(rest as Record<string, unknown>);
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw errors.InvalidServerOption(COMMAND, { message: err.message });
    throw err;
  }
  const server = composeServer({ rootPath: rootPath ?? process.cwd() }, flags);
  try {
    if (flags.redis) await connectBackplane(server, flags.redis);
    await runAmbient({ server }, block);
    await server.startDetached();
  } catch (err) {
    await server.stop(0).catch((e) => logException('Stopping a server that failed to start', e));
    throw err;
  }
  return {
    get handler() {
      return server.handler;
    },
    run: (fn) => runAmbient({ server }, fn),
    close: () => server.stop(),
    server,
  };
}
