// Lock-PodeObject's locks (Pode's src/Public/Threading.ps1): an exclusive lock per object and per Lockable, that
// queues other callers across awaits (first come, first served) and is released when the script ends, however it
// ends. Pode locks an object's SyncRoot with System.Threading.Monitor; podets has one thread, so a lock is a queue of
// promises, kept per object identity (a WeakMap: a lock never keeps its object alive). A Lockable is a named object
// (New-PodeLockable); the global Lockable is what a call without -Object/-Name locks. The Lockables live on the
// server (server.state.lockables); these locks are per process. Under --workers or --redis the locks on
// Lockables and state values are cluster-wide instead (cluster-locks.ts; docs/state.md).
//
// Unlike Monitor, a lock is not re-entrant: a script holding a lock that asks for it again waits for itself (with
// the default infinite -Timeout, forever). docs/state.md says so.
import type { Clock } from '../timers/clock.ts';
import { MAX_TIMEOUT_MS } from '../timers/clock.ts';
import { ignoreCaseKey } from '../values/ignorecase.ts';

interface Waiter {
  grant(): void;
}

/** One exclusive lock: held or free, with the callers waiting for it in order. */
export class AsyncLock {
  private held = false;
  private readonly waiters: Waiter[] = [];

  get locked(): boolean {
    return this.held;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves true once held; false when `timeoutMs` (>= 0; -1 = infinite) passes first. */
  acquire(timeoutMs: number, clock: Clock): Promise<boolean> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(true);
    }
    if (timeoutMs === 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: unknown;
      const waiter: Waiter = {
        grant: () => {
          if (timer !== undefined) clock.clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
      if (timeoutMs > 0) {
        timer = clock.setTimeout(() => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve(false);
        }, Math.min(timeoutMs, MAX_TIMEOUT_MS));
      }
    });
  }

  /** Hand the lock to the next caller in line, or free it. Releasing a free lock does nothing (as Exit-PodeLockable). */
  release(): void {
    if (!this.held) return;
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held = false;
  }
}

/** A Lockable: what Get-PodeLockable returns, and what Lock-PodeObject -Object takes as well as -Name. */
export interface Lockable {
  readonly Name: string;
}

export class Lockables {
  /** What a lock without -Object, or with $null, takes: Pode's $PodeContext.Threading.Lockables.Global. */
  readonly global: Lockable = Object.freeze({ Name: 'Global' });
  private readonly custom = new Map<string, Lockable>();
  private readonly locks = new WeakMap<object, AsyncLock>();

  constructor(readonly clock: Clock) {}

  /** New-PodeLockable: nothing when the name exists. */
  add(name: string): void {
    const key = ignoreCaseKey(name);
    if (!this.custom.has(key)) this.custom.set(key, Object.freeze({ Name: name }));
  }

  remove(name: string): void {
    this.custom.delete(ignoreCaseKey(name));
  }

  get(name: string): Lockable | undefined {
    return this.custom.get(ignoreCaseKey(name));
  }

  has(name: string): boolean {
    return this.custom.has(ignoreCaseKey(name));
  }

  clear(): void {
    this.custom.clear();
  }

  /** The lock of an object (a Lockable, a hashtable, an array, a function…), made on first use. */
  lockOf(target: object): AsyncLock {
    let lock = this.locks.get(target);
    if (!lock) {
      lock = new AsyncLock();
      this.locks.set(target, lock);
    }
    return lock;
  }
}

/** What cannot be locked: Pode's [ValueType] (numbers, booleans) and, in JavaScript, every other primitive. */
export function isValueType(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'object' && typeof value !== 'function';
}
