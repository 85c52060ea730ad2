// The other processes of this server's cluster (--workers) or shared space (--redis), as each last told its
// figures (host/metrics/snapshot.ts). On one process there are none.
//
// Scaled out, every process publishes its snapshot through its hub's peer link (host/sse/hub/types.ts
// PeerLink: IPC through the primary, or a Redis key and channel) at once and then about once a second, and
// keeps the latest snapshot of every other process here, on its server (server.peers). A process not heard
// for PEER_EXPIRY_INTERVALS intervals is forgotten (a worker that exits is forgotten at once: the primary
// says so). So another process's figures are at most about an interval old; this process's are live.
//
// Bounded: at most MAX_PEERS other processes are kept (a new one beyond that is ignored until one expires),
// and a snapshot, sent or received, carries at most MAX_SNAPSHOT_NAMES Names (the most connected first) with
// at most MAX_SNAPSHOT_GROUPS Groups each, and fits in MAX_SNAPSHOT_BYTES of JSON (else Groups, then Names,
// are left out). The totals (requests, open connections) are never cut: only the per-Name breakdown is.
import { logException, logWarn } from '../log.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { SseHub } from '../sse/hub/types.ts';
import { instanceSnapshot, type InstanceSnapshot, type NameSnapshot } from './snapshot.ts';

export const PEER_INTERVAL_MS = 1000;
export const PEER_EXPIRY_INTERVALS = 3;
export const MAX_PEERS = 256;
export const MAX_SNAPSHOT_NAMES = 100;
export const MAX_SNAPSHOT_GROUPS = 20;
export const MAX_SNAPSHOT_BYTES = 64 * 1024;

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const byOpenThenEvents = <T extends { open: number; events: number }>(a: T, b: T) => b.open - a.open || b.events - a.events;

/** The snapshot within the caps above (the same object when it is already within them). */
export function boundSnapshot(s: InstanceSnapshot): InstanceSnapshot {
  let names = s.sse.names;
  let omitted = s.sse.namesOmitted ?? 0;
  const tooManyGroups = names.some((n) => Object.keys(n.groups).length > MAX_SNAPSHOT_GROUPS);
  if (names.length <= MAX_SNAPSHOT_NAMES && !tooManyGroups && jsonBytes(s) <= MAX_SNAPSHOT_BYTES) return s;
  if (names.length > MAX_SNAPSHOT_NAMES) {
    omitted += names.length - MAX_SNAPSHOT_NAMES;
    names = [...names].sort(byOpenThenEvents).slice(0, MAX_SNAPSHOT_NAMES);
  }
  names = names.map(capGroups);
  const fits = (list: NameSnapshot[]) => jsonBytes({ ...s, sse: { ...s.sse, names: list } }) <= MAX_SNAPSHOT_BYTES;
  if (!fits(names)) names = names.map((n) => ({ ...n, groups: {}, groupsOmitted: (n.groupsOmitted ?? 0) + Object.keys(n.groups).length }));
  // Long Names: halve the list (most connected kept) until it fits.
  while (names.length > 0 && !fits(names)) {
    const keep = Math.floor(names.length / 2);
    omitted += names.length - keep;
    names = [...names].sort(byOpenThenEvents).slice(0, keep);
  }
  return { ...s, sse: { ...s.sse, names, ...(omitted > 0 ? { namesOmitted: omitted } : {}) } };
}

function capGroups(n: NameSnapshot): NameSnapshot {
  const entries = Object.entries(n.groups);
  if (entries.length <= MAX_SNAPSHOT_GROUPS) return n;
  entries.sort((a, b) => b[1] - a[1]);
  return { ...n, groups: Object.fromEntries(entries.slice(0, MAX_SNAPSHOT_GROUPS)), groupsOmitted: (n.groupsOmitted ?? 0) + entries.length - MAX_SNAPSHOT_GROUPS };
}

const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A received value as a snapshot, if it has the figures the cmdlets read (another version's extras are kept). */
export function asSnapshot(value: unknown): InstanceSnapshot | undefined {
  const s = value as InstanceSnapshot | null;
  if (typeof s !== 'object' || s === null || typeof s.instance !== 'string' || s.instance === '') return undefined;
  const r = s.requests;
  if (typeof r !== 'object' || r === null || !count(r.total) || !count(r.active) || typeof r.statusCodes !== 'object' || r.statusCodes === null) return undefined;
  if (!Object.values(r.statusCodes).every(count)) return undefined;
  if (typeof s.sse !== 'object' || s.sse === null || !Array.isArray(s.sse.names)) return undefined;
  return s;
}

interface Heard {
  snapshot: InstanceSnapshot;
  /** When this process heard it, on its own clock (the sender's `at` is on another machine's). */
  heardAt: number;
}

/** The latest snapshot of each other process, forgotten when not heard for `expiryMs`. */
export class PeerTable {
  private readonly peers = new Map<string, Heard>();
  private warnedFull = false;

  constructor(
    private readonly now: () => number,
    private readonly expiryMs = PEER_INTERVAL_MS * PEER_EXPIRY_INTERVALS,
    private readonly maxPeers = MAX_PEERS,
  ) {}

  /** Keeps `value` as its sender's latest; false when refused (not a snapshot, or the table is full). */
  heard(value: unknown): boolean {
    const s = asSnapshot(value);
    if (!s) return false;
    this.expire();
    if (!this.peers.has(s.instance) && this.peers.size >= this.maxPeers) {
      if (!this.warnedFull) logWarn(`Metrics: more than ${this.maxPeers} other processes share this space; the figures of the others are left out`);
      this.warnedFull = true;
      return false;
    }
    this.peers.set(s.instance, { snapshot: boundSnapshot(s), heardAt: this.now() });
    return true;
  }

  gone(instance: string): void {
    this.peers.delete(instance);
  }

  clear(): void {
    this.peers.clear();
  }

  get size(): number {
    this.expire();
    return this.peers.size;
  }

  snapshots(): InstanceSnapshot[] {
    this.expire();
    return [...this.peers.values()].map((h) => h.snapshot);
  }

  private expire(): void {
    const oldest = this.now() - this.expiryMs;
    for (const [instance, h] of this.peers) if (h.heardAt < oldest) this.peers.delete(instance);
    if (this.peers.size < this.maxPeers) this.warnedFull = false;
  }
}

/** One server's side of the exchange: publishes its snapshot through the hub's peer link and keeps the others'. */
export class PeerExchange {
  readonly table = new PeerTable(() => performance.now());
  private timer: NodeJS.Timeout | undefined;
  private hub: SseHub | undefined;
  private stopped = false;

  constructor(private readonly server: PodeServer) {}

  /** The server's SSE engine shares a space through `hub` now (the first one, or a backplane replacing the cluster hub). */
  attach(hub: SseHub): void {
    if (this.stopped || hub === this.hub) return;
    this.hub = hub;
    this.table.clear(); // the processes of the old space are not those of the new one
    const link = hub.peers;
    if (!link) return this.stopTimer();
    link.listen({
      heard: (value) => {
        if (this.hub === hub) this.table.heard(value);
      },
      gone: (instance) => this.table.gone(instance),
    });
    this.publish();
    if (!this.timer) {
      this.timer = setInterval(() => this.publish(), PEER_INTERVAL_MS);
      this.timer.unref();
    }
  }

  private publish(): void {
    const link = this.hub?.peers;
    if (!link || this.stopped) return;
    try {
      link.publish(boundSnapshot(instanceSnapshot(this.server)));
    } catch (err) {
      logException('Metrics: publishing this process\'s figures', err);
    }
  }

  /** At server stop: no more publishing; what was heard stays readable until the process exits. */
  stop(): void {
    this.stopped = true;
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  snapshots(): InstanceSnapshot[] {
    return this.hub ? this.table.snapshots() : [];
  }
}

/** The latest snapshot of every other live process sharing this server's space; [] on one process. */
export function peerSnapshots(server: PodeServer): InstanceSnapshot[] {
  return server.peers.snapshots();
}

/** The request figures of the whole space: this process's, live, plus each other process's latest. */
export function clusterRequests(server: PodeServer): { total: number; active: number; statusCodes: Map<number, number> } {
  const m = server.metrics;
  let { total, active } = m;
  const statusCodes = new Map(m.statusCodes);
  for (const peer of peerSnapshots(server)) {
    total += peer.requests.total;
    active += peer.requests.active;
    for (const [code, n] of Object.entries(peer.requests.statusCodes)) {
      const status = Number(code);
      if (Number.isInteger(status)) statusCodes.set(status, (statusCodes.get(status) ?? 0) + n);
    }
  }
  return { total, active, statusCodes };
}
