// The Redis backplane (`--redis <url>`, Set-PodeSseBackplane): instances on any number of machines share one
// SSE space through one Redis. Two connections: one for commands, one subscribed to the bus channel.
//
// - Sends and closes are PUBLISHed on one channel, and every instance (the sender too) delivers what it
//   hears, so all see them in Redis' single order. A send whose Names keep history goes through a Lua
//   script that, atomically, numbers it per Name (INCR, when no -Id was given), appends the framed event
//   and its narrowing to a capped per-Name list and publishes the message with its ids.
// - Presence: each instance keeps a hash `<prefix>presence:<instance>` (field `name\0clientId` -> group)
//   with an expiry it refreshes; joins and leaves also go out on the bus. The mirror of the other
//   instances is rebuilt from SCAN + HGETALL at start and on every refresh tick, so a dead instance's
//   connections vanish within the expiry.
// - Replay reads the per-Name list (LRANGE) and answers like SseHistory.replay.
// - Faults: unreachable at start -> connect() rejects; lost while running -> `connected` is false (the
//   engine delivers locally), one log line, reconnect with a bounded backoff, resubscribe, republish own
//   presence. Nothing is queued while down (enableOfflineQueue off): presence changes are dropped and the
//   whole own presence is rewritten on reconnect.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { describeError, logDebug, logInfo, logVerbose, logWarn } from '../../log.ts';
import { frameEvent, validateEventFields } from '../framing.ts';
import { PresenceMirror } from './presence.ts';
import { parseBackplaneUrl, type BackplaneUrl } from './redis-url.ts';
import type { HubDelivery, HubSend, PresenceEntry, ReplayAnswer, ReplayQuery, SseHub } from './types.ts';

export interface RedisHubOptions {
  /** Prefix of every key and of the bus channel (default `podets:`; the URL's `?prefix=` also sets it). */
  prefix?: string;
  /** Seconds a presence hash lives without a refresh (default 15; the URL's `?presenceTtl=` also sets it). */
  presenceTtlSeconds?: number;
  /** Milliseconds between presence refreshes and mirror rebuilds (default a third of the expiry). */
  refreshMs?: number;
  /** Milliseconds to wait for a connection at start (default 5000). */
  connectTimeoutMs?: number;
}

// ---- The bus --------------------------------------------------------------------------------------
// Compact JSON: a send carries its data once (frames are built by each receiver, and kept only in history).

interface WireSend {
  t: 's';
  n: string[];
  g?: string[];
  c?: string[];
  i?: string;
  e?: string;
  d: string;
  ids?: Record<string, string>;
}
interface WireClose {
  t: 'c';
  n: string;
  g?: string[];
  c?: string[];
}
/** Presence: j(oin), l(eave), r(ead my hash again: republished after a reconnect), x (gone). */
interface WirePresence {
  t: 'j' | 'l' | 'r' | 'x';
  o: string;
  n?: string;
  c?: string;
  g?: string;
}
type Wire = WireSend | WireClose | WirePresence;

const nonEmpty = <T>(list: T[] | undefined) => (list && list.length > 0 ? list : undefined);

function encodeSend(m: HubSend): string {
  const w: WireSend = { t: 's', n: m.names, g: nonEmpty(m.groups), c: nonEmpty(m.clientIds), i: m.id || undefined, e: m.eventType || undefined, d: m.data };
  return JSON.stringify(w);
}

function decode(w: WireSend | WireClose): HubDelivery {
  if (w.t === 'c') return { t: 'close', name: w.n, groups: w.g, clientIds: w.c };
  return { t: 'send', names: w.n, groups: w.g, clientIds: w.c, id: w.i, eventType: w.e, data: w.d, ids: w.ids };
}

// ---- Lua: number, keep and publish a send in one step ---------------------------------------------
// KEYS: n history lists, then n id counters. ARGV: channel, the message JSON (an object, `ids` added
// here), the given id ('' = number it), the frame after its id line, the narrowing (JSON or null), then
// per Name: name, count, max age (ms, 0 = none). Entries are stamped with Redis' clock, so every instance
// ages them the same way.
const PUBLISH_SEND = `
local n = #KEYS / 2
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = {}
for i = 1, n do
  local base = 5 + (i - 1) * 3
  local count = tonumber(ARGV[base + 2])
  local maxAge = tonumber(ARGV[base + 3])
  local id = ARGV[3]
  if id == '' then id = tostring(redis.call('INCR', KEYS[n + i])) end
  local entry = '{"i":' .. cjson.encode(id) .. ',"t":' .. string.format('%d', now) .. ',"f":' .. cjson.encode('id: ' .. id .. '\\n' .. ARGV[4]) .. ',"w":' .. ARGV[5] .. '}'
  redis.call('RPUSH', KEYS[i], entry)
  redis.call('LTRIM', KEYS[i], -count, -1)
  if maxAge > 0 then redis.call('PEXPIRE', KEYS[i], maxAge) else redis.call('PERSIST', KEYS[i]) end
  ids[i] = cjson.encode(ARGV[base + 1]) .. ':' .. cjson.encode(id)
end
local message = string.sub(ARGV[2], 1, -2) .. ',"ids":{' .. table.concat(ids, ',') .. '}}'
redis.call('PUBLISH', ARGV[1], message)
return n
`;

/** One kept event: id, Redis time (ms), the frame, and the send's narrowing (groups lower-cased). */
interface Entry {
  i: string;
  t: number;
  f: string;
  w: { g?: string[]; c?: string[] } | null;
}

type Commands = Redis & { podetsSend(numKeys: number, ...args: (string | number)[]): Promise<number> };

const field = (e: PresenceEntry) => `${e.name}\u0000${e.clientId}`;

function entryOf(fieldName: string, group: string): PresenceEntry | undefined {
  const cut = fieldName.indexOf('\u0000');
  if (cut < 0) return undefined;
  return { name: fieldName.slice(0, cut), clientId: fieldName.slice(cut + 1), group: group || undefined };
}

export class RedisHub implements SseHub {
  readonly instance = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly remote = new PresenceMirror();
  readonly target: BackplaneUrl;
  private readonly cmd: Commands;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly channel: string;
  private readonly presenceKey: string;
  private readonly ttlMs: number;
  private readonly refreshMs: number;
  private handler: ((m: HubDelivery) => void) | undefined;
  private remoteJoin: ((e: PresenceEntry) => void) | undefined;
  /** This instance's own connections, rewritten to Redis whenever Redis may have lost them. */
  private readonly own = new Map<string, PresenceEntry>();
  private cmdReady = false;
  private subReady = false;
  private everConnected = false;
  /** Set while an outage lasts: it is logged once. */
  private down = false;
  private closing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** Presence messages heard while the mirror is being rebuilt, replayed on top of the snapshot. */
  private heardDuringRefresh: WirePresence[] | undefined;
  private lastError: unknown;

  constructor(url: string, options: RedisHubOptions = {}) {
    this.target = parseBackplaneUrl(url);
    this.prefix = options.prefix ?? this.target.prefix;
    // Pub/sub ignores the database number: the channel carries it so /0 and /5 stay apart.
    this.channel = `${this.prefix}bus:${this.target.db}`;
    this.presenceKey = `${this.prefix}presence:${this.instance}`;
    this.ttlMs = (options.presenceTtlSeconds ?? this.target.presenceTtlSeconds) * 1000;
    this.refreshMs = options.refreshMs ?? Math.max(200, Math.floor(this.ttlMs / 3));
    const common: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      connectionName: `podets:${this.instance}`,
      // No retry until the first connection (start fails clearly); then forever, backing off up to 2 s.
      retryStrategy: (times) => (this.everConnected && !this.closing ? Math.min(50 * 2 ** Math.min(times, 6), 2000) : null),
    };
    this.cmd = new Redis(this.target.url, { ...common, enableAutoPipelining: true }) as Commands;
    this.sub = new Redis(this.target.url, common);
    this.cmd.defineCommand('podetsSend', { lua: PUBLISH_SEND });
    for (const [conn, which] of [
      [this.cmd, 'command'],
      [this.sub, 'subscriber'],
    ] as const) {
      conn.on('error', (err) => {
        this.lastError = err;
        logDebug(`Redis backplane (${which} connection): ${(err as Error).message}`);
      });
      conn.on('close', () => this.lost(which));
    }
    this.cmd.on('ready', () => this.commandReady());
    this.sub.on('ready', () => void this.subscribe());
    this.sub.on('message', (_channel: string, text: string) => this.hear(text));
  }

  get connected(): boolean {
    return this.cmdReady && this.subReady;
  }

  /** Connects both connections and reads the other instances' presence; rejects with a clear error. */
  async connect(): Promise<void> {
    try {
      await Promise.all([this.cmd.connect(), this.sub.connect()]);
      await this.subscribed();
    } catch (err) {
      this.cmd.disconnect();
      this.sub.disconnect();
      const cause = this.lastError ?? err;
      throw new Error(`Cannot connect to the Redis backplane at ${this.target.display}: ${(cause as Error)?.message ?? String(cause)}`);
    }
    this.everConnected = true;
    await this.refresh();
    this.timer = setInterval(() => void this.tick(), this.refreshMs);
    this.timer.unref();
    logVerbose(`Redis backplane connected: ${this.target.display} as ${this.instance}`);
  }

  private subscribedWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private subscribed(): Promise<void> {
    if (this.subReady) return Promise.resolve();
    return new Promise((resolve, reject) => this.subscribedWaiters.push({ resolve, reject }));
  }

  private async subscribe(): Promise<void> {
    try {
      await this.sub.subscribe(this.channel);
    } catch (err) {
      for (const w of this.subscribedWaiters.splice(0)) w.reject(err);
      return; // the connection went again: its close handler has it
    }
    this.subReady = true;
    for (const w of this.subscribedWaiters.splice(0)) w.resolve();
    this.maybeRecovered();
  }

  private commandReady(): void {
    this.cmdReady = true;
    if (this.everConnected) void this.republish();
    this.maybeRecovered();
  }

  private lost(which: string): void {
    if (which === 'command') this.cmdReady = false;
    else this.subReady = false;
    if (!this.everConnected || this.closing || this.down) return;
    this.down = true;
    const cause = this.lastError ? `: ${(this.lastError as Error).message ?? String(this.lastError)}` : '';
    logWarn(`Redis backplane lost (${this.target.display}${cause}); delivering locally and reconnecting`);
  }

  private maybeRecovered(): void {
    if (!this.down || !this.connected) return;
    this.down = false;
    this.lastError = undefined;
    logInfo(`Redis backplane reconnected (${this.target.display}); cross-instance delivery resumed`);
    void this.refresh();
  }

  // ---- Sends and closes ---------------------------------------------------------------------------

  publish(message: HubDelivery): void {
    if (message.t === 'close') {
      const w: WireClose = { t: 'c', n: message.name, g: nonEmpty(message.groups), c: nonEmpty(message.clientIds) };
      this.cmd.publish(this.channel, JSON.stringify(w)).catch((err) => this.unpublished(message, err));
      return;
    }
    // Refused here, as on one process: nothing is numbered or kept for an event that cannot be framed.
    validateEventFields({ id: message.id, event: message.eventType });
    const text = encodeSend(message);
    const history = message.history && Object.entries(message.history).filter(([, b]) => b.count > 0);
    if (!history || history.length === 0) {
      this.cmd.publish(this.channel, text).catch((err) => this.unpublished(message, err));
      return;
    }
    const rest = frameEvent({ event: message.eventType, data: message.data }).toString('utf8');
    const narrowing = message.groups?.length || message.clientIds?.length ? JSON.stringify({ g: nonEmpty(message.groups?.map((g) => g.toLowerCase())), c: nonEmpty(message.clientIds) }) : 'null';
    const keys = [...history.map(([name]) => this.historyKey(name)), ...history.map(([name]) => `${this.prefix}seq:${name}`)];
    const args: (string | number)[] = [this.channel, text, message.id ?? '', rest, narrowing];
    for (const [name, bound] of history) args.push(name, bound.count, Math.round((bound.maxAgeSeconds ?? 0) * 1000));
    this.cmd.podetsSend(keys.length, ...keys, ...args).catch((err) => this.unpublished(message, err));
  }

  /** Redis did not take it (connection gone, or a Redis error): the local connections still get it. */
  private unpublished(message: HubDelivery, err: unknown): void {
    if (this.connected) logWarn(`Redis backplane: publish failed: ${(err as Error)?.message ?? String(err)}`);
    else logDebug(`Redis backplane: publish failed while down: ${(err as Error)?.message ?? String(err)}`);
    this.deliver(message);
  }

  private deliver(message: HubDelivery): void {
    try {
      this.handler?.(message);
    } catch (err) {
      logWarn(`Redis backplane: delivery failed: ${describeError(err)}`);
    }
  }

  onDelivery(handler: (message: HubDelivery) => void): void {
    this.handler = handler;
  }

  onRemoteJoin(handler: (entry: PresenceEntry) => void): void {
    this.remoteJoin = handler;
  }

  private hear(text: string): void {
    let w: Wire;
    try {
      w = JSON.parse(text) as Wire;
    } catch {
      logDebug(`Redis backplane: ignored a message that is not JSON`);
      return;
    }
    if (w.t === 's' || w.t === 'c') return this.deliver(decode(w));
    if (w.o === this.instance) return;
    this.heardDuringRefresh?.push(w);
    this.applyPresence(w, true);
  }

  private applyPresence(w: WirePresence, live: boolean): void {
    switch (w.t) {
      case 'j': {
        const e: PresenceEntry = { name: w.n!, clientId: w.c!, group: w.g || undefined };
        this.remote.add(w.o, e);
        if (live) {
          try {
            this.remoteJoin?.(e);
          } catch (err) {
            logWarn(`Redis backplane: remote join failed: ${describeError(err)}`);
          }
        }
        return;
      }
      case 'l':
        this.remote.remove(w.o, { name: w.n!, clientId: w.c! });
        return;
      case 'x':
        this.remote.dropInstance(w.o);
        return;
      case 'r':
        if (live) void this.refresh();
        return;
    }
  }

  // ---- Presence -----------------------------------------------------------------------------------

  join(entry: PresenceEntry): void {
    this.own.set(field(entry), entry);
    this.presence('j', entry);
  }

  leave(entry: PresenceEntry): void {
    this.own.delete(field(entry));
    this.presence('l', entry);
  }

  /** Dropped while Redis is down: the whole own presence is rewritten on reconnect. */
  private presence(op: 'j' | 'l', entry: PresenceEntry): void {
    if (!this.cmdReady || this.closing) return;
    const w: WirePresence = { t: op, o: this.instance, n: entry.name, c: entry.clientId, g: entry.group || undefined };
    const p = this.cmd.pipeline();
    if (op === 'j') p.hset(this.presenceKey, field(entry), entry.group ?? '').pexpire(this.presenceKey, this.ttlMs);
    else p.hdel(this.presenceKey, field(entry));
    p.publish(this.channel, JSON.stringify(w));
    p.exec().catch((err) => logDebug(`Redis backplane: presence update dropped: ${(err as Error).message}`));
  }

  /** Rewrites this instance's whole presence hash and tells the others to read it again. */
  private async republish(): Promise<void> {
    try {
      const p = this.cmd.multi().del(this.presenceKey);
      const flat: string[] = [];
      for (const [f, e] of this.own) flat.push(f, e.group ?? '');
      if (flat.length > 0) p.hset(this.presenceKey, ...flat).pexpire(this.presenceKey, this.ttlMs);
      p.publish(this.channel, JSON.stringify({ t: 'r', o: this.instance } satisfies WirePresence));
      await p.exec();
    } catch (err) {
      logDebug(`Redis backplane: republishing presence failed: ${(err as Error).message}`);
    }
  }

  private async tick(): Promise<void> {
    if (!this.cmdReady || this.closing) return;
    if (this.own.size > 0) {
      try {
        // 0: the hash is gone (Redis restarted, or this process stalled past the expiry): write it again.
        if ((await this.cmd.pexpire(this.presenceKey, this.ttlMs)) === 0) await this.republish();
      } catch (err) {
        logDebug(`Redis backplane: presence refresh failed: ${(err as Error).message}`);
      }
    }
    await this.refresh();
  }

  /** Rebuilds the mirror of the other instances from Redis (one at a time; a request meanwhile reruns it). */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.rebuild();
      } while (this.refreshAgain && !this.closing);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async rebuild(): Promise<void> {
    if (!this.cmdReady || this.closing) return;
    this.heardDuringRefresh = [];
    try {
      const keyPrefix = `${this.prefix}presence:`;
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await this.cmd.scan(cursor, 'MATCH', `${escapeGlob(keyPrefix)}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      const others = [...new Set(keys)].filter((k) => k !== this.presenceKey);
      const hashes = others.length > 0 ? await this.cmd.pipeline(others.map((k) => ['hgetall', k])).exec() : [];
      const snapshot = new Map<string, PresenceEntry[]>();
      others.forEach((key, i) => {
        const [err, hash] = hashes?.[i] ?? [null, {}];
        if (err) throw err;
        const entries: PresenceEntry[] = [];
        for (const [f, g] of Object.entries((hash ?? {}) as Record<string, string>)) {
          const e = entryOf(f, g);
          if (e) entries.push(e);
        }
        if (entries.length > 0) snapshot.set(key.slice(keyPrefix.length), entries);
      });
      for (const instance of this.remote.instances()) if (!snapshot.has(instance)) this.remote.dropInstance(instance);
      for (const [instance, entries] of snapshot) this.remote.replaceInstance(instance, entries);
      // What was heard while reading is at least as new as the snapshot: apply it again, in order.
      for (const w of this.heardDuringRefresh) this.applyPresence(w, false);
    } catch (err) {
      logDebug(`Redis backplane: presence rebuild failed: ${(err as Error).message}`);
    } finally {
      this.heardDuringRefresh = undefined;
    }
  }

  // ---- Replay -------------------------------------------------------------------------------------

  private historyKey(name: string): string {
    return `${this.prefix}history:${name}`;
  }

  async replay(q: ReplayQuery): Promise<ReplayAnswer> {
    if (!q.lastEventId || q.bound.count <= 0) return { kind: 'none' };
    if (!this.cmdReady) return { kind: 'none' };
    const result = await this.cmd.pipeline().time().lrange(this.historyKey(q.name), -q.bound.count, -1).exec();
    const [[timeErr, time], [listErr, list]] = result as [[Error | null, [string, string]], [Error | null, string[]]];
    if (timeErr || listErr) throw timeErr ?? listErr;
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const cutoff = q.bound.maxAgeSeconds ? now - q.bound.maxAgeSeconds * 1000 : -Infinity;
    const entries: Entry[] = [];
    for (const text of list) {
      try {
        const e = JSON.parse(text) as Entry;
        if (e.t >= cutoff) entries.push(e);
      } catch {
        // a foreign value: skip it
      }
    }
    // A reused -Id points at its latest event, as in SseHistory.
    let from = -1;
    for (let i = entries.length - 1; i >= 0; i--)
      if (entries[i]!.i === q.lastEventId) {
        from = i + 1;
        break;
      }
    if (from < 0) return { kind: 'gap', lastId: q.lastEventId };
    const group = (q.group ?? '').toLowerCase();
    const frames: Uint8Array[] = [];
    const ids: string[] = [];
    for (const e of entries.slice(from)) {
      if (e.w?.c && !e.w.c.includes(q.clientId)) continue;
      if (e.w?.g && !e.w.g.includes(group)) continue;
      frames.push(Buffer.from(e.f, 'utf8'));
      ids.push(e.i);
    }
    return { kind: 'events', frames, ids };
  }

  // ---- Shutdown -----------------------------------------------------------------------------------

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      if (this.cmdReady) {
        try {
          await this.cmd
            .multi()
            .del(this.presenceKey)
            .publish(this.channel, JSON.stringify({ t: 'x', o: this.instance } satisfies WirePresence))
            .exec();
        } catch (err) {
          logDebug(`Redis backplane: could not remove this instance's presence: ${(err as Error).message}`);
        }
      }
      await Promise.all([quit(this.cmd), quit(this.sub)]);
      this.cmdReady = this.subReady = false;
    })();
    return this.closing;
  }
}

async function quit(conn: Redis): Promise<void> {
  if (conn.status === 'ready') {
    try {
      await Promise.race([conn.quit(), new Promise((r) => setTimeout(r, 1000).unref())]);
    } catch {
      // already going
    }
  }
  conn.disconnect();
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
