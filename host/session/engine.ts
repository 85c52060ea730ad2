// A server's sessions (server.sessions): Enable-PodeSessionMiddleware's settings, the store, and what other parts
// of podets need to know about sessions ending. The request side ($WebEvent.Session, the cookie or header, the
// save at the end of the request) is host/session/middleware.ts; the stores are host/session/store.ts.
//
// Ending sessions, for whoever must act on it (SSE streams that must end with their session):
// - onEnd(listener) hears `(sessionId, 'removed')` when Remove-PodeSession removes a session, and
//   `(sessionId, 'expired')` when the expiry of a session this instance saved or loaded passes (an in-memory
//   session evicted to keep the store's bound is reported as 'expired' too). It returns the unsubscribe function.
// - onExtend(listener) hears `(sessionId, expiry)` each time a -Extend session's expiry moves (every request of
//   it, and Reset-PodeSessionExpiry).
// - onRegenerate(listener) hears `(oldId, newId)` from regenerate(event) (a login step: new id, data kept, the
//   old id deleted); the old id's end is not reported, its holders move to the new id.
// - expiryOf(sessionId) is the expiry (ms since the epoch) as this instance last saved or loaded it, undefined
//   for a session it does not know (or that has ended).
//
// Expiry is not a timer per session. The engine keeps one schedule: a binary min-heap of (expiry, id) pairs and
// the current expiry of each known id, and one timer (on the engine's clock) for the earliest pair. A pair whose
// expiry is no longer the id's current one (the session was extended, saved again or removed) is skipped when
// popped; the heap is rebuilt from the current expiries when stale pairs outnumber live ones. When a pair falls
// due, the store is asked (store.expiresAt) before anything is reported, since with Redis another instance may
// have extended the session: still alive → rescheduled at the store's expiry; gone or past → 'expired'. The
// known ids are bounded like the memory store (MAX_MEMORY_SESSIONS): past that, the oldest known id is forgotten
// (no event; its store entry lives on, and it is known again when next loaded).
//
// With a Redis backplane every instance reports the ends of the sessions it touched; a Remove-PodeSession on one
// instance reaches the others at their scheduled check of that session, where the store no longer has it: they
// report it then, as 'expired'.
import { randomUUID } from 'node:crypto';
import { errors } from '../errors/catalog.ts';
import { logException } from '../log.ts';
import type { RedisHub } from '../sse/hub/redis.ts';
import { systemClock, MAX_TIMEOUT_MS, type Clock, type ClockHandle } from '../timers/clock.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { WebEvent } from '../http/webevent.ts';
import { regenerateSession } from './middleware.ts';
import { CustomStore, MAX_MEMORY_SESSIONS, MemoryStore, RedisStore, isThenable, type SessionStore } from './store.ts';

export type SessionEndReason = 'removed' | 'expired';
export type SessionEndListener = (sessionId: string, why: SessionEndReason) => void;
export type SessionExtendListener = (sessionId: string, expiry: number) => void;
export type SessionRegenerateListener = (oldId: string, newId: string) => void;

/** Pode's $PodeContext.Server.Sessions.Info. */
export interface SessionInfo {
  Duration: number;
  Extend: boolean;
  Secure: boolean;
  Strict: boolean;
  HttpOnly: boolean;
  UseHeaders: boolean;
  Scope: { Type: string; IsBrowser: boolean };
}

export interface SessionConfig {
  Name: string;
  Secret: string;
  /** -Generator, or a random UUID (Pode's New-PodeGuid). */
  GenerateId: () => unknown;
  /** -Storage, when the script gave one. */
  Storage: object | undefined;
  Info: SessionInfo;
}

interface Due {
  at: number;
  id: string;
}

export class SessionEngine {
  /** Set by Enable-PodeSessionMiddleware; undefined while sessions are not enabled. */
  config: SessionConfig | undefined = undefined;
  /** What expiries are measured by: the server's clock (ServerOptions.clock) unless set; tests may set a ManualClock. */
  get clock(): Clock {
    return this.ownClock ?? this.server.options?.clock ?? systemClock;
  }
  set clock(clock: Clock) {
    this.ownClock = clock;
  }
  private ownClock: Clock | undefined;
  private memory: MemoryStore | undefined;
  private custom: CustomStore | undefined;
  private redis: { hub: RedisHub; store: Promise<RedisStore> } | undefined;
  private readonly endListeners = new Set<SessionEndListener>();
  private readonly extendListeners = new Set<SessionExtendListener>();
  private readonly regenerateListeners = new Set<SessionRegenerateListener>();
  /** Current expiry of each session this instance knows; insertion order is save order. */
  private readonly known = new Map<string, number>();
  private heap: Due[] = [];
  private timer: ClockHandle | undefined;
  private timerAt = Infinity;
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly server: PodeServer,
    /** Bound of the in-memory store and of the known ids. */
    readonly maxSessions = MAX_MEMORY_SESSIONS,
  ) {}

  get enabled(): boolean {
    return this.config !== undefined;
  }

  now(): number {
    return this.clock.now().getTime();
  }

  enable(config: SessionConfig): void {
    this.config = config;
    this.server.onStop(() => this.shutdown());
    if (config.Storage !== undefined) this.custom = new CustomStore(config.Storage);
  }

  /** A new session id: the -Generator's value as text, or a random UUID. */
  generateId(): string | Promise<string> {
    const out = this.config!.GenerateId();
    return isThenable(out) ? Promise.resolve(out).then(String) : String(out);
  }

  /** The store in use: the script's, else Redis when the server has a backplane, else this process's memory. */
  store(): SessionStore | Promise<SessionStore> {
    if (this.custom) return this.custom;
    const hub = this.server.backplane;
    if (hub) {
      if (this.redis?.hub !== hub) {
        const old = this.redis;
        const store = RedisStore.connect(hub.target.url, hub.target.prefix, () => this.now());
        // Another instance's Remove-PodeSession ends this one's hold on the session now (its streams with it).
        void store.then((s) => s.onRemoteRemove((id) => this.removed(id)), () => undefined);
        this.redis = { hub, store };
        if (old) void old.store.then((s) => s.close());
      }
      return this.redis.store;
    }
    return (this.memory ??= new MemoryStore(() => this.now(), (id) => this.evicted(id), this.maxSessions));
  }

  /**
   * A new id for the request's session (a login step, against session fixation): its data kept and saved under the
   * new id, the old id deleted from the store, the new id signed on the response (cookie or header). Resolves (or
   * returns, with the in-memory store) the new id; onRegenerate hears (oldId, newId).
   */
  regenerate(event: WebEvent): string | Promise<string> {
    if (!this.config) throw errors.SessionsNotConfigured('');
    return regenerateSession(this, event, '');
  }

  // ---- listeners -------------------------------------------------------------------------------------------

  onEnd(listener: SessionEndListener): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  onExtend(listener: SessionExtendListener): () => void {
    this.extendListeners.add(listener);
    return () => this.extendListeners.delete(listener);
  }

  onRegenerate(listener: SessionRegenerateListener): () => void {
    this.regenerateListeners.add(listener);
    return () => this.regenerateListeners.delete(listener);
  }

  expiryOf(sessionId: string): number | undefined {
    return this.known.get(sessionId);
  }

  private emit<A extends unknown[]>(listeners: Set<(...args: A) => void>, what: string, ...args: A): void {
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (err) {
        logException(`A session ${what} listener`, err);
      }
    }
  }

  /** Saved (or loaded) with this expiry: scheduled; with `extended`, onExtend hears it. */
  touched(id: string, expiry: number, extended: boolean): void {
    this.known.delete(id);
    this.known.set(id, expiry);
    while (this.known.size > this.maxSessions) this.known.delete(this.known.keys().next().value as string);
    this.push({ at: expiry, id });
    if (extended) this.emit(this.extendListeners, 'extend', id, expiry);
  }

  /** Remove-PodeSession removed it. */
  removed(id: string): void {
    this.known.delete(id);
    this.ended(id, 'removed');
  }

  /**
   * Ids whose end was reported: a request of the session still open then (an SSE stream it ended, say) must not
   * save it back at its own end, which would bring a logged-out or expired session back to life. Ids are random
   * and never reused; the newest maxSessions are kept.
   */
  private readonly endedIds = new Set<string>();

  /** Has this session's end been reported (removed, or expired)? saveSession then leaves it ended. */
  hasEnded(id: string): boolean {
    return this.endedIds.has(id);
  }

  private ended(id: string, why: SessionEndReason): void {
    this.endedIds.add(id);
    if (this.endedIds.size > this.maxSessions) this.endedIds.delete(this.endedIds.values().next().value as string);
    this.emit(this.endListeners, 'end', id, why);
  }

  /** regenerate: the old id is forgotten without an end; the new one is scheduled by its save. */
  regenerated(oldId: string, newId: string): void {
    this.known.delete(oldId);
    this.emit(this.regenerateListeners, 'regenerate', oldId, newId);
  }

  private evicted(id: string): void {
    if (this.known.delete(id)) this.ended(id, 'expired');
  }

  /** Store work a request left behind (the save at its end): tracked, its failure logged. */
  track(work: Promise<unknown>, what: string): void {
    const p = work.catch((err) => logException(what, err)).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once the store work started so far has finished (tests; the server's stop). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  // ---- the expiry schedule -------------------------------------------------------------------------------

  private push(due: Due): void {
    const h = this.heap;
    h.push(due);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
    if (h.length > 2 * this.known.size + 1024) this.rebuild();
    this.arm();
  }

  private pop(): Due | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  /** Only the current expiry of each known id. */
  private rebuild(): void {
    this.heap = [...this.known].map(([id, at]) => ({ at, id })).sort((a, b) => a.at - b.at);
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.heap[0]?.at ?? Infinity;
    if (next >= this.timerAt) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (next === Infinity) return;
    const wait = Math.min(Math.max(0, next - this.now()), MAX_TIMEOUT_MS);
    this.timer = this.clock.setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    const due: Due[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const d = this.pop()!;
      if (this.known.get(d.id) === d.at) due.push(d);
    }
    for (const d of due) this.check(d);
    this.arm();
  }

  /** A known session's expiry passed by this instance's reckoning: confirm with the store, then report. */
  private check(d: Due): void {
    const ended = () => {
      if (this.known.get(d.id) !== d.at) return; // saved again meanwhile
      this.known.delete(d.id);
      this.ended(d.id, 'expired');
    };
    const decide = (store: SessionStore, at: number | undefined) => {
      // Redis still holding the key means it has not expired there yet, whatever this clock says (its TTL is
      // read as "now + PTTL", and a moment passes before it is compared): ask again at that time, so that an
      // expiry is reported only once the session is gone for every instance. (Another store's answer is taken
      // as it is: one that never drops a past entry must not be asked again and again.)
      const held = at !== undefined && (at > this.now() || store.kind === 'redis');
      if (held) {
        if (this.known.get(d.id) === d.at) {
          const next = Math.max(at, this.now() + 1);
          this.known.set(d.id, next);
          this.push({ at: next, id: d.id });
        }
        return;
      }
      if (store.kind === 'memory') void store.delete(d.id);
      ended();
    };
    const store = this.store();
    if (isThenable(store)) {
      this.track(store.then((s) => this.confirm(s, d, decide)), 'Checking a session expiry');
      return;
    }
    const out = this.confirm(store, d, decide);
    if (isThenable(out)) this.track(out, 'Checking a session expiry');
  }

  private confirm(store: SessionStore, d: Due, decide: (store: SessionStore, at: number | undefined) => void): void | Promise<void> {
    if (!store.expiresAt) return decide(store, undefined);
    const at = store.expiresAt(d.id);
    if (isThenable(at)) return Promise.resolve(at).then((v) => decide(store, v));
    return decide(store, at);
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
    const redis = this.redis;
    this.redis = undefined;
    if (redis) await (await redis.store.catch(() => undefined))?.close();
  }
}

/** Pode's default -Generator (New-PodeGuid): a random UUID. */
export const defaultGenerator = (): string => randomUUID();
