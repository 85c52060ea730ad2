// npm run bench:sse — SSE fan-out: podets beside better-sse 0.16 and a bare node:http loop, each server in
// its own process, the load generator (raw `net` sockets) in another, on loopback. For 1,000 and 10,000
// global connections it measures, inside the server, the event-loop time of a broadcast per subscriber,
// and, at the clients, how long after the broadcast started the last client had the event; plus heap and
// RSS per idle connection and connections accepted per second; then the burst row (bench/sse/burst.ts: 1,000
// events back to back to 10,000 subscribers); then the large row (bench/sse/large.ts: N idle connections in one
// server process, 100,000 by default, capped at the hard file-descriptor limit − 1024 and spread over load
// generators of at most --large-per-client connections each, bound to 127.0.0.2, 127.0.0.3, …: memory per
// connection, one broadcast to all, podets' heartbeat cost). See docs/benchmarks.md for the method.
//   npm run bench:sse -- [--sizes 1000,10000] [--broadcasts 300] [--only podets,bare] [--cpu-prof dir [--cpu-prof-interval µs]] [--json file]
//                        [--burst 10000,1000 | --burst 0] [--large 100000 | --large 0] [--large-per-client n]
//   BENCH_QUICK=1 npm run bench:sse      (a short run: fewer broadcasts)
import { writeFileSync } from 'node:fs';
import { cpus as cpus_, loadavg } from 'node:os';
import { fdLimitFor, runSize, table, type RunResult, type Target } from './sse/run.ts';
import { option, planFor, quick, sizesOption } from './sse/cli.ts';
import { burstTable, runBurst, type BurstResult } from './sse/burst.ts';
import { LARGE_FOOTNOTE, largePlan, largeTable, PING_SECONDS, runLarge, type LargeResult } from './sse/large.ts';

const sizes = sizesOption('1000,10000');

const ALL_TARGETS: Target[] = [
  { name: 'bare', args: ['--import', 'tsx', 'bench/sse/bare-server.ts'] },
  { name: 'better-sse', args: ['--import', 'tsx', 'bench/sse/better-sse-server.ts'] },
  { name: 'podets', args: ['host/cli/bin.js', 'serve', 'bench/sse/podets-server.ts', '--port', '0', '--quiet'] },
];
const plan = planFor(ALL_TARGETS);
const [burstN, burstEvents] = (option('burst') ?? '10000,1000').split(',').map(Number) as [number, number | undefined];
const fdLimit = fdLimitFor(burstN ? [...sizes, burstN] : sizes);
const perClient = option('large-per-client');
// Checked before anything runs (a bad option fails at once, not after the other rows).
const large = largePlan(Number(option('large') ?? 100000), perClient === undefined ? undefined : Number(perClient));

const results = new Map<string, RunResult>(); // `${name}@${n}`
const startedAt = Date.now();
const cpus = cpus_();
console.log(
  `SSE fan-out on loopback; ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}; load average ${loadavg()[0]!.toFixed(2)}; Node ${process.version}\n` +
    `sizes ${sizes.join(', ')}; ${sizes.map(plan.broadcastsFor).join('/')} measured broadcasts per server${quick ? ' (BENCH_QUICK)' : ''}\n`,
);
for (const n of sizes) {
  process.stdout.write(`  ${n} connections: ${plan.targets.map((t) => t.name).join(', ')} side by side … `);
  const t0 = Date.now();
  for (const [name, r] of await runSize(plan, fdLimit, n)) {
    results.set(`${name}@${n}`, r);
    if (r.connectFailures) console.log(`\n  ${name}: ${r.connectFailures} connects retried`);
  }
  console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

const names = plan.targets.map((t) => t.name);
const { text, misses } = table(sizes, names, results, [
  { num: 'podets', den: 'bare', goals: { versus: 'the bare loop' } },
  { num: 'podets', den: 'better-sse', ahead: true },
]);
console.log('\n' + text);
console.log(`\nratios: podets ÷ the other (lower is better except connections accepted / s)`);
console.log(
  "¹ informational: all three leave the socket writes to the end of the tick (node's res.write: a process.nextTick;\n" +
    "  podets: its per-tick flush, sliced at 10,000 connections); the row above counts them, up to the next setImmediate\n" +
    "  (podets: after its flush's last slice).",
);
let burst: Map<string, BurstResult> | undefined;
if (burstN) {
  const events = burstEvents ?? 1000;
  console.log(`\nburst: ${events} events back to back to ${burstN} subscribers, one server at a time; load average ${loadavg()[0]!.toFixed(2)}`);
  const t0 = Date.now();
  const run = await runBurst(plan, fdLimit, plan.targets, burstN, events);
  burst = run.results;
  const b = burstTable(names, burst);
  console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg()[0]!.toFixed(2)}\n\n${b.text}`);
  for (const f of run.failures) console.log(`  failed under the burst: ${f}`);
  if (run.failures.some((f) => f.startsWith('podets:'))) misses.push('burst: podets failed');
  misses.push(...b.misses);
}
let largeResults: Map<string, LargeResult> | undefined;
if (large.n) {
  console.log(
    `\nlarge: ${large.n} idle connections, one server at a time, from ${large.processes} load generator${large.processes > 1 ? 's' : ''} ` +
      `(the first server's ${large.addresses.join(', ')}; each server its own); podets' heartbeat at ${PING_SECONDS} s for the idle window; load average ${loadavg()[0]!.toFixed(2)}`,
  );
  if (large.capped) {
    console.log(`  capped: --large ${large.requested} needs more file descriptors than the hard limit allows (ulimit -Hn ${large.hardLimit}); the row ran at N = ${large.n} (hard limit − 1024)`);
  }
  const t0 = Date.now();
  const run = await runLarge(plan, plan.targets, large);
  largeResults = run.results;
  const l = largeTable(names, largeResults, large.n);
  console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg()[0]!.toFixed(2)}\n\n${l.text}\n${LARGE_FOOTNOTE}`);
  for (const [name, r] of largeResults) if (r.connectFailures) console.log(`  ${name}: ${r.connectFailures} connects retried`);
  for (const f of run.failures) console.log(`  failed in the large row: ${f}`);
  if (run.failures.some((f) => f.startsWith('podets:'))) misses.push('large: podets failed');
  misses.push(...l.misses);
}
console.log(misses.length ? `goals missed:\n  ${misses.join('\n  ')}` : 'all goals met');
console.log(`total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);

const jsonFile = option('json');
if (jsonFile) {
  const largeJson = largeResults && { ...large, hardLimit: Number.isFinite(large.hardLimit) ? large.hardLimit : 'unlimited', results: Object.fromEntries(largeResults) };
  writeFileSync(jsonFile, JSON.stringify({ node: process.version, sizes, results: Object.fromEntries(results), burst: burst && Object.fromEntries(burst), large: largeJson }, null, 2));
}
