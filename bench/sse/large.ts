// The large row of `npm run bench:sse` (issue 15): N idle SSE connections in one server process (100,000 by
// default), one server at a time. The connections come from several load-generator processes, each binding its
// sockets to its own source address (127.0.0.2, 127.0.0.3, …: all of 127.0.0.0/8 is loopback on Linux), so that
// neither a client process's file descriptors nor the ephemeral ports of one (source, destination) pair run out.
// N is capped at the hard RLIMIT_NOFILE − 1024 for the server process (the bench cannot raise the hard limit).
// Measured: RSS and heap per connection (after GC, as the size rows do), the time until one broadcast is at every
// connection, and for podets, whose heartbeat pings every idle connection (its default 60 s until the window, then Set-PodeSseHeartbeat -Interval 1),
// the server's CPU time per ping over an idle 5 s window with all N connected (pings counted by the server, and
// checked at the clients).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Channel } from './channel.ts';
import { oneAtATimeTable, type FigureRow } from './one-at-a-time-table.ts';
import type { BroadcastReply, IdleEndReply } from './control.ts';
import { hardFdLimit, sleep, startClient, startServer, waitForSubscribers, type Mem, type Plan, type Received, type Target } from './run.ts';

/** File descriptors kept for everything but the connections (node's own, IPC, the listening socket, …). */
export const RESERVED_FDS = 1024;
/** podets' heartbeat interval for this row (seconds), and the idle window its cost is measured over. */
export const PING_SECONDS = 1;
export const IDLE_WINDOW_MS = 5000;
/** Issue 15's goal for podets: RSS per idle connection. */
export const RSS_GOAL_KIB = 10;

export interface LargePlan {
  /** --large as given, and the N the row runs at (capped by the hard file-descriptor limit). */
  requested: number;
  n: number;
  capped: boolean;
  /** `ulimit -Hn` (Infinity: unlimited). */
  hardLimit: number;
  /** Connections per load-generator process at most, how many processes, and the source address of each. */
  perProcess: number;
  processes: number;
  addresses: string[];
  /** The `ulimit -n` the server and each load generator run under. */
  serverFds: number;
  clientFds: number;
}

/** Ephemeral ports the kernel hands out per source address (ip_local_port_range), less a margin. */
function portsPerAddress(): number {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    // A socket bound to a source address before it connects gets its port from bind(), which Linux (4.6+) takes
    // from one half of the range (connect() prefers the other), searching longer as it fills: about half.
    if (lo && hi && hi > lo) return Math.floor((hi - lo + 1) / 2) - 1000;
  } catch {
    // not Linux: assume the IANA range
  }
  return 8192 - 1000;
}

/** N and its spread over load generators: `requested` capped at the hard limit − RESERVED_FDS; at most `perClient` a process. */
export function largePlan(requested: number, perClient?: number): LargePlan {
  if (!Number.isSafeInteger(requested) || requested < 0) throw new Error('--large must be a non-negative integer');
  if (perClient !== undefined && (!Number.isSafeInteger(perClient) || perClient <= 0)) throw new Error('--large-per-client must be a positive integer');
  const hardLimit = hardFdLimit();
  const cap = hardLimit - RESERVED_FDS;
  if (cap <= 0) throw new Error(`the hard file-descriptor limit (${hardLimit}) leaves no room for connections`);
  const n = Math.min(requested, cap);
  const perProcess = Math.min(perClient ?? Infinity, cap, portsPerAddress());
  const processes = Math.max(1, Math.ceil(n / perProcess));
  if (processes > 84) throw new Error(`${processes} load generators per server would need more source addresses than 127.0.0.2–127.0.0.254 holds for three servers`);
  const addresses = Array.from({ length: processes }, (_, i) => `127.0.0.${2 + i}`);
  const fds = (conns: number) => (Number.isFinite(hardLimit) ? hardLimit : conns + 2 * RESERVED_FDS);
  return { requested, n, capped: n < requested, hardLimit, perProcess, processes, addresses, serverFds: fds(n), clientFds: fds(Math.ceil(n / processes)) };
}

/** `n` split evenly over `k` parts. */
const shares = (n: number, k: number) => Array.from({ length: k }, (_, i) => Math.floor((n * (i + 1)) / k) - Math.floor((n * i) / k));

export interface LargeResult {
  n: number;
  /** (after − before) / N, bytes. */
  rssPerConn: number;
  heapPerConn: number;
  /** The server's RSS with N connected (bytes). */
  rssAfter: number;
  acceptPerSec: number;
  connectFailures: number;
  /** One broadcast: until every connection of every load generator has it (ms, the shared clock). */
  broadcastLastMs: number;
  /** Its event-loop time inside the server (call + flush, up to setImmediate; ms). */
  broadcastLoopMs: number;
  /** podets only: the idle window with the heartbeat on. */
  heartbeat?: {
    windowMs: number;
    cpuUs: number;
    /** pode.ping frames the load generators read in the window, and those the server says it wrote. */
    pingsReceived: number;
    pingsWritten: number | undefined;
    cpuPerPingUs: number;
    /** Event-loop busy time ÷ heartbeat rounds in the window (pings written ÷ N; ms), and the longest block (ms). */
    loopPerRoundMs: number;
    maxBlockMs: number;
  };
}

/** The load generators of one server, each with its own source address. */
class Clients {
  /** Connections each holds now. */
  private held: number[];
  constructor(
    private readonly plan: Plan,
    private readonly target: Target,
    private readonly port: number,
    readonly channels: Channel[],
    /** Its own source addresses: the ports a server before it left in TIME_WAIT are not this one's to wait for. */
    private readonly addresses: string[],
  ) {
    this.held = channels.map(() => 0);
  }

  /** Opens `n` more, spread evenly, the processes at once (the connect window shared between them); wall time (ms) and retries. */
  async open(n: number): Promise<{ ms: number; failed: number }> {
    const window = Math.max(1, Math.floor(this.plan.connectWindow / this.channels.length));
    const t0 = performance.now();
    const replies = await Promise.all(
      shares(n, this.channels.length).map((count, i) => {
        if (count === 0) return { ms: 0, failed: 0 };
        this.held[i]! += count;
        const m = { type: 'open', port: this.port, n: count, window, ...this.target.open, localAddress: this.addresses[i] };
        return this.channels[i]!.request<{ ms: number; failed: number }>(m, 'opened', 900_000);
      }),
    );
    return { ms: performance.now() - t0, failed: replies.reduce((a, r) => a + r.failed, 0) };
  }

  /** One broadcast: the server's reply, and the slowest load generator's last delivery (ms). */
  async broadcast(server: Channel, seq: number): Promise<{ reply: BroadcastReply; lastMs: number }> {
    const got = this.channels.filter((_, i) => this.held[i]! > 0).map((c) => c.next<Received>('received', 600_000));
    const reply = await server.request<BroadcastReply>({ type: 'broadcast', seq } as { type: string }, 'broadcast', 600_000);
    let lastMs = 0;
    for (const r of await Promise.all(got)) {
      if (r.seq !== seq) throw new Error(`${this.target.name}: broadcast ${seq} answered out of order (${r.seq})`);
      lastMs = Math.max(lastMs, r.lastMs);
    }
    if (reply.seq !== seq) throw new Error(`${this.target.name}: broadcast ${seq} answered out of order`);
    return { reply, lastMs };
  }

  /** pode.ping frames read so far, all load generators. */
  async pings(): Promise<number> {
    const counts = await Promise.all(this.channels.map((c) => c.request<{ count: number }>({ type: 'pings' })));
    return counts.reduce((a, c) => a + c.count, 0);
  }

  async close(timeoutMs = 60_000): Promise<void> {
    await Promise.all(this.channels.map((c) => c.request({ type: 'close' }, 'closed', timeoutMs)));
    this.held = this.held.map(() => 0);
  }
}

/** The large row for each target, one after another; podets' heartbeat is set to PING_SECONDS for the idle window. */
export async function runLarge(plan: Plan, targets: Target[], large: LargePlan): Promise<{ results: Map<string, LargeResult>; failures: string[] }> {
  const out = new Map<string, LargeResult>();
  const failures: string[] = [];
  const { n } = large;
  for (const [k, target] of targets.entries()) {
    const heartbeat = target.name === 'podets';
    let server: Channel | undefined;
    const channels: Channel[] = [];
    try {
      const started = await startServer(plan, large.serverFds, target, n);
      server = started.server;
      for (let i = 0; i < large.processes; i++) channels.push(await startClient(plan, large.clientFds, target));
      const addresses = large.addresses.map((_, i) => `127.0.0.${2 + k * large.processes + i}`);
      const clients = new Clients(plan, target, started.port, channels, addresses);
      let seq = 0;

      // Warm-up, as runSize does: 500 connections and a few broadcasts compile the paths; all closed again.
      const warm = Math.min(n, 500);
      await clients.open(warm);
      await waitForSubscribers({ server }, warm);
      for (let i = 0; i < plan.warmupBroadcasts; i++) await clients.broadcast(server, ++seq);
      await clients.close();
      await waitForSubscribers({ server }, 0);
      await sleep(200);
      const before = await server.request<Mem>({ type: 'mem' }, 'mem', 120_000);

      const opened = await clients.open(n);
      await waitForSubscribers({ server }, n);
      await sleep(300);
      const after = await server.request<Mem>({ type: 'mem' }, 'mem', 120_000);

      // A few settling broadcasts at full size, then the measured one.
      for (let i = 0; i < plan.settleBroadcasts; i++) await clients.broadcast(server, ++seq);
      const b = await clients.broadcast(server, ++seq);
      if (b.reply.subscribers !== n) throw new Error(`${target.name}: ${b.reply.subscribers} subscribers, expected ${n}`);

      let hb: LargeResult['heartbeat'];
      if (heartbeat) {
        // The heartbeat at PING_SECONDS from now (until here podets ran with its default, 60 s: no ping fell in
        // the accept and memory readings); every connection idle a whole interval, then the window.
        await server.request({ type: 'heartbeat', seconds: PING_SECONDS } as { type: string });
        await sleep(PING_SECONDS * 1000 + 200);
        const pings0 = await clients.pings();
        await server.request({ type: 'idleStart' });
        await sleep(IDLE_WINDOW_MS);
        const idle = await server.request<IdleEndReply>({ type: 'idleEnd' });
        await sleep(500); // the window's last pings read
        const pingsReceived = (await clients.pings()) - pings0;
        // The server's count is exact for the window its CPU time covers; the load generators' is read at the
        // window's edges from outside, so a round written just before or after it may be in it: a check that the
        // pings arrive, not the divisor (unless the server has no count).
        const pings = idle.pings ?? pingsReceived;
        // A round pings every idle connection once: the rounds in the window are the pings ÷ N (a 5 s window
        // holds 4 or 5 ticks of a 1 s interval), falling back to the window's length when none were counted.
        const rounds = pings > 0 ? pings / n : idle.ms / (PING_SECONDS * 1000);
        hb = {
          windowMs: idle.ms,
          cpuUs: idle.cpuUs,
          pingsReceived,
          pingsWritten: idle.pings,
          cpuPerPingUs: pings > 0 ? idle.cpuUs / pings : NaN,
          loopPerRoundMs: idle.activeMs / rounds,
          maxBlockMs: idle.maxBlockMs,
        };
      }
      out.set(target.name, {
        n,
        rssPerConn: (after.rss - before.rss) / n,
        heapPerConn: (after.heapUsed - before.heapUsed) / n,
        rssAfter: after.rss,
        acceptPerSec: n / (opened.ms / 1000),
        connectFailures: opened.failed,
        broadcastLastMs: b.lastMs,
        broadcastLoopMs: b.reply.loopMs,
        heartbeat: hb,
      });
    } catch (err) {
      failures.push(`${target.name}: ${(err as Error).message}`);
    } finally {
      await Promise.all(channels.map((c) => c.request({ type: 'close' }, 'closed', 60_000).catch(() => {})));
      await Promise.all(channels.map((c) => c.stop()));
      await server?.stop();
    }
  }
  return { results: out, failures };
}

const KiB = 1024;
const MiB = 1024 * 1024;
const ROWS: FigureRow<LargeResult>[] = [
  { label: 'RSS / connection', unit: 'KiB', digits: 2, value: (r) => r.rssPerConn / KiB, goal: RSS_GOAL_KIB },
  { label: 'heap / connection', unit: 'KiB', digits: 2, value: (r) => r.heapPerConn / KiB },
  { label: 'server RSS with all connected', unit: 'MiB', digits: 0, value: (r) => r.rssAfter / MiB },
  { label: 'connections accepted / s', unit: '/s', digits: 0, value: (r) => r.acceptPerSec },
  { label: 'one broadcast: last client has it', unit: 'ms', digits: 1, value: (r) => r.broadcastLastMs },
  { label: 'one broadcast: server event-loop time', unit: 'ms', digits: 1, value: (r) => r.broadcastLoopMs },
  { label: 'heartbeat: server CPU / ping / connection ¹', unit: 'µs', digits: 3, value: (r) => r.heartbeat?.cpuPerPingUs },
  { label: 'heartbeat: pode.pings the server wrote ¹', unit: '', digits: 0, value: (r) => r.heartbeat?.pingsWritten },
  { label: 'heartbeat: pode.pings the clients read ¹', unit: '', digits: 0, value: (r) => r.heartbeat?.pingsReceived },
  { label: 'heartbeat: event-loop busy / round ¹', unit: 'ms', digits: 1, value: (r) => r.heartbeat?.loopPerRoundMs },
  { label: 'heartbeat: longest event-loop block ¹', unit: 'ms', digits: 1, value: (r) => r.heartbeat?.maxBlockMs },
];

export const LARGE_FOOTNOTE =
  `¹ podets only, its heartbeat set to ${PING_SECONDS} s (Set-PodeSseHeartbeat) for an idle ${IDLE_WINDOW_MS / 1000} s window with every connection open. CPU: the\n` +
  "  server's (user + system) over the window ÷ the pode.pings it wrote in the window (its own counter). The clients'\n" +
  '  count (every `event: pode.ping` the load generators read, from just before the window to 0.5 s after it) checks\n' +
  `  that they arrived; it may hold one round more. A round: one heartbeat tick (every ${PING_SECONDS} s; rounds = pings ÷ N), its\n` +
  "  busy time the event loop's over the window ÷ rounds. bare has no heartbeat; better-sse sends a keep-alive\n" +
  '  comment every 10 s by default, not measured here: "—".';

/** The large row as a Markdown table (rows × servers, podets ÷ each other), and the goals missed. */
export function largeTable(names: string[], results: Map<string, LargeResult>, n: number): { text: string; misses: string[] } {
  const missed = (row: FigureRow<LargeResult>, figure: string) => `large: ${row.label} ${figure} at ${n} connections (goal ≤ ${row.goal})`;
  return oneAtATimeTable(`${n.toLocaleString('en-US')} idle connections`, names, results, ROWS, missed);
}
