// The one place a response head and body are written. Every writer first "commits" the event, so a
// second write is caught here, logged, and ignored instead of throwing ERR_HTTP_HEADERS_SENT at a user.
import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import { logError } from '../log.ts';
import { hasBody } from './body.ts';
import type { WebEvent } from './webevent.ts';
import { isHttp2 } from './version.ts';

/**
 * Claims the response for one write. False (and an error logged) when it was already written,
 * by our helpers or by someone using the raw ServerResponse.
 */
export function commit(event: WebEvent, what: string): boolean {
  const res = event.Response.raw;
  if (event.ended || res.headersSent || res.writableEnded) {
    event.ended = true;
    logError(`${what}: the response to ${event.Method.toUpperCase()} ${event.Path} has already been sent; this write is ignored.`);
    return false;
  }
  event.ended = true;
  return true;
}

/** The head to send: headers queued on Response.Headers, then ours on top. */
export function responseHeaders(event: WebEvent): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const queued = event.Response.Headers;
  for (const key in queued) out[key] = queued[key];
  return out;
}

/**
 * Writes the status line and head. The reason phrase is always given: left out, node keeps the one a
 * refused earlier writeHead stored (a 200 whose queued header was invalid), and the error that
 * replaces it would go out as `500 OK`.
 */
export function writeHead(event: WebEvent, status: number, head: OutgoingHttpHeaders): void {
  event.Response.StatusCode = status;
  // HTTP/2 has no reason phrase: node would warn and drop it.
  if (isHttp2(event.Request.raw)) event.Response.raw.writeHead(status, head);
  else event.Response.raw.writeHead(status, event.Response.StatusDescription ?? STATUS_CODES[status] ?? 'unknown', head);
}

/** Writes a complete response. The caller has committed. */
export function writeBody(event: WebEvent, status: number, contentType: string, body: string | Buffer, head = responseHeaders(event)): void {
  head['content-type'] = contentType;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  head['content-length'] = length;
  event.Response.ContentLength = length;
  writeHead(event, status, head);
  event.Response.raw.end(body);
}

/** Ends a response nobody wrote: the status set so far, queued headers, no body. The caller has committed. */
export function writeEmpty(event: WebEvent): void {
  const head = responseHeaders(event);
  head['content-length'] = 0;
  event.Response.ContentLength = 0;
  writeHead(event, event.Response.StatusCode, head);
  event.Response.raw.end();
}

/**
 * A short error body: JSON `{ status, message }` for clients that accept JSON, else plain text.
 * Never a stack trace. `nosniff`: the message may quote what the client sent, and no browser should
 * take the page for anything but its declared type. The caller has committed.
 */
export function writeError(event: WebEvent, status: number, message?: string): void {
  const text = message ?? event.Response.StatusDescription ?? STATUS_CODES[status] ?? 'Error';
  const head = responseHeaders(event);
  head['x-content-type-options'] = 'nosniff';
  // A body left unread (refused as too large or for the budget, or sent to a path with no route) is not
  // drained for keep-alive, which would read all of it: the connection closes after the answer instead.
  const req = event.Request.raw;
  if (!req.complete && hasBody(req) && !isHttp2(req)) head['connection'] = 'close';
  const accept = event.Request.Headers.accept;
  if (accept !== undefined && accept.includes('json')) {
    writeBody(event, status, 'application/json; charset=utf-8', JSON.stringify({ status, message: text }), head);
  } else {
    writeBody(event, status, 'text/plain; charset=utf-8', `${status} ${text}`, head);
  }
}
