// The global connection registry: Name -> ClientId -> connection, plus a per-Name group index so that a
// send to some groups visits only those groups' connections instead of scanning every connection.
//
// Keys are read from the connection when it is added; a connection's name/clientId/group must not change
// while it is registered. Connections without a group are indexed under the empty group key, which no group
// narrowing selects, not even `-Group ''`: a connection without a Group is in none (Pode's
// PodeClientConnection.IsForGroup); groups() never lists ''.

export interface SseConn {
  name: string;
  clientId: string;
  group?: string | undefined;
}

interface Entry<C> {
  conn: C;
  /** The lower-cased group, computed once so filtering never allocates per target. */
  groupKey: string;
}

interface GroupBucket<C> {
  /** The casing of the first connection seen in this group (what groups() reports). */
  display: string;
  entries: Set<Entry<C>>;
}

type Groups = readonly string[] | null | undefined;
type ClientIds = readonly string[] | null | undefined;

/** Lower-cased, de-duplicated groups ('' left out: it names no group); null when no group narrowing was asked for. */
function groupFilter(groups: Groups): Set<string> | null {
  if (!groups || groups.length === 0) return null;
  const keys = new Set<string>();
  for (const g of groups) if (g !== '') keys.add(g.toLowerCase());
  return keys;
}

export class SseRegistry<C extends SseConn = SseConn> {
  private readonly byName = new Map<string, Map<string, Entry<C>>>();
  private readonly byGroup = new Map<string, Map<string, GroupBucket<C>>>();
  private count = 0;
  /** Per Name, the change counter's value at its last membership change (host/sse/fanout.ts keys on it). */
  private readonly versions = new Map<string, number>();
  private changes = 0;
  /**
   * Called before any membership change (add and a hold starting or ending through changed(), remove): the
   * fan-out visits what it deferred first, so a deferred send reaches exactly the targets it had when made.
   */
  beforeChange: (() => void) | undefined = undefined;

  /** Total registered connections. */
  get size(): number {
    return this.count;
  }

  /**
   * Changes whenever `name`'s targets may have changed: a connection added or removed, or one starting or
   * ending a hold (SseConnection.pending). A batch of frames made for a target set is valid while it holds.
   */
  version(name: string): number {
    return this.versions.get(name) ?? 0;
  }
  changed(name: string): void {
    this.beforeChange?.();
    this.versions.set(name, ++this.changes);
  }

  /**
   * Registers `conn`. Returns the connection it replaced (same name and clientId), which the caller must
   * close; undefined when there was none (or `conn` itself was already registered).
   */
  add(conn: C): C | undefined {
    let ids = this.byName.get(conn.name);
    if (!ids) this.byName.set(conn.name, (ids = new Map()));
    const old = ids.get(conn.clientId);
    if (old?.conn === conn) return undefined;
    this.changed(conn.name);
    if (old) this.unindex(conn.name, old);
    else this.count++;
    const entry: Entry<C> = { conn, groupKey: (conn.group ?? '').toLowerCase() };
    ids.set(conn.clientId, entry);
    this.index(conn.name, entry);
    return old?.conn;
  }

  /**
   * Unregisters `conn` only if it is still the registered connection for its key: a replaced connection
   * that closes late must not evict its replacement. Returns whether something was removed.
   */
  remove(conn: C): boolean {
    const ids = this.byName.get(conn.name);
    const entry = ids?.get(conn.clientId);
    if (!ids || !entry || entry.conn !== conn) return false;
    this.beforeChange?.();
    ids.delete(conn.clientId);
    if (ids.size === 0) {
      this.byName.delete(conn.name);
      // No targets is version 0 again: the Name's entry does not outlive its connections.
      this.versions.delete(conn.name);
    } else this.changed(conn.name);
    this.unindex(conn.name, entry);
    this.count--;
    return true;
  }

  get(name: string, clientId: string): C | undefined {
    return this.byName.get(name)?.get(clientId)?.conn;
  }

  /**
   * Calls `fn` for every connection of `name` narrowed to `clientIds` (when given) and to `groups` (when
   * given, case-insensitive); both given means both must match. Visits only the targets, each once. `fn`
   * may remove (close) the connection it is given. Returns how many were visited.
   */
  select(name: string, groups: Groups, clientIds: ClientIds, fn: (conn: C) => void): number {
    const ids = this.byName.get(name);
    if (!ids) return 0;
    const wanted = groupFilter(groups);
    let visited = 0;
    if (clientIds && clientIds.length > 0) {
      // A duplicated id must not receive the event twice; the common single-id case skips the Set.
      const seen = clientIds.length > 1 ? new Set<string>() : null;
      for (const id of clientIds) {
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        const entry = ids.get(id);
        if (!entry || (wanted && !wanted.has(entry.groupKey))) continue;
        fn(entry.conn);
        visited++;
      }
      return visited;
    }
    if (wanted) {
      // A connection is in exactly one group, so the buckets are disjoint: their union has no repeats.
      const buckets = this.byGroup.get(name);
      for (const key of wanted) {
        const bucket = buckets?.get(key);
        if (!bucket) continue;
        for (const entry of bucket.entries) {
          fn(entry.conn);
          visited++;
        }
      }
      return visited;
    }
    for (const entry of ids.values()) {
      fn(entry.conn);
      visited++;
    }
    return visited;
  }

  /** Names that have at least one connection. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** How many connections `name` has: O(1), from the index. */
  sizeOf(name: string): number {
    return this.byName.get(name)?.size ?? 0;
  }

  /** `name`'s connections per group, in the casing first seen ('' for those without one): O(groups). */
  *groupSizes(name: string): IterableIterator<[group: string, count: number]> {
    const buckets = this.byGroup.get(name);
    if (buckets) for (const bucket of buckets.values()) yield [bucket.display, bucket.entries.size];
  }

  /** Distinct groups of `name`, in the casing first seen (connections without a group are not listed). */
  groups(name: string): string[] {
    const out: string[] = [];
    const buckets = this.byGroup.get(name);
    if (buckets) for (const [key, bucket] of buckets) if (key !== '') out.push(bucket.display);
    return out;
  }

  /** Client ids of `name`, narrowed to `groups` when given. */
  clientIds(name: string, groups?: Groups): string[] {
    const out: string[] = [];
    this.select(name, groups, null, (conn) => out.push(conn.clientId));
    return out;
  }

  /** Test-PodeSseClientId: the connection exists and, when groups are given, is in one of them. */
  hasClientId(name: string, clientId: string, groups?: Groups): boolean {
    const entry = this.byName.get(name)?.get(clientId);
    if (!entry) return false;
    const wanted = groupFilter(groups);
    return !wanted || wanted.has(entry.groupKey);
  }

  /** Every registered connection (shutdown, heartbeat). Safe to remove connections while iterating. */
  *all(): IterableIterator<C> {
    for (const ids of this.byName.values()) for (const entry of ids.values()) yield entry.conn;
  }

  private index(name: string, entry: Entry<C>): void {
    let buckets = this.byGroup.get(name);
    if (!buckets) this.byGroup.set(name, (buckets = new Map()));
    let bucket = buckets.get(entry.groupKey);
    if (!bucket) buckets.set(entry.groupKey, (bucket = { display: entry.conn.group ?? '', entries: new Set() }));
    bucket.entries.add(entry);
  }

  private unindex(name: string, entry: Entry<C>): void {
    const buckets = this.byGroup.get(name);
    const bucket = buckets?.get(entry.groupKey);
    if (!buckets || !bucket) return;
    bucket.entries.delete(entry);
    if (bucket.entries.size === 0) buckets.delete(entry.groupKey);
    if (buckets.size === 0) this.byGroup.delete(name);
  }
}
