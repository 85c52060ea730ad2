// Signed SSE client ids, as Pode does them: `s:<clientId>.<Base64(HMAC-SHA256(key, clientId))>`.
// A signed id lets a normal request re-attach to a connection (X-PODE-SSE-CLIENT-ID) without a client
// being able to forge someone else's id.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The request facts a strict signature is bound to (missing ones count as empty, as in Pode). */
export interface StrictContext {
  userAgent?: string | null;
  ip?: string | null;
}

/** `-Strict`: the key also binds the id to the client's User-Agent and IP. */
export function strictKey(secret: string, userAgent: string | null | undefined, ip: string | null | undefined): string {
  return `${secret};${userAgent ?? ''};${ip ?? ''}`;
}

/** The HMAC key in use: the secret, or the strict key when a request context is given. */
export function signingKey(secret: string, strict?: StrictContext): string {
  return strict ? strictKey(secret, strict.userAgent, strict.ip) : secret;
}

function signature(id: string, key: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(id, 'utf8')).digest('base64');
}

/** Always signs (callers decide whether an id is already signed). */
export function signClientId(id: string, secret: string, strict?: StrictContext): string {
  return `s:${id}.${signature(id, signingKey(secret, strict))}`;
}

/**
 * Starts with `s:`, the LAST `.` splits id and signature (ids may contain dots), and the signature matches
 * `key` in constant time. Any malformed input is simply false: this runs on request headers.
 */
export function isValidlySigned(value: unknown, key: string): boolean {
  if (typeof value !== 'string' || !value.startsWith('s:')) return false;
  const dot = value.lastIndexOf('.');
  if (dot < 2) return false;
  const given = Buffer.from(value.slice(dot + 1), 'utf8');
  const expected = Buffer.from(signature(value.slice(2, dot), key), 'utf8');
  // timingSafeEqual throws on unequal lengths; the length of a base64 SHA-256 is public anyway.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Test-PodeSseClientIdValid: empty -> false; signing off (key null) -> valid iff not `s:`-prefixed
 * (a signed-looking id must not be accepted by a server that cannot check it); signing on -> validly signed.
 */
export function isClientIdValid(value: string | null | undefined, signingKeyOrNull: string | null): boolean {
  if (typeof value !== 'string' || value === '') return false;
  if (signingKeyOrNull === null) return !value.startsWith('s:');
  return isValidlySigned(value, signingKeyOrNull);
}

/** A random UUID from the platform's CSPRNG. */
export function newClientId(): string {
  return randomUUID();
}
