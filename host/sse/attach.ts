// X-PODE-SSE-CLIENT-ID (+ -NAME, -GROUP) on a normal request: validated, then exposed as $WebEvent.Sse so
// `Send-PodeSseEvent -FromEvent` in that route reaches the client's own global connection.
import { errors } from '../errors/catalog.ts';
import type { WebEvent } from '../http/webevent.ts';
import type { SseEngine } from './engine.ts';
import { fromHeaderValue } from './head.ts';
import { isClientIdValid } from './signing.ts';

/** The header's (first) value, percent-decoded as podets encodes these headers (see head.ts). */
const first = (v: string | string[] | undefined) => {
  const text = Array.isArray(v) ? v[0] : v;
  return text === undefined ? undefined : fromHeaderValue(text);
};

export function attachSseReference(engine: SseEngine, event: WebEvent): void {
  const headers = event.Request.Headers;
  const clientId = first(headers['x-pode-sse-client-id']);
  if (clientId === undefined || event.Sse) return;
  const req = event.Request;
  const key = engine.settings.keyFor({ userAgent: req.UserAgent, ip: req.RemoteIPAddress });
  if (!isClientIdValid(clientId, key)) throw errors.SseInvalidClientId('', { clientId });
  event.Sse = {
    Name: first(headers['x-pode-sse-name']) ?? null,
    Group: first(headers['x-pode-sse-group']) ?? null,
    ClientId: clientId,
    LastEventId: null,
    IsLocal: false,
    IsGlobal: true,
  };
}
