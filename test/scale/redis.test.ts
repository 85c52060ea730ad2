// The Redis backplane end to end: real podets processes (the CLI, `--redis <url>`) sharing the real Redis on
// 127.0.0.1:6379 (database 5, a key prefix unique to this run, its keys deleted afterwards), and a
// redis-server of the test's own on a free port for the restart case.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { repoRoot, run, start, type ServedScript, type StartOptions } from '../helpers/serve.ts';
import { expectPositions } from '../sse/helpers.ts';
import { deleteKeys, freePort, PrivateRedis, redisClientsOf } from '../helpers/redis-server.ts';

// ---- A small SSE client and JSON calls (this suite's own, on node:http) -----------------------------

const CLOSE_FRAME = 'event: pode.close\ndata: \n\n';
const openFrame = (clientId: string, group: string, name: string) => `event: pode.open\ndata: ${JSON.stringify({ clientId, group, name })}\n\n`;

async function post(server: ServedScript, path: string, body: unknown = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(new URL(path, server.url), { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: await res.json() };
}

const clients = new Set<SseClient>();
function closeAllClients(): void {
  for (const c of clients) c.close();
}

class SseClient {
  closed = false;
  private text = '';
  private waiters: (() => void)[] = [];
  private constructor(private readonly req: http.ClientRequest) {
    clients.add(this);
  }

  /** Opens an SSE GET and resolves once the response head has arrived. */
  static open(server: ServedScript, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = http.get(new URL(path, server.url), { headers: { accept: 'text/event-stream', ...headers }, agent: false });
      const client = new SseClient(req);
      req.once('error', reject);
      req.once('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          client.text += chunk;
          client.wake();
        });
        res.once('close', () => {
          client.closed = true;
          clients.delete(client);
          client.wake();
        });
        resolve(client);
      });
    });
  }

  body(): string {
    return this.text;
  }

  /** The events received, pode.* ones left out. */
  events(): { id?: string; event?: string; data: string }[] {
    const out: { id?: string; event?: string; data: string }[] = [];
    for (const block of this.text.split('\n\n')) {
      const ev: { id?: string; event?: string; data?: string } = {};
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const [field, value] = [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
        if (field === 'id') ev.id = value;
        else if (field === 'event') ev.event = value;
        else if (field === 'data') ev.data = ev.data === undefined ? value : `${ev.data}\n${value}`;
      }
      if (ev.data !== undefined && !ev.event?.startsWith('pode.')) out.push(ev as { data: string });
    }
    return out;
  }

  until(text: string, timeoutMs = 5000): Promise<string> {
    return this.untilBody((b) => b.includes(text), JSON.stringify(text), timeoutMs);
  }

  untilBody(test: (body: string) => boolean, what: string, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs}ms; body: ${JSON.stringify(this.text)}`)), timeoutMs);
      const check = () => {
        if (test(this.text)) {
          clearTimeout(timer);
          resolve(this.text);
        } else if (this.closed) {
          clearTimeout(timer);
          reject(new Error(`the stream ended before ${what}; body: ${JSON.stringify(this.text)}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** Resolves with the body once the server has ended the stream. */
  ended(timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the stream did not end within ${timeoutMs}ms; body: ${JSON.stringify(this.text)}`)), timeoutMs);
      const check = () => {
        if (this.closed) {
          clearTimeout(timer);
          resolve(this.text);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): void {
    this.req.destroy();
    clients.delete(this);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

const fixture = resolve(repoRoot, 'test/fixtures/scale/redis.ts');
const serveScale = (args: string[], options: StartOptions = {}) => start(fixture, args, options);

const REDIS_PORT = 6379;
const DB = 5;
const prefix = `podets-test-${process.pid}-${randomBytes(3).toString('hex')}:`;
/** presenceTtl=3: each instance refreshes its presence (and rebuilds its mirror) every second. */
const backplane = (port = REDIS_PORT, extra = '') => `redis://127.0.0.1:${port}/${DB}?prefix=${encodeURIComponent(prefix)}&presenceTtl=3${extra}`;

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs}ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lists = (server: ServedScript, body: Record<string, unknown> = {}) => post(server, '/lists', body).then((r) => r.json);
const send = async (server: ServedScript, body: Record<string, unknown>) => {
  const r = await post(server, '/send', body);
  expect(r.json, JSON.stringify(r.json)).to.deep.include({ ok: true });
};
const dataOf = (client: SseClient) => client.events();

describe('Redis backplane (--redis, Set-PodeSseBackplane)', function () {
  this.timeout(60000);
  let admin: Redis;

  before(async () => {
    admin = new Redis({ port: REDIS_PORT, db: DB, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`These tests need Redis on 127.0.0.1:${REDIS_PORT} (.ci/run starts one): ${(err as Error).message}`);
    }
  });
  after(async () => {
    await deleteKeys(admin, `${prefix}*`);
    admin.disconnect();
  });
  afterEach(() => closeAllClients());

  describe('two instances sharing Redis', () => {
    let a: ServedScript;
    let b: ServedScript;
    before(async () => {
      [a, b] = await Promise.all([serveScale(['--redis', backplane(), '--sse-history', '10']), serveScale(['--redis', backplane(), '--sse-history', '10'])]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
    });

    it('a client on A receives an event sent from a route on B', async () => {
      const client = await SseClient.open(a, '/sse?name=cross&clientId=ca');
      await client.until(openFrame('ca', '', 'cross'));
      await send(b, { Name: 'cross', Data: { from: 'B' }, EventType: 'greeting' });
      await client.until('data: {"from":"B"}');
      const [event] = dataOf(client);
      expect(event).to.deep.equal({ id: event!.id, event: 'greeting', data: '{"from":"B"}' });
      expectPositions([event!.id!]);
    });

    it('sends from both instances reach every instance in one order, numbered in one place', async () => {
      const onA = await SseClient.open(a, '/sse?name=order&clientId=oa');
      const onB = await SseClient.open(b, '/sse?name=order&clientId=ob');
      await Promise.all([onA.until('pode.open'), onB.until('pode.open')]);
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) sends.push(send(i % 2 ? b : a, { Name: 'order', Data: `n${i}` }));
      await Promise.all(sends);
      await Promise.all([onA, onB].map((c) => c.untilBody(() => dataOf(c).length === 20, '20 events')));
      const seenA = dataOf(onA);
      expect(dataOf(onB)).to.deep.equal(seenA);
      expectPositions(seenA.map((e) => e.id!));
      expect(new Set(seenA.map((e) => e.data)).size).to.equal(20);
    });

    it('narrowing by Group and ClientId applies on every instance', async () => {
      const g1 = await SseClient.open(a, '/sse?name=narrow&clientId=n1&group=Admins');
      const g2 = await SseClient.open(b, '/sse?name=narrow&clientId=n2&group=users');
      await Promise.all([g1.until('pode.open'), g2.until('pode.open')]);
      await send(b, { Name: 'narrow', Group: ['admins'], Data: 'to admins', Id: 'x1' });
      await send(a, { Name: 'narrow', ClientId: ['n2'], Data: 'to n2', Id: 'x2' });
      await send(a, { Name: 'narrow', Data: 'to all', Id: 'x3' });
      await Promise.all([g1.until('to all'), g2.until('to all')]);
      expect(dataOf(g1).map((e) => e.data)).to.deep.equal(['to admins', 'to all']);
      expect(dataOf(g2).map((e) => e.data)).to.deep.equal(['to n2', 'to all']);
    });

    it('Close-PodeSseConnection on B closes a client on A with pode.close', async () => {
      const keep = await SseClient.open(a, '/sse?name=closing&clientId=keep');
      const victim = await SseClient.open(a, '/sse?name=closing&clientId=victim');
      await Promise.all([keep.until('pode.open'), victim.until('pode.open')]);
      const r = await post(b, '/close', { Name: 'closing', ClientId: ['victim'] });
      expect(r.json).to.deep.include({ ok: true });
      const body = await victim.ended();
      expect(body.endsWith(CLOSE_FRAME)).to.equal(true);
      expect(keep.closed).to.equal(false);
      await post(b, '/close', { Name: 'closing' });
      expect((await keep.ended()).endsWith(CLOSE_FRAME)).to.equal(true);
    });

    it('Get-PodeSseClientIdList, Get-PodeSseNameList and the Test cmdlets answer for both instances', async () => {
      const onA = await SseClient.open(a, '/sse?name=listed&clientId=la&group=ga');
      const onB = await SseClient.open(b, '/sse?name=listed&clientId=lb&group=gb');
      await Promise.all([onA.until('pode.open'), onB.until('pode.open')]);
      for (const server of [a, b]) {
        const seen = await eventually(
          () => lists(server, { Name: 'listed', ClientId: server === a ? 'lb' : 'la' }),
          (l) => l.clientIds.value?.length === 2,
          'both clients listed',
        );
        expect(seen.names).to.include('listed');
        expect([...seen.clientIds.value].sort()).to.deep.equal(['la', 'lb']);
        expect([...seen.groups.value].sort()).to.deep.equal(['ga', 'gb']);
        expect(seen.testName).to.equal(true);
        expect(seen.testClientId).to.equal(true);
      }
      const onlyGb = await lists(a, { Name: 'listed', Group: ['GB'] });
      expect(onlyGb.clientIds.value).to.deep.equal(['lb']);
      // A connection that goes away leaves the other instance's lists.
      onB.close();
      await eventually(() => lists(a, { Name: 'listed' }), (l) => l.clientIds.value?.length === 1, 'lb gone from A');
      expect((await lists(a, { Name: 'listed', ClientId: 'lb' })).testClientId).to.equal(false);
    });

    it('the same Name and ClientId connecting on B replaces the connection on A', async () => {
      const first = await SseClient.open(a, '/sse?name=dup&clientId=same');
      await first.until('pode.open');
      const second = await SseClient.open(b, '/sse?name=dup&clientId=same');
      await second.until('pode.open');
      expect((await first.ended()).endsWith(CLOSE_FRAME)).to.equal(true);
      expect(second.closed).to.equal(false);
    });

    it('replays across instances: a client reconnecting to B with the Last-Event-ID it had on A gets what it missed', async () => {
      const onA = await SseClient.open(a, '/sse?name=replay&clientId=rc&group=g1');
      await onA.until('pode.open');
      await send(b, { Name: 'replay', Data: 'e1' });
      await onA.until('data: e1');
      const lastId = dataOf(onA)[0]!.id!;
      onA.close();
      await send(a, { Name: 'replay', Data: 'e2' });
      await send(b, { Name: 'replay', Group: ['other'], Data: 'not for g1' });
      await send(a, { Name: 'replay', ClientId: ['rc'], Data: 'e3' });
      await send(b, { Name: 'replay', Data: 'e4\nsecond line', EventType: 'multi' });
      const onB = await SseClient.open(b, '/sse?name=replay&clientId=rc&group=g1', { 'Last-Event-ID': lastId });
      await onB.until('second line');
      await send(a, { Name: 'replay', Data: 'live' });
      await onB.until('data: live');
      const events = dataOf(onB);
      expect(events.map((e) => e.data)).to.deep.equal(['e2', 'e3', 'e4\nsecond line', 'live']);
      expect(events[2]).to.deep.include({ event: 'multi' });
      expectPositions([lastId, ...events.map((e) => e.id!)]);
      // An id no longer (or never) in the shared history: pode.gap with that id.
      const gap = await SseClient.open(a, '/sse?name=replay&clientId=rg', { 'Last-Event-ID': 'nope' });
      await gap.until('event: pode.gap\ndata: nope\n\n');
    });

    it('an instance that stops leaves at once; one that dies leaves within the presence expiry', async () => {
      // C's presence would live 10 minutes: only its bye can take it off A's lists within the test.
      const c = await serveScale(['--redis', backplane(REDIS_PORT, '').replace('presenceTtl=3', 'presenceTtl=600'), '--sse-history', '10']);
      const d = await serveScale(['--redis', backplane(), '--sse-history', '10']);
      try {
        const onC = await SseClient.open(c, '/sse?name=gone&clientId=oc');
        const onD = await SseClient.open(d, '/sse?name=gone&clientId=od');
        await Promise.all([onC.until('pode.open'), onD.until('pode.open')]);
        await eventually(() => lists(a, { Name: 'gone' }), (l) => l.clientIds.value?.length === 2, 'oc and od listed on A');
        expect(await c.stop()).to.equal(0);
        await eventually(() => lists(a, { Name: 'gone' }), (l) => l.clientIds.value?.length === 1, 'oc gone (its bye)', 30_000);
        // D says nothing when it dies: its presence (3 s) expires, and A's next rebuild drops it.
        d.process.kill('SIGKILL');
        await d.stop();
        await eventually(() => lists(a, { Name: 'gone' }), (l) => l.testName === false, 'od gone after the expiry', 30_000);
      } finally {
        await Promise.all([c.stop(), d.stop()]);
      }
    });

    it('PODETS_REDIS_URL joins the same space as --redis, and the URL is not in the process arguments', async () => {
      const c = await serveScale(['--sse-history', '10'], { env: { PODETS_REDIS_URL: backplane() } });
      try {
        expect(readFileSync(`/proc/${c.process.pid}/cmdline`, 'utf8')).to.not.include('redis://');
        const onC = await SseClient.open(c, '/sse?name=fromenv&clientId=ce');
        await onC.until('pode.open');
        await send(b, { Name: 'fromenv', Data: 'via env', Id: 'v1' });
        await onC.until('id: v1\ndata: via env\n\n');
      } finally {
        await c.stop();
      }
    });

    it('Set-PodeSseBackplane in the script joins the same space as --redis', async () => {
      const c = await serveScale(['--sse-history', '10'], { env: { BACKPLANE_URL: backplane() } });
      try {
        const onC = await SseClient.open(c, '/sse?name=cmdlet&clientId=cc');
        await onC.until('pode.open');
        await send(b, { Name: 'cmdlet', Data: 'via cmdlet', Id: 'k1' });
        await onC.until('id: k1\ndata: via cmdlet\n\n');
        await eventually(() => lists(a, { Name: 'cmdlet' }), (l) => l.clientIds.value?.[0] === 'cc', 'cc listed on A');
      } finally {
        await c.stop();
      }
    });
  });

  describe('Redis restarted while running', () => {
    let redis: PrivateRedis;
    let a: ServedScript;
    let b: ServedScript;
    const stopRedis = () => redis.stop();
    const startRedis = () => redis.start();

    before(async () => {
      redis = await PrivateRedis.start();
      // With history, so the Lua script runs again on a Redis that has forgotten it (NOSCRIPT -> EVAL).
      [a, b] = await Promise.all([serveScale(['--redis', backplane(redis.port), '--sse-history', '10']), serveScale(['--redis', backplane(redis.port), '--sse-history', '10'])]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await redis?.stop();
    });

    it('delivery goes on locally while Redis is down and resumes across instances once it is back, without a restart', async () => {
      const onA = await SseClient.open(a, '/sse?name=restart&clientId=ra');
      const onB = await SseClient.open(b, '/sse?name=restart&clientId=rb');
      await Promise.all([onA.until('pode.open'), onB.until('pode.open')]);
      await send(b, { Name: 'restart', Data: 'before' });
      await Promise.all([onA.until('data: before'), onB.until('data: before')]);

      await stopRedis();
      await Promise.all([a, b].map((s) => s.waitForLine('stderr', /Redis backplane lost/, 5000)));
      await send(b, { Name: 'restart', Data: 'during from B' });
      await send(a, { Name: 'restart', Data: 'during from A' });
      await onB.until('data: during from B');
      await onA.until('data: during from A');

      await startRedis();
      await Promise.all([a, b].map((s) => s.waitForLine('stdout', /Redis backplane reconnected/, 10000)));
      await send(b, { Name: 'restart', Data: 'after' });
      await Promise.all([onA.until('data: after'), onB.until('data: after')]);
      expect(dataOf(onA).at(-1)).to.deep.equal(dataOf(onB).at(-1)); // numbered once, in Redis
      expect(dataOf(onA).map((e) => e.data)).to.deep.equal(['before', 'during from A', 'after']);
      expect(dataOf(onB).map((e) => e.data)).to.deep.equal(['before', 'during from B', 'after']);
      // Redis lost everything: each instance wrote its presence again.
      await eventually(() => lists(a, { Name: 'restart' }), (l) => l.clientIds.value?.length === 2, 'both listed again');
      // The outage was logged once per instance, however many reconnect attempts it took.
      for (const s of [a, b]) expect(s.stderr.filter((l) => /Redis backplane lost/.test(l))).to.have.length(1);
      expect(onA.closed || onB.closed).to.equal(false);
    });
  });

  describe('faults at start, and no Redis without --redis', () => {
    it('Redis unreachable at start: a clear error and exit 1', async () => {
      const port = await freePort();
      const r = await run(fixture, ['--redis', `redis://127.0.0.1:${port}`]);
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`Cannot connect to the Redis backplane at redis://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
      expect(r.stdout).to.not.include('Listening on');
    });

    it('Set-PodeSseBackplane with Redis unreachable: the script fails to load, exit 1', async () => {
      const port = await freePort();
      const r = await run(fixture, [], { env: { BACKPLANE_URL: `redis://user:secret@127.0.0.1:${port}` } });
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.include(`Cannot connect to the Redis backplane at redis://user:***@127.0.0.1:${port}`);
      expect(r.stderr).to.not.include('secret');
      expect(r.stdout).to.not.include('Listening on');
    });

    it('a --redis value that is not a Redis URL is refused (exit 2)', async () => {
      const r = await run(fixture, ['--redis', 'http://127.0.0.1:6379']);
      expect(r.exitCode).to.equal(2);
      expect(r.stderr).to.include('must start with redis:// or rediss://');
    });

    it('a PODETS_REDIS_URL that is not a Redis URL is refused (exit 2), naming the variable', async () => {
      const r = await run(fixture, [], { env: { PODETS_REDIS_URL: 'http://127.0.0.1:6379' } });
      expect(r.exitCode).to.equal(2);
      expect(r.stderr).to.include('must start with redis:// or rediss://');
      expect(r.stderr).to.include('PODETS_REDIS_URL');
    });

    it('without --redis no Redis connection is made; with it, four (the SSE hub\'s two, the shared state\'s two)', async () => {
      const plain = await serveScale([]);
      const shared = await serveScale(['--redis', backplane()]);
      try {
        const client = await SseClient.open(plain, '/sse?name=plain&clientId=p');
        await client.until('pode.open');
        await send(plain, { Name: 'plain', Data: 'local only' });
        await client.until('data: local only');
        expect(await redisClientsOf(admin, plain.process.pid!)).to.deep.equal([]);
        const used = await redisClientsOf(admin, shared.process.pid!);
        expect(used).to.have.length(4);
        for (const line of used) expect(line).to.match(/\bname=podets:\S+/);
        expect(used.filter((line) => /\bname=podets:state:\S+/.test(line))).to.have.length(2);
      } finally {
        await Promise.all([plain.stop(), shared.stop()]);
      }
    });
  });
});
