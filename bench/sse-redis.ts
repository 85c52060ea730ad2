// npx tsx bench/sse-redis.ts — SSE delivery latency through the Redis backplane vs in-process. Each podets
// server runs in its own process (`podets serve bench/sse-redis/server.ts`); the orchestrator asks one of
// them over IPC to Send-PodeSseEvent an event, and the clients (node:http streams, in this process) note when
// it arrives. Both times are read from this process's clock (clocks of different processes disagree by
// more than the figures here), so every row also includes the IPC message to the sender (a few tens of µs).
// One event at a time (the next is sent once every client has the previous one): latency without load.
//   in-process          one server, no --redis: send and clients on the same instance
//   redis, same inst.   --redis: the clients are on the sending instance (publish, hear it back)
//   redis, cross-inst.  --redis: sent on B, clients on A
//   + history           the same with --sse-history 100 (the Lua script numbers and keeps every event)
//   npx tsx bench/sse-redis.ts [--clients 1,100] [--events 2000] [--redis redis://127.0.0.1:6379/5] [--json file]
//   BENCH_QUICK=1 npx tsx bench/sse-redis.ts      (a short run)
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = !!process.env.BENCH_QUICK && process.env.BENCH_QUICK !== '0';
const clock = () => performance.now();
/** seq -> when the orchestrator asked for it */
const sentAt = new Map<number, number>();

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const clientCounts = (option('clients') ?? '1,100').split(',').map(Number);
const EVENTS = Number(option('events') ?? 0) || (quick ? 300 : 2000);
const WARMUP = quick ? 50 : 200;
const prefix = `podets-bench-${process.pid}:`;
const redisBase = option('redis') ?? 'redis://127.0.0.1:6379/5';
const redisUrl = `${redisBase}${redisBase.includes('?') ? '&' : '?'}prefix=${encodeURIComponent(prefix)}`;

// ---- servers ------------------------------------------------------------------------------------

interface Server {
  child: ChildProcess;
  port: number;
}

function startServer(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, ['host/cli/bin.js', 'serve', 'bench/sse-redis/server.ts', '--port', '0', '--quiet', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolvePort, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /Listening on http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) resolvePort({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`podets serve ${args.join(' ')} exited (${code}) before listening`)));
  });
}

function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    s.child.once('exit', () => done());
    s.child.kill('SIGTERM');
  });
}

/** How many connections the server sees: its own, and across the whole SSE space. */
function stats(s: Server): Promise<{ local: number; all: number }> {
  return new Promise((done) => {
    const on = (m: { type: string; local: number; all: number }) => {
      if (m.type !== 'stats') return;
      s.child.off('message', on);
      done(m);
    };
    s.child.on('message', on);
    s.child.send({ type: 'stats' });
  });
}

// ---- clients ------------------------------------------------------------------------------------

class Client {
  /** seq -> delivery latency (ms) */
  readonly latency = new Map<number, number>();
  private rest = '';
  private waiter: { seq: number; done: () => void } | undefined;
  readonly req: http.ClientRequest;

  constructor(port: number, ready: () => void) {
    this.req = http.get({ host: '127.0.0.1', port, path: '/events', headers: { accept: 'text/event-stream' }, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.receive(chunk));
      ready();
    });
    this.req.on('error', () => {});
  }

  private receive(chunk: string): void {
    const now = clock();
    this.rest += chunk;
    let end: number;
    while ((end = this.rest.indexOf('\n\n')) >= 0) {
      const block = this.rest.slice(0, end);
      this.rest = this.rest.slice(end + 2);
      const data = /^data: (\{"s".*)$/m.exec(block)?.[1];
      if (!data) continue;
      const { s } = JSON.parse(data) as { s: number };
      this.latency.set(s, now - sentAt.get(s)!);
      if (this.waiter && s >= this.waiter.seq) {
        const w = this.waiter;
        this.waiter = undefined;
        w.done();
      }
    }
  }

  has(seq: number): Promise<void> {
    if (this.latency.has(seq)) return Promise.resolve();
    return new Promise((done) => (this.waiter = { seq, done }));
  }

  close(): void {
    this.req.destroy();
  }
}

async function connect(port: number, n: number): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Math.min(50, n - i);
    await Promise.all(Array.from({ length: batch }, () => new Promise<void>((ready) => clients.push(new Client(port, ready)))));
  }
  return clients;
}

// ---- one scenario -------------------------------------------------------------------------------

interface Result {
  scenario: string;
  clients: number;
  events: number;
  p50: number;
  p99: number;
  mean: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function scenario(name: string, clientsN: number, setup: () => Promise<{ sender: Server; receiver: Server; all: Server[] }>): Promise<Result> {
  const { sender, receiver, all } = await setup();
  try {
    const clients = await connect(receiver.port, clientsN);
    // Wait until the sender sees every client (through Redis presence when it is another instance).
    for (let i = 0; (await stats(sender)).all < clientsN; i++) {
      if (i > 200) throw new Error(`${name}: the sender never saw ${clientsN} clients`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const samples: number[] = [];
    for (let seq = 1; seq <= WARMUP + EVENTS; seq++) {
      sentAt.set(seq, clock());
      sender.child.send({ type: 'send', seq });
      await Promise.all(clients.map((c) => c.has(seq)));
      if (seq > WARMUP) for (const c of clients) samples.push(c.latency.get(seq)!);
    }
    for (const c of clients) c.close();
    samples.sort((a, b) => a - b);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    return { scenario: name, clients: clientsN, events: EVENTS, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), mean };
  } finally {
    await Promise.all(all.map(stopServer));
  }
}

// ---- main ---------------------------------------------------------------------------------------

const admin = new Redis(redisBase, { lazyConnect: true, maxRetriesPerRequest: 1 });
try {
  await admin.connect();
} catch (err) {
  console.error(`bench/sse-redis needs Redis at ${redisBase}: ${(err as Error).message}`);
  process.exit(1);
}

const one = async (args: string[]) => {
  const s = await startServer(args);
  return { sender: s, receiver: s, all: [s] };
};
const two = async (args: string[]) => {
  const [a, b] = await Promise.all([startServer(args), startServer(args)]);
  return { sender: b, receiver: a, all: [a, b] };
};

const results: Result[] = [];
for (const n of clientCounts) {
  results.push(await scenario('in-process', n, () => one([])));
  results.push(await scenario('redis, same instance', n, () => one(['--redis', redisUrl])));
  results.push(await scenario('redis, cross-instance', n, () => two(['--redis', redisUrl])));
  results.push(await scenario('in-process + history', n, () => one(['--sse-history', '100'])));
  results.push(await scenario('redis, cross-instance + history', n, () => two(['--redis', redisUrl, '--sse-history', '100'])));
}

let cursor = '0';
do {
  const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  cursor = next;
  if (keys.length) await admin.del(...keys);
} while (cursor !== '0');
const info = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1];
admin.disconnect();

console.log(`SSE delivery latency, send -> client has the event (ms), ${EVENTS} events one at a time after ${WARMUP} warm-up`);
console.log(`node ${process.version}, Redis ${info} at ${redisBase} (loopback), ${cpus()[0]?.model ?? '?'} x${cpus().length}\n`);
const header = ['scenario', 'clients', 'p50 ms', 'p99 ms', 'mean ms'];
const rows = results.map((r) => [r.scenario, String(r.clients), r.p50.toFixed(3), r.p99.toFixed(3), r.mean.toFixed(3)]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
console.log(fmt(header));
console.log(`|${widths.map((w, i) => (i < 1 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`);
for (const r of rows) console.log(fmt(r));
const json = option('json');
if (json) writeFileSync(json, JSON.stringify(results, null, 2));
