// What one client may cost the server while its request is received: the size of one body, the bytes
// of all bodies buffered at once, and the time to send the head and the whole request. Defaults and
// the checks between them live here, for the engine and for `podets serve`'s flags alike.
import { errors } from '../errors/catalog.ts';

export interface RequestLimits {
  /** Largest accepted request body, in bytes (413 above it). */
  bodyLimit: number;
  /** Bytes of request bodies buffered at once across all requests (503 for a body that would go over). */
  bodyBudget: number;
  /** Time to receive a whole request, head and body, in ms (408 after it); 0 = no limit. */
  requestTimeoutMs: number;
  /** Time to receive the head, in ms; at most requestTimeoutMs (default: it, or 30 s when that is 0); 0 = no limit of its own. */
  headersTimeoutMs: number;
}

export const MiB = 1024 * 1024;

/** 10 MiB: Pode allows 100MB (Server.Request.BodySize), but a body is buffered whole, so podets is stricter. */
export const DEFAULT_BODY_LIMIT = 10 * MiB;
/** Ten bodies at the default limit; never below the body limit. */
export const DEFAULT_BODY_BUDGET = 100 * MiB;
/** Pode's Server.Request.Timeout: 30 seconds for the request to arrive (src/Private/Context.ps1). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Fills in the defaults and refuses combinations that cannot work. */
export function resolveLimits(given: Partial<RequestLimits> = {}): RequestLimits {
  const bodyLimit = given.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const bodyBudget = given.bodyBudget ?? Math.max(DEFAULT_BODY_BUDGET, bodyLimit);
  const requestTimeoutMs = given.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // With no limit on the whole request (long uploads), the head still has one.
  const headersTimeoutMs = given.headersTimeoutMs ?? (requestTimeoutMs > 0 ? requestTimeoutMs : DEFAULT_REQUEST_TIMEOUT_MS);
  for (const [name, value] of Object.entries({ bodyLimit, bodyBudget, requestTimeoutMs, headersTimeoutMs })) {
    if (!Number.isSafeInteger(value) || value < 0) throw errors.InvalidRequestLimit('', { name, value });
  }
  if (bodyLimit > bodyBudget) throw errors.BodyLimitAboveBudget('', { limit: bodyLimit, budget: bodyBudget });
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) {
    throw errors.HeadersTimeoutAboveRequestTimeout('', { headersSeconds: headersTimeoutMs / 1000, requestSeconds: requestTimeoutMs / 1000 });
  }
  return { bodyLimit, bodyBudget, requestTimeoutMs, headersTimeoutMs };
}

/**
 * How often node looks for requests past their timeout: often enough that a request is cut within a
 * tenth of its timeout (node's own default, 30 s, would let a 30 s timeout run to a minute), and no
 * more than 10 times a second. Only connections still receiving a request are looked at.
 */
export function checkingIntervalMs(limits: RequestLimits): number {
  const timeouts = [limits.requestTimeoutMs, limits.headersTimeoutMs].filter((t) => t > 0);
  if (timeouts.length === 0) return 30_000;
  return Math.min(1000, Math.max(100, Math.floor(Math.min(...timeouts) / 10)));
}
