// X-PODE-SSE-CLIENT-ID (+ -NAME, -GROUP) on a normal request, checked in Pode's order: PodeHttpRequestStrategy.cs
// (an empty id is no reference; no Name is a 400; the Group header is split on commas; no such connection is a
// 404), then WebServer.ps1 (an id that is not valid is a 400). $WebEvent.Sse is then that connection, so
// `Send-PodeSseEvent -FromEvent` in the route reaches the client's own global connection.
import { errors } from '../errors/catalog.ts';
import type { WebEvent } from '../http/webevent.ts';
import type { SseConnection } from './connection.ts';
import type { SseEngine, SseReference } from './engine.ts';
import { fromHeaderValue } from './head.ts';
import { isClientIdValid } from './signing.ts';

/** The header's text as node gives it (a repeated one is joined with ", "). */
const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? ''));

/** The connection each request's headers named: Pode's `$WebEvent.Request.ServerEvent` before any conversion. */
const named = new WeakMap<WebEvent, SseConnection | SseReference>();

export function attachSseReference(engine: SseEngine, event: WebEvent): void {
  const headers = event.Request.Headers;
  // Values are read percent-decoded, as podets encodes them in the response head (head.ts).
  const clientId = fromHeaderValue(text(headers['x-pode-sse-client-id']));
  if (clientId === '' || event.Sse) return;
  const name = fromHeaderValue(text(headers['x-pode-sse-name']));
  if (name === '') throw errors.SseHeaderNameMissing('');
  // Split before decoding: an encoded comma (%2C) stays inside its group.
  const groups = text(headers['x-pode-sse-group'])
    .split(',')
    .filter((g) => g !== '')
    .map(fromHeaderValue);
  const conn = engine.connectionFor(name, clientId, groups);
  if (conn === undefined) throw errors.SseHeaderConnectionNotFound('', { name, groups, clientId });
  const req = event.Request;
  const key = engine.settings.keyFor({ userAgent: req.UserAgent, ip: req.RemoteIPAddress });
  if (!isClientIdValid(clientId, key)) throw errors.SseInvalidClientId('', { clientId });
  named.set(event, conn);
  event.Sse = conn;
}

/**
 * The request's SSE connection as Pode's PodeHttpRequestStrategy.ServerEvent has it: the one its headers
 * named, else the one it converted to.
 */
export function requestConnection(event: WebEvent): SseConnection | SseReference | undefined {
  return named.get(event) ?? (event.Sse as SseConnection | null) ?? undefined;
}
