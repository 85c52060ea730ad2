// Cluster-wide locks as the primary keeps them under --workers (host/cluster/state.ts): one holder and a FIFO
// queue of waiters per lock key, each waiter with the caller's -Timeout, and everything an owner (a worker)
// held or waited for dropped when it dies, so a crashed worker never blocks the others.
import type { Clock } from '../timers/clock.ts';
import { MAX_TIMEOUT_MS } from '../timers/clock.ts';

interface Waiter<O> {
  owner: O;
  done: (ok: boolean) => void;
  timer: unknown;
}

interface KeyState<O> {
  holder: O;
  queue: Waiter<O>[];
}

export class LockQueues<O> {
  private readonly keys = new Map<string, KeyState<O>>();

  constructor(private readonly clock: Clock) {}

  /** `done(true)` once `owner` holds `key`, `done(false)` when `timeoutMs` (-1: infinite, 0: no wait) passes first. */
  acquire(key: string, owner: O, timeoutMs: number, done: (ok: boolean) => void): void {
    const state = this.keys.get(key);
    if (!state) {
      this.keys.set(key, { holder: owner, queue: [] });
      return done(true);
    }
    if (timeoutMs === 0) return done(false);
    const waiter: Waiter<O> = { owner, done, timer: undefined };
    if (timeoutMs > 0) {
      waiter.timer = this.clock.setTimeout(() => {
        const at = state.queue.indexOf(waiter);
        if (at >= 0) state.queue.splice(at, 1);
        done(false);
      }, Math.min(timeoutMs, MAX_TIMEOUT_MS));
    }
    state.queue.push(waiter);
  }

  /** Releases `key` if `owner` holds it: the first waiter gets it. False when `owner` did not hold it. */
  release(key: string, owner: O): boolean {
    const state = this.keys.get(key);
    if (!state || state.holder !== owner) return false;
    this.handOn(key, state);
    return true;
  }

  /** An owner gone: what it held goes to the next in line, its waits are forgotten (no one to answer). */
  dropOwner(owner: O): void {
    for (const [key, state] of [...this.keys]) {
      for (const w of state.queue.filter((w) => w.owner === owner)) this.forget(state, w);
      if (state.holder === owner) this.handOn(key, state);
    }
  }

  holder(key: string): O | undefined {
    return this.keys.get(key)?.holder;
  }

  waiting(key: string): number {
    return this.keys.get(key)?.queue.length ?? 0;
  }

  private forget(state: KeyState<O>, w: Waiter<O>): void {
    if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
    state.queue.splice(state.queue.indexOf(w), 1);
  }

  private handOn(key: string, state: KeyState<O>): void {
    const next = state.queue.shift();
    if (!next) {
      this.keys.delete(key);
      return;
    }
    if (next.timer !== undefined) this.clock.clearTimeout(next.timer);
    state.holder = next.owner;
    next.done(true);
  }
}
