// The cluster state under --redis (docs/state.md "Across workers and instances"): Redis is the ordering point.
// - State: a hash `<prefix>state` (field: the name's case-insensitive key, value: the entry as JSON) and a version
//   `<prefix>state:version`. One Lua script applies a write, bumps the version and publishes `<version> <write>`
//   on `<prefix>state:changes:<db>`, so every instance hears writes in Redis's order. An instance subscribes
//   first, then reads the snapshot (version and hash in one MULTI), and skips what is not newer than it; a
//   version skipped (messages lost while a connection was down) makes it read the snapshot again.
// - Locks: `<prefix>lock:<key>` set NX with a token and a TTL (the URL's ?lockTtl=, default 10 s), renewed while
//   held, released by a compare-and-delete that publishes the key on `<prefix>lock:released:<db>`, which wakes
//   the waiters (a retry timer covers a lock that expired instead: its holder crashed).
// Own connections (ioredis loads only when a backplane is used); they fail fast while Redis is away.
import { Redis } from 'ioredis';
import { logDebug, logVerbose, logWarn } from '../log.ts';
import type { Clock } from '../timers/clock.ts';
import { ignoreCaseKey } from '../values/ignorecase.ts';
import type { BackplaneUrl } from '../sse/hub/redis-url.ts';
import type { LockGrant, OrderedOp, StateBackend, StateOp, StateReplica, WireEntry } from './replica.ts';

const WRITE = `
local v = redis.call('INCR', KEYS[2])
local kind = ARGV[1]
if kind == 'set' then
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
elseif kind == 'remove' then
  redis.call('HDEL', KEYS[1], ARGV[3])
else
  redis.call('DEL', KEYS[1])
  for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('PUBLISH', KEYS[3], v .. ' ' .. ARGV[2])
return v`;

const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end
return -1`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** How long a new lock holder waits for the state changes its grant names before it reads the snapshot. */
const CATCH_UP_MS = 1000;

type Commands = Redis & {
  podetsStateWrite(n: number, ...args: (string | number)[]): Promise<number>;
  podetsLockAcquire(n: number, ...args: (string | number)[]): Promise<number>;
  podetsLockRenew(n: number, ...args: (string | number)[]): Promise<number>;
  podetsLockRelease(n: number, ...args: (string | number)[]): Promise<number>;
};

function wireArgs(op: StateOp): string[] {
  const field = (e: WireEntry) => [ignoreCaseKey(e.name), JSON.stringify(e)];
  switch (op.k) {
    case 'set':
      return field(op);
    case 'remove':
      return [ignoreCaseKey(op.name)];
    case 'replace':
      return op.entries.flatMap(field);
  }
}

export class RedisStateBackend implements StateBackend {
  readonly kind = 'redis';
  readonly where: string;
  private readonly cmd: Commands;
  private readonly sub: Redis;
  private readonly hash: string;
  private readonly versionKey: string;
  private readonly changes: string;
  private readonly released: string;
  private readonly lockPrefix: string;
  private readonly ttlMs: number;
  private replica: StateReplica | undefined;
  /** Messages heard while a snapshot is read; undefined when none is. */
  private buffered: OrderedOp[] | undefined;
  private started = false;
  private closed = false;
  private resyncWanted = false;
  private nextToken = 1;
  private readonly holding = new Map<string, { token: string; renew: NodeJS.Timeout }>();
  private readonly wakers = new Map<string, Set<() => void>>();

  constructor(
    target: BackplaneUrl,
    private readonly origin: string,
    private readonly clock: Clock,
  ) {
    this.where = `Redis at ${target.display}`;
    const p = target.prefix;
    this.hash = `${p}state`;
    this.versionKey = `${p}state:version`;
    this.changes = `${p}state:changes:${target.db}`;
    this.released = `${p}lock:released:${target.db}`;
    this.lockPrefix = `${p}lock:`;
    this.ttlMs = target.lockTtlMs;
    const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5000, connectionName: `podets:state:${origin}` };
    this.cmd = new Redis(target.url, options) as Commands;
    this.sub = new Redis(target.url, options);
    this.cmd.defineCommand('podetsStateWrite', { lua: WRITE });
    this.cmd.defineCommand('podetsLockAcquire', { lua: ACQUIRE });
    this.cmd.defineCommand('podetsLockRenew', { lua: RENEW });
    this.cmd.defineCommand('podetsLockRelease', { lua: RELEASE });
    for (const c of [this.cmd, this.sub]) c.on('error', (err: Error) => logDebug(`Redis state: ${err.message}`));
    this.sub.on('message', (channel: string, text: string) => this.heard(channel, text));
    // Back after an outage (ioredis resubscribes): what was missed comes from the snapshot.
    this.sub.on('ready', () => this.started && void this.resync());
    this.cmd.on('ready', () => this.started && this.resyncWanted && void this.resync());
  }

  get connected(): boolean {
    return !this.closed && this.cmd.status === 'ready' && this.sub.status === 'ready';
  }

  /** Subscribes, then loads the snapshot into `replica` (offering it the names only this process has). */
  async start(replica: StateReplica): Promise<void> {
    this.replica = replica;
    try {
      await Promise.all([this.cmd.connect(), this.sub.connect()]);
      await this.sub.subscribe(this.changes, this.released);
      await this.loadSnapshot(true);
    } catch (err) {
      this.cmd.disconnect();
      this.sub.disconnect();
      throw new Error(`Cannot share the state through ${this.where}: ${(err as Error).message}`);
    }
    this.started = true;
  }

  private async loadSnapshot(offerLocal: boolean): Promise<void> {
    this.buffered = [];
    try {
      const res = await this.cmd.multi().get(this.versionKey).hgetall(this.hash).exec();
      if (!res || res.some(([err]) => err)) throw res?.find(([err]) => err)?.[0] ?? new Error('the snapshot transaction was discarded');
      const v = Number(res[0]![1] ?? 0);
      const entries = Object.values(res[1]![1] as Record<string, string>).map((t) => JSON.parse(t) as WireEntry);
      const offered = this.replica!.load({ v, entries }, offerLocal);
      if (offered.length > 0) logVerbose(`State set before joining Redis, shared now: ${offered.join(', ')}`);
    } finally {
      const heard = this.buffered ?? [];
      this.buffered = undefined;
      for (const m of heard) this.apply(m);
    }
  }

  private resyncing: Promise<void> | undefined;
  private resync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.connected) {
      this.resyncWanted = true;
      return Promise.resolve();
    }
    this.resyncWanted = false;
    this.resyncing ??= this.loadSnapshot(false)
      .catch((err: Error) => {
        this.resyncWanted = true;
        logWarn(`The state could not be read again from ${this.where}: ${err.message}`);
      })
      .finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  private heard(channel: string, text: string): void {
    if (channel === this.released) {
      for (const wake of this.wakers.get(text) ?? []) wake();
      return;
    }
    if (channel !== this.changes) return;
    const space = text.indexOf(' ');
    let m: OrderedOp;
    try {
      const body = JSON.parse(text.slice(space + 1)) as { origin: string; op: StateOp };
      m = { v: Number(text.slice(0, space)), origin: body.origin, op: body.op };
    } catch {
      return logWarn('A state change heard from Redis is not one podets wrote; ignored');
    }
    if (this.buffered) this.buffered.push(m);
    else this.apply(m);
  }

  private apply(m: OrderedOp): void {
    if (this.replica?.ordered(m) === 'gap') void this.resync();
  }

  publish(origin: string, op: StateOp): void {
    this.cmd.podetsStateWrite(3, this.hash, this.versionKey, this.changes, op.k, JSON.stringify({ origin, op }), ...wireArgs(op)).catch((err: Error) => {
      logWarn(`A state change was not shared through ${this.where} (it stays in this process until the state is read again): ${err.message}`);
      this.replica?.dropped(op);
      void this.resync();
    });
  }

  async lock(key: string, timeoutMs: number): Promise<LockGrant> {
    const token = `${this.origin}:${this.nextToken++}`;
    const start = this.clock.now().getTime();
    const retryMs = Math.min(500, Math.floor(this.ttlMs / 4));
    for (;;) {
      const v = await this.cmd.podetsLockAcquire(2, this.lockPrefix + key, this.versionKey, token, this.ttlMs);
      if (v >= 0) {
        const renew = setInterval(() => void this.renew(key, token), Math.floor(this.ttlMs / 3));
        renew.unref();
        this.holding.set(key, { token, renew });
        // The holder waits to apply version v; should its message have been lost, the snapshot brings it.
        if (this.replica && this.replica.version < v) {
          const check = setTimeout(() => this.replica && this.replica.version < v && void this.resync(), CATCH_UP_MS);
          check.unref();
        }
        return { ok: true, v };
      }
      const left = timeoutMs < 0 ? retryMs : timeoutMs - (this.clock.now().getTime() - start);
      if (left <= 0) return { ok: false, v: 0 };
      await this.wakeOrRetry(key, Math.min(left, retryMs));
    }
  }

  private wakeOrRetry(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.wakers.get(key);
      if (!set) this.wakers.set(key, (set = new Set()));
      const done = () => {
        this.clock.clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.wakers.delete(key);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      set.add(done);
    });
  }

  private async renew(key: string, token: string): Promise<void> {
    try {
      if ((await this.cmd.podetsLockRenew(1, this.lockPrefix + key, token, this.ttlMs)) === 0 && this.holding.get(key)?.token === token) {
        logWarn(`The cluster lock '${key}' expired in ${this.where} before it was released (held longer than its TTL while Redis was away?)`);
      }
    } catch {
      // Redis away: the next renewal tries again, the TTL bounds the rest.
    }
  }

  unlock(key: string): void {
    const held = this.holding.get(key);
    if (!held) return;
    this.holding.delete(key);
    clearInterval(held.renew);
    this.cmd.podetsLockRelease(2, this.lockPrefix + key, this.released, held.token, key).catch((err: Error) => {
      logWarn(`The cluster lock '${key}' could not be released in ${this.where} (it expires after ${this.ttlMs} ms): ${err.message}`);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const key of [...this.holding.keys()]) this.unlock(key);
    for (const set of this.wakers.values()) for (const wake of [...set]) wake();
    await this.cmd.quit().catch(() => this.cmd.disconnect());
    this.sub.disconnect();
  }
}
