// Replay history (beyond Pode): per Name, the last N framed events (optionally no older than MaxAge), so a
// client reconnecting with Last-Event-ID gets what it missed. Off by default. Each Name's events live in a
// fixed-size ring (bounded memory, O(1) append/evict) and an id -> sequence Map (O(1) lookup by id).
//
// Every kept event has a position in its Name's stream, `seq`: a number that strictly increases and never
// repeats, not even across restarts of the process (or of Redis, see hub/redis): it is a hybrid clock,
// max(previous + 1, now in microseconds since the Unix epoch). Events sent without -Id take it as their id,
// so a client can never see an id that is smaller than one it saw before, nor one that meant another event
// before a restart (which would make a reconnect replay from the wrong place without telling it).
import { nextSeq } from './seq.ts';

export interface HistoryBound {
  /** How many events to keep; 0 turns history off. */
  count: number;
  /** Drop events older than this many seconds; 0/undefined = no age bound. */
  maxAgeSeconds?: number;
}

export interface HistoryRecordInput {
  /** The caller's -Id; when absent and history is on, the event's seq becomes its id. */
  id?: string;
  /** Frames the event with the id actually used; called exactly once. */
  frame: (id: string | undefined) => Buffer;
  /** The send's narrowing, replayed only to connections it would have reached. */
  groups?: readonly string[] | null;
  clientIds?: readonly string[] | null;
}

export interface Recorded {
  /** The id the event carries (the given one, else its seq); undefined when history is off. */
  id: string | undefined;
  /** Its position in the Name's stream; undefined when history is off. */
  seq: number | undefined;
  frame: Buffer;
}

export type ReplayResult =
  | { kind: 'none' }
  /** `head`: the seq of the newest event held (replayed or not), so later deliveries up to it are known duplicates. */
  | { kind: 'events'; frames: Buffer[]; ids: string[]; seqs: number[]; head: number }
  | { kind: 'gap'; lastId: string };

/** What a replay is narrowed by: the reconnecting connection. */
export interface ReplayTarget {
  clientId: string;
  group?: string;
}

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
  /** The last seq handed out; kept when events are evicted or history is switched off, so seqs never repeat. */
  lastSeq = 0;
  private ring: (Item | undefined)[] = [];
  private start = 0;
  private length = 0;
  /** id -> seq of its latest event. */
  private readonly ids = new Map<string, number>();

  get capacity(): number {
    return this.ring.length;
  }

  push(item: Item): void {
    if (this.length === this.ring.length) this.evictOldest();
    this.ring[(this.start + this.length) % this.ring.length] = item;
    this.length++;
    // A reused -Id now points at its latest event.
    this.ids.set(item.id, item.seq);
  }

  evictOlderThan(cutoff: number): void {
    while (this.length > 0 && this.at(0).time < cutoff) this.evictOldest();
  }

  /** Ring offset just past the event with this id, or -1 when the id is not held. */
  offsetAfter(id: string): number {
    const seq = this.ids.get(id);
    if (seq === undefined) return -1;
    // Binary search: seqs increase along the ring.
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.at(mid).seq;
      if (s === seq) return mid + 1;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
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

/** Would an event with this narrowing have reached the connection? (groups already lower-cased) */
export function narrowingMatches(groups: readonly string[] | null | undefined, clientIds: readonly string[] | null | undefined, target: ReplayTarget): boolean {
  if (clientIds && clientIds.length > 0 && !clientIds.includes(target.clientId)) return false;
  // A connection without a Group is in none (PodeClientConnection.IsForGroup).
  if (groups && groups.length > 0 && !(target.group && groups.includes(target.group.toLowerCase()))) return false;
  return true;
}

export class SseHistory {
  private readonly bounds = new Map<string, HistoryBound>();
  private readonly names = new Map<string, NameHistory>();
  private readonly now: () => number;

  /** `now` (ms) is injectable so tests can age events and fix seqs without waiting. */
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
   * Frames an event once and, when history is on for `name`, numbers and keeps it. Returns the id used (its
   * seq when none was given), the seq and the frame, which the caller then writes to every target.
   */
  record(name: string, input: HistoryRecordInput): Recorded {
    const bound = this.boundOf(name);
    if (!bound) return { id: input.id, seq: undefined, frame: input.frame(input.id) };
    let history = this.names.get(name);
    if (!history) this.names.set(name, (history = new NameHistory()));
    const time = this.now();
    const seq = nextSeq(history.lastSeq, time);
    const id = input.id === undefined || input.id === '' ? String(seq) : input.id;
    const frame = input.frame(id); // may throw (invalid id): then nothing is kept and no number is used
    history.lastSeq = seq;
    if (history.capacity !== bound.count) history.resize(bound.count);
    if (bound.maxAgeSeconds) history.evictOlderThan(time - bound.maxAgeSeconds * 1000);
    history.push({ seq, id, frame, time, groups: lowered(input.groups), clientIds: input.clientIds?.length ? [...input.clientIds] : null });
    return { id, seq, frame };
  }

  /**
   * What a connection reconnecting with `lastEventId` missed: 'none' when history is off or there is no
   * id; 'events' with every later event whose narrowing matches the connection, oldest first (possibly
   * none); 'gap' when the id is not in the history (evicted, or never sent), so events may have been lost.
   */
  replay(name: string, lastEventId: string | null | undefined, target: ReplayTarget): ReplayResult {
    const bound = this.boundOf(name);
    if (!bound || !lastEventId) return { kind: 'none' };
    const history = this.names.get(name);
    if (history && bound.maxAgeSeconds) history.evictOlderThan(this.now() - bound.maxAgeSeconds * 1000);
    const from = history ? history.offsetAfter(lastEventId) : -1;
    if (!history || from < 0) return { kind: 'gap', lastId: lastEventId };
    const frames: Buffer[] = [];
    const ids: string[] = [];
    const seqs: number[] = [];
    for (let i = from; i < history.size; i++) {
      const item = history.at(i);
      if (!narrowingMatches(item.groups, item.clientIds, target)) continue;
      frames.push(item.frame);
      ids.push(item.id);
      seqs.push(item.seq);
    }
    return { kind: 'events', frames, ids, seqs, head: history.at(history.size - 1).seq };
  }

  /** Forgets a Name's events (or every Name's); the seq counters are kept so ids never repeat. */
  clear(name?: string): void {
    for (const [n, history] of this.names) if (name === undefined || n === name) history.clear();
  }
}
