// npx tsx bench/sse-h2.ts (part of npm run bench:sse) — SSE fan-out over HTTP/2: podets on an https endpoint
// (-SelfSigned; h2 by ALPN) beside a bare node:http2 secure server doing the fan-out by hand, each reached
// over h2 (node:http2 sessions of up to 100 streams, as a browser multiplexes) and over HTTP/1.1 on the same
// TLS endpoint (one socket per connection), so that h2 and h1 are compared on the same TLS footing. Same
// method and rows as bench/sse.ts (bench/sse/run.ts), plus the server's CPU time; docs/benchmarks.md.
//   npx tsx bench/sse-h2.ts [--sizes 1000,5000] [--broadcasts 200] [--streams 100] [--only podets-h2,bare-h2]
//                           [--cpu-prof dir] [--json file]
//   BENCH_QUICK=1 (fewer broadcasts), BENCH_H2_SIZES=1000 (the sizes, when run through npm run bench:sse)
import { writeFileSync } from 'node:fs';
import { cpus as cpus_, loadavg } from 'node:os';
import { CPU_ROW, fdLimitFor, ROWS, runSize, table, type RunResult, type Target } from './sse/run.ts';
import { option, planFor, quick, sizesOption } from './sse/cli.ts';

// Smaller than bench/sse.ts's 10,000: every HTTP/1.1 connection here is a TLS handshake, on 2 cores.
const sizes = sizesOption(process.env.BENCH_H2_SIZES ?? '1000,5000');
const streams = Number(option('streams') ?? 100);
if (!Number.isSafeInteger(streams) || streams <= 0) throw new Error('--streams must be a positive integer');

const podets = ['host/cli/bin.js', 'serve', 'bench/sse/podets-h2-server.ts', '--quiet'];
const bare = ['--import', 'tsx', 'bench/sse/bare-h2-server.ts'];
const h2 = { client: 'bench/sse/h2-client.ts', open: { streams } };
const h1tls = { open: { tls: true } };
const ALL_TARGETS: Target[] = [
  { name: 'bare-h2', args: bare, ...h2 },
  { name: 'podets-h2', args: podets, ...h2 },
  { name: 'bare-h1tls', args: bare, ...h1tls },
  { name: 'podets-h1tls', args: podets, ...h1tls },
];
const plan = planFor(ALL_TARGETS);
const fdLimit = fdLimitFor(sizes);

const results = new Map<string, RunResult>(); // `${name}@${n}`
const startedAt = Date.now();
const cpus = cpus_();
console.log(
  `SSE fan-out over HTTP/2 and HTTP/1.1 on TLS, loopback; ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}; load average ${loadavg()[0]!.toFixed(2)}; Node ${process.version}\n` +
    `sizes ${sizes.join(', ')}; h2: up to ${streams} streams per session; ${sizes.map(plan.broadcastsFor).join('/')} measured broadcasts per server${quick ? ' (BENCH_QUICK)' : ''}\n`,
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

const rows = [...ROWS.slice(0, 2), CPU_ROW, ...ROWS.slice(2)];
const { text, misses } = table(
  sizes,
  plan.targets.map((t) => t.name),
  results,
  [
    { num: 'podets-h2', den: 'bare-h2', goals: { versus: 'bare http2' } },
    { num: 'podets-h1tls', den: 'bare-h1tls', goals: { versus: 'bare HTTP/1.1 over TLS' } },
    { num: 'podets-h2', den: 'podets-h1tls' },
  ],
  rows,
);
console.log('\n' + text);
console.log(
  '\nratios: lower is better except connections accepted / s. A connection is an h2 stream (h2) or a TLS socket (h1tls).\n' +
    "¹ informational: res.write (bare) leaves the write to a process.nextTick, podets to its end-of-tick flush.\n" +
    '² the process CPU time (user + system, all threads) over the measured broadcasts ÷ broadcasts ÷ subscribers.\n' +
    "goals: bench:sse's for HTTP/1.1 (issue 4), applied here for reference.",
);
console.log(misses.length ? `goals missed:\n  ${misses.join('\n  ')}` : 'all goals met');
console.log(`total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);

const jsonFile = option('json');
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ node: process.version, sizes, streams, results: Object.fromEntries(results) }, null, 2));
