// `podets serve --workers <n|auto>`: the primary process. It forks the workers (each runs the script and
// shares the port through node:cluster), relays SSE sends and closes to all of them in one order, numbers
// and keeps history, mirrors presence, restarts a crashed worker, and picks one worker to run timers. It also
// relays each worker's figures (host/metrics/peers.ts) to the others, counts the workers it replaced, and is
// the ordering point of the cluster's state and locks (./state.ts).
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { logError, logException, logInfo, logWarn } from '../log.ts';
import { HubCore } from '../sse/hub/core.ts';
import { LEADER_ENV, unwrap, WORKER_ENV, type ToPrimary, type ToWorker } from '../sse/hub/ipc.ts';
import { presenceKey } from '../sse/hub/presence.ts';
import type { PresenceEntry } from '../sse/hub/types.ts';
import { PrimaryState } from './state.ts';
import { onWatchRequests, reportListening, type WatchMessage } from '../cli/watch-child.ts';

const BIN = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

export function workerCount(value: string): number {
  return value === 'auto' ? availableParallelism() : Number(value);
}

export async function runPrimary(count: number, workerArgs: string[]): Promise<number> {
  cluster.setupPrimary({ exec: BIN, args: workerArgs, serialization: 'advanced' });
  const core = new HubCore();
  const state = new PrimaryState();
  const presence = new Map<string, Map<string, PresenceEntry>>(); // instance -> key -> entry
  /** Each live worker's latest figures, for a worker that says hello (one entry per worker: bounded). */
  const figures = new Map<string, object>();
  let replacements = 0;
  const workers = new Set<Worker>();
  let nextId = 1;
  let leader: Worker | undefined;
  let stopping = false;
  let announced = false;
  let exitCode = 0;
  const listening = new Set<Worker>();

  /** Workers whose hub listens (they said hello): only those can be told anything. */
  const ready = new Set<Worker>();
  const orphans: PresenceEntry[] = [];
  const handOverOrphans = () => {
    if (orphans.length === 0) return;
    const to = leader && ready.has(leader) ? leader : ready.values().next().value;
    if (to) send(to, { t: 'orphaned', entries: orphans.splice(0) });
  };

  const instanceOf = (w: Worker) => `worker-${(w as Worker & { podetsId: number }).podetsId}`;
  const send = (w: Worker, m: ToWorker) => {
    // A worker that is going away: the callback takes the error instead of an 'error' event.
    if (w.isConnected()) w.send({ podets: m }, undefined, undefined, () => {});
  };
  // Only to workers whose hub listens; one that says hello later gets a snapshot of everything before.
  const broadcast = (m: ToWorker, except?: Worker) => {
    for (const w of ready) if (w !== except) send(w, m);
  };

  const fork = (lead: boolean) => {
    const id = nextId++;
    const w = cluster.fork({ [WORKER_ENV]: String(id), [LEADER_ENV]: lead ? '1' : '0' }) as Worker & { podetsId: number };
    w.podetsId = id;
    workers.add(w);
    if (lead) leader = w;
    w.on('message', (raw) => {
      // One bad message (or a bug handling it) fails that message only, never the cluster.
      try {
        if (!state.receive(w, raw)) receive(w, unwrap<ToPrimary>(raw));
      } catch (err) {
        logException(`Cluster message from worker ${id}`, err);
      }
    });
    w.on('error', (err) => logWarn(`Worker ${id}: ${err.message}`));
    w.on('exit', (code, signal) => {
      workers.delete(w);
      state.dropWorker(w);
      listening.delete(w);
      ready.delete(w);
      const instance = instanceOf(w);
      const lost = [...(presence.get(instance)?.values() ?? [])];
      presence.delete(instance);
      figures.delete(instance);
      broadcast({ t: 'gone', instance });
      // Its connections ended without their Disconnect: another worker fires it (the next one to be ready
      // if none is now).
      if (lost.length > 0) {
        orphans.push(...lost);
        handOverOrphans();
      }
      if (stopping) {
        if (workers.size === 0) finished();
        return;
      }
      if (!listening.has(w) && !(w as Worker & { podetsListened?: boolean }).podetsListened) {
        // It never served: the script does not load (or the port is taken). Restarting would only loop.
        logError(`Worker ${id} exited before it was listening (${signal ?? `code ${code}`}); stopping`);
        exitCode = 1;
        stop();
        return;
      }
      logWarn(`Worker ${id} exited (${signal ?? `code ${code}`}); starting a replacement`);
      fork(w === leader);
      broadcast({ t: 'replacements', count: ++replacements });
    });
    return w;
  };

  const receive = (w: Worker, m: ToPrimary | undefined) => {
    if (!m) return;
    switch (m.t) {
      case 'hello': {
        const snapshot: Record<string, PresenceEntry[]> = {};
        for (const [instance, entries] of presence) if (instance !== instanceOf(w)) snapshot[instance] = [...entries.values()];
        send(w, { t: 'snapshot', presence: snapshot });
        send(w, { t: 'peers', snapshots: [...figures].filter(([instance]) => instance !== instanceOf(w)).map(([, f]) => f) });
        if (replacements > 0) send(w, { t: 'replacements', count: replacements });
        ready.add(w);
        handOverOrphans();
        return;
      }
      case 'send':
        broadcast({ t: 'deliver', message: core.order(m), from: instanceOf(w) });
        return;
      case 'close':
        broadcast({ t: 'deliver', message: m });
        return;
      case 'join':
      case 'leave': {
        const instance = instanceOf(w);
        let entries = presence.get(instance);
        if (!entries) presence.set(instance, (entries = new Map()));
        if (m.t === 'join') entries.set(presenceKey(m.entry), m.entry);
        else entries.delete(presenceKey(m.entry));
        // A join goes back to its sender too: in the primary's order, it tells that worker which of two joins
        // of the same key came later (host/sse/hub/join-echoes.ts).
        broadcast({ t: 'presence', instance, op: m.t, entry: m.entry }, m.t === 'join' ? undefined : w);
        return;
      }
      case 'replay':
        send(w, { t: 'replayed', req: m.req, answer: core.replay(m.query) });
        return;
      case 'sync':
        send(w, { t: 'synced', req: m.req });
        return;
      case 'listening':
        listening.add(w);
        (w as Worker & { podetsListened?: boolean }).podetsListened = true;
        if (!announced && listening.size === count) {
          announced = true;
          for (const e of m.endpoints) process.stdout.write(`Listening on ${e.url}/\n`);
          reportListening(m.endpoints);
          logInfo(`${count} workers serving`);
        } else if (announced) logInfo(`Worker ${instanceOf(w).slice('worker-'.length)} serving (a replacement)`);
        return;
      case 'stop-cluster':
        stop();
        return;
      case 'peer':
        // A worker that has exited may still have one on its way: it must not come back after 'gone'.
        if (!workers.has(w) || typeof m.snapshot !== 'object' || m.snapshot === null) return;
        figures.set(instanceOf(w), m.snapshot);
        broadcast({ t: 'peer', snapshot: m.snapshot }, w);
        return;
    }
  };

  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (workers.size === 0) return finished();
    for (const w of workers) w.process.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Under --watch, a restart is passed on to every worker, which then ends its SSE streams with a retry.
  onWatchRequests(() => {
    if (stopping) return;
    stopping = true;
    if (workers.size === 0) return finished();
    for (const w of workers) if (w.isConnected()) w.send({ podetsWatch: 'restart' } satisfies WatchMessage);
  }, stop);

  if (!Number.isInteger(count) || count < 1) {
    logError(`--workers must be a whole number of at least 1, or auto (got ${count})`);
    return 2;
  }
  for (let i = 0; i < count; i++) fork(i === 0);
  await done;
  return exitCode;
}
