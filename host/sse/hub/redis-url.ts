// The --redis URL: what ioredis takes, plus what podets reads from it (kept apart from redis.ts so the CLI
// can check the URL without loading ioredis).

/** The URL as ioredis takes it, plus what podets reads from it; the password is hidden in `display`. */
export interface BackplaneUrl {
  url: string;
  display: string;
  db: number;
  prefix: string;
  presenceTtlSeconds: number;
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
  const ttlText = u.searchParams.get('presenceTtl');
  const presenceTtlSeconds = ttlText === null ? 15 : Number(ttlText);
  if (!Number.isFinite(presenceTtlSeconds) || presenceTtlSeconds < 1) throw new Error(`presenceTtl must be at least 1 second (got '${ttlText}')`);
  u.searchParams.delete('prefix');
  u.searchParams.delete('presenceTtl');
  const dbText = u.pathname.replace(/^\//, '') || u.searchParams.get('db') || '0';
  const db = Number(dbText);
  if (!Number.isSafeInteger(db) || db < 0) throw new Error(`'${dbText}' is not a Redis database number`);
  const url = u.toString();
  if (u.password) u.password = '***';
  return { url, display: u.toString(), db, prefix, presenceTtlSeconds };
}
