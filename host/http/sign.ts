// Signed header values (Set-PodeHeader -Secret, Get-PodeHeader -Secret), in Pode's format
// `s:<value>.<Base64(HMAC-SHA256(secret, value))>` — the same one SSE client ids use.
import { isValidlySigned, signClientId, signingKey, type StrictContext } from '../sse/signing.ts';
import type { WebEvent } from './webevent.ts';

/** -Strict binds the signature to the client's User-Agent and IP, as Pode's strict secrets do. */
export function strictContextOf(event: WebEvent): StrictContext {
  return { userAgent: event.Request.UserAgent, ip: event.Request.RemoteIPAddress };
}

export function signValue(value: string, secret: string, strict?: StrictContext): string {
  return signClientId(value, secret, strict);
}

/** The original value, or undefined when `signed` is not validly signed with this secret. */
export function unsignValue(signed: string | undefined, secret: string, strict?: StrictContext): string | undefined {
  if (signed === undefined || !isValidlySigned(signed, signingKey(secret, strict))) return undefined;
  return signed.slice(2, signed.lastIndexOf('.'));
}
