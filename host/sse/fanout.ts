// One event to every target of a Name (narrowed or not), the engine's and the hub's delivery path: the
// first send of a tick to a target set visits the targets and each queues one shared TickBatch
// (host/sse/writer.ts); a further send to the same set in the same tick appends its frame to that batch in
// O(1), without visiting anyone. So a burst of F events to N connections costs N + F, not N × F.
//
// Appending is exact only while every target still has the batch as the last thing queued (a writer given
// anything else seals it) and the target set is the same: the registry's version of the Name changes when
// a connection is added or removed or starts or ends a hold. An event that carries per-connection
// bookkeeping (a history position, an id: what pode.gap reports) still visits the targets to do it, but
// keeps sharing the batch when all of them take it live.
import type { SseConnection } from './connection.ts';
import type { SseRegistry } from './registry.ts';
import { clearAtFlush, TickBatch } from './writer.ts';

interface Open {
  batch: TickBatch;
  version: number;
  targets: number;
}

export class FanOut {
  /** The open batch per target set, this tick only (emptied when the flush starts). */
  private readonly open = new Map<string, Open>();

  constructor(private readonly registry: SseRegistry<SseConnection>) {}

  /** Queues `frame` for every target; returns how many there were (what the counters count). */
  send(name: string, groups: readonly string[] | undefined, clientIds: readonly string[] | undefined, frame: Buffer, seq?: number, id?: string): number {
    const registry = this.registry;
    const key = keyOf(name, groups, clientIds);
    const version = registry.version(name);
    const entry = this.open.get(key);
    if (entry !== undefined && entry.version === version && entry.batch.open) {
      if (seq === undefined && !id) {
        entry.batch.append(frame);
        return entry.targets;
      }
      let all = true;
      registry.select(name, groups, clientIds, (conn) => {
        if (all && !conn.takesLive(seq)) all = false;
      });
      if (all) {
        registry.select(name, groups, clientIds, (conn) => conn.tookLive(seq, id));
        entry.batch.append(frame);
        return entry.targets;
      }
    }
    const batch = new TickBatch(frame);
    let took = 0;
    const targets = registry.select(name, groups, clientIds, (conn) => {
      if (conn.deliverShared(frame, seq, id, batch)) took++;
    });
    // Every target took it: the next send to the set may append. (A drop during the loop changed the version.)
    if (took === targets && targets > 0 && registry.version(name) === version) {
      if (this.open.size === 0) clearAtFlush(this.open);
      this.open.set(key, { batch, version, targets });
    } else this.open.delete(key);
    return targets;
  }
}

/**
 * The target set's key: the Name and its narrowing as given (a differently spelled same set only misses a
 * share). Unambiguous whatever the strings hold: narrowing comes from requests.
 */
function keyOf(name: string, groups: readonly string[] | undefined, clientIds: readonly string[] | undefined): string {
  const narrowed = (groups !== undefined && groups.length > 0) || (clientIds !== undefined && clientIds.length > 0);
  return narrowed ? JSON.stringify([name, groups ?? [], clientIds ?? []]) : `=${name}`;
}
