// Cluster-wide locks as a process takes them (--workers, --redis; docs/state.md "Across workers and instances").
// Which locks are cluster-wide: the global Lockable, the named Lockables, and a state entry's Value (the lock
// key is then that state's name); any other object keeps its per-process lock (lock.ts).
//
// Pode's idiom changes a state value in place under a lock (`$h = Get-PodeState 'hits'; $h.count++`). So the
// entries read with Get-PodeState while a cluster lock is held are noted with their JSON, and on release the
// ones whose JSON changed are published, before the unlock: the ordering point hands the write to everyone
// before it grants the lock to the next holder, and a grant carries the version its holder waits to apply.
import { ignoreCaseKey } from '../values/ignorecase.ts';
import { ambient } from '../runtime/ambient.ts';
import type { Lockables } from './lock.ts';
import { toWire, type StateBackend, type StateReplica } from './replica.ts';
import type { StateStore } from './store.ts';

/** The state entries read under one held lock, with their JSON at the first read. */
export class ReadSet {
  readonly reads = new Map<string, { name: string; wire: string | undefined }>();
  constructor(
    /** Enter-PodeLockable's lock has no script to scope its reads: it notes every read of this process. */
    readonly open: boolean,
  ) {}

  note(store: StateStore, name: string): void {
    const key = ignoreCaseKey(name);
    if (this.reads.has(key)) return;
    const entry = store.get(name);
    if (!entry) return;
    let wire: string | undefined;
    try {
      wire = toWire(entry.Value);
    } catch {
      wire = undefined; // cannot travel: never republished
    }
    this.reads.set(key, { name, wire });
  }
}

/** Why a cluster lock could not be asked for; the cmdlet turns it into its catalog error. */
export class ClusterLockError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The cluster key of a lock target, or undefined when its lock is per process. */
export function clusterKeyOf(lockables: Lockables, store: StateStore, target: object): { key: string; stateName?: string } | undefined {
  if (target === lockables.global) return { key: 'global' };
  const name = (target as { Name?: unknown }).Name;
  if (typeof name === 'string' && lockables.get(name) === target) return { key: `lockable:${ignoreCaseKey(name)}` };
  const stateName = store.nameOfValue(target);
  if (stateName !== undefined) return { key: `state:${ignoreCaseKey(stateName)}`, stateName };
  return undefined;
}

export class ClusterLocks {
  /** Cluster locks this process holds, by key. */
  private readonly held = new Map<string, ReadSet>();

  constructor(
    private readonly replica: StateReplica,
    private readonly backend: StateBackend,
    private readonly store: StateStore,
  ) {}

  /** The reads of the lock once held; undefined when -Timeout passed first. Throws ClusterLockError when unreachable. */
  async acquire(key: string, timeoutMs: number, open: boolean, stateName?: string): Promise<ReadSet | undefined> {
    if (!this.backend.connected) throw new ClusterLockError(this.backend.where, 'not connected');
    let grant;
    try {
      grant = await this.backend.lock(key, timeoutMs);
    } catch (err) {
      throw new ClusterLockError(this.backend.where, (err as Error).message);
    }
    if (!grant.ok) return undefined;
    // What the last holder wrote is applied here before this holder runs.
    await this.replica.caughtUp(grant.v);
    const reads = new ReadSet(open);
    if (stateName !== undefined) reads.note(this.store, stateName);
    this.held.set(key, reads);
    return reads;
  }

  /** Publishes what changed in place under the lock, then releases it. A lock not held here is left alone. */
  release(key: string): void {
    const reads = this.held.get(key);
    if (!reads) return;
    this.held.delete(key);
    for (const { name, wire } of reads.reads.values()) {
      const entry = this.store.get(name);
      if (!entry || wire === undefined) continue;
      let now: string;
      try {
        now = toWire(entry.Value);
      } catch {
        continue;
      }
      if (now !== wire) this.replica.republish(name, now);
    }
    this.backend.unlock(key);
  }

  /** Get-PodeState read `name`: noted by the lock scope the code runs in, else by every Enter-PodeLockable lock held. */
  noteRead(name: string): void {
    if (this.held.size === 0) return;
    const scoped = ambient()?.lockReads;
    if (scoped) return scoped.note(this.store, name);
    for (const reads of this.held.values()) if (reads.open) reads.note(this.store, name);
  }
}
