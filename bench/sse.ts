// npm run bench:sse — SSE fan-out: podets beside better-sse 0.16 and a bare node:http loop, each server in
// its own process, the load generator (raw `net` sockets) in another, on loopback. For 1,000 and 10,000
// global connections it measures, inside the server, the event-loop time of a broadcast per subscriber,
// and, at the clients, how long after the broadcast started the last client had the event; plus heap and
// RSS per idle connection and connections accepted per second. See docs/benchmarks.md for the method.
//   npm run bench:sse -- [--sizes 1000,10000] [--broadcasts 300] [--only podets,bare] [--cpu-prof dir] [--json file]
//   BENCH_QUICK=1 npm run bench:sse      (a short run: fewer broadcasts)
import { execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus as cpus_, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BroadcastReply } from './sse/control.ts';
import { Channel, spawnNode as spawnChild } from './sse/channel.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = !!process.env.BENCH_QUICK && process.env.BENCH_QUICK !== '0';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const sizes = (option('sizes') ?? '1000,10000').split(',').map(Number);
if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error('--sizes must be positive integers');
/** Measured broadcasts per run; fewer at 10,000 connections, where each takes ten times longer. */
const broadcastsFor = (n: number) => Number(option('broadcasts') ?? 0) || (quick ? (n >= 5000 ? 15 : 60) : n >= 5000 ? 60 : 200);
/** Broadcasts not counted: at 500 connections (compiling the paths), then a few at full size (settling). */
const WARMUP_BROADCASTS = quick ? 5 : 20;
const SETTLE_BROADCASTS = 3;
/** Connections that may be connecting at once (well under the default listen backlog of 511). */
const CONNECT_WINDOW = 128;
const cpuProf = option('cpu-prof');

interface Target {
  name: string;
  args: string[];
}
const ALL_TARGETS: Target[] = [
  { name: 'bare', args: ['--import', 'tsx', 'bench/sse/bare-server.ts'] },
  { name: 'better-sse', args: ['--import', 'tsx', 'bench/sse/better-sse-server.ts'] },
  { name: 'podets', args: ['host/cli/bin.js', 'serve', 'bench/sse/podets-server.ts', '--port', '0', '--quiet'] },
];
const only = option('only')?.split(',');
const targets = ALL_TARGETS.filter((t) => !only || only.includes(t.name));

// ---- processes ----------------------------------------------------------------------------------

/** Every child gets as many file descriptors as the hard limit allows (up to 65,536): one per connection. */
const hardLimit = Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 65536;
const fdLimit = Math.min(Number.isFinite(hardLimit) ? hardLimit : 65536, 65536);
for (const n of sizes) {
  if (n + 1024 > fdLimit) throw new Error(`${n} connections need ~${n + 1024} file descriptors; the hard limit is ${fdLimit}`);
}

function spawnNode(args: string[], stdout: 'pipe' | 'inherit'): ChildProcess {
  return spawnChild(root, fdLimit, args, stdout);
}


async function startServer(target: Target, n: number): Promise<{ server: Channel; port: number }> {
  const flags = ['--expose-gc'];
  if (cpuProf) flags.push('--cpu-prof', '--cpu-prof-dir', resolve(cpuProf, `${target.name}-${n}`));
  const child = spawnNode([...flags, ...target.args], 'pipe');
  const server = new Channel(target.name, child);
  const port = await new Promise<number>((done, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /Listening on http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) done(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`${target.name} exited (${code}) before listening:\n${out}`)));
  });
  return { server, port };
}

async function startClient(): Promise<Channel> {
  const client = new Channel('load generator', spawnNode(['--import', 'tsx', 'bench/sse/client.ts'], 'inherit'));
  await client.next('ready');
  return client;
}

// ---- one run: one server, one size -------------------------------------------------------------

interface Mem {
  heapUsed: number;
  rss: number;
}
interface Received {
  seq: number;
  firstMs: number;
  lastMs: number;
}
interface RunResult {
  perSubscriberUs: number; // event-loop time per subscriber per broadcast (call + deferred flush)
  perSubscriberSyncUs: number; // the synchronous call alone
  lastP50Ms: number;
  lastP99Ms: number;
  heapPerConn: number;
  rssPerConn: number;
  acceptPerSec: number;
  connectFailures: number;
  broadcasts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForSubscribers(server: Channel, n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const { subscribers } = await server.request<{ subscribers: number }>({ type: 'stats' });
    if (subscribers === n) return;
    await sleep(20);
  }
  throw new Error(`${server.name}: subscribers never reached ${n}`);
}

async function open(client: Channel, port: number, n: number) {
  return client.request<{ ms: number; failed: number }>({ type: 'open', port, n, window: CONNECT_WINDOW } as { type: string }, 'opened');
}

async function broadcast(server: Channel, client: Channel, seq: number): Promise<{ reply: BroadcastReply; got: Received }> {
  const got = client.next<Received>('received', 30_000);
  const reply = await server.request<BroadcastReply>({ type: 'broadcast', seq } as { type: string });
  const received = await got;
  if (received.seq !== seq || reply.seq !== seq) throw new Error(`${server.name}: broadcast ${seq} answered out of order`);
  return { reply, got: received };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

interface Live {
  target: Target;
  server: Channel;
  client: Channel;
  port: number;
  seq: number;
  before?: Mem;
  after?: Mem;
  openMs: number;
  failed: number;
  loop: number[];
  sync: number[];
  last: number[];
}

/** Every broadcast, one at a time: the next starts when every client has the previous one. */
async function broadcastOn(live: Live, record: boolean, n: number): Promise<void> {
  const { reply, got } = await broadcast(live.server, live.client, ++live.seq);
  if (!record) return;
  if (reply.subscribers !== n) throw new Error(`${live.target.name}: ${reply.subscribers} subscribers, expected ${n}`);
  live.loop.push(reply.loopMs / n);
  live.sync.push(reply.syncMs / n);
  live.last.push(got.lastMs);
}

/** One size: the servers run side by side and take turns, so that load from elsewhere on the machine hits each alike. */
async function runSize(n: number): Promise<Map<string, RunResult>> {
  const lives: Live[] = [];
  try {
    for (const target of targets) {
      const { server, port } = await startServer(target, n);
      lives.push({ target, server, port, client: await startClient(), seq: 0, openMs: 0, failed: 0, loop: [], sync: [], last: [] });
    }
    // Warm-up: code paths compiled (connect, broadcast, disconnect) before anything is counted.
    const warm = Math.min(n, 500);
    for (const live of lives) {
      await open(live.client, live.port, warm);
      await waitForSubscribers(live.server, warm);
      for (let i = 0; i < WARMUP_BROADCASTS; i++) await broadcastOn(live, false, n);
      await live.client.request({ type: 'close' }, 'closed');
    }
    for (const live of lives) await waitForSubscribers(live.server, 0);
    await sleep(200);
    for (const live of lives) live.before = await live.server.request<Mem>({ type: 'mem' });

    // Accept rate: each opens n connections, in slices taking turns; a connection counts once it has its first event.
    const slices = 4;
    for (let s = 0; s < slices; s++) {
      const count = Math.floor((n * (s + 1)) / slices) - Math.floor((n * s) / slices);
      for (const live of rotate(lives, s)) {
        const opened = await open(live.client, live.port, count);
        live.openMs += opened.ms;
        live.failed += opened.failed;
      }
    }
    for (const live of lives) await waitForSubscribers(live.server, n);
    await sleep(300);
    for (const live of lives) live.after = await live.server.request<Mem>({ type: 'mem' });

    for (const live of lives) for (let i = 0; i < SETTLE_BROADCASTS; i++) await broadcastOn(live, false, n);
    const count = broadcastsFor(n);
    for (let i = 0; i < count; i++) for (const live of rotate(lives, i)) await broadcastOn(live, true, n);

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const out = new Map<string, RunResult>();
    for (const live of lives) {
      const last = [...live.last].sort((a, b) => a - b);
      out.set(live.target.name, {
        perSubscriberUs: mean(live.loop) * 1000,
        perSubscriberSyncUs: mean(live.sync) * 1000,
        lastP50Ms: quantile(last, 0.5),
        lastP99Ms: quantile(last, 0.99),
        heapPerConn: (live.after!.heapUsed - live.before!.heapUsed) / n,
        rssPerConn: (live.after!.rss - live.before!.rss) / n,
        acceptPerSec: n / (live.openMs / 1000),
        connectFailures: live.failed,
        broadcasts: count,
      });
    }
    return out;
  } finally {
    for (const live of lives) {
      await live.client.request({ type: 'close' }, 'closed', 5000).catch(() => {});
      await live.client.stop();
      await live.server.stop();
    }
  }
}

/** `xs` starting at a different element each turn. */
function rotate<T>(xs: T[], turn: number): T[] {
  const k = turn % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

// ---- the table ---------------------------------------------------------------------------------

interface Row {
  label: string;
  unit: string;
  key: keyof RunResult;
  digits: number;
  higherIsBetter?: boolean;
  /** The goal vs the bare loop (podets/bare at most this), if any. */
  goal?: number;
}
const ROWS: Row[] = [
  { label: 'event-loop time / subscriber / broadcast', unit: 'µs', key: 'perSubscriberUs', digits: 3, goal: 1.25 },
  { label: '  of which inside the call ¹', unit: 'µs', key: 'perSubscriberSyncUs', digits: 3 },
  { label: 'last client has the event, p50', unit: 'ms', key: 'lastP50Ms', digits: 2 },
  { label: 'last client has the event, p99', unit: 'ms', key: 'lastP99Ms', digits: 2 },
  { label: 'heap / idle connection', unit: 'KiB', key: 'heapPerConn', digits: 2, goal: 1.3 },
  { label: 'RSS / idle connection', unit: 'KiB', key: 'rssPerConn', digits: 2 },
  { label: 'connections accepted / s', unit: '/s', key: 'acceptPerSec', digits: 0, higherIsBetter: true },
];
const shown = (row: Row, v: number | undefined) =>
  v === undefined ? '—' : (row.unit === 'KiB' ? v / 1024 : v).toFixed(row.digits);

const results = new Map<string, RunResult>(); // `${name}@${n}`
const startedAt = Date.now();
const cpus = cpus_();
console.log(
  `SSE fan-out on loopback; ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}; load average ${loadavg()[0]!.toFixed(2)}; Node ${process.version}\n` +
    `sizes ${sizes.join(', ')}; ${sizes.map(broadcastsFor).join('/')} measured broadcasts per server${quick ? ' (BENCH_QUICK)' : ''}\n`,
);
for (const n of sizes) {
  process.stdout.write(`  ${n} connections: ${targets.map((t) => t.name).join(', ')} side by side … `);
  const t0 = Date.now();
  for (const [name, r] of await runSize(n)) {
    results.set(`${name}@${n}`, r);
    if (r.connectFailures) console.log(`\n  ${name}: ${r.connectFailures} connects retried`);
  }
  console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

const names = targets.map((t) => t.name);
const has = (name: string) => names.includes(name);
const header = ['', 'unit', ...names];
if (has('podets') && has('bare')) header.push('podets/bare');
if (has('podets') && has('better-sse')) header.push('podets/better-sse');
const lines: string[][] = [];
const misses: string[] = [];
for (const n of sizes) {
  lines.push([`**${n.toLocaleString('en-US')} connections**`]);
  for (const row of ROWS) {
    const v = (name: string) => results.get(`${name}@${n}`)?.[row.key] as number | undefined;
    const line = [row.label, row.unit, ...names.map((name) => shown(row, v(name)))];
    const p = v('podets');
    if (p !== undefined && has('bare')) {
      const ratio = p / v('bare')!;
      line.push(`${ratio.toFixed(2)}×${row.goal ? ` (goal ≤ ${row.goal})` : ''}`);
      if (row.goal && ratio > row.goal) misses.push(`${n}: ${row.label.trim()} ${ratio.toFixed(2)}× the bare loop (goal ≤ ${row.goal}×)`);
    }
    if (p !== undefined && has('better-sse')) {
      const b = v('better-sse')!;
      line.push(`${(p / b).toFixed(2)}×`);
      const ahead = row.higherIsBetter ? p > b : p < b;
      if (!ahead && !row.label.startsWith('  ')) misses.push(`${n}: ${row.label.trim()} not ahead of better-sse`);
    }
    lines.push(line);
  }
}

// A Markdown table, so the output can be pasted into docs/benchmarks.md as it is.
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
const fmt = (cells: string[]) => `| ${header.map((_, i) => (cells[i] ?? '').padEnd(widths[i]!)).join(' | ')} |`;
console.log('\n' + fmt(header));
console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`);
for (const l of lines) console.log(fmt(l));
console.log(`\nratios: podets ÷ the other (lower is better except connections accepted / s)`);
console.log(
  "¹ informational: node:http's res.write (bare, better-sse) leaves the socket write to a process.nextTick after the\n" +
    '  call, podets writes to the socket inside it; the row above counts both, up to the next setImmediate.',
);
console.log(misses.length ? `goals missed:\n  ${misses.join('\n  ')}` : 'all goals met');
console.log(`total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);

const jsonFile = option('json');
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ node: process.version, sizes, results: Object.fromEntries(results) }, null, 2));
