// The HTTP layer's explicit take-over of a response, as Fastify's `reply.hijack()`: the handler that takes
// a response over (an SSE connection) owns it from then on. The pipeline neither ends it when the handler
// returns, nor writes a default body, nor answers a later throw with an error page; it only tells the
// owner, once, that the route's handler has settled. What the owner gets is a transport for the body
// (host/http/transport), never node's response object.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Transport } from './transport/index.ts';
import { transportFor } from './transport/index.ts';
import { ambient } from '../runtime/ambient.ts';
import { isHttp2 } from './version.ts';
import type { WebEvent } from './webevent.ts';

export interface TakeOverOptions {
  /** Exactly the head to send: what the route queued before is dropped (Pode does the same for SSE). */
  headers: Record<string, string>;
  /** Called once when the route's handler has settled (returned, resolved or thrown). */
  settled?: () => void;
  /**
   * TCP keep-alive probes on the socket (HTTP/1.1): how a vanished peer is found when nothing else writes to
   * it. Setting them is a system call per connection, so a caller with its own heartbeat passes false.
   */
  keepAliveProbes?: boolean;
}

/** Whether the response is still the HTTP layer's to give away: nothing of it has been written. */
export function canTakeOver(event: WebEvent): boolean {
  return !event.ended && !event.Response.raw.headersSent;
}

/** Takes the response over and sends its head (status 200); the body is the caller's, through the transport. */
export function takeOver(event: WebEvent, options: TakeOverOptions): Transport {
  const res = event.Response.raw;
  const req = event.Request.raw;
  event.ended = true;
  event.takenOver = true;
  event.onSettled = options.settled ?? null;
  event.Response.StatusCode = 200;
  res.statusCode = 200; // what the request log reports
  ambient()?.server?.metrics.takenOver(res); // counted now, as Pode counts it when the route returns
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const transport = transportFor(req, res);
  transport.open(200, options.headers);
  // A long-lived HTTP/1.1 stream: small frames must not wait for Nagle. An HTTP/2 stream shares its
  // session's socket, which is not this response's to tune.
  if (!isHttp2(req)) {
    const socket = res.socket;
    socket?.setNoDelay(true);
    if (options.keepAliveProbes !== false) socket?.setKeepAlive(true);
    if (socket && !socket.destroyed) {
      (res as Marked)[STREAM] = true;
      socket.prependListener('close', endStreamRequest);
    }
  }
  return transport;
}

/** Marks a taken-over response (a symbol, not a WeakSet entry: no ephemeron per stream for the GC). */
const STREAM = Symbol('podets.takenOver');
type Marked = ServerResponse & { [STREAM]?: true };

/**
 * A taken-over response never finishes through node, so when its socket closes node destroys the request
 * with an ECONNRESET error ('aborted', _http_server.js abortIncoming), and destroying a stream reads that
 * error's stack (destroy.js checkError): formatted, and under tsx (source maps on for users' scripts) looked
 * up in a source map frame by frame, about 8 µs of every SSE disconnect. Run first on the socket's 'close',
 * this destroys the request without an error, so node's destroy finds it done and formats nothing. Nothing
 * is lost: the client is gone, and nothing listens for errors on a taken-over request (its body, if any, was
 * read before the route ran). Shared by every socket: no closure per connection.
 */
function endStreamRequest(this: Socket): void {
  const res = (this as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  // The socket may have served later requests after the stream ended (keep-alive): only a stream's own request.
  if (res == null || (res as Marked)[STREAM] !== true) return;
  const req = res.req;
  if (req !== undefined && !req.destroyed) req.destroy();
}
