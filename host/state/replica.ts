// This process's replica of a cluster-wide state (--workers, --redis; docs/state.md "Across workers and
// instances"). Reads stay synchronous on the local StateStore. A write is applied here at once (read-your-
// writes) and sent to the ordering point (the primary, or Redis), which numbers it (a version) and hands it to
// every process, this one too, in one order: every replica applies the same writes in the same order, so they
// converge; the last writer in that order wins.
//
// Own writes not heard back yet are "pending". A foreign write heard before the echo of an own pending write on
// the same name was ordered before it, so the own value (already here) is the one that ends up everywhere: the
// foreign write is skipped. The echo itself is not applied again (this process keeps the live object it set).
import { ignoreCaseKey } from '../values/ignorecase.ts';
import { isPlainObject } from '../values/hashtable.ts';
import { toPsJson } from '../values/json.ts';
import type { StateEntry, StateStore } from './store.ts';

/** An entry as it travels: the value as JSON text. */
export interface WireEntry {
  name: string;
  value: string;
  scope: string[];
}

export type StateOp = ({ k: 'set' } & WireEntry) | { k: 'remove'; name: string } | { k: 'replace'; entries: WireEntry[] };

/** A write with its place in the order. */
export interface OrderedOp {
  v: number;
  origin: string;
  op: StateOp;
}

export interface StateSnapshot {
  v: number;
  entries: WireEntry[];
}

/** What a lock grant says: whether it was had, and the state version the next holder must have applied first. */
export interface LockGrant {
  ok: boolean;
  v: number;
}

/** The ordering point as seen from a process: the primary over IPC (ipc-state.ts) or Redis (redis-state.ts). */
export interface StateBackend {
  readonly kind: 'workers' | 'redis';
  /** Where it is, for errors and logs. */
  readonly where: string;
  readonly connected: boolean;
  publish(origin: string, op: StateOp): void;
  /** Resolves once held or timed out (timeoutMs -1: infinite); rejects when the ordering point cannot be reached. */
  lock(key: string, timeoutMs: number): Promise<LockGrant>;
  unlock(key: string): void;
  close(): Promise<void>;
}

/** Thrown by a write when the ordering point cannot be reached; the cmdlet turns it into its catalog error. */
export class StateUnreachableError extends Error {
  constructor(readonly where: string) {
    super(`the state's ordering point (${where}) cannot be reached`);
  }
}

/** Thrown when a value cannot travel (a cycle within the depth is cut, so in practice a throwing getter or toJSON). */
export class StateValueError extends Error {
  /** The state name whose value it is, when known. */
  stateName: string | undefined;
}

/** Levels a value keeps when it travels: Save-PodeState's default -Depth (same rule). */
export const WIRE_DEPTH = 20;

export function toWire(value: unknown): string {
  try {
    return toPsJson(value ?? null, { depth: WIRE_DEPTH, circular: () => new StateValueError('a circular value') });
  } catch (err) {
    throw err instanceof StateValueError ? err : new StateValueError((err as Error).message);
  }
}

/** The names (by ignoreCaseKey) an op writes; undefined for every name (replace). */
function keyOf(op: StateOp): string | undefined {
  return op.k === 'replace' ? undefined : ignoreCaseKey(op.name);
}

/**
 * A foreign value into the entry already here, keeping the object a script may hold (Pode's state is shared by
 * reference): an object into an object, an array into an array. Anything else replaces the value.
 */
function patchInPlace(current: unknown, next: unknown): boolean {
  if (Array.isArray(current) && Array.isArray(next)) {
    current.length = 0;
    current.push(...next);
    return true;
  }
  if (isPlainObject(current) && isPlainObject(next)) {
    for (const k of Object.keys(current)) if (!(k in next)) delete current[k];
    Object.assign(current, next);
    return true;
  }
  return false;
}

export class StateReplica {
  /** The last version applied (from a snapshot or an ordered write). */
  version = 0;
  /** Own writes not heard back yet, by name key. */
  private readonly pending = new Map<string, number>();
  /** Own replaces (Restore without -Merge) not heard back yet. */
  private pendingReplace = 0;
  private waiters: Array<{ v: number; resolve: () => void }> = [];

  constructor(
    private readonly store: StateStore,
    private readonly backend: StateBackend,
    /** Tells own writes from the others' in the order. */
    readonly origin: string,
  ) {}

  get where(): string {
    return this.backend.where;
  }

  /** Set-PodeState: the value stays this very object here; the others get its JSON. */
  set(name: string, value: unknown, scope: readonly string[]): StateEntry {
    const wire = toWire(value);
    this.reachable();
    const entry = this.store.set(name, value, scope);
    this.send({ k: 'set', name: this.store.nameOf(name) ?? name, value: wire, scope: [...entry.Scope] });
    return entry;
  }

  remove(name: string): StateEntry | undefined {
    this.reachable();
    const found = this.store.remove(name);
    this.send({ k: 'remove', name });
    return found;
  }

  /** Restore-PodeState without -Merge (or a clear): the whole state becomes `entries`. */
  replace(entries: ReadonlyArray<[string, StateEntry]>): void {
    const wire = entries.map(([name, e]) => {
      try {
        return { name, value: toWire(e.Value), scope: [...e.Scope] };
      } catch (err) {
        if (err instanceof StateValueError) err.stateName = name;
        throw err;
      }
    });
    this.reachable();
    this.store.clear();
    for (const [name, e] of entries) this.store.put(name, e);
    this.send({ k: 'replace', entries: wire });
  }

  /** An entry changed in place (seen when a lock is released): the others get its JSON now. */
  republish(name: string, wire: string): void {
    const entry = this.store.get(name);
    if (!entry || !this.backend.connected) return;
    this.send({ k: 'set', name: this.store.nameOf(name) ?? name, value: wire, scope: [...entry.Scope] });
  }

  private reachable(): void {
    if (!this.backend.connected) throw new StateUnreachableError(this.backend.where);
  }

  private send(op: StateOp): void {
    const key = keyOf(op);
    if (key === undefined) this.pendingReplace++;
    else this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    this.backend.publish(this.origin, op);
  }

  /** An own write the ordering point never took (Redis failed it): it is pending no more. */
  dropped(op: StateOp): void {
    this.settle(op);
  }

  private settle(op: StateOp): void {
    const key = keyOf(op);
    if (key === undefined) {
      this.pendingReplace = Math.max(0, this.pendingReplace - 1);
      return;
    }
    const left = (this.pending.get(key) ?? 1) - 1;
    if (left > 0) this.pending.set(key, left);
    else this.pending.delete(key);
  }

  /**
   * A write in the order. Returns 'gap' when versions were skipped (messages lost while a connection was down):
   * the caller loads a snapshot. An op at or below the version applied is older than the snapshot: skipped.
   */
  ordered(m: OrderedOp): 'applied' | 'old' | 'gap' {
    if (m.v <= this.version) return 'old';
    const gap = m.v > this.version + 1;
    this.version = m.v;
    if (m.origin === this.origin) this.settle(m.op);
    else this.applyForeign(m.op);
    this.wake();
    return gap ? 'gap' : 'applied';
  }

  private applyForeign(op: StateOp): void {
    if (this.pendingReplace > 0) return; // an own replace comes later in the order and overwrites everything
    if (op.k === 'replace') {
      // Own pending writes come after it in the order: keep what they wrote.
      const kept = [...this.pending.keys()].map((key) => [key, this.store.getByKey(key)] as const);
      this.loadEntries(op.entries);
      for (const [key, found] of kept) {
        if (found) this.store.put(found.name, found.entry);
        else this.store.removeByKey(key);
      }
      return;
    }
    if (this.pending.has(ignoreCaseKey(op.name))) return;
    if (op.k === 'remove') this.store.remove(op.name);
    else this.applyEntry(op);
  }

  private applyEntry(e: WireEntry): void {
    const value = JSON.parse(e.value) as unknown;
    const current = this.store.get(e.name);
    if (current && patchInPlace(current.Value, value)) current.Scope = [...e.scope];
    else this.store.set(e.name, value, e.scope);
  }

  private loadEntries(entries: readonly WireEntry[]): void {
    const keep = new Set(entries.map((e) => ignoreCaseKey(e.name)));
    for (const name of this.store.names()) if (!keep.has(ignoreCaseKey(name))) this.store.remove(name);
    for (const e of entries) this.applyEntry(e);
  }

  /**
   * The ordering point's copy: it replaces this one (own pending writes are dropped: the snapshot is taken after
   * them or they failed). With `offerLocal`, the names set here and absent there are sent to the others (state a
   * script set before it joined). Returns those names.
   */
  load(snapshot: StateSnapshot, offerLocal = false): string[] {
    const known = new Set(snapshot.entries.map((e) => ignoreCaseKey(e.name)));
    const local = offerLocal ? this.store.names().filter((n) => !known.has(ignoreCaseKey(n))).map((n) => [n, this.store.get(n)!] as const) : [];
    this.pending.clear();
    this.pendingReplace = 0;
    this.version = snapshot.v;
    this.loadEntries(snapshot.entries);
    for (const [name, entry] of local) {
      this.store.put(name, entry);
      this.send({ k: 'set', name, value: toWire(entry.Value), scope: [...entry.Scope] });
    }
    this.wake();
    return local.map(([n]) => n);
  }

  /** Resolves once version `v` is applied here (a lock's next holder reads what the last one wrote). */
  caughtUp(v: number): Promise<void> {
    if (this.version >= v) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ v, resolve }));
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (this.version >= w.v ? w.resolve() : still.push(w));
    this.waiters = still;
  }

  async close(): Promise<void> {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
    await this.backend.close();
  }
}
