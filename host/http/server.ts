// createPodeHttpServer: the engine's front door. It binds endpoints, hands every request to the
// dispatcher, and closes gracefully: stop accepting, let requests in flight finish within a bound,
// then cut whatever is left (e.g. open SSE connections).
import { clientErrorHandler } from './clienterror.ts';
import { createDispatcher, type DispatchOptions, type DispatchState } from './dispatch.ts';
import { bindServer, createNodeServer, type BoundEndpoint, type EndpointConfig, type NodeServer } from './endpoints.ts';
import { checkingIntervalMs, resolveLimits } from './limits.ts';
import { selfSignedCertificate } from './selfsigned.ts';
import { isHttp2 } from './version.ts';
import type { EndpointInfo } from './webevent.ts';
import http, { type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Session } from 'node:http2';
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
        const server = createNodeServer(config, onRequest, nodeOptions, config.selfSigned ? await selfSignedCertificate(config.address) : undefined);
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
 * What a graceful close must reach besides the server itself. node:http: sockets that connected but have
 * not sent a request yet (closeIdleConnections() does not count them as idle, and fetch opens such spare
 * connections). node:http2 (https endpoints): every TLS socket, how many HTTP/1.1 requests each has in
 * flight (it has no closeIdleConnections), and the HTTP/2 sessions, which are closed with GOAWAY.
 */
interface Tracked {
  /** Set by closeServer: an HTTP/1.1 socket of an http2 server is ended once its last request is. */
  closing: boolean;
  quiet: Set<Socket>;
  /** http2 servers only: every TLS socket, the HTTP/1.1 requests in flight per socket, the HTTP/2 sessions. */
  sockets?: Set<Socket>;
  active?: Map<Socket, number>;
  sessions?: Set<Http2Session>;
}
const tracked = new WeakMap<NodeServer, Tracked>();

export function trackQuietSockets(server: NodeServer): void {
  if (!(server instanceof http.Server)) return trackSecure(server);
  const quiet = new Set<Socket>();
  tracked.set(server, { closing: false, quiet });
  // One shared listener, not a closure per socket: idle SSE servers hold tens of thousands of sockets.
  const forget = function (this: Socket) {
    quiet.delete(this);
  };
  server.on('connection', (socket: Socket) => {
    quiet.add(socket);
    socket.on('close', forget);
  });
  const busy = (req: IncomingMessage) => quiet.delete(req.socket);
  server.on('request', busy);
  server.on('checkContinue', busy); // a request with Expect: 100-continue arrives under this name instead
}

function trackSecure(server: Http2SecureServer): void {
  const t: Required<Tracked> = { closing: false, quiet: new Set(), sockets: new Set(), active: new Map(), sessions: new Set() };
  tracked.set(server, t);
  const forget = function (this: Socket) {
    t.sockets.delete(this);
    t.active.delete(this);
  };
  server.on('secureConnection', (socket: Socket) => {
    t.sockets.add(socket);
    socket.on('close', forget);
  });
  server.on('session', (session: Http2Session) => {
    t.sessions.add(session);
    session.once('close', () => t.sessions.delete(session));
  });
  // HTTP/1.1 requests on the TLS sockets: counted, so a close can end the sockets that have none.
  const begin = (req: IncomingMessage, res: ServerResponse) => {
    if (isHttp2(req)) return;
    const socket = req.socket;
    t.active.set(socket, (t.active.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (!t.sockets.has(socket)) return;
      const left = (t.active.get(socket) ?? 1) - 1;
      t.active.set(socket, left);
      if (left === 0 && t.closing) socket.destroy();
    });
  };
  server.on('request', begin as never);
}

function closeQuiet(server: NodeServer): void {
  const t = tracked.get(server);
  if (server instanceof http.Server) {
    server.closeIdleConnections();
    for (const socket of t?.quiet ?? []) socket.destroy();
    return;
  }
  for (const session of t?.sessions ?? []) if (!session.closed) session.close();
  // An HTTP/1.1 socket with nothing in flight goes now (HTTP/2 ones end with their session, above).
  for (const [socket, active] of t?.active ?? []) if (active === 0) socket.destroy();
}

function closeAll(server: NodeServer): void {
  if (server instanceof http.Server) return server.closeAllConnections();
  const t = tracked.get(server);
  for (const session of t?.sessions ?? []) session.destroy();
  for (const socket of t?.sockets ?? []) socket.destroy();
}

function closeServer(server: NodeServer, graceMs: number): Promise<void> {
  const t = tracked.get(server);
  if (t) t.closing = true;
  return new Promise((resolve) => {
    // The callback fires once every connection is gone; idle ones are swept as requests finish.
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    closeQuiet(server);
    const sweep = setInterval(() => closeQuiet(server), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => closeAll(server), graceMs);
  });
}
