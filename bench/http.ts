// npm run bench:http — requests/s and p99 latency of a plain JSON route served by `podets serve`, beside
// a bare node:http server doing the same work. Each server and each autocannon run is its own process,
// on loopback, one target at a time. Goal: podets at least 0.8× the bare server's requests/s.
// Rounds alternate between the two and the median round counts, so a burst of other work on the
// machine skews one round rather than the comparison.
// The HTTP/2 row: the same route on an https endpoint (-SelfSigned) beside a bare node:http2 secure server,
// driven by bench/http/h2-load.ts (autocannon has no HTTP/2): `--h2-sessions` sessions each keeping
// `--h2-streams` requests in flight, 2 × 10 by default, the 20 in flight of autocannon's 20 connections.
//   npm run bench:http -- [--duration 10] [--connections 20] [--warmup 2] [--rounds 3]
//                         [--h2-sessions 2] [--h2-streams 10] [--protocols h1,h2]
import { spawn, type ChildProcess } from 'node:child_process';
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
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
const h2Sessions = option('h2-sessions', 2);
const h2Streams = option('h2-streams', 10);
const i = process.argv.indexOf('--protocols');
const protocols = (i >= 0 ? process.argv[i + 1]! : 'h1,h2').split(',');

interface Target {
  name: string;
  protocol: 'h1' | 'h2';
  args: string[];
}
const podets = (script: string) => [resolve(root, 'host/cli/bin.js'), 'serve', resolve(root, script), '--quiet'];
const targets: Target[] = [
  { name: 'podets serve', protocol: 'h1' as const, args: [...podets('bench/http/podets-server.ts'), '--port', '0'] },
  // Run through tsx as podets is, so both pay the same (start-up only) loader cost.
  { name: 'bare node:http', protocol: 'h1' as const, args: ['--import', 'tsx', resolve(root, 'bench/http/bare-server.ts')] },
  { name: 'podets h2', protocol: 'h2' as const, args: podets('bench/http/podets-h2-server.ts') },
  { name: 'bare node:http2', protocol: 'h2' as const, args: ['--import', 'tsx', resolve(root, 'bench/http/bare-h2-server.ts')] },
].filter((t) => protocols.includes(t.protocol));

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
  p50: number;
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

/** One autocannon run (h1) or h2-load.ts run (h2) in its own process; its JSON summary. */
function cannon(protocol: Target['protocol'], url: string, seconds: number): Promise<Result> {
  const args =
    protocol === 'h1'
      ? [autocannon, '--json', '-c', String(connections), '-d', String(seconds), url]
      : ['--import', 'tsx', resolve(root, 'bench/http/h2-load.ts'), url, String(seconds), String(h2Sessions), String(h2Streams)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (err += c));
  return new Promise((done, fail) => {
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`the load generator exited ${code}: ${err}`));
      const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
      done({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx, total: r.requests.total });
    });
  });
}

/** One HTTP/2 GET (fetch has no HTTP/2): its status and body. */
function h2get(url: string): Promise<{ status: number; body: string }> {
  const session = http2.connect(new URL(url).origin, { rejectUnauthorized: false });
  return new Promise((done, fail) => {
    session.once('error', fail);
    const req = session.request({ ':path': new URL(url).pathname });
    let status = 0;
    let body = '';
    req.on('response', (head) => (status = Number(head[':status'])));
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      session.close();
      done({ status, body });
    });
    req.on('error', fail);
  });
}

async function measure(target: Target): Promise<Result> {
  const { url, child } = await startServer(target);
  try {
    const endpoint = `${url}json`;
    const check = await (target.protocol === 'h1' ? fetch(endpoint).then(async (r) => ({ status: r.status, body: await r.text() })) : h2get(endpoint));
    if (check.status !== 200 || check.body !== '{"hello":"world"}') throw new Error(`${target.name}: unexpected answer ${check.status} ${check.body}`);
    await cannon(target.protocol, endpoint, warmup); // JIT and connection warm-up, not counted
    const before = cpuSeconds(child.pid);
    const result = await cannon(target.protocol, endpoint, duration);
    const after = cpuSeconds(child.pid);
    if (before !== undefined && after !== undefined && result.total > 0) result.cpuPerRequest = ((after - before) * 1e6) / result.total;
    return result;
  } finally {
    await stopServer(child);
  }
}

const results = new Map<string, Result[]>(targets.map((t) => [t.name, []]));
console.log(
  `load average ${loadavg()[0]!.toFixed(2)}; h1: autocannon, ${connections} connections; h2: h2-load.ts, ${h2Sessions} sessions × ${h2Streams} streams;\n` +
    `${duration}s per run after a ${warmup}s warm-up; ${rounds} alternating round(s), median shown\n`,
);
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
  return { name: t.name, rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), cpu, bad: rs.reduce((n, r) => n + r.errors + r.non2xx, 0) };
});
const pad = (s: string, n: number) => s.padEnd(n);
console.log(`${pad('server', 16)}${pad('requests/s', 14)}${pad('p50 latency', 14)}${pad('p99 latency', 14)}${pad('CPU/request', 14)}${pad('errors+non-2xx', 16)}rounds (req/s)`);
for (const s of summary) {
  const each = results.get(s.name)!.map((r) => r.rps.toFixed(0)).join(', ');
  const cpu = s.cpu === undefined ? '-' : `${s.cpu.toFixed(1)} µs`;
  console.log(`${pad(s.name, 16)}${pad(s.rps.toFixed(0), 14)}${pad(`${s.p50.toFixed(2)} ms`, 14)}${pad(`${s.p99.toFixed(2)} ms`, 14)}${pad(cpu, 14)}${pad(String(s.bad), 16)}${each}`);
}
for (const protocol of ['h1', 'h2'] as const) {
  const [podets, bare] = summary.filter((_, k) => targets[k]!.protocol === protocol);
  if (!podets || !bare) continue;
  const goal = protocol === 'h1' ? '(goal ≥ 0.80×)' : "(h1's goal ≥ 0.80×, for reference)";
  console.log(`\n${protocol} ratio podets/bare: ${(podets.rps / bare.rps).toFixed(2)}× requests/s ${goal}`);
  if (podets.cpu !== undefined && bare.cpu !== undefined) {
    console.log(`                      ${(bare.cpu / podets.cpu).toFixed(2)}× by server CPU per request (the throughput a CPU-bound server would reach)`);
  }
}
if (summary.some((s) => s.bad > 0)) process.exitCode = 1;
