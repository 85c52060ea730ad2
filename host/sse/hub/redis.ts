// The Redis backplane (`--redis <url>`, Set-PodeSseBackplane): instances on any number of machines share one
// SSE space through one Redis. Two connections: one for commands, one subscribed to the bus channel.
//
// - Sends, closes and lost-notices go through the bus script (redis/scripts.ts): numbered, kept and
//   published in one step. Every instance, the sender too, delivers what it hears, so all see them in
//   Redis' single order. Presence is in redis/presence.ts, replay and catch-up reads in redis/history.ts.
// - Faults. Lost (closed) or hung (the watchdog: no reply within the stall timeout) -> `connected` is
//   false and the engine delivers locally; sends that Redis had not carried back yet are delivered locally
//   at once; one log line; reconnect with a bounded backoff. Nothing waits on Redis without bound: more
//   than maxQueue unanswered bytes counts as a stall too. Back again -> every
//   connection holds its live events, the instance reads what it missed since the last bus place it heard
//   (catch-up from the shared history, or pode.gap where that is not possible), and tells the others which
//   Names it delivered locally meanwhile, so that their connections of them get pode.gap.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { logDebug, logInfo, logVerbose, logWarn } from '../../log.ts';
import { frameEvent, validateEventFields } from '../framing.ts';
import type { HistoryBound } from '../history.ts';
import { parseBackplaneUrl, type BackplaneUrl } from './redis-url.ts';
import { readCatchUp, readControl, readReplay } from './redis/history.ts';
import { PresenceSync } from './redis/presence.ts';
import { RedisPeers } from './redis/peers.ts';
import { BUS_SCRIPT, SpaceKeys, type StoredEvent } from './redis/scripts.ts';
import { Watchdog } from './redis/watchdog.ts';
import { encodeClose, encodeSend, parseWire, toDelivery, type WireBus, type WireLost } from './redis/wire.ts';
import { ORDERED, type CatchUp, type HubClose, type HubListener, type HubSend, type Ordered, type PresenceEntry, type RemotePresence, type ReplayAnswer, type ReplayQuery, type SseHub } from './types.ts';

export interface RedisHubOptions {
  /** Prefix of every key and of the bus channel (default `podets:`; the URL's `?prefix=` also sets it). */
  prefix?: string;
  /** Seconds a presence hash lives without a refresh (default 15; the URL's `?presenceTtl=` also sets it). */
  presenceTtlSeconds?: number;
  /** Milliseconds between presence refreshes and mirror rebuilds (default a third of the expiry). */
  refreshMs?: number;
  /** Milliseconds to wait for a connection at start (default 5000). */
  connectTimeoutMs?: number;
  /** A reply outstanding this long is a stall (default 3000; the URL's `?stallTimeout=`). */
  stallTimeoutMs?: number;
  /** Unanswered bytes allowed before sends are delivered locally (default 16 MiB; the URL's `?maxQueue=`). */
  maxQueueBytes?: number;
}

type Commands = Redis & { podetsBus(numKeys: number, ...args: (string | number)[]): Promise<number> };

interface InFlight {
  message: HubSend | HubClose;
  bytes: number;
  at: number;
}

/** Bus messages heard after Redis came back but before this instance resynced are kept, up to this many. */
const MAX_EARLY = 10_000;
/** Own sends delivered locally that Redis may still carry (it hung with them): remembered, up to this many. */
const MAX_HANDED_BACK = 100_000;

const noop = () => {};

const nothingHeard: HubListener = { delivery() {}, remoteJoin() {}, hold() {}, resync() {}, orphaned() {} };

/** The Redis server's run id: a new one after every restart (or failover), whatever it restored from disk. */
async function runIdOf(cmd: Redis): Promise<string> {
  const info = await cmd.info('server');
  return /^run_id:(\S+)/m.exec(info)?.[1] ?? '';
}

export class RedisHub implements SseHub {
  readonly instance = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly target: BackplaneUrl;
  private readonly cmd: Commands;
  private readonly sub: Redis;
  private readonly keys: SpaceKeys;
  private readonly refreshMs: number;
  private readonly maxQueueBytes: number;
  private readonly presence: PresenceSync;
  /** Each instance's figures for the metrics cmdlets, on a key and a channel of their own. */
  readonly peers: RedisPeers;
  private readonly watchdog: Watchdog;
  private listener: HubListener = nothingHeard;
  private cmdReady = false;
  private subReady = false;
  private everConnected = false;
  /** Both connections ready and subscribed, and Redis answering: sends go through it. */
  private up = false;
  /** Set while an outage lasts: it is logged once. */
  private down = false;
  private closing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastError: unknown;
  private runId = '';

  /** The last bus place heard: this instance heard everything up to it (since its last resync). */
  private heardBus = 0;
  /** heardBus when the outage began: the catch-up starts after it. */
  private heardAtDown = 0;
  /** Whether the last resync finished (if not, the next one starts from the same place). */
  private resynced = true;
  private firstHeardSinceUp: number | undefined;
  private lastHeardSinceUp: number | undefined;
  private early: WireBus[] | undefined;
  private earlyOverflow = false;

  private nextToken = 1;
  /** Own sends and closes not heard back yet, oldest first. */
  private readonly inFlight = new Map<number, InFlight>();
  private inFlightBytes = 0;
  private readonly handedBack = new Set<number>();
  /** Names whose events were delivered here only, not told to the others yet. */
  private readonly lostNames = new Set<string>();

  constructor(url: string, options: RedisHubOptions = {}) {
    this.target = parseBackplaneUrl(url);
    this.keys = new SpaceKeys(options.prefix ?? this.target.prefix, this.target.db);
    const ttlMs = (options.presenceTtlSeconds ?? this.target.presenceTtlSeconds) * 1000;
    this.refreshMs = options.refreshMs ?? Math.max(200, Math.floor(ttlMs / 3));
    this.maxQueueBytes = options.maxQueueBytes ?? this.target.maxQueueBytes;
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
    this.cmd.defineCommand('podetsBus', { lua: BUS_SCRIPT });
    this.presence = new PresenceSync({
      cmd: this.cmd,
      keys: this.keys,
      instance: this.instance,
      ttlMs,
      usable: () => this.cmdReady && !this.closing,
      onRemoteJoin: (e) => this.listener.remoteJoin(e),
    });
    this.peers = new RedisPeers({
      cmd: this.cmd,
      prefix: this.keys.prefix,
      db: this.target.db,
      instance: this.instance,
      usable: () => this.cmdReady && !this.closing,
    });
    this.watchdog = new Watchdog({
      stallMs: options.stallTimeoutMs ?? this.target.stallTimeoutMs,
      ping: (which) => (which === 'command' ? this.cmd : this.sub).ping(),
      oldestWaiting: () => this.inFlight.values().next().value?.at,
      onStall: (ms) => this.stalled(ms),
    });
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
    this.cmd.on('ready', () => {
      this.cmdReady = true;
      if (this.everConnected) void this.presence.republish();
      this.maybeRecovered();
    });
    this.sub.on('ready', () => void this.subscribe());
    this.sub.on('message', (channel: string, text: string) => (channel === this.peers.channel ? this.peers.heard(text) : this.hear(text)));
  }

  get connected(): boolean {
    return this.up && !this.closing;
  }

  get remote(): RemotePresence {
    return this.presence.mirror;
  }

  onLag: ((ms: number) => void) | undefined = undefined;

  listen(listener: HubListener): void {
    this.listener = listener;
  }

  /** Connects both connections and reads the other instances' presence; rejects with a clear error. */
  async connect(): Promise<void> {
    try {
      await Promise.all([this.cmd.connect(), this.sub.connect()]);
      await this.subscribed();
      const [bus, runId] = await Promise.all([this.cmd.get(this.keys.bus), runIdOf(this.cmd)]);
      this.heardBus = Math.max(this.heardBus, Number(bus ?? 0));
      this.runId = runId;
    } catch (err) {
      this.cmd.disconnect();
      this.sub.disconnect();
      const cause = this.lastError ?? err;
      throw new Error(`Cannot connect to the Redis backplane at ${this.target.display}: ${(cause as Error)?.message ?? String(cause)}`);
    }
    this.everConnected = true;
    this.up = true;
    this.watchdog.start();
    await this.presence.refresh();
    this.timer = setInterval(() => void this.presence.tick(), this.refreshMs);
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
      await this.sub.subscribe(this.keys.channel, this.peers.channel);
    } catch (err) {
      for (const w of this.subscribedWaiters.splice(0)) w.reject(err);
      return; // the connection went again: its close handler has it
    }
    this.subReady = true;
    for (const w of this.subscribedWaiters.splice(0)) w.resolve();
    this.maybeRecovered();
  }

  // ---- Outages ------------------------------------------------------------------------------------

  private lost(which: 'command' | 'subscriber'): void {
    if (which === 'command') this.cmdReady = false;
    else this.subReady = false;
    if (!this.everConnected || this.closing) return;
    const cause = this.lastError ? `: ${(this.lastError as Error).message ?? String(this.lastError)}` : '';
    this.goDown(`Redis backplane lost (${this.target.display}${cause}); delivering locally and reconnecting`);
  }

  /** The watchdog saw no reply for too long: Redis hangs. */
  private stalled(ms: number): void {
    this.cutOff(`Redis backplane not answering for ${(ms / 1000).toFixed(1)} s (${this.target.display}); delivering locally and reconnecting`);
  }

  /** Gives up on both connections (what waits on them is delivered here) and reconnects. */
  private cutOff(message: string): void {
    if (this.closing || !this.up) return;
    this.goDown(message);
    this.cmdReady = this.subReady = false;
    this.cmd.disconnect(true);
    this.sub.disconnect(true);
  }

  private goDown(message: string): void {
    const wasUp = this.up;
    this.up = false;
    this.early = undefined;
    this.watchdog.stop();
    if (!this.down) {
      this.down = true;
      logWarn(message);
    }
    // A resync that did not finish keeps the place it started from.
    if (wasUp && this.resynced) this.heardAtDown = this.heardBus;
    // What Redis has not carried back may never arrive: this instance's clients get it now.
    for (const [token, f] of [...this.inFlight]) this.handBack(token, f);
  }

  private maybeRecovered(): void {
    if (!this.down || this.up || this.closing || !this.cmdReady || !this.subReady) return;
    this.up = true;
    this.down = false;
    this.resynced = false;
    this.lastError = undefined;
    this.firstHeardSinceUp = this.lastHeardSinceUp = undefined;
    this.watchdog.start();
    this.listener.hold();
    // What came between the subscription and now is live, and held like the rest.
    const early = this.early ?? [];
    this.early = undefined;
    for (const w of early) this.onBus(w);
    void this.presence.refresh();
    void this.resync();
  }

  /**
   * After an outage: first the others are told which Names this instance delivered locally meanwhile (so
   * that news comes before anything sent later), then what this instance may have missed is read. Logged as
   * reconnected once both are done.
   */
  private async resync(): Promise<void> {
    const heard = this.heardAtDown;
    const overflowed = this.earlyOverflow;
    this.earlyOverflow = false;
    await this.flushLost();
    let plan: { missed: boolean; catchUp: (name: string, bound: HistoryBound) => Promise<CatchUp> };
    try {
      const [text, runId] = await Promise.all([this.cmd.get(this.keys.bus), runIdOf(this.cmd)]);
      const now = text === null ? 0 : Number(text);
      // Redis restarted: what it kept of the outage cannot be trusted to follow on from what was heard
      // (without persistence it is gone; from a snapshot, bus places may have been given out twice).
      const restarted = runId !== this.runId || now < heard;
      this.runId = runId;
      const missed = restarted || overflowed || (now > heard && this.firstHeardSinceUp !== heard + 1);
      let everything = restarted;
      if (missed && !restarted) {
        const control = await readControl(this.cmd, this.keys, heard);
        if (!control.complete) everything = true;
        const first = this.firstHeardSinceUp ?? Infinity;
        for (const e of control.entries) {
          if (e.b >= first || e.o === this.instance) continue; // heard live, or this instance's own
          this.listener.delivery(e.t === 'c' ? { t: 'close', name: e.n as string, groups: e.g, clientIds: e.c } : { t: 'lost', names: e.n as string[] });
        }
      }
      this.heardBus = restarted ? Math.max(now, this.lastHeardSinceUp ?? 0) : Math.max(this.heardBus, now);
      const skip = (e: StoredEvent) => e.o === this.instance && this.handedBack.has(e.k);
      plan = {
        missed,
        catchUp: everything ? async () => ({ kind: 'gap' }) : (name, bound) => readCatchUp(this.cmd, this.keys, name, bound, heard, skip),
      };
      this.resynced = true;
    } catch (err) {
      logDebug(`Redis backplane: reading what was missed failed: ${(err as Error)?.message ?? String(err)}`);
      plan = { missed: true, catchUp: async () => ({ kind: 'gap' }) };
    }
    this.listener.resync(plan);
    if (this.connected) logInfo(`Redis backplane reconnected (${this.target.display}); cross-instance delivery resumed`);
  }

  /** Tells the others which Names' events this instance delivered locally only; resolves once Redis has it. */
  private async flushLost(): Promise<void> {
    if (this.lostNames.size === 0 || !this.connected) return;
    const names = [...this.lostNames];
    this.lostNames.clear();
    const w: WireLost = { t: 'g', n: names, o: this.instance, k: this.nextToken++ };
    try {
      await this.runBus('g', JSON.stringify(w), w.k, [], []);
    } catch (err) {
      for (const n of names) this.lostNames.add(n);
      logDebug(`Redis backplane: telling the others of local-only events failed: ${(err as Error).message}`);
    }
  }

  deliveredLocally(names: readonly string[]): void {
    for (const n of names) this.lostNames.add(n);
  }

  /** One own send or close that Redis did not carry back: delivered (or closed) here only. */
  private handBack(token: number, f: InFlight): void {
    if (!this.inFlight.delete(token)) return;
    this.inFlightBytes -= f.bytes;
    if (this.handedBack.size >= MAX_HANDED_BACK) this.handedBack.delete(this.handedBack.values().next().value!);
    this.handedBack.add(token);
    if (f.message.t === 'send') {
      this.deliveredLocally(f.message.names);
      this.listener.delivery({ ...f.message, seqs: undefined, local: true });
      // Refused by a Redis that is still there (an error reply): the others can be told at once.
      if (this.connected) void this.flushLost();
    } else this.listener.delivery(f.message);
  }

  // ---- Sends and closes ---------------------------------------------------------------------------

  publish(message: HubSend | HubClose): Ordered {
    // Refused here, as on one process: nothing is numbered or kept for an event that cannot be framed.
    if (message.t === 'send') validateEventFields({ id: message.id, event: message.eventType });
    const token = this.nextToken++;
    const text = JSON.stringify(message.t === 'send' ? encodeSend(message, this.instance, token) : encodeClose(message, this.instance, token));
    const f: InFlight = { message, bytes: Buffer.byteLength(text), at: Date.now() };
    this.inFlight.set(token, f);
    this.inFlightBytes += f.bytes;
    if (!this.connected) {
      this.handBack(token, f);
      return ORDERED;
    }
    if (this.inFlightBytes > this.maxQueueBytes) {
      // Redis does not keep up (or hangs and the watchdog has not seen it yet): as for a stall, everything
      // waiting is delivered here, in order, and the connections start again.
      this.cutOff(`Redis backplane: ${this.inFlightBytes - f.bytes} bytes sent and not carried back yet (the bound is ${this.maxQueueBytes}); delivering locally and reconnecting`);
      return ORDERED;
    }
    let promise: Promise<number>;
    if (message.t === 'close') promise = this.runBus('c', text, token, [], []);
    else {
      const history = message.history ? Object.entries(message.history).filter(([, b]) => b.count > 0) : [];
      promise = this.runBus('s', text, token, history, [frameEvent({ event: message.eventType, data: message.data }).toString('utf8'), narrowingOf(message), message.id ?? '']);
    }
    // The script's reply means Redis gave the message its bus place: any later one, from anywhere, is after it.
    return promise.then(noop, (err) => {
      if (!this.inFlight.has(token)) return;
      if (this.connected) logWarn(`Redis backplane: publish failed: ${(err as Error)?.message ?? String(err)}`);
      else logDebug(`Redis backplane: publish failed while down: ${(err as Error)?.message ?? String(err)}`);
      this.handBack(token, f);
    });
  }

  /** Runs the bus script for one message (see redis/scripts.ts for the layout of keys and arguments). */
  private runBus(kind: 's' | 'c' | 'g', text: string, token: number, history: [string, HistoryBound][], send: string[]): Promise<number> {
    const keys = [this.keys.bus, this.keys.control, this.keys.controlMeta];
    const [rest = '', narrowing = 'null', id = ''] = send;
    const args: (string | number)[] = [this.keys.channel, kind, text, id, rest, narrowing, `"o":${JSON.stringify(this.instance)},"k":${token}`];
    for (const [name, bound] of history) {
      keys.push(this.keys.events(name), this.keys.meta(name));
      args.push(name, bound.count, Math.round((bound.maxAgeSeconds ?? 0) * 1000));
    }
    return this.cmd.podetsBus(keys.length, ...keys, ...args);
  }

  private hear(text: string): void {
    const w = parseWire(text);
    if (!w) return logDebug('Redis backplane: ignored a message on the bus that is not one of podets');
    if (w.t !== 's' && w.t !== 'c' && w.t !== 'g') return this.presence.heard(w);
    if (this.up) return this.onBus(w);
    // Subscribed again, but not resynced yet: kept, to be delivered (held) once the resync begins.
    if (!this.everConnected || !this.down) return;
    if (this.early && this.early.length >= MAX_EARLY) {
      this.early = undefined;
      this.earlyOverflow = true;
    }
    if (!this.earlyOverflow) (this.early ??= []).push(w);
  }

  private onBus(w: WireBus): void {
    if (w.b !== undefined) {
      this.heardBus = w.b;
      this.firstHeardSinceUp ??= w.b;
      this.lastHeardSinceUp = w.b;
    }
    if (w.o === this.instance) {
      const f = this.inFlight.get(w.k);
      if (f) {
        this.inFlight.delete(w.k);
        this.inFlightBytes -= f.bytes;
        if (f.message.t === 'send') this.onLag?.(Date.now() - f.at);
      } else if (this.handedBack.delete(w.k)) return; // delivered here already, when Redis hung
      if (w.t === 'g') return; // the others' news, not this instance's
    }
    this.listener.delivery(toDelivery(w));
  }

  // ---- Presence and replay ------------------------------------------------------------------------

  join(entry: PresenceEntry): void {
    this.presence.join(entry);
  }

  leave(entry: PresenceEntry): void {
    this.presence.leave(entry);
  }

  async replay(q: ReplayQuery): Promise<ReplayAnswer> {
    if (!this.connected) throw new Error('the Redis backplane is not reachable');
    return readReplay(this.cmd, this.keys, q);
  }

  // ---- Shutdown -----------------------------------------------------------------------------------

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.watchdog.stop();
      if (this.cmdReady) {
        try {
          await Promise.all([this.presence.remove(), this.peers.remove()]);
        } catch (err) {
          logDebug(`Redis backplane: could not remove this instance's presence: ${(err as Error).message}`);
        }
      }
      await Promise.all([quit(this.cmd), quit(this.sub)]);
      this.cmdReady = this.subReady = this.up = false;
    })();
    return this.closing;
  }
}

/** The send's narrowing as the bus script keeps it (groups lower-cased), or null. */
function narrowingOf(m: HubSend): string {
  const g = m.groups?.length ? m.groups.map((x) => x.toLowerCase()) : undefined;
  const c = m.clientIds?.length ? m.clientIds : undefined;
  return g || c ? JSON.stringify({ g, c }) : 'null';
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
