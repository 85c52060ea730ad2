// The burst row of `npm run bench:sse`: F events sent back to back (one synchronous loop in the server) to
// N subscribers, one server at a time (a burst saturates a core; side by side they would measure each
// other). Measured: inside the server, the longest event-loop block while the burst is delivered
// (monitorEventLoopDelay, 1 ms resolution) and the peak RSS; from this process, the latency of GET /ping
// requests sent one after another during the burst (what every other request of the server waits) and the
// time from the burst's start until the last client has the last event.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Channel } from './channel.ts';
import { clock, type BurstEndReply } from './control.ts';
import { oneAtATimeTable, type FigureRow } from './one-at-a-time-table.ts';
import { quantile, sleep, startClient, startServer, waitForSubscribers, type Plan, type Target } from './run.ts';

/** The load generator's niceness in this row (see runBurst). */
const CLIENT_NICE = 10;

/** Sends to nobody before the measured burst (see runBurst). */
const WARM_SENDS = 5000;

export interface BurstResult {
  syncMs: number;
  maxBlockMs: number;
  maxGcMs: number;
  gcs: number;
  pingP99Ms: number;
  pingMaxMs: number;
  pings: number;
  peakRssMiB: number;
  lastDeliveryMs: number;
  cpuPerDeliveryUs: number;
}

/** Sequential GET /ping on one kept-alive socket until stopped; the latencies (ms). */
function pinger(port: number): { stop(): Promise<number[]> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let running = true;
  const ping = () =>
    new Promise<void>((done, fail) => {
      const t0 = performance.now();
      http
        .get({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            done();
          });
        })
        .on('error', fail);
    });
  let failed: Error | undefined;
  const loop = (async () => {
    while (running) {
      await ping();
      await sleep(5);
    }
  })().catch((err: Error) => {
    failed = err;
  });
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      if (failed) throw new Error(`/ping failed: ${failed.message}`);
      return latencies;
    },
  };
}

async function burstOn(server: Channel, client: Channel, seq: number, count: number, port: number | undefined) {
  const ping = port === undefined ? undefined : pinger(port);
  if (ping) await sleep(100); // a few pings before, so a slow first one is not the burst's
  const start = clock();
  const reply = await server.request<{ syncMs: number }>({ type: 'burst', seq, n: count } as { type: string }, 'burst', 600_000);
  let lastAt = start;
  for (let i = 0; i < count; i++) {
    const got = await client.next<{ seq: number }>('received', 600_000);
    if (got.seq < seq || got.seq >= seq + count) throw new Error(`burst: unexpected seq ${got.seq}`);
    lastAt = clock();
  }
  const end = await server.request<BurstEndReply>({ type: 'burstEnd' });
  const latencies = ping ? (await ping.stop()).sort((a, b) => a - b) : [];
  return { reply, end, lastDeliveryMs: lastAt - start, latencies };
}

/** One burst of `events` to `n` subscribers per target, the targets one after another. */
export async function runBurst(plan: Plan, fdLimit: number, targets: Target[], n: number, events: number): Promise<{ results: Map<string, BurstResult>; failures: string[] }> {
  const out = new Map<string, BurstResult>();
  const failures: string[] = [];
  for (const target of targets) {
    // A server that buffers every (connection, frame) pair needs gigabytes here: the same larger heap for all.
    const { server, port } = await startServer(plan, fdLimit, target, n, ['--max-old-space-size=6144']);
    // The load generator reads N × F frames flat out: at a lower priority, so that on a machine with few cores
    // the server's turns are not cut by the scheduler, which monitorEventLoopDelay would count as blocks.
    const client = await startClient(plan, fdLimit, target, CLIENT_NICE);
    try {
      await client.request({ type: 'open', port, n, window: plan.connectWindow } as { type: string }, 'opened', 600_000);
      await waitForSubscribers({ server }, n);
      // Warm-up: the burst's code paths compiled before the measured one, as in a server that has been
      // sending for a while: sends to nobody compile the per-send path (a burst alone runs it too few times
      // for V8 to optimize it: the first 1,000 sends of a fresh podets take ~30 ms, later ones ~5 ms), then a
      // short burst to everyone compiles the per-connection path.
      await server.request({ type: 'warm', n: WARM_SENDS } as { type: string }, 'warm', 60_000);
      await burstOn(server, client, 1, 20, undefined);
      await sleep(200);
      const r = await burstOn(server, client, 1000, events, port);
      out.set(target.name, {
        syncMs: r.reply.syncMs,
        maxBlockMs: r.end.maxBlockMs,
        maxGcMs: r.end.maxGcMs,
        gcs: r.end.gcs,
        pingP99Ms: quantile(r.latencies, 0.99),
        pingMaxMs: r.latencies[r.latencies.length - 1] ?? NaN,
        pings: r.latencies.length,
        peakRssMiB: r.end.peakRss / 1024 / 1024,
        lastDeliveryMs: r.lastDeliveryMs,
        cpuPerDeliveryUs: r.end.cpuUs / (n * events),
      });
    } catch (err) {
      // A server that falls over under the burst (out of memory) is a result too, not the end of the run.
      failures.push(`${target.name}: ${(err as Error).message}`);
    } finally {
      await client.request({ type: 'close' }, 'closed', 30_000).catch(() => {});
      await client.stop();
      await server.stop();
    }
  }
  return { results: out, failures };
}

const ROWS: FigureRow<BurstResult>[] = [
  { label: 'longest event-loop block', unit: 'ms', value: (r) => r.maxBlockMs, digits: 1, goal: 20 },
  { label: 'longest GC pause in it', unit: 'ms', value: (r) => r.maxGcMs, digits: 1 },
  { label: 'GC pauses', unit: '', value: (r) => r.gcs, digits: 0 },
  { label: '/ping p99 during the burst', unit: 'ms', value: (r) => r.pingP99Ms, digits: 1, goal: 50 },
  { label: '/ping slowest', unit: 'ms', value: (r) => r.pingMaxMs, digits: 1 },
  { label: '/ping requests answered', unit: '', value: (r) => r.pings, digits: 0 },
  { label: 'the burst call itself', unit: 'ms', value: (r) => r.syncMs, digits: 1 },
  { label: 'last client has the last event', unit: 'ms', value: (r) => r.lastDeliveryMs, digits: 0 },
  { label: 'server CPU / delivery', unit: 'µs', value: (r) => r.cpuPerDeliveryUs, digits: 3 },
  { label: 'peak RSS', unit: 'MiB', value: (r) => r.peakRssMiB, digits: 0 },
];

/** The burst results as a Markdown table with podets ÷ each other target, and the goals missed (podets' own figures). */
export function burstTable(names: string[], results: Map<string, BurstResult>): { text: string; misses: string[] } {
  return oneAtATimeTable('', names, results, ROWS, (row, figure) => `burst: ${row.label} ${figure} (goal ≤ ${row.goal})`);
}
