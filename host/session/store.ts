// Where session data lives between requests: the three stores of Enable-PodeSessionMiddleware.
//
// - MemoryStore: this process only (Pode's Get-PodeSessionInMemStore). Bounded: at most `maxEntries` sessions
//   (MAX_MEMORY_SESSIONS, 100 000, by default); a new session past that evicts the least recently saved one,
//   so a flood of new sessions cannot grow memory without bound. Expired entries are dropped when read and when
//   the engine's expiry schedule reaches them (host/session/engine.ts), instead of Pode's 10-minute schedule.
// - RedisStore: used when the server has a Redis backplane (server.backplane): one key per session,
//   `<backplane prefix>session:<id>`, holding the record as JSON, with the session's expiry as the key's TTL,
//   so a session made through one instance is valid on every instance sharing that Redis. It has a connection
//   of its own to the backplane's URL (the backplane's connections are the SSE hub's).
// - CustomStore: a -Storage object of the script's with Get/Set/Delete, called as Pode calls them:
//   Get(sessionId) → record or null, Set(sessionId, record, expiry), Delete(sessionId). Each may be async.
//
// A record is Pode's shape (Save-PodeSessionInternal): `{ Version: 3, Metadata: { TimeStamp }, Data }`. The memory
// and Redis stores keep it as JSON text, so what a script reads back is what survives an instance hop (plain data;
// a Date inside Data comes back as its ISO text, Metadata.TimeStamp as a Date).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface SessionRecord {
  Version: number;
  Metadata: { TimeStamp: Date | null; Tabbed?: boolean; Parent?: string };
  Data: Record<string, unknown>;
}

type Maybe<T> = T | Promise<T>;

export interface SessionStore {
  readonly kind: 'memory' | 'redis' | 'custom';
  get(id: string): Maybe<SessionRecord | undefined>;
  set(id: string, record: SessionRecord, expiry: Date): Maybe<void>;
  delete(id: string): Maybe<void>;
  /**
   * When the stored session expires (ms since the epoch), or undefined when the store no longer has it: asked
   * before the engine reports an expiry, since another instance may have extended the session meanwhile.
   * Absent (a custom store): the engine goes by what this instance last saved.
   */
  expiresAt?(id: string): Maybe<number | undefined>;
  /**
   * Remove-PodeSession on another instance sharing this store: `listener` hears the id at once (the Redis store
   * publishes each removal), so streams bound to it there end now rather than at its scheduled expiry.
   */
  onRemoteRemove?(listener: (id: string) => void): void;
  /** delete, and tell the other instances (Remove-PodeSession, a -Logout): see onRemoteRemove. */
  remove?(id: string): Maybe<void>;
  close?(): Promise<void>;
}

/** The default bound of the in-memory store. */
export const MAX_MEMORY_SESSIONS = 100_000;

function toText(record: SessionRecord): string {
  return JSON.stringify(record);
}

function fromText(text: string): SessionRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const record = parsed as SessionRecord;
  const stamp = record.Metadata?.TimeStamp;
  if (record.Metadata && typeof stamp === 'string') record.Metadata.TimeStamp = new Date(stamp);
  return record;
}

interface MemoryEntry {
  text: string;
  expiry: number;
}

export class MemoryStore implements SessionStore {
  readonly kind = 'memory';
  /** Insertion order is save order: the first entry is the least recently saved. */
  private readonly entries = new Map<string, MemoryEntry>();

  constructor(
    private readonly now: () => number,
    /** Told of each session evicted to keep the bound. */
    private readonly evicted: (id: string) => void,
    readonly maxEntries = MAX_MEMORY_SESSIONS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): SessionRecord | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    // Pode's in-memory Get: an entry past its expiry is removed and not returned.
    if (entry.expiry < this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return fromText(entry.text);
  }

  set(id: string, record: SessionRecord, expiry: Date): void {
    this.entries.delete(id);
    this.entries.set(id, { text: toText(record), expiry: expiry.getTime() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evicted(oldest);
    }
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  expiresAt(id: string): number | undefined {
    return this.entries.get(id)?.expiry;
  }
}

export class RedisStore implements SessionStore {
  readonly kind = 'redis';
  private readonly redis: Redis;

  constructor(
    redis: Redis,
    /** `<backplane prefix>session:` */
    private readonly keyPrefix: string,
    private readonly now: () => number,
  ) {
    this.redis = redis;
  }

  /** A connection of its own to the backplane's Redis (ioredis loads only when sessions meet a backplane). */
  static async connect(url: string, prefix: string, now: () => number): Promise<RedisStore> {
    const { Redis } = await import('ioredis');
    // A lost Redis fails the request that needs it (one retry), instead of holding it for ioredis' 20.
    const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
    redis.on('error', () => {}); // each failed command rejects; the request's failure is what gets logged
    const store = new RedisStore(redis, `${prefix}session:`, now);
    // Removals are published on `<prefix>session:removed` as `<instance token> <id>`; a subscriber connection of
    // its own hears the other instances'. Losing it only delays their streams' end to the session's expiry.
    const sub = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
    sub.on('error', () => {});
    sub.on('message', (_channel: string, text: string) => store.heard(text));
    store.sub = sub;
    await sub.subscribe(store.channel).catch(() => undefined);
    return store;
  }

  private sub: Redis | undefined;
  private readonly token = randomUUID();
  private readonly removeListeners = new Set<(id: string) => void>();
  private get channel(): string {
    return `${this.keyPrefix}removed`;
  }

  onRemoteRemove(listener: (id: string) => void): void {
    this.removeListeners.add(listener);
  }

  /** A removal published by an instance (ours are ignored); the id is at most a session key's length. */
  private heard(text: string): void {
    const space = text.indexOf(' ');
    if (space < 0 || text.slice(0, space) === this.token) return;
    const id = text.slice(space + 1);
    if (id === '' || id.length > 512) return;
    for (const listener of [...this.removeListeners]) listener(id);
  }

  async remove(id: string): Promise<void> {
    await this.redis.del(this.key(id));
    await this.redis.publish(this.channel, `${this.token} ${id}`);
  }

  private key(id: string): string {
    return this.keyPrefix + id;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const text = await this.redis.get(this.key(id));
    return text === null ? undefined : fromText(text);
  }

  async set(id: string, record: SessionRecord, expiry: Date): Promise<void> {
    const ms = expiry.getTime() - this.now();
    if (ms <= 0) {
      await this.redis.del(this.key(id));
      return;
    }
    await this.redis.set(this.key(id), toText(record), 'PX', Math.ceil(ms));
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async expiresAt(id: string): Promise<number | undefined> {
    const ms = await this.redis.pttl(this.key(id));
    return ms < 0 ? undefined : this.now() + ms;
  }

  async close(): Promise<void> {
    for (const conn of [this.redis, this.sub]) {
      if (conn === undefined) continue;
      try {
        await conn.quit();
      } catch {
        conn.disconnect();
      }
    }
  }
}

/** A member of a script's storage object, found case-insensitively as PowerShell's Get-Member check does. */
export function storageMember(storage: object, name: string): ((...args: unknown[]) => unknown) | undefined {
  const lower = name.toLowerCase();
  for (let o: object | null = storage; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key.toLowerCase() !== lower) continue;
      const value = (storage as Record<string, unknown>)[key];
      if (typeof value === 'function') return value as (...args: unknown[]) => unknown;
    }
  }
  return undefined;
}

/** The names of Pode's required members that `storage` lacks, in Pode's order (delete, get, set). */
export function missingStorageMembers(storage: object): string[] {
  return ['delete', 'get', 'set'].filter((m) => storageMember(storage, m) === undefined);
}

export class CustomStore implements SessionStore {
  readonly kind = 'custom';
  private readonly getFn;
  private readonly setFn;
  private readonly deleteFn;

  constructor(readonly storage: object) {
    this.getFn = storageMember(storage, 'get')!;
    this.setFn = storageMember(storage, 'set')!;
    this.deleteFn = storageMember(storage, 'delete')!;
  }

  get(id: string): Maybe<SessionRecord | undefined> {
    const out = this.getFn.call(this.storage, id);
    if (isThenable(out)) return Promise.resolve(out).then((r) => (r == null ? undefined : (r as SessionRecord)));
    return out == null ? undefined : (out as SessionRecord);
  }

  set(id: string, record: SessionRecord, expiry: Date): Maybe<void> {
    const out = this.setFn.call(this.storage, id, record, expiry);
    return isThenable(out) ? Promise.resolve(out).then(() => undefined) : undefined;
  }

  delete(id: string): Maybe<void> {
    const out = this.deleteFn.call(this.storage, id);
    return isThenable(out) ? Promise.resolve(out).then(() => undefined) : undefined;
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
