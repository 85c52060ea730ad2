// npm run bench:http — requests/s and p99 latency of a plain JSON route served by `podets serve`, beside
// a bare node:http server doing the same work. Each server and each autocannon run is its own process,
// on loopback, one target at a time. Goal: podets at least 0.8× the bare server's requests/s.
// Rounds alternate between the two and the median round counts, so a burst of other work on the
// machine skews one round rather than the comparison.
//   npm run bench:http -- [--duration 10] [--connections 20] [--warmup 2] [--rounds 3]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}
const duration = option('duration', 10);
const connections = option('connections', 20);
const warmup = option('warmup', 2);
const rounds = option('rounds', 3);

interface Target {
  name: string;
  args: string[];
}
const targets: Target[] = [
  { name: 'podets serve', args: [resolve(root, 'host/cli/bin.js'), 'serve', resolve(root, 'bench/http/podets-server.ts'), '--port', '0', '--quiet'] },
  // Run through tsx as podets is, so both pay the same (start-up only) loader cost.
  { name: 'bare node:http', args: ['--import', 'tsx', resolve(root, 'bench/http/bare-server.ts')] },
];

/** Starts a server process and resolves with its URL once it prints `Listening on …`. */
function startServer(target: Target): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, target.args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /^Listening on (\S+)$/m.exec(out);
      if (m) done({ url: m[1]!, child });
    });
    child.once('exit', (code) => fail(new Error(`${target.name} exited (${code}) before listening:\n${out}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

interface Result {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  /** Server CPU time (user + system) per request, in µs; undefined off Linux. */
  cpuPerRequest?: number;
}

/**
 * CPU seconds a process has used (Linux /proc, 100 ticks/s), or undefined elsewhere. Throughput on a
 * busy machine swings with whatever else runs; CPU per request barely does, so it is shown beside it.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** One autocannon run in its own process; its --json summary. */
function cannon(url: string, seconds: number): Promise<Result> {
  const child = spawn(process.execPath, [autocannon, '--json', '-c', String(connections), '-d', String(seconds), url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (err += c));
  return new Promise((done, fail) => {
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`autocannon exited ${code}: ${err}`));
      const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p99: number }; errors: number; non2xx: number };
      done({ rps: r.requests.average, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx, total: r.requests.total });
    });
  });
}

async function measure(target: Target): Promise<Result> {
  const { url, child } = await startServer(target);
  try {
    const endpoint = `${url}json`;
    const check = await fetch(endpoint);
    const body = await check.text();
    if (check.status !== 200 || body !== '{"hello":"world"}') throw new Error(`${target.name}: unexpected answer ${check.status} ${body}`);
    await cannon(endpoint, warmup); // JIT and connection warm-up, not counted
    const before = cpuSeconds(child.pid);
    const result = await cannon(endpoint, duration);
    const after = cpuSeconds(child.pid);
    if (before !== undefined && after !== undefined && result.total > 0) result.cpuPerRequest = ((after - before) * 1e6) / result.total;
    return result;
  } finally {
    await stopServer(child);
  }
}

const results = new Map<string, Result[]>(targets.map((t) => [t.name, []]));
console.log(`autocannon: ${connections} connections, ${duration}s per run after a ${warmup}s warm-up; ${rounds} alternating round(s), median shown\n`);
for (let round = 0; round < rounds; round++) {
  for (const target of targets) results.get(target.name)!.push(await measure(target));
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const summary = targets.map((t) => {
  const rs = results.get(t.name)!;
  const cpu = rs.every((r) => r.cpuPerRequest !== undefined) ? median(rs.map((r) => r.cpuPerRequest!)) : undefined;
  return { name: t.name, rps: median(rs.map((r) => r.rps)), p99: median(rs.map((r) => r.p99)), cpu, bad: rs.reduce((n, r) => n + r.errors + r.non2xx, 0) };
});
const pad = (s: string, n: number) => s.padEnd(n);
console.log(`${pad('server', 16)}${pad('requests/s', 14)}${pad('p99 latency', 14)}${pad('CPU/request', 14)}${pad('errors+non-2xx', 16)}rounds (req/s)`);
for (const s of summary) {
  const each = results.get(s.name)!.map((r) => r.rps.toFixed(0)).join(', ');
  const cpu = s.cpu === undefined ? '-' : `${s.cpu.toFixed(1)} µs`;
  console.log(`${pad(s.name, 16)}${pad(s.rps.toFixed(0), 14)}${pad(`${s.p99.toFixed(2)} ms`, 14)}${pad(cpu, 14)}${pad(String(s.bad), 16)}${each}`);
}
const [podets, bare] = summary as [(typeof summary)[0], (typeof summary)[0]];
console.log(`\nratio podets/bare: ${(podets.rps / bare.rps).toFixed(2)}× requests/s (goal ≥ 0.80×)`);
if (podets.cpu !== undefined && bare.cpu !== undefined) {
  console.log(`                   ${(bare.cpu / podets.cpu).toFixed(2)}× by server CPU per request (the throughput a CPU-bound server would reach)`);
}
if (summary.some((s) => s.bad > 0)) process.exitCode = 1;
