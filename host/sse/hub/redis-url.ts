// The --redis URL: what ioredis takes, plus what podets reads from it (kept apart from redis.ts so the CLI
// can check the URL without loading ioredis).

/** The URL as ioredis takes it, plus what podets reads from it; the password is hidden in `display`. */
export interface BackplaneUrl {
  url: string;
  display: string;
  db: number;
  prefix: string;
  presenceTtlSeconds: number;
  /** A Redis reply outstanding this long (ms) is a stall: the instance delivers locally until Redis answers. */
  stallTimeoutMs: number;
  /** Bytes of sends Redis has not carried back yet before further sends are delivered locally only. */
  maxQueueBytes: number;
  /** Milliseconds a cluster lock (Lock-PodeObject) lives in Redis unless renewed: a crashed holder's lock ends then. */
  lockTtlMs: number;
}

function positiveParam(u: URL, name: string, fallback: number, min: number, what: string): number {
  const text = u.searchParams.get(name);
  u.searchParams.delete(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be ${what} (got '${text}')`);
  return value;
}

export function parseBackplaneUrl(text: string): BackplaneUrl {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error('The Redis URL is not a URL (expected redis://[user:password@]host[:port][/db])');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`The Redis URL must start with redis:// or rediss:// (got ${u.protocol}//)`);
  const prefix = u.searchParams.get('prefix') ?? 'podets:';
  u.searchParams.delete('prefix');
  const presenceTtlSeconds = positiveParam(u, 'presenceTtl', 15, 1, 'at least 1 second');
  const stallTimeoutMs = positiveParam(u, 'stallTimeout', 3000, 100, 'at least 100 milliseconds');
  const maxQueueBytes = positiveParam(u, 'maxQueue', 16 * 1024 * 1024, 1024, 'at least 1024 bytes');
  const lockTtlMs = positiveParam(u, 'lockTtl', 10_000, 1000, 'at least 1000 milliseconds');
  const dbText = u.pathname.replace(/^\//, '') || u.searchParams.get('db') || '0';
  const db = Number(dbText);
  if (!Number.isSafeInteger(db) || db < 0) throw new Error(`'${dbText}' is not a Redis database number`);
  const url = u.toString();
  if (u.password) u.password = '***';
  return { url, display: u.toString(), db, prefix, presenceTtlSeconds, stallTimeoutMs, maxQueueBytes, lockTtlMs };
}
