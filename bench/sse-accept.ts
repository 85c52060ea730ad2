// npm run bench:sse:accept — what accepting an SSE connection costs the server: podets beside the bare
// node:http loop of bench:sse and the same loop with each request inside one AsyncLocalStorage (as podets
// runs every request in its ambient context). Each server, in turn, gets N connections opened by the load
// generator of bench:sse (at most `window` connecting at once), then all closed, `--rounds` times; measured
// per round: connections accepted per second (until every one has its first event) and the server's CPU time
// per accepted connection, user and system (control `cpu`). The servers take turns, so load from elsewhere
// on the machine hits each alike. See docs/benchmarks.md ("Accepting connections").
//   npm run bench:sse:accept -- [--n 8000] [--rounds 5] [--only podets,bare] [--compare <checkout>]
// `--compare` adds the podets of another checkout (say, a `git worktree` of the commit before a change) as the
// server `podets@before`, so that a before/after is measured in one run, under the same load.
import { existsSync } from 'node:fs';
import { cpus as cpus_, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { Channel } from './sse/channel.ts';
import { option, planFor } from './sse/cli.ts';
import { fdLimitFor, quantile, sleep, startClient, startServer, waitForSubscribers, type Target } from './sse/run.ts';

const ALL: Target[] = [
  { name: 'bare', args: ['--import', 'tsx', 'bench/sse/bare-server.ts'] },
  { name: 'bare+als', args: ['--import', 'tsx', 'bench/sse/bare-server.ts', '--als'] },
  { name: 'podets', args: ['host/cli/bin.js', 'serve', 'bench/sse/podets-server.ts', '--port', '0', '--quiet'] },
];
const compare = option('compare');
if (compare !== undefined) {
  const dir = resolve(compare);
  const [bin, script] = [resolve(dir, 'host/cli/bin.js'), resolve(dir, 'bench/sse/podets-server.ts')];
  if (!existsSync(bin) || !existsSync(script)) throw new Error(`--compare ${compare}: no podets checkout there (${bin})`);
  ALL.push({ name: 'podets@before', args: [bin, 'serve', script, '--port', '0', '--quiet'] });
}
const plan = planFor(ALL);
const n = Number(option('n') ?? 8000);
const rounds = Number(option('rounds') ?? 5);
const fdLimit = fdLimitFor([n]);

interface Cpu {
  us: number;
  user: number;
  system: number;
}
interface Live {
  target: Target;
  server: Channel;
  client: Channel;
  port: number;
  rates: number[];
  userUs: number[];
  systemUs: number[];
}

const cpus = cpus_();
console.log(`accepting SSE connections on loopback; ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}; load average ${loadavg()[0]!.toFixed(2)}; Node ${process.version}`);
console.log(`${n} connections per round, ${rounds} rounds per server, servers taking turns\n`);
const lives: Live[] = [];
try {
  for (const target of plan.targets) {
    const { server, port } = await startServer(plan, fdLimit, target, n);
    const client = await startClient(plan, fdLimit, target);
    lives.push({ target, server, client, port, rates: [], userUs: [], systemUs: [] });
  }
  const open = (live: Live, count: number) =>
    live.client.request<{ ms: number; failed: number }>({ type: 'open', port: live.port, n: count, window: plan.connectWindow } as { type: string }, 'opened', 600_000);
  const closeAll = async (live: Live) => {
    await live.client.request({ type: 'close' }, 'closed');
    await waitForSubscribers(live, 0);
  };
  // Warm-up: the accept path compiled before anything is counted.
  for (const live of lives) {
    await open(live, Math.min(n, 1000));
    await closeAll(live);
  }
  for (let r = 0; r < rounds; r++) {
    for (const live of r % 2 ? [...lives].reverse() : lives) {
      await sleep(200);
      const before = await live.server.request<Cpu>({ type: 'cpu' });
      const opened = await open(live, n);
      const after = await live.server.request<Cpu>({ type: 'cpu' });
      live.rates.push(n / (opened.ms / 1000));
      live.userUs.push((after.user - before.user) / n);
      live.systemUs.push((after.system - before.system) / n);
      await waitForSubscribers(live, n);
      await closeAll(live);
    }
  }
} finally {
  for (const live of lives) {
    await live.client.stop().catch(() => {});
    await live.server.stop().catch(() => {});
  }
}

const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
const bare = lives.find((l) => l.target.name === 'bare');
// The machine's speed drifts between rounds (a shared VM): each round's rate is also set against bare's in the
// same round (they run back to back), and the median of those per-round ratios is the steadier figure.
const rows = lives.map((l) => {
  const rate = median(l.rates);
  const ratio = bare && l !== bare ? ` ${(rate / median(bare.rates)).toFixed(2)}×` : '';
  const paired = bare && l !== bare ? `${median(l.rates.map((r, i) => r / bare.rates[i]!)).toFixed(2)}×` : '';
  const cpu = median(l.userUs.map((u, i) => u + l.systemUs[i]!));
  return `| ${l.target.name.padEnd(13)} | ${rate.toFixed(0).padStart(6)}${ratio.padEnd(7)} | ${paired.padStart(6)} | ${median(l.userUs).toFixed(1).padStart(6)} | ${median(l.systemUs).toFixed(1).padStart(6)} | ${cpu.toFixed(1).padStart(6)} | ${l.rates.map((x) => x.toFixed(0)).join(' ')} |`;
});
console.log('| server        | accepted / s (÷ bare) | ÷ bare by round | user µs / conn | system µs / conn | CPU µs / conn | per round |');
console.log('|---------------|----------------------:|----------------:|---------------:|-----------------:|--------------:|-----------|');
for (const row of rows) console.log(row);
console.log(`\nmedians over the rounds; load average ${loadavg()[0]!.toFixed(2)}`);
