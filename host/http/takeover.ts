// The HTTP layer's explicit take-over of a response, as Fastify's `reply.hijack()`: the handler that takes
// a response over (an SSE connection) owns it from then on. The pipeline neither ends it when the handler
// returns, nor writes a default body, nor answers a later throw with an error page; it only tells the
// owner, once, that the route's handler has settled. What the owner gets is a transport for the body
// (host/http/transport), never node's response object.
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
    res.socket?.setNoDelay(true);
    if (options.keepAliveProbes !== false) res.socket?.setKeepAlive(true);
  }
  return transport;
}
