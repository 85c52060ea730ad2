// npx tsx bench/sse-workers.ts — SSE with node:cluster workers: `podets serve` as one process beside
// `podets serve --workers 2` (the primary relays every send to all workers), same script
// (bench/sse-workers/server.ts), the load generator of bench/sse (bench/sse/client.ts: raw `net` sockets) in
// its own process, on loopback. For each mode it measures:
//   connections held   N global connections opened (every one had its first event, pode.open) and still
//                      receiving every broadcast; server RSS summed over the primary and its workers
//                      (/proc/<pid>/status, children by `pgrep -P`), idle and with N held
//   broadcast cost     POST /broadcast (the route calls Send-PodeSseEvent) -> the last of the N clients has
//                      the event, one broadcast at a time, timed on this process's clock (so it includes the
//                      load generator's IPC message back, a few tens of µs); p50 / p99
//   throughput         back-to-back broadcasts: K POSTs fired at once (8 keep-alive sockets), until every
//                      client had all K events
//   npx tsx bench/sse-workers.ts [--connections 2000] [--broadcasts 100] [--workers 2] [--json file]
//   BENCH_QUICK=1 npx tsx bench/sse-workers.ts      (500 connections, fewer broadcasts)
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus as cpus_, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clock } from './sse/control.ts';
import { Channel, spawnNode as spawnChild } from './sse/channel.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = !!process.env.BENCH_QUICK && process.env.BENCH_QUICK !== '0';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const N = Number(option('connections') ?? 0) || (quick ? 500 : 2000);
const BROADCASTS = Number(option('broadcasts') ?? 0) || (quick ? 50 : 100);
const WORKERS = Number(option('workers') ?? 0) || 2;
const WARMUP = quick ? 10 : 20;
const BURST = quick ? 100 : 300;
const CONNECT_WINDOW = 128;

// ---- processes (as bench/sse.ts: every child gets as many file descriptors as the hard limit allows) ----

const hardLimit = Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 65536;
const fdLimit = Math.min(Number.isFinite(hardLimit) ? hardLimit : 65536, 65536);
if (N + 1024 > fdLimit) throw new Error(`${N} connections need ~${N + 1024} file descriptors; the hard limit is ${fdLimit}`);

function spawnNode(args: string[], stdout: 'pipe' | 'inherit'): ChildProcess {
  return spawnChild(root, fdLimit, args, stdout);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


interface Server {
  child: ChildProcess;
  port: number;
}

function startServer(args: string[]): Promise<Server> {
  const child = spawnNode(['host/cli/bin.js', 'serve', 'bench/sse-workers/server.ts', '--port', '0', '--quiet', ...args], 'pipe');
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /Listening on http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) done({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => fail(new Error(`podets serve ${args.join(' ')} exited (${code}) before listening:\n${out}`)));
  });
}

function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
    s.child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    s.child.kill('SIGTERM');
  });
}

/** The server's processes: the one started and its descendants (the cluster workers; tsx's esbuild service). */
function serverPids(s: Server): number[] {
  const pids = [s.child.pid!];
  for (let i = 0; i < pids.length; i++) {
    try {
      const kids = execFileSync('pgrep', ['-P', String(pids[i])], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      pids.push(...kids);
    } catch {
      // pgrep exits 1 when there are none
    }
  }
  return pids;
}

/** What the server's processes are, by command name: "node ×3, esbuild ×1". */
function describe(pids: number[]): string {
  const counts = new Map<string, number>();
  for (const pid of pids) {
    let comm = '?';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // gone since it was listed
    }
    counts.set(comm, (counts.get(comm) ?? 0) + 1);
  }
  return [...counts].map(([c, n]) => `${c} ×${n}`).join(', ');
}

/** The primary's (or the single process's) RSS and the rest's, so the table can say where memory went. */
function rssSplit(pids: number[]): { first: number; all: number } {
  return { first: rssBytes(pids.slice(0, 1)), all: rssBytes(pids) };
}

function rssBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      total += Number(kb ?? 0) * 1024;
    } catch {
      // gone since it was listed
    }
  }
  return total;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function post(port: number, seq: number): Promise<void> {
  return new Promise((done, fail) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/broadcast?s=${seq}&t=${clock()}`, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? done() : fail(new Error(`POST /broadcast: ${res.statusCode}`))));
    });
    req.on('error', fail);
    req.end();
  });
}

// ---- one mode -----------------------------------------------------------------------------------

interface Result {
  mode: string;
  processes: number;
  kinds: string;
  held: number;
  connectRetries: number;
  openMs: number;
  rssIdle: number;
  rssHeld: number;
  /** The first process's part (the primary under --workers, else the process itself). */
  firstIdle: number;
  firstHeld: number;
  p50: number;
  p99: number;
  mean: number;
  perSec: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

async function runMode(mode: string, args: string[], N: number): Promise<Result> {
  const server = await startServer(args);
  const gen = new Channel('load generator', spawnNode(['--import', 'tsx', 'bench/sse/client.ts'], 'inherit'));
  let seq = 0;
  /** One broadcast: POST, then wait until every open connection has it (as the load generator reports). */
  const one = async (): Promise<number> => {
    const s = ++seq;
    const got = gen.next<{ seq: number }>('received', 30_000);
    const t0 = clock();
    await post(server.port, s);
    const r = await got;
    const ms = clock() - t0;
    if (r.seq !== s) throw new Error(`${mode}: broadcast ${s} answered out of order (${r.seq})`);
    return ms;
  };
  try {
    await gen.next('ready');
    // Warm-up: connect, broadcast, disconnect compiled in every process before anything counts.
    gen.send({ type: 'open', port: server.port, n: Math.min(N, 200), window: CONNECT_WINDOW });
    await gen.next('opened');
    for (let i = 0; i < WARMUP; i++) await one();
    gen.send({ type: 'close' });
    await gen.next('closed');
    await sleep(1000);
    const idle = rssSplit(serverPids(server));
    const rssIdle = idle.all;

    gen.send({ type: 'open', port: server.port, n: N, window: CONNECT_WINDOW });
    const opened = await gen.next<{ ms: number; failed: number }>('opened', 120_000);
    await sleep(500);
    for (let i = 0; i < 3; i++) await one(); // settle; each needs all N connections to have it
    const pids = serverPids(server);
    const held = rssSplit(pids);
    const rssHeld = held.all;

    const samples: number[] = [];
    for (let i = 0; i < BROADCASTS; i++) samples.push(await one());
    samples.sort((a, b) => a - b);

    // Back-to-back: BURST POSTs at once; done when every connection had every one of them.
    const first = seq + 1;
    const all = Array.from({ length: BURST }, () => gen.next<{ seq: number }>('received', 60_000));
    const t0 = clock();
    await Promise.all(Array.from({ length: BURST }, (_, i) => post(server.port, first + i)));
    seq += BURST;
    await Promise.all(all);
    const burstMs = clock() - t0;

    return {
      mode,
      processes: pids.length,
      kinds: describe(pids),
      held: N,
      connectRetries: opened.failed,
      openMs: opened.ms,
      rssIdle,
      rssHeld,
      firstIdle: idle.first,
      firstHeld: held.first,
      p50: quantile(samples, 0.5),
      p99: quantile(samples, 0.99),
      mean: samples.reduce((a, b) => a + b, 0) / samples.length,
      perSec: BURST / (burstMs / 1000),
    };
  } finally {
    gen.send({ type: 'exit' });
    await stopServer(server);
  }
}

// ---- main ---------------------------------------------------------------------------------------

const cpus = cpus_();
const load0 = loadavg();
console.log(
  `SSE with cluster workers on loopback; ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}; load average ${load0.map((l) => l.toFixed(2)).join(' ')}; Node ${process.version}\n` +
    `${N} connections, ${BROADCASTS} broadcasts one at a time, ${BURST} back to back${quick ? ' (BENCH_QUICK)' : ''}\n`,
);
const startedAt = Date.now();
const single = await runMode('1 process', [], N);
// One process holding what one worker holds: the memory a process takes as its connections arrive (its young
// generation growing to its size, most of all) is paid once per process, so per connection it weighs more
// when each process holds fewer. This column is what a worker would use on its own.
const share = Math.round(N / WORKERS);
const part = await runMode(`1 process, ${share}`, [], share);
const multi = await runMode(`${WORKERS} workers`, ['--workers', String(WORKERS)], N);

const MiB = 1024 * 1024;
const perHeld = (r: Result) => (r.rssHeld - r.rssIdle) / r.held / 1024;
/** Under --workers: what the workers took per connection, the primary's growth left out. */
const perHolder = (r: Result) => (r === multi ? r.rssHeld - r.firstHeld - (r.rssIdle - r.firstIdle) : r.rssHeld - r.rssIdle) / r.held / 1024;
const rows: [string, string, (r: Result) => number, number][] = [
  ['server processes', '', (r) => r.processes, 0],
  ['connections held (all had pode.open, all get every event)', '', (r) => r.held, 0],
  ['time to open them all', 'ms', (r) => r.openMs, 0],
  ['server RSS, idle (all processes)', 'MiB', (r) => r.rssIdle / MiB, 1],
  ['server RSS, connections held (all processes)', 'MiB', (r) => r.rssHeld / MiB, 1],
  ['RSS / connection (held − idle)', 'KiB', perHeld, 2],
  ['  growth of the primary (held − idle)', 'MiB', (r) => (r === multi ? (r.firstHeld - r.firstIdle) / MiB : 0), 1],
  ['  RSS / connection in the processes holding them', 'KiB', perHolder, 2],
  ['broadcast: POST → last client has it, p50', 'ms', (r) => r.p50, 2],
  ['broadcast: POST → last client has it, p99', 'ms', (r) => r.p99, 2],
  ['broadcast: mean', 'ms', (r) => r.mean, 2],
  ['back-to-back broadcasts / s (to all clients)', '/s', (r) => r.perSec, 0],
];
const ratio = (a: number, b: number) => (b === 0 ? '—' : `${(a / b).toFixed(2)}×`);
const header = ['', 'unit', single.mode, part.mode, multi.mode, `${WORKERS} workers / 1 process`, `${WORKERS} workers / 1 process, ${share}`];
const lines = rows.map(([label, unit, f, d]) => [label, unit, f(single).toFixed(d), f(part).toFixed(d), f(multi).toFixed(d), ratio(f(multi), f(single)), ratio(f(multi), f(part))]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
console.log(fmt(header));
console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`);
for (const l of lines) console.log(fmt(l));
if (single.connectRetries || part.connectRetries || multi.connectRetries) console.log(`connects retried: ${single.connectRetries} / ${part.connectRetries} / ${multi.connectRetries}`);
console.log(`server processes: ${single.mode}: ${single.kinds}; ${part.mode}: ${part.kinds}; ${multi.mode}: ${multi.kinds}`);
console.log(`load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}; total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
agent.destroy();

const json = option('json');
if (json) writeFileSync(json, JSON.stringify({ node: process.version, connections: N, results: [single, part, multi] }, null, 2));
