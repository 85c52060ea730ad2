// The measuring side of `npm run bench:sse`, shared by the three servers: the orchestrator talks to the
// server process over its IPC channel (never over HTTP, so the control traffic never competes with the
// SSE sockets), and every measurement is taken inside the server process.
//   stats            -> how many subscribers the server holds
//   mem              -> heapUsed and rss after full GCs (the process runs with --expose-gc)
//   cpu              -> the process's CPU time so far (µs: user + system, and each), for what a broadcast defers past the loop turn
//   broadcast <seq>  -> one broadcast; how long the event loop was busy with it
//   burst <seq> <n>  -> n broadcasts back to back (seqs seq…seq+n-1) in one call; the event-loop delay monitor starts
//   warm <n>         -> n sends to a target nobody subscribes to (the send path compiled, nothing delivered)
//   burstEnd         -> the longest event-loop block since the burst started, peak RSS, CPU time over it
//   heartbeat <s>    -> podets: the SSE heartbeat interval from now (Set-PodeSseHeartbeat), for the idle window
//   idleStart        -> starts an idle window (bench/sse/large.ts: the heartbeat's cost with every connection idle)
//   idleEnd          -> over the window: CPU time, event-loop busy time, the longest block, pode.pings the server wrote
//   exit             -> exits (so that --cpu-prof can write its profile)
//   snapshot <file>  -> a heap snapshot (diagnostics, not used by a bench run)
import { monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

/** A wall clock with sub-millisecond resolution that every process on the machine shares. */
export const clock = (): number => performance.timeOrigin + performance.now();

export interface BenchServer {
  /** Sends one event with `payload` as its JSON data to every subscriber, the server's own way. */
  broadcast(payload: { s: number; t: number }): void;
  subscribers(): number;
  /** The same send as broadcast(), to a target nobody subscribes to: warms the send path, delivers nothing. */
  sendToNobody?(payload: { s: number; t: number }): void;
  /**
   * podets: resolves when the broadcast's sliced flush has written to every subscriber (its slices yield
   * to the loop between them), so the event-loop row counts every slice, not only the first.
   */
  settled?(): Promise<void>;
  /** podets: pode.ping frames its heartbeat has written so far (the engine's counter). */
  pings?(): number;
  /** podets: sets the heartbeat interval (seconds) from now on. */
  heartbeat?(seconds: number): void;
}

export interface IdleEndReply {
  type: 'idleEnd';
  /** CPU time (user + system, µs) over the window. */
  cpuUs: number;
  /** Event-loop busy time over the window (ms, performance.eventLoopUtilization's `active`). */
  activeMs: number;
  /** The longest event-loop block in the window (ms, monitorEventLoopDelay at 1 ms resolution). */
  maxBlockMs: number;
  /** pode.pings the server wrote in the window (undefined: the server has no heartbeat counter). */
  pings: number | undefined;
  ms: number;
}

export interface BurstEndReply {
  type: 'burstEnd';
  /** The longest event-loop block while the burst was delivered (ms, monitorEventLoopDelay at 1 ms resolution). */
  maxBlockMs: number;
  /** The longest garbage-collection pause while the burst was delivered (ms), and how many pauses there were. */
  maxGcMs: number;
  gcs: number;
  /** The process's peak RSS (bytes) so far, and its RSS just before the burst. */
  peakRss: number;
  rssBefore: number;
  /** CPU time (user + system, µs) from the burst's start to burstEnd. */
  cpuUs: number;
}

export type ControlRequest = { type: 'burst'; seq: number; n: number } | { type: 'burstEnd' } | { type: 'warm'; n: number } | { type: 'stats' } | { type: 'mem' } | { type: 'cpu' } | { type: 'broadcast'; seq: number } | { type: 'heartbeat'; seconds: number } | { type: 'idleStart' } | { type: 'idleEnd' } | { type: 'exit' } | { type: 'snapshot'; file: string };

export interface BroadcastReply {
  type: 'broadcast';
  seq: number;
  subscribers: number;
  /** The synchronous broadcast call alone (ms). */
  syncMs: number;
  /** The call plus everything it deferred to the same turn of the loop (nextTick flushes), up to setImmediate (ms). */
  loopMs: number;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run the server with --expose-gc');
  // Several passes: weak callbacks and finalizers of closed sockets free more on the next pass.
  for (let i = 0; i < 4; i++) collect();
}

export function serveControl(server: BenchServer): void {
  if (!process.send) throw new Error('the bench server must be started with an IPC channel');
  const reply = (m: object) => process.send!(m);
  let burst: { h: IntervalHistogram; rssBefore: number; cpu: NodeJS.CpuUsage; gc: PerformanceObserver; maxGcMs: number; gcs: number } | undefined;
  let idle: { h: IntervalHistogram; cpu: NodeJS.CpuUsage; elu: EventLoopUtilization; pings: number | undefined; t0: number } | undefined;
  process.on('message', (m: ControlRequest) => {
    switch (m.type) {
      case 'stats':
        return reply({ type: 'stats', subscribers: server.subscribers() });
      case 'mem': {
        gc();
        const { heapUsed, rss } = process.memoryUsage();
        return reply({ type: 'mem', heapUsed, rss });
      }
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        return reply({ type: 'cpu', us: user + system, user, system });
      }
      case 'snapshot': {
        // Diagnostics only (not part of a bench run): a heap snapshot to see what a connection keeps.
        gc();
        return reply({ type: 'snapshot', file: writeHeapSnapshot(m.file) });
      }
      case 'heartbeat': {
        if (!server.heartbeat) throw new Error('heartbeat: this server has none');
        server.heartbeat(m.seconds);
        return reply({ type: 'heartbeat' });
      }
      case 'idleStart': {
        const h = monitorEventLoopDelay({ resolution: 1 });
        h.enable();
        idle = { h, cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), pings: server.pings?.(), t0: performance.now() };
        return reply({ type: 'idleStart' });
      }
      case 'idleEnd': {
        const w = idle!;
        const cpu = process.cpuUsage(w.cpu);
        const elu = performance.eventLoopUtilization(w.elu);
        w.h.disable();
        idle = undefined;
        const pings = w.pings === undefined ? undefined : server.pings!() - w.pings;
        return reply({ type: 'idleEnd', cpuUs: cpu.user + cpu.system, activeMs: elu.active, maxBlockMs: w.h.max / 1e6, pings, ms: performance.now() - w.t0 } satisfies IdleEndReply);
      }
      case 'exit':
        return process.exit(0);
      case 'burst': {
        const h = monitorEventLoopDelay({ resolution: 1 });
        h.enable();
        const gc = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (!burst) return;
            burst.gcs++;
            if (e.duration > burst.maxGcMs) burst.maxGcMs = e.duration;
          }
        });
        gc.observe({ entryTypes: ['gc'] });
        burst = { h, rssBefore: process.memoryUsage().rss, cpu: process.cpuUsage(), gc, maxGcMs: 0, gcs: 0 };
        // The monitor records the delay of its own timer: it must be running before the loop blocks.
        setTimeout(() => {
          const t0 = performance.now();
          for (let i = 0; i < m.n; i++) server.broadcast({ s: m.seq + i, t: clock() });
          reply({ type: 'burst', syncMs: performance.now() - t0 });
        }, 50);
        return;
      }
      case 'warm': {
        const send = server.sendToNobody;
        if (!send) throw new Error('warm: this server has no sendToNobody');
        for (let i = 0; i < m.n; i++) send({ s: i, t: clock() });
        return reply({ type: 'warm' });
      }
      case 'burstEnd': {
        const b = burst!;
        b.h.disable();
        b.gc.disconnect();
        const cpu = process.cpuUsage(b.cpu);
        const peakRss = process.resourceUsage().maxRSS * 1024;
        burst = undefined;
        return reply({ type: 'burstEnd', maxBlockMs: b.h.max / 1e6, maxGcMs: b.maxGcMs, gcs: b.gcs, peakRss, rssBefore: b.rssBefore, cpuUs: cpu.user + cpu.system } satisfies BurstEndReply);
      }
      case 'broadcast': {
        const subscribers = server.subscribers();
        const t = clock();
        const t0 = performance.now();
        server.broadcast({ s: m.seq, t });
        const t1 = performance.now();
        const done = () =>
          setImmediate(() => {
            const t2 = performance.now();
            reply({ type: 'broadcast', seq: m.seq, subscribers, syncMs: t1 - t0, loopMs: t2 - t0 } satisfies BroadcastReply);
          });
        if (server.settled) void server.settled().then(done);
        else done();
        return;
      }
    }
  });
  // The orchestrator went away: do not outlive it.
  process.on('disconnect', () => process.exit(0));
}
