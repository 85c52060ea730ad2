// What the status page's stream sends once a second: this process's snapshot and its peers' (other workers
// or instances, host/metrics/peers.ts) summed per Name and Group and listed per process, with the rate ring's
// latest sample (and, in a stream's first event, the whole ring). Plain JSON; every value is shown by the
// page as text. Names and Groups come from scripts but may be influenced by requests (a Group from a query),
// so the lists are capped: a page stays small whatever a client makes the script open.
import type { InstanceSnapshot } from './snapshot.ts';
import type { RateSample } from './status-ring.ts';

/** At most this many Names, the most connected first; `more.names` counts those left out. */
export const MAX_NAMES = 100;
/** At most this many Groups per Name, the most connected first; `moreGroups` counts those left out. */
export const MAX_GROUPS = 20;

export interface StatusGroup {
  /** '' for connections opened without a Group. */
  group: string;
  open: number;
}

export interface StatusName {
  name: string;
  open: number;
  events: number;
  bytes: number;
  opened: number;
  dropped: number;
  groups: StatusGroup[];
  moreGroups: number;
}

export interface StatusProcess {
  instance: string;
  worker?: number;
  pid: number;
  /** Open SSE connections on it. */
  open: number;
  rssBytes: number;
  uptimeMs: number;
  /** When its figures were taken (ms since the epoch): a peer's are up to about one interval old. */
  at: number;
  /** The process answering this page. */
  self: boolean;
}

export interface StatusTick {
  at: number;
  intervalMs: number;
  /** The instance id of the process answering (its row in `processes` has self: true). */
  self: string;
  totals: {
    open: number;
    events: number;
    bytes: number;
    opened: number;
    dropped: number;
    pings: number;
    gaps: number;
    replays: number;
    replayedEvents: number;
    requests: number;
    activeRequests: number;
  };
  names: StatusName[];
  more: { names: number };
  processes: StatusProcess[];
  /** The answering process's backplane (each process has its own link to the hub). */
  backplane: InstanceSnapshot['backplane'];
  tasks: { running: number; queued: number };
  rate: { latest: RateSample | null; history?: RateSample[] };
}

export function statusTick(self: InstanceSnapshot, peers: readonly InstanceSnapshot[], rate: StatusTick['rate'], at: number, intervalMs: number): StatusTick {
  const all = [self, ...peers.filter((p) => p.instance !== self.instance)];
  const totals: StatusTick['totals'] = { open: 0, events: 0, bytes: 0, opened: 0, dropped: 0, pings: 0, gaps: 0, replays: 0, replayedEvents: 0, requests: 0, activeRequests: 0 };
  const names = new Map<string, { entry: StatusName; groups: Map<string, number> }>();
  const tasks = { running: 0, queued: 0 };
  for (const snap of all) {
    totals.open += snap.sse.open;
    totals.pings += snap.sse.pings;
    totals.gaps += snap.sse.gaps;
    totals.replays += snap.sse.replays;
    totals.replayedEvents += snap.sse.replayedEvents;
    totals.requests += snap.requests.total;
    totals.activeRequests += snap.requests.active;
    tasks.running += snap.tasks.running;
    tasks.queued += snap.tasks.queued;
    for (const n of snap.sse.names) {
      let e = names.get(n.name);
      if (!e) names.set(n.name, (e = { entry: { name: n.name, open: 0, events: 0, bytes: 0, opened: 0, dropped: 0, groups: [], moreGroups: 0 }, groups: new Map() }));
      e.entry.open += n.open;
      e.entry.events += n.events;
      e.entry.bytes += n.bytes;
      e.entry.opened += n.opened;
      e.entry.dropped += n.dropped;
      totals.events += n.events;
      totals.bytes += n.bytes;
      totals.opened += n.opened;
      totals.dropped += n.dropped;
      for (const [group, count] of Object.entries(n.groups)) e.groups.set(group, (e.groups.get(group) ?? 0) + count);
    }
  }
  const byOpen = <T extends { open: number }>(key: (x: T) => string) => (a: T, b: T) => b.open - a.open || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const sorted = [...names.values()].map(({ entry, groups }) => {
    const list = [...groups].map(([group, open]) => ({ group, open })).sort(byOpen<StatusGroup>((g) => g.group));
    entry.groups = list.slice(0, MAX_GROUPS);
    entry.moreGroups = list.length - entry.groups.length;
    return entry;
  }).sort(byOpen<StatusName>((n) => n.name));
  const processes = all.map((s) => ({
    instance: s.instance,
    ...(s.worker !== undefined ? { worker: s.worker } : {}),
    pid: s.pid,
    open: s.sse.open,
    rssBytes: s.rssBytes,
    uptimeMs: s.uptimeMs,
    at: s.at,
    self: s === self,
  }));
  return {
    at,
    intervalMs,
    self: self.instance,
    totals,
    names: sorted.slice(0, MAX_NAMES),
    more: { names: Math.max(0, sorted.length - MAX_NAMES) },
    processes,
    backplane: self.backplane,
    tasks,
    rate,
  };
}
