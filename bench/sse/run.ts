// The orchestrating side shared by `bench/sse.ts` and `bench/sse-h2.ts`: start every target's server and its
// load generator, warm up, measure memory around N idle connections, then broadcast one at a time, the
// targets side by side and taking turns; and print the results as a Markdown table. What is measured and
// why is in docs/benchmarks.md; the measuring itself happens inside the server (control.ts).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { BroadcastReply } from './control.ts';
import { Channel, spawnNode } from './channel.ts';

export interface Target {
  name: string;
  /** node's arguments for the server; it prints `Listening on http(s)://host:port/`. */
  args: string[];
  /** The load generator script (bench/sse/client.ts, raw HTTP/1.1 sockets, by default). */
  client?: string;
  /** Extra fields of every `open` request to its load generator (e.g. `tls`). */
  open?: Record<string, unknown>;
}

export interface Plan {
  root: string;
  targets: Target[];
  /** Measured broadcasts at n connections. */
  broadcastsFor(n: number): number;
  /** Broadcasts not counted at up to 500 connections (compiling the paths), then a few at full size (settling). */
  warmupBroadcasts: number;
  settleBroadcasts: number;
  /** Connections that may be connecting at once (well under the default listen backlog of 511). */
  connectWindow: number;
  cpuProf?: string;
  /** Sampling interval of --cpu-prof, µs (node's default: 1000). */
  cpuProfInterval?: string;
}

export interface RunResult {
  perSubscriberUs: number; // event-loop time per subscriber per broadcast (call + deferred flush)
  perSubscriberSyncUs: number; // the synchronous call alone
  cpuPerSubscriberUs: number; // the server process's CPU time over the measured broadcasts, per subscriber per broadcast
  lastP50Ms: number;
  lastP99Ms: number;
  heapPerConn: number;
  rssPerConn: number;
  acceptPerSec: number;
  connectFailures: number;
  broadcasts: number;
}

/** The hard RLIMIT_NOFILE a child can raise its own limit to (`ulimit -Hn`); Infinity when unlimited. */
export function hardFdLimit(): number {
  const out = execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? Infinity : Number(out) || 65536;
}

/** Every child gets as many file descriptors as the hard limit allows (up to 65,536): one per connection. */
export function fdLimitFor(sizes: number[]): number {
  const limit = Math.min(hardFdLimit(), 65536);
  for (const n of sizes) {
    if (n + 1024 > limit) throw new Error(`${n} connections need ~${n + 1024} file descriptors; the hard limit is ${limit}`);
  }
  return limit;
}

// ---- processes ----------------------------------------------------------------------------------

export async function startServer(plan: Plan, fdLimit: number, target: Target, n: number, extraFlags: string[] = []): Promise<{ server: Channel; port: number }> {
  const flags = ['--expose-gc', ...extraFlags];
  if (plan.cpuProf) flags.push('--cpu-prof', '--cpu-prof-dir', resolve(plan.cpuProf, `${target.name}-${n}`));
  if (plan.cpuProf && plan.cpuProfInterval) flags.push('--cpu-prof-interval', plan.cpuProfInterval);
  const child: ChildProcess = spawnNode(plan.root, fdLimit, [...flags, ...target.args], 'pipe');
  const server = new Channel(target.name, child);
  const port = await new Promise<number>((done, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /Listening on https?:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) done(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`${target.name} exited (${code}) before listening:\n${out}`)));
  });
  return { server, port };
}

export async function startClient(plan: Plan, fdLimit: number, target: Target, nice = 0): Promise<Channel> {
  const script = target.client ?? 'bench/sse/client.ts';
  const client = new Channel(`load generator of ${target.name}`, spawnNode(plan.root, fdLimit, ['--import', 'tsx', script], 'inherit', nice));
  await client.next('ready');
  return client;
}

// ---- one run: the targets side by side, one size ----------------------------------------------

/** A server's `mem` reply (control.ts), and a load generator's `received` report (loadgen.ts). */
export interface Mem {
  heapUsed: number;
  rss: number;
}
export interface Received {
  seq: number;
  firstMs: number;
  lastMs: number;
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
  cpuUs: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForSubscribers(live: { server: Channel }, n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const { subscribers } = await live.server.request<{ subscribers: number }>({ type: 'stats' });
    if (subscribers === n) return;
    await sleep(20);
  }
  throw new Error(`${live.server.name}: subscribers never reached ${n}`);
}

function open(plan: Plan, live: Live, n: number) {
  const m = { type: 'open', port: live.port, n, window: plan.connectWindow, ...live.target.open };
  return live.client.request<{ ms: number; failed: number }>(m, 'opened');
}

/** One broadcast: the next starts when every client has the previous one. */
async function broadcastOn(live: Live, record: boolean, n: number): Promise<void> {
  const seq = ++live.seq;
  const got = live.client.next<Received>('received', 30_000);
  const reply = await live.server.request<BroadcastReply>({ type: 'broadcast', seq } as { type: string });
  const received = await got;
  if (received.seq !== seq || reply.seq !== seq) throw new Error(`${live.target.name}: broadcast ${seq} answered out of order`);
  if (!record) return;
  if (reply.subscribers !== n) throw new Error(`${live.target.name}: ${reply.subscribers} subscribers, expected ${n}`);
  live.loop.push(reply.loopMs / n);
  live.sync.push(reply.syncMs / n);
  live.last.push(received.lastMs);
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** `xs` starting at a different element each turn. */
function rotate<T>(xs: T[], turn: number): T[] {
  const k = turn % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

/** One size: the servers run side by side and take turns, so that load from elsewhere on the machine hits each alike. */
export async function runSize(plan: Plan, fdLimit: number, n: number): Promise<Map<string, RunResult>> {
  const lives: Live[] = [];
  try {
    for (const target of plan.targets) {
      const { server, port } = await startServer(plan, fdLimit, target, n);
      const client = await startClient(plan, fdLimit, target);
      lives.push({ target, server, port, client, seq: 0, openMs: 0, failed: 0, loop: [], sync: [], last: [], cpuUs: 0 });
    }
    // Warm-up: code paths compiled (connect, broadcast, disconnect) before anything is counted.
    const warm = Math.min(n, 500);
    for (const live of lives) {
      await open(plan, live, warm);
      await waitForSubscribers(live, warm);
      for (let i = 0; i < plan.warmupBroadcasts; i++) await broadcastOn(live, false, n);
      await live.client.request({ type: 'close' }, 'closed');
    }
    for (const live of lives) await waitForSubscribers(live, 0);
    await sleep(200);
    for (const live of lives) live.before = await live.server.request<Mem>({ type: 'mem' });

    // Accept rate: each opens n connections, in slices taking turns; a connection counts once it has its first event.
    const slices = 4;
    for (let s = 0; s < slices; s++) {
      const count = Math.floor((n * (s + 1)) / slices) - Math.floor((n * s) / slices);
      for (const live of rotate(lives, s)) {
        const opened = await open(plan, live, count);
        live.openMs += opened.ms;
        live.failed += opened.failed;
      }
    }
    for (const live of lives) await waitForSubscribers(live, n);
    await sleep(300);
    for (const live of lives) live.after = await live.server.request<Mem>({ type: 'mem' });

    for (const live of lives) for (let i = 0; i < plan.settleBroadcasts; i++) await broadcastOn(live, false, n);
    const count = plan.broadcastsFor(n);
    const cpu = (live: Live) => live.server.request<{ us: number }>({ type: 'cpu' }).then((r) => r.us);
    for (const live of lives) live.cpuUs = -(await cpu(live));
    for (let i = 0; i < count; i++) for (const live of rotate(lives, i)) await broadcastOn(live, true, n);
    for (const live of lives) live.cpuUs += await cpu(live);

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const out = new Map<string, RunResult>();
    for (const live of lives) {
      const last = [...live.last].sort((a, b) => a - b);
      out.set(live.target.name, {
        perSubscriberUs: mean(live.loop) * 1000,
        perSubscriberSyncUs: mean(live.sync) * 1000,
        cpuPerSubscriberUs: live.cpuUs / count / n,
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

// ---- the table ---------------------------------------------------------------------------------

export interface Row {
  label: string;
  unit: string;
  key: keyof RunResult;
  digits: number;
  higherIsBetter?: boolean;
  /** The goal vs the bare loop (podets/bare at most this, or at least this when higherIsBetter), if any. */
  goal?: number;
}
export const ROWS: Row[] = [
  { label: 'event-loop time / subscriber / broadcast', unit: 'µs', key: 'perSubscriberUs', digits: 3, goal: 1.25 },
  { label: '  of which inside the call ¹', unit: 'µs', key: 'perSubscriberSyncUs', digits: 3 },
  { label: 'last client has the event, p50', unit: 'ms', key: 'lastP50Ms', digits: 2 },
  { label: 'last client has the event, p99', unit: 'ms', key: 'lastP99Ms', digits: 2 },
  { label: 'heap / idle connection', unit: 'KiB', key: 'heapPerConn', digits: 2, goal: 1.1 },
  { label: 'RSS / idle connection', unit: 'KiB', key: 'rssPerConn', digits: 2 },
  { label: 'connections accepted / s', unit: '/s', key: 'acceptPerSec', digits: 0, higherIsBetter: true, goal: 0.9 },
];
/**
 * Not in bench/sse.ts's table: the process's CPU time while the measured broadcasts ran, idle turns included.
 * It also counts what a broadcast leaves past the next setImmediate (bytes a socket did not take at once,
 * written when it drains) and node's helper threads (GC): a check on the event-loop row, not a replacement.
 */
export const CPU_ROW: Row = { label: 'server CPU / subscriber / broadcast ²', unit: 'µs', key: 'cpuPerSubscriberUs', digits: 3 };
const shown = (row: Row, v: number | undefined) => (v === undefined ? '—' : (row.unit === 'KiB' ? v / 1024 : v).toFixed(row.digits));

/** A ratio column: target `num` ÷ target `den`. */
export interface Ratio {
  num: string;
  den: string;
  /** Check the rows' goals against this ratio; `versus` names `den` in the message. */
  goals?: { versus: string };
  /** `num` must be ahead of `den` on every main row. */
  ahead?: boolean;
}

/** The results (keyed `${name}@${n}`) as a Markdown table, so they can be pasted into docs/benchmarks.md; and the goals missed. */
export function table(sizes: number[], names: string[], results: Map<string, RunResult>, ratios: Ratio[], rows = ROWS): { text: string; misses: string[] } {
  ratios = ratios.filter((r) => names.includes(r.num) && names.includes(r.den));
  const header = ['', 'unit', ...names, ...ratios.map((r) => `${r.num}/${r.den}`)];
  const lines: string[][] = [];
  const misses: string[] = [];
  for (const n of sizes) {
    lines.push([`**${n.toLocaleString('en-US')} connections**`]);
    for (const row of rows) {
      const v = (name: string) => results.get(`${name}@${n}`)?.[row.key] as number | undefined;
      const line = [row.label, row.unit, ...names.map((name) => shown(row, v(name)))];
      for (const r of ratios) {
        const a = v(r.num);
        const b = v(r.den);
        if (a === undefined || b === undefined) {
          line.push('—');
          continue;
        }
        const ratio = a / b;
        const goal = r.goals && row.goal;
        const sign = row.higherIsBetter ? '≥' : '≤';
        line.push(`${ratio.toFixed(2)}×${goal ? ` (goal ${sign} ${goal})` : ''}`);
        const missed = goal && (row.higherIsBetter ? ratio < goal : ratio > goal);
        if (missed) misses.push(`${n}: ${row.label.trim()} ${ratio.toFixed(2)}× ${r.goals!.versus} (goal ${sign} ${goal}×)`);
        const ahead = row.higherIsBetter ? a > b : a < b;
        if (r.ahead && !ahead && !row.label.startsWith('  ')) misses.push(`${n}: ${row.label.trim()} not ahead of ${r.den}`);
      }
      lines.push(line);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${header.map((_, i) => (cells[i] ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`;
  return { text: [fmt(header), rule, ...lines.map(fmt)].join('\n'), misses };
}
