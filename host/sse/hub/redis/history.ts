// Reading the shared history: a reconnect's replay (from its Last-Event-ID, like SseHistory.replay) and an
// instance's catch-up after it was cut off (everything after the last bus place it heard).
import type { Redis } from 'ioredis';
import type { HistoryBound } from '../../history.ts';
import type { CatchUp, MissedEvent, ReplayAnswer, ReplayQuery } from '../types.ts';
import { parseStoredControl, parseStoredEvent, type SpaceKeys, type StoredControl, type StoredEvent } from './scripts.ts';

/** Redis' TIME reply in ms. */
const timeMs = (time: [string, string]) => Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);

function results<T extends unknown[]>(replies: [Error | null, unknown][] | null): T {
  if (!replies) throw new Error('the transaction was discarded');
  for (const [err] of replies) if (err) throw err;
  return replies.map(([, v]) => v) as T;
}

/** The kept events of a Name still within its age bound, oldest first. */
function fresh(list: string[], bound: HistoryBound, now: number): StoredEvent[] {
  const cutoff = bound.maxAgeSeconds ? now - bound.maxAgeSeconds * 1000 : -Infinity;
  const out: StoredEvent[] = [];
  for (const text of list) {
    const e = parseStoredEvent(text);
    if (e && e.t >= cutoff) out.push(e);
  }
  return out;
}

export async function readReplay(cmd: Redis, keys: SpaceKeys, q: ReplayQuery): Promise<ReplayAnswer> {
  if (!q.lastEventId || q.bound.count <= 0) return { kind: 'none' };
  const [time, list] = results<[[string, string], string[]]>(await cmd.pipeline().time().lrange(keys.events(q.name), -q.bound.count, -1).exec());
  const entries = fresh(list, q.bound, timeMs(time));
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
  const seqs: number[] = [];
  for (const e of entries.slice(from)) {
    if (e.w?.c && !e.w.c.includes(q.clientId)) continue;
    if (e.w?.g && !e.w.g.includes(group)) continue;
    frames.push(Buffer.from(e.f, 'utf8'));
    ids.push(e.i);
    seqs.push(e.s);
  }
  return { kind: 'events', frames, ids, seqs, head: entries[entries.length - 1]!.s };
}

/**
 * A Name's events after bus place `heard`: 'none' when it had none since, 'gap' when some of them are no
 * longer kept (evicted, aged out, or Redis lost them). `skip` leaves out this instance's own sends that it
 * already delivered locally when Redis did not answer.
 */
export async function readCatchUp(cmd: Redis, keys: SpaceKeys, name: string, bound: HistoryBound, heard: number, skip: (e: StoredEvent) => boolean): Promise<CatchUp> {
  const [time, lastBus, list] = results<[[string, string], string | null, string[]]>(
    await cmd.pipeline().time().hget(keys.meta(name), 'b').lrange(keys.events(name), 0, -1).exec(),
  );
  if (lastBus === null || Number(lastBus) <= heard) return { kind: 'none' };
  const entries = fresh(list, bound, timeMs(time));
  const first = entries.findIndex((e) => e.b > heard);
  // The first missed event must follow one that was heard; otherwise some in between were dropped.
  if (first < 0 || entries[first]!.pb > heard) return { kind: 'gap' };
  const events: MissedEvent[] = [];
  for (const e of entries.slice(first)) {
    if (skip(e)) continue;
    events.push({ frame: Buffer.from(e.f, 'utf8'), id: e.i, seq: e.s, groups: e.w?.g ?? null, clientIds: e.w?.c ?? null });
  }
  return { kind: 'events', events, head: entries[entries.length - 1]!.s };
}

/** The closes and lost-notices after bus place `heard`; `complete` is false when some were trimmed away. */
export async function readControl(cmd: Redis, keys: SpaceKeys, heard: number): Promise<{ complete: boolean; entries: StoredControl[] }> {
  const [lastBus, list] = results<[string | null, string[]]>(await cmd.pipeline().hget(keys.controlMeta, 'b').lrange(keys.control, 0, -1).exec());
  if (lastBus === null || Number(lastBus) <= heard) return { complete: true, entries: [] };
  const entries: StoredControl[] = [];
  for (const text of list) {
    const e = parseStoredControl(text);
    if (e && e.b > heard) entries.push(e);
  }
  return { complete: entries.length > 0 && entries[0]!.pb <= heard, entries };
}
