// One process's figures as a plain, JSON-able object: what the status page shows and what a cluster's
// processes tell each other. Read on demand (a scrape, a status tick), never kept up to date per request:
// building it reads the registry's indexes (per Name and Group) and walks only the local connections.
import type { PodeServer } from '../runtime/server.ts';
import type { NameCounters } from '../sse/counters.ts';
import { WORKER_ENV } from '../sse/hub/ipc.ts';

export interface NameSnapshot extends NameCounters {
  name: string;
  /** Open connections of the Name on this process (global and local). */
  open: number;
  /** Open connections by Group ('' for none), as first cased. */
  groups: Record<string, number>;
  /** Groups left out of `groups` to keep a snapshot small (host/metrics/peers.ts); absent when none. */
  groupsOmitted?: number;
}

export interface InstanceSnapshot {
  /** The process's id in the shared space: `worker-<n>` under --workers, the Redis instance id under --redis, else 'local'. */
  instance: string;
  /** Its --workers number, if it is a worker. */
  worker?: number;
  pid: number;
  /** Date.now() when the snapshot was taken. */
  at: number;
  uptimeMs: number;
  rssBytes: number;
  requests: { total: number; active: number; statusCodes: Record<string, number> };
  sse: {
    open: number;
    names: NameSnapshot[];
    pings: number;
    pingBytes: number;
    replays: number;
    replayedEvents: number;
    gaps: number;
    /** Names left out of `names` to keep a snapshot small (host/metrics/peers.ts); `open` still counts them. */
    namesOmitted?: number;
  };
  /** 'none' on one process; 'cluster' under --workers; 'redis' under --redis (then `connected` says whether it is reachable). */
  backplane: { kind: 'none' | 'cluster' | 'redis'; connected: boolean; target?: string; lastLagMs: number; ordered: number };
  tasks: { running: number; queued: number };
}

/** This process's id in the shared space (see InstanceSnapshot.instance). */
export function instanceId(server: PodeServer): string {
  return server.sse.hub?.instance ?? 'local';
}

export function instanceSnapshot(server: PodeServer): InstanceSnapshot {
  const sse = server.sse;
  const byName = new Map<string, NameSnapshot>();
  const entry = (name: string): NameSnapshot => {
    let e = byName.get(name);
    if (!e) {
      const c = sse.counters.byName.get(name);
      byName.set(name, (e = { name, open: 0, groups: {}, events: c?.events ?? 0, bytes: c?.bytes ?? 0, opened: c?.opened ?? 0, dropped: c?.dropped ?? 0 }));
    }
    return e;
  };
  let open = 0;
  // Global connections from the registry's indexes (no walk over them); local ones, few and short-lived, one by one.
  const registry = sse.registry;
  for (const name of registry.names()) {
    const e = entry(name);
    for (const [group, n] of registry.groupSizes(name)) {
      e.groups[group] = (e.groups[group] ?? 0) + n;
      e.open += n;
      open += n;
    }
  }
  for (const conn of sse.locals) {
    if (conn.closed) continue;
    const e = entry(conn.Name);
    e.open++;
    e.groups[conn.Group] = (e.groups[conn.Group] ?? 0) + 1;
    open++;
  }
  for (const name of sse.counters.byName.keys()) entry(name);
  const c = sse.counters;
  const hub = sse.hub;
  const worker = Number(process.env[WORKER_ENV]);
  const m = server.metrics;
  return {
    instance: instanceId(server),
    ...(Number.isInteger(worker) && worker > 0 ? { worker } : {}),
    pid: process.pid,
    at: Date.now(),
    uptimeMs: m.uptime(false),
    rssBytes: process.memoryUsage.rss(),
    requests: { total: m.total, active: m.active, statusCodes: Object.fromEntries([...m.statusCodes].map(([code, n]) => [String(code), n])) },
    sse: { open, names: [...byName.values()], pings: c.pings, pingBytes: c.pingBytes, replays: c.replays, replayedEvents: c.replayedEvents, gaps: c.gaps },
    backplane: {
      kind: server.backplane ? 'redis' : hub ? 'cluster' : 'none',
      connected: hub ? hub.connected : true,
      ...(server.backplane ? { target: server.backplane.target.display } : {}),
      lastLagMs: c.hubLastLagMs,
      ordered: c.hubOrdered,
    },
    tasks: { running: server.tasks.running, queued: server.tasks.queued },
  };
}
