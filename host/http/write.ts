// The one place a response head and body are written. Every writer first "commits" the event, so a
// second write is caught here, logged, and ignored instead of throwing ERR_HTTP_HEADERS_SENT at a user.
import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import { logError } from '../log.ts';
import type { WebEvent } from './webevent.ts';

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

/** Writes a complete response. The caller has committed. */
export function writeBody(event: WebEvent, status: number, contentType: string, body: string | Buffer): void {
  const head = responseHeaders(event);
  head['content-type'] = contentType;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  head['content-length'] = length;
  event.Response.ContentLength = length;
  event.Response.StatusCode = status;
  event.Response.raw.writeHead(status, event.Response.StatusDescription, head);
  event.Response.raw.end(body);
}

/** Ends a response nobody wrote: the status set so far, queued headers, no body. The caller has committed. */
export function writeEmpty(event: WebEvent): void {
  const head = responseHeaders(event);
  head['content-length'] = 0;
  event.Response.ContentLength = 0;
  event.Response.raw.writeHead(event.Response.StatusCode, event.Response.StatusDescription, head);
  event.Response.raw.end();
}

/**
 * A short error body: JSON `{ status, message }` for clients that accept JSON, else plain text.
 * Never a stack trace. The caller has committed.
 */
export function writeError(event: WebEvent, status: number, message?: string): void {
  const text = message ?? event.Response.StatusDescription ?? STATUS_CODES[status] ?? 'Error';
  const accept = event.Request.Headers.accept;
  if (accept !== undefined && accept.includes('json')) {
    writeBody(event, status, 'application/json; charset=utf-8', JSON.stringify({ status, message: text }));
  } else {
    writeBody(event, status, 'text/plain; charset=utf-8', `${status} ${text}`);
  }
}
