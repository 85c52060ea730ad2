// Picks the transport for a taken-over response, once: by the HTTP version and method of its request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { isHttp2 } from '../version.ts';
import { H1Transport } from './h1.ts';
import { H2Transport } from './h2.ts';
import { ResponseTransport } from './response.ts';
import type { Transport } from './types.ts';

export type { SharedChunk, Transport, TransportOwner } from './types.ts';
export { chunkOf, forgetChunk } from './h1.ts';

/**
 * HTTP/2: the request's stream. HTTP/1.1 with a body: the socket, in chunks. HEAD (no body) and HTTP/1.0
 * (no chunks): node's response object. The head is not sent yet: see Transport.open.
 */
export function transportFor(req: IncomingMessage, res: ServerResponse): Transport {
  if (req.method === 'HEAD') return new ResponseTransport(res);
  if (isHttp2(req)) return new H2Transport(res as unknown as Http2ServerResponse);
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && res.socket) return new H1Transport(res);
  return new ResponseTransport(res);
}
