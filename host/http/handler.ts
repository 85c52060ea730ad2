// podets' dispatcher for a server the embedding app listens with (createPodeServer's `pode.handler`): a
// node:http or node:https server of its own, or Express. The endpoint a request came in on is read from
// its socket, since podets bound none.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createDispatcher, type DispatchOptions, type DispatchState } from './dispatch.ts';
import type { EndpointInfo } from './webevent.ts';

/** `(req, res, next?)`: podets' routes and SSE; what podets has no route for goes to `next()`, else 404. */
export type PodeRequestHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

export interface EmbeddedDispatch {
  readonly handler: PodeRequestHandler;
  /** Responses from now on ask clients not to reuse their connection (the server is stopping). */
  closing(): void;
}

export function createEmbeddedDispatch(options: DispatchOptions): EmbeddedDispatch {
  const state: DispatchState = { closing: false };
  const handle = createDispatcher(options, state);
  const handler: PodeRequestHandler = (req, res, next) => {
    const socket = req.socket;
    const endpoint: EndpointInfo = {
      address: socket.localAddress ?? '',
      port: socket.localPort ?? 0,
      protocol: (socket as TLSSocket).encrypted === true ? 'https' : 'http',
      name: undefined,
    };
    handle(req, res, endpoint, next);
  };
  return {
    handler,
    closing: () => {
      state.closing = true;
    },
  };
}
