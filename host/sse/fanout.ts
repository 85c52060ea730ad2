// One event to every target of a Name (narrowed or not), the engine's and the hub's delivery path: the
// first send of a tick to a target set queues one shared TickBatch (host/sse/writer.ts) on every target; a
// further send to the same set in the same tick appends its frame to that batch in O(1), without visiting
// anyone. So a burst of F events to N connections costs N + F, not N × F.
//
// A send to a whole Name that carries no per-connection bookkeeping (no history position, no id) does not
// visit its targets even the first time: the visit is deferred to the flush (writer.ts: defer), which runs
// it in a turn of its own when the sending turn has had its share, so a route or timer sending a burst
// holds the loop for its sends only. The deferred visits run before anything could change what they would
// do (another write, a close, a membership change, a send that visits or appends to a narrowed set's batch),
// so they stay exact.
//
// Appending is exact only while every target still has the batch as the last thing queued (a writer given
// anything else seals it) and the target set is the same: the registry's version of the Name changes when
// a connection is added or removed or starts or ends a hold. An event that carries per-connection
// bookkeeping (a history position, an id: what pode.gap reports) still visits the targets to do it, but
// keeps sharing the batch when all of them take it live.
import type { SseConnection } from './connection.ts';
import type { SseRegistry } from './registry.ts';
import { clearAtFlush, defer, settleDeferred, TickBatch, type Deferred } from './writer.ts';

interface Open {
  batch: TickBatch;
  version: number;
  targets: number;
}

export class FanOut {
  /**
   * The open batch per target set, this tick only (emptied when the flush starts): a whole Name's by the
   * Name itself (the burst path: no key to build per send), a narrowed set's by its key.
   */
  private readonly whole = new Map<string, Open>();
  private readonly narrowedSets = new Map<string, Open>();

  constructor(private readonly registry: SseRegistry<SseConnection>) {
    registry.beforeChange = settleDeferred;
  }

  /** Queues `frame` for every target; returns how many there were (what the counters count). */
  send(name: string, groups: readonly string[] | undefined, clientIds: readonly string[] | undefined, frame: Buffer, seq?: number, id?: string): number {
    const registry = this.registry;
    const plain = seq === undefined && !id;
    const narrowed = isNarrowed(groups, clientIds);
    const open = narrowed ? this.narrowedSets : this.whole;
    const key = narrowed ? keyOf(name, groups, clientIds) : name;
    const version = registry.version(name);
    const entry = open.get(key);
    // A whole-Name send deferred after a narrowed set's batch was made must reach its targets before a frame
    // is appended there (its visit seals the batch for them), as before a send that looks at the targets.
    if (entry !== undefined && (narrowed || !plain)) settleDeferred();
    if (entry !== undefined && entry.version === version && entry.batch.open) {
      if (plain) {
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
    if (plain && !narrowed) {
      // The whole Name: its size is known without a visit, which the flush makes (see the top).
      const targets = registry.sizeOf(name);
      if (targets === 0) return 0;
      const batch = new TickBatch(frame);
      defer(new DeferredVisit(registry, name, batch));
      if (open.size === 0) clearAtFlush(open);
      open.set(key, { batch, version, targets });
      return targets;
    }
    settleDeferred();
    const batch = new TickBatch(frame);
    let took = 0;
    const targets = registry.select(name, groups, clientIds, (conn) => {
      if (conn.deliverShared(frame, seq, id, batch)) took++;
    });
    // Every target took it: the next send to the set may append. (A drop during the loop changed the version.)
    if (took === targets && targets > 0 && registry.version(name) === version) {
      if (open.size === 0) clearAtFlush(open);
      open.set(key, { batch, version, targets });
    } else open.delete(key);
    return targets;
  }
}

/** A deferred first send to a whole Name: every connection the Name had then takes the batch. */
class DeferredVisit implements Deferred {
  constructor(
    private readonly registry: SseRegistry<SseConnection>,
    private readonly name: string,
    private readonly batch: TickBatch,
  ) {}

  visit(): void {
    const batch = this.batch;
    let took = 0;
    const targets = this.registry.select(this.name, undefined, undefined, (conn) => {
      if (conn.takeBatch(batch)) took++;
    });
    // A target that held its frames (or was over) has them apart: no later frame may go into the batch.
    if (took !== targets) batch.seal();
  }
}

function isNarrowed(groups: readonly string[] | undefined, clientIds: readonly string[] | undefined): boolean {
  return (groups !== undefined && groups.length > 0) || (clientIds !== undefined && clientIds.length > 0);
}

/**
 * A narrowed target set's key: the Name and its narrowing as given (a differently spelled same set only
 * misses a share). Unambiguous whatever the strings hold: narrowing comes from requests.
 */
function keyOf(name: string, groups: readonly string[] | undefined, clientIds: readonly string[] | undefined): string {
  return JSON.stringify([name, groups ?? [], clientIds ?? []]);
}
