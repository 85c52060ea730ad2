// The Redis backplane's delivery guarantee under concurrency and faults, end to end: real podets processes
// (the CLI with --redis), real sockets, the shared Redis for the race, and a redis-server of the test's own
// (test/helpers/redis-server.ts) for the restart and the freeze. The guarantee (docs/sse.md): per Name a
// connection's ids strictly increase; a reconnect gets every missed event once, in order, then the live
// ones; where that is impossible it gets pode.gap, never silence.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { PrivateRedis, redisClientsOf } from '../helpers/redis-server.ts';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { closeAllClients, expectPositions, idsOf, post, RawHttp } from '../sse/helpers.ts';

const fixture = resolve(repoRoot, 'test/fixtures/scale/redis.ts');
const prefix = `podets-faults-${process.pid}-${randomBytes(3).toString('hex')}:`;
const query = (extra = '') => `prefix=${encodeURIComponent(prefix)}&presenceTtl=3${extra}`;

interface Ev {
  id?: string;
  event?: string;
  data: string;
}

/** Every event in an SSE body but pode.open and pode.ping, in order. */
function eventsOf(body: string): Ev[] {
  const out: Ev[] = [];
  for (const block of body.split('\n\n')) {
    const ev: Partial<Ev> = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const [field, value] = [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
      if (field === 'id') ev.id = value;
      else if (field === 'event') ev.event = value;
      else if (field === 'data') ev.data = ev.data === undefined ? value : `${ev.data}\n${value}`;
    }
    if (ev.data !== undefined && ev.event !== 'pode.open' && ev.event !== 'pode.ping') out.push(ev as Ev);
  }
  return out;
}
const dataOf = (c: RawHttp) => eventsOf(c.body()).map((e) => (e.event === 'pode.gap' ? `<gap ${e.data}>` : e.data));

async function send(server: ServedScript, body: Record<string, unknown>): Promise<void> {
  const r = await post(server, '/send', body);
  expect(r.json, r.text).to.deep.include({ ok: true });
}

async function burst(server: ServedScript, name: string, prefix: string, count: number): Promise<void> {
  const r = await post(server, '/burst', { Name: name, Prefix: prefix, Count: count });
  expect(r.json, r.text).to.deep.include({ ok: true });
}

const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

async function open(server: ServedScript, name: string, clientId: string, lastEventId?: string): Promise<RawHttp> {
  const c = await RawHttp.sse(server, `/sse?name=${name}&clientId=${clientId}`, lastEventId ? { 'Last-Event-ID': lastEventId } : {});
  await c.until('event: pode.open');
  return c;
}

const lines = (server: ServedScript, pattern: RegExp) => [...server.stdout, ...server.stderr].filter((l) => pattern.test(l));

describe('Redis backplane: the delivery guarantee under concurrency and faults', function () {
  this.timeout(120_000);
  afterEach(() => closeAllClients());

  describe('a reconnect while sends are in flight (shared Redis)', () => {
    let a: ServedScript;
    let b: ServedScript;
    const url = `redis://127.0.0.1:6379/5?${query()}`;
    before(async () => {
      [a, b] = await Promise.all([start(fixture, ['--redis', url, '--sse-history', '100']), start(fixture, ['--redis', url, '--sse-history', '100'])]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      const admin = new Redis({ db: 5 });
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length) await admin.del(...keys);
      admin.disconnect();
    });

    it('gets every missed event exactly once and in order, then the live ones, in each of 25 rounds', async () => {
      for (let round = 1; round <= 25; round++) {
        const name = `race${round}`;
        const first = await open(a, name, 'rc');
        await send(b, { Name: name, Data: 'start' });
        await first.until('data: start\n\n');
        const [lastId] = idsOf(first.body());
        first.close();
        // Twenty sends from A go to Redis in one go while the client reconnects to B: the replay and the
        // live deliveries race, and every event must still arrive once.
        const sending = burst(a, name, 'e', 20);
        const again = await open(b, name, 'rc', lastId);
        await sending;
        await send(a, { Name: name, Data: 'end' });
        await again.until('data: end\n\n');
        expect(dataOf(again), `round ${round}`).to.deep.equal([...numbered('e', 20), 'end']);
        expectPositions([lastId!, ...idsOf(again.body())]);
      }
    });
  });

  describe('Redis restarted without its data', () => {
    let redis: PrivateRedis;
    let a: ServedScript;
    let b: ServedScript;
    before(async () => {
      redis = await PrivateRedis.start();
      const url = redis.url(0, query());
      [a, b] = await Promise.all([start(fixture, ['--redis', url, '--sse-history', '10']), start(fixture, ['--redis', url, '--sse-history', '10'])]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await redis?.stop();
    });

    it('tells every client that may have missed events (pode.gap), and ids never go backwards', async () => {
      const onA = await open(a, 'rs', 'ra');
      const onB = await open(b, 'rs', 'rb');
      await send(b, { Name: 'rs', Data: 'before' });
      await Promise.all([onA.until('data: before\n\n'), onB.until('data: before\n\n')]);
      const [before] = idsOf(onA.body());

      await redis.stop();
      await Promise.all([a, b].map((s) => s.waitForLine('stderr', /Redis backplane lost/, 10_000)));
      await burst(a, 'rs', 'during', 3); // reaches A's client only, at once
      await onA.until('data: during3\n\n');

      await redis.start();
      await Promise.all([a, b].map((s) => s.waitForLine('stdout', /Redis backplane reconnected/, 20_000)));
      // B's client missed A's three events: it is told, before anything newer.
      await onB.until('event: pode.gap\n');
      await send(b, { Name: 'rs', Data: 'after' });
      await Promise.all([onA.until('data: after\n\n'), onB.until('data: after\n\n')]);
      expect(dataOf(onB)).to.deep.equal(['before', `<gap ${before}>`, 'after']);
      // A's own client got them, with no id (they have no place in the shared history); Redis lost the rest.
      expect(dataOf(onA)).to.deep.equal(['before', 'during1', 'during2', 'during3', `<gap ${before}>`, 'after']);
      // Redis forgot its counters, and still: the id after is greater than every id before.
      expectPositions(idsOf(onA.body()));
      expectPositions(idsOf(onB.body()));
      expect(Number(idsOf(onB.body()).at(-1))).to.be.greaterThan(Number(before));
      for (const s of [a, b]) expect(lines(s, /Redis backplane lost/)).to.have.length(1);
    });
  });

  describe('one instance cut off while the others go on (its connections killed in Redis)', () => {
    let redis: PrivateRedis;
    let a: ServedScript;
    let b: ServedScript;
    before(async () => {
      redis = await PrivateRedis.start();
      const url = redis.url(0, query());
      [a, b] = await Promise.all([start(fixture, ['--redis', url, '--sse-history', '50', '--log-level', 'verbose']), start(fixture, ['--redis', url, '--sse-history', '50'])]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await redis?.stop();
    });

    it('catches its clients up from the shared history, exactly once and in order, without pode.gap', async () => {
      const onA = await open(a, 'cut', 'ca');
      await send(b, { Name: 'cut', Data: 'before' });
      await onA.until('data: before\n\n');
      const admin = new Redis({ port: redis.port });
      try {
        // A's two connections go; B's sends meanwhile reach Redis, but not A.
        for (const line of await redisClientsOf(admin, a.process.pid!)) await admin.call('CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(line)![1]!);
        await a.waitForLine('stderr', /Redis backplane lost/, 10_000);
        await burst(b, 'cut', 'm', 10);
        await a.waitForLine('stdout', /Redis backplane reconnected/, 20_000);
      } finally {
        admin.disconnect();
      }
      await send(b, { Name: 'cut', Data: 'after' });
      await onA.until('data: after\n\n');
      expect(dataOf(onA)).to.deep.equal(['before', ...numbered('m', 10), 'after']);
      expect(lines(a, /^VERBOSE: SSE hub back: /), 'the catch-up ran').to.deep.equal(['VERBOSE: SSE hub back: catching up 1 connection(s) of 1 Name(s)']);
      expectPositions(idsOf(onA.body()));
    });
  });

  describe('Redis frozen (SIGSTOP)', () => {
    let redis: PrivateRedis;
    let a: ServedScript;
    let b: ServedScript;
    afterEach(async () => {
      redis?.resume();
      await Promise.all([a?.stop(), b?.stop()]);
      await redis?.stop();
    });
    const serveBoth = async (extra: string) => {
      redis = await PrivateRedis.start();
      const url = redis.url(0, query(extra));
      [a, b] = await Promise.all([start(fixture, ['--redis', url, '--sse-history', '50']), start(fixture, ['--redis', url, '--sse-history', '50'])]);
    };

    it('local delivery goes on once the stall is noticed (logged once); after SIGCONT the other instance is told what it missed', async () => {
      await serveBoth('&stallTimeout=1000');
      const onA = await open(a, 'fz', 'fa');
      const onB = await open(b, 'fz', 'fb');
      await send(a, { Name: 'fz', Data: 'before' });
      await Promise.all([onA.until('data: before\n\n'), onB.until('data: before\n\n')]);

      redis.freeze();
      await burst(a, 'fz', 'f', 5); // waits on a Redis that does not answer, until the stall is noticed
      await onA.until('data: f5\n\n');
      await a.waitForLine('stderr', /Redis backplane not answering for/, 10_000);
      await burst(a, 'fz', 'g', 5); // cut off now: straight to A's client
      await onA.until('data: g5\n\n');
      // B sends nothing, so only its pings can show it the freeze, a tick or two after A's sends did; on a
      // busy machine its late ticks judge nothing. Redis stays frozen until B has noticed too, or B would
      // never go down (nor log 'reconnected') and the freeze would be a different test.
      await b.waitForLine('stderr', /Redis backplane not answering for/, 10_000);

      redis.resume();
      await Promise.all([a, b].map((s) => s.waitForLine('stdout', /Redis backplane reconnected/, 20_000)));
      await send(b, { Name: 'fz', Data: 'after' });
      await Promise.all([onA.until('data: after\n\n'), onB.until('data: after\n\n')]);

      // A's client: everything once, in order, whatever Redis did with the sends it had been holding.
      const seenA = dataOf(onA).filter((d) => !d.startsWith('<gap'));
      expect(seenA).to.deep.equal(['before', ...numbered('f', 5), ...numbered('g', 5), 'after']);
      // B's client: never silence. The g-events exist only on A (pode.gap); f-events that Redis carried
      // after it woke come once, in order, with their ids.
      const seenB = dataOf(onB);
      expect(seenB[0]).to.equal('before');
      expect(seenB.at(-1)).to.equal('after');
      const middle = seenB.slice(1, -1);
      expect(middle.filter((d) => d.startsWith('<gap')).length, seenB.join(', ')).to.be.at.least(1);
      const carried = middle.filter((d) => !d.startsWith('<gap'));
      expect(carried, seenB.join(', ')).to.deep.equal(numbered('f', 5).slice(0, carried.length));
      expectPositions(idsOf(onB.body()));
      for (const s of [a, b]) expect(lines(s, /Redis backplane not answering for/)).to.have.length(1);
    });

    it('bounds what waits on Redis: beyond maxQueue bytes, everything waiting is delivered locally at once, in order', async () => {
      // A stall timeout far beyond the test: only the bound can end the wait.
      await serveBoth('&stallTimeout=600000&maxQueue=4096');
      const onA = await open(a, 'mq', 'qa');
      await send(a, { Name: 'mq', Data: 'before' });
      await onA.until('data: before\n\n');

      redis.freeze();
      await burst(a, 'mq', `${'x'.repeat(100)}-`, 100); // about 25 KB: past the bound after some 30
      await onA.until(`data: ${'x'.repeat(100)}-100\n\n`);
      await a.waitForLine('stderr', /bytes sent and not carried back yet \(the bound is 4096\)/, 10_000);

      redis.resume();
      await a.waitForLine('stdout', /Redis backplane reconnected/, 20_000);
      await send(a, { Name: 'mq', Data: 'after' });
      await onA.until('data: after\n\n');
      expect(dataOf(onA).filter((d) => !d.startsWith('<gap'))).to.deep.equal(['before', ...numbered(`${'x'.repeat(100)}-`, 100), 'after']);
      expect(lines(a, /not carried back yet/)).to.have.length(1);
    });
  });
});
