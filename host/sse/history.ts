// Replay history (beyond Pode): per Name, the last N framed events (optionally no older than MaxAge), so a
// client reconnecting with Last-Event-ID gets what it missed. Off by default. Each Name's events live in a
// fixed-size ring (bounded memory, O(1) append/evict) and an id -> sequence Map (O(1) lookup by id).

export interface HistoryBound {
  /** How many events to keep; 0 turns history off. */
  count: number;
  /** Drop events older than this many seconds; 0/undefined = no age bound. */
  maxAgeSeconds?: number;
}

export interface HistoryRecordInput {
  /** The caller's -Id; when absent and history is on, the next per-Name number is assigned. */
  id?: string;
  /** Frames the event with the id actually used; called exactly once. */
  frame: (id: string | undefined) => Buffer;
  /** The send's narrowing, replayed only to connections it would have reached. */
  groups?: readonly string[] | null;
  clientIds?: readonly string[] | null;
}

export type ReplayResult =
  | { kind: 'none' }
  | { kind: 'events'; frames: Buffer[]; ids: string[] }
  | { kind: 'gap'; lastId: string };

interface Item {
  seq: number;
  id: string;
  frame: Buffer;
  time: number;
  groups: string[] | null;
  clientIds: string[] | null;
}

/** The default bound's key, used for every Name without its own. */
export const ALL_NAMES = '*';

class NameHistory {
  /** Next auto id; never reset, so ids keep increasing past evictions (and past history being switched off). */
  nextId = 1;
  private nextSeq = 0;
  private ring: (Item | undefined)[] = [];
  private start = 0;
  private length = 0;
  private readonly ids = new Map<string, number>();

  get capacity(): number {
    return this.ring.length;
  }

  push(item: Omit<Item, 'seq'>): void {
    if (this.length === this.ring.length) this.evictOldest();
    const full: Item = { ...item, seq: this.nextSeq++ };
    this.ring[(this.start + this.length) % this.ring.length] = full;
    this.length++;
    // A reused -Id now points at its latest event.
    this.ids.set(full.id, full.seq);
  }

  evictOlderThan(cutoff: number): void {
    while (this.length > 0 && this.at(0).time < cutoff) this.evictOldest();
  }

  /** Ring offset just past the event with this id, or -1 when the id is not held. */
  offsetAfter(id: string): number {
    const seq = this.ids.get(id);
    return seq === undefined ? -1 : seq - this.at(0).seq + 1;
  }

  get size(): number {
    return this.length;
  }

  at(offset: number): Item {
    return this.ring[(this.start + offset) % this.ring.length]!;
  }

  /** Keeps the newest events that fit in `capacity` (0 frees everything). */
  resize(capacity: number): void {
    while (this.length > capacity) this.evictOldest();
    const ring: (Item | undefined)[] = new Array(capacity);
    for (let i = 0; i < this.length; i++) ring[i] = this.at(i);
    this.ring = ring;
    this.start = 0;
  }

  clear(): void {
    while (this.length > 0) this.evictOldest();
  }

  private evictOldest(): void {
    const item = this.at(0);
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.ring.length;
    this.length--;
    if (this.ids.get(item.id) === item.seq) this.ids.delete(item.id);
  }
}

function validBound(bound: HistoryBound): HistoryBound {
  if (!Number.isSafeInteger(bound.count) || bound.count < 0) {
    throw new RangeError(`SSE history count must be a non-negative integer, got ${bound.count}`);
  }
  const age = bound.maxAgeSeconds ?? 0;
  if (!Number.isFinite(age) || age < 0) {
    throw new RangeError(`SSE history max age must be a non-negative number of seconds, got ${bound.maxAgeSeconds}`);
  }
  return { count: bound.count, maxAgeSeconds: age };
}

function lowered(list: readonly string[] | null | undefined): string[] | null {
  return list && list.length > 0 ? list.map((g) => g.toLowerCase()) : null;
}

export class SseHistory {
  private readonly bounds = new Map<string, HistoryBound>();
  private readonly names = new Map<string, NameHistory>();
  private readonly now: () => number;

  /** `now` (ms) is injectable so tests can age events without waiting. */
  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Sets the bound for a Name, or for every Name without its own when `name` is `*`. `{ count: 0 }` turns
   * history off for that Name (even if `*` is on); `null` removes the Name's own setting.
   */
  setBound(name: string, bound: HistoryBound | null): void {
    if (bound === null) this.bounds.delete(name);
    else this.bounds.set(name, validBound(bound));
    // Apply now, so switching off or shrinking frees memory at once rather than at the next send.
    for (const [n, history] of this.names) history.resize(this.boundOf(n)?.count ?? 0);
  }

  /** The bound in effect for `name` (its own, else `*`'s); undefined when history is off for it. */
  boundOf(name: string): HistoryBound | undefined {
    const bound = this.bounds.get(name) ?? this.bounds.get(ALL_NAMES);
    return bound && bound.count > 0 ? bound : undefined;
  }

  isEnabled(name: string): boolean {
    return this.boundOf(name) !== undefined;
  }

  /**
   * Frames an event once and, when history is on for `name`, keeps it. Returns the id used (assigned when
   * history is on and none was given) and the frame, which the caller then writes to every target.
   */
  record(name: string, input: HistoryRecordInput): { id: string | undefined; frame: Buffer } {
    const bound = this.boundOf(name);
    if (!bound) return { id: input.id, frame: input.frame(input.id) };
    let history = this.names.get(name);
    if (!history) this.names.set(name, (history = new NameHistory()));
    const auto = input.id === undefined || input.id === '';
    const id = auto ? String(history.nextId) : input.id!;
    const frame = input.frame(id); // may throw (invalid id): then nothing is kept and no number is used
    if (auto) history.nextId++;
    if (history.capacity !== bound.count) history.resize(bound.count);
    const time = this.now();
    if (bound.maxAgeSeconds) history.evictOlderThan(time - bound.maxAgeSeconds * 1000);
    history.push({ id, frame, time, groups: lowered(input.groups), clientIds: input.clientIds?.length ? [...input.clientIds] : null });
    return { id, frame };
  }

  /**
   * What a connection reconnecting with `lastEventId` missed: 'none' when history is off or there is no
   * id; 'events' with every later event whose narrowing matches the connection, oldest first (possibly
   * none); 'gap' when the id is not in the history (evicted, or never sent), so events may have been lost.
   */
  replay(name: string, lastEventId: string | null | undefined, conn: { clientId: string; group?: string }): ReplayResult {
    const bound = this.boundOf(name);
    if (!bound || !lastEventId) return { kind: 'none' };
    const history = this.names.get(name);
    if (history && bound.maxAgeSeconds) history.evictOlderThan(this.now() - bound.maxAgeSeconds * 1000);
    const from = history ? history.offsetAfter(lastEventId) : -1;
    if (!history || from < 0) return { kind: 'gap', lastId: lastEventId };
    const group = (conn.group ?? '').toLowerCase();
    const frames: Buffer[] = [];
    const ids: string[] = [];
    for (let i = from; i < history.size; i++) {
      const item = history.at(i);
      if (item.clientIds && !item.clientIds.includes(conn.clientId)) continue;
      if (item.groups && !item.groups.includes(group)) continue;
      frames.push(item.frame);
      ids.push(item.id);
    }
    return { kind: 'events', frames, ids };
  }

  /** Forgets a Name's events (or every Name's); the id counters are kept so ids never repeat. */
  clear(name?: string): void {
    for (const [n, history] of this.names) if (name === undefined || n === name) history.clear();
  }
}
