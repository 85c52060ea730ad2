// createPodeHttpServer: the engine's front door. It binds endpoints, hands every request to the
// dispatcher, and closes gracefully: stop accepting, let requests in flight finish within a bound,
// then cut whatever is left (e.g. open SSE connections).
import { clientErrorHandler } from './clienterror.ts';
import { createDispatcher, type DispatchOptions, type DispatchState } from './dispatch.ts';
import { bindServer, createNodeServer, type BoundEndpoint, type EndpointConfig, type NodeServer } from './endpoints.ts';
import { checkingIntervalMs, resolveLimits } from './limits.ts';
import type { EndpointInfo } from './webevent.ts';
import https from 'node:https';
import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface PodeHttpServerOptions extends DispatchOptions {
  /** Time to receive a whole request, head and body, in ms (default 30 s, Pode's; 408 after it; 0 = none). */
  requestTimeoutMs?: number;
  /** Time to receive the head, in ms (default: the request timeout, which it may not exceed; 0 = none of its own). */
  headersTimeoutMs?: number;
}

export interface PodeHttpServer {
  /** Binds the endpoints (may be called again to add more); resolves with what was actually bound. */
  listen(endpoints: EndpointConfig[]): Promise<BoundEndpoint[]>;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then destroys the remaining connections. */
  close(graceMs?: number): Promise<void>;
  readonly endpoints: readonly BoundEndpoint[];
  readonly listening: boolean;
}

/** How often idle keep-alive connections are swept while closing, so close() ends soon after the last response. */
const IDLE_SWEEP_MS = 20;

export function createPodeHttpServer(options: PodeHttpServerOptions): PodeHttpServer {
  const state: DispatchState = { closing: false };
  const limits = resolveLimits(options);
  const handle = createDispatcher(options, state);
  // Set on purpose rather than left to node's defaults (5 min for a request, 1 min for its head, looked
  // at every 30 s): a client trickling its request holds memory and a socket for no more than this.
  const nodeOptions: ServerOptions = {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    connectionsCheckingInterval: checkingIntervalMs(limits),
  };
  const onClientError = clientErrorHandler(limits);
  const servers: NodeServer[] = [];
  const bound: BoundEndpoint[] = [];

  async function listen(endpoints: EndpointConfig[]): Promise<BoundEndpoint[]> {
    state.closing = false;
    const started: NodeServer[] = [];
    const result: BoundEndpoint[] = [];
    try {
      for (const config of endpoints) {
        // Filled in once bound: the dispatcher reads it per request, so the real port shows in WebEvent.Endpoint.
        const info: EndpointInfo = { address: '', port: 0, protocol: config.protocol ?? 'http', name: config.name };
        const onRequest = (req: IncomingMessage, res: ServerResponse) => handle(req, res, info);
        const server = createNodeServer(config, onRequest, nodeOptions);
        // Without this listener node answers 100 Continue before podets has looked at the request, and
        // a client would send a body that is then refused; the dispatcher sends it when it accepts one.
        server.on('checkContinue', onRequest);
        server.on('clientError', onClientError);
        trackQuietSockets(server);
        const endpoint = await bindServer(server, config);
        started.push(server);
        info.address = endpoint.address;
        info.port = endpoint.port;
        result.push(endpoint);
      }
    } catch (err) {
      await Promise.all(started.map((s) => closeServer(s, 0)));
      throw err;
    }
    servers.push(...started);
    bound.push(...result);
    return result;
  }

  async function close(graceMs = 5000): Promise<void> {
    state.closing = true;
    const closing = servers.splice(0);
    bound.length = 0;
    await Promise.all(closing.map((s) => closeServer(s, graceMs)));
  }

  return {
    listen,
    close,
    get endpoints() {
      return bound;
    },
    get listening() {
      return servers.length > 0;
    },
  };
}

/**
 * Sockets that connected but have not sent a request yet. closeIdleConnections() does not count them as
 * idle (fetch opens such spare connections), and a graceful close would otherwise wait out the full grace.
 */
const quietSockets = new WeakMap<NodeServer, Set<Socket>>();

export function trackQuietSockets(server: NodeServer): void {
  const quiet = new Set<Socket>();
  quietSockets.set(server, quiet);
  // One shared listener, not a closure per socket: idle SSE servers hold tens of thousands of sockets.
  const forget = function (this: Socket) {
    quiet.delete(this);
  };
  server.on(server instanceof https.Server ? 'secureConnection' : 'connection', (socket: Socket) => {
    quiet.add(socket);
    socket.on('close', forget);
  });
  const busy = (req: IncomingMessage) => quiet.delete(req.socket);
  server.on('request', busy);
  server.on('checkContinue', busy); // a request with Expect: 100-continue arrives under this name instead
}

function closeQuiet(server: NodeServer): void {
  server.closeIdleConnections();
  for (const socket of quietSockets.get(server) ?? []) socket.destroy();
}

function closeServer(server: NodeServer, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    // The callback fires once every connection is gone; idle ones are swept as requests finish.
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    closeQuiet(server);
    const sweep = setInterval(() => closeQuiet(server), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  });
}
