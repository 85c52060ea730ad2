// RedisHub on its own, in this process, against the real Redis on 127.0.0.1:6379 (database 5, a key prefix
// unique to this run): the Lua numbering and history bounds, replay answers, presence and close.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisHub } from '../../host/sse/hub/redis.ts';
import { PrivateRedis } from '../helpers/redis-server.ts';
import type { HubDelivery, HubListener, HubSend, PresenceEntry } from '../../host/sse/hub/types.ts';

const prefix = `podets-hub-test-${process.pid}-${randomBytes(3).toString('hex')}:`;
const url = (extra = '') => `redis://127.0.0.1:6379/5?prefix=${encodeURIComponent(prefix)}${extra}`;
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

async function until(test: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function listener(heard: HubDelivery[], joins: PresenceEntry[] = []): HubListener {
  return { delivery: (m) => heard.push(m), remoteJoin: (e) => joins.push(e), hold() {}, resync() {}, orphaned() {} };
}

/** Positions are microseconds of Redis' clock (host/sse/seq.ts): near now, and increasing. */
function expectPosition(seq: number | undefined, after = 0): number {
  expect(seq).to.be.a('number');
  expect(Math.abs(seq! / 1000 - Date.now())).to.be.below(60_000);
  expect(seq!).to.be.greaterThan(after);
  return seq!;
}

describe('RedisHub', function () {
  this.timeout(20000);
  let a: RedisHub;
  let b: RedisHub;
  const heardA: HubDelivery[] = [];
  const heardB: HubDelivery[] = [];
  const joinsB: PresenceEntry[] = [];

  before(async () => {
    a = new RedisHub(url('&presenceTtl=2'));
    b = new RedisHub(url('&presenceTtl=2'));
    a.listen(listener(heardA));
    b.listen(listener(heardB, joinsB));
    await Promise.all([a.connect(), b.connect()]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    const admin = new Redis({ db: 5 });
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
  });

  const sent = async (m: Omit<HubSend, 't'>): Promise<HubSend> => {
    const before = heardA.length;
    a.publish({ t: 'send', ...m });
    await until(() => heardA.length > before && heardB.length >= heardA.length, 'delivery to both');
    return heardA.at(-1) as HubSend;
  };
  const bound = { count: 3 };

  it('gives events positions per Name in Redis (a given -Id is kept, with a position too) and hands them to every instance', async () => {
    const x = (await sent({ names: ['n1', 'n2'], data: 'x', history: { n1: bound, n2: bound } })).seqs!;
    const p1 = expectPosition(x.n1);
    expectPosition(x.n2);
    const y = await sent({ names: ['n1'], data: 'y', id: 'given', history: { n1: bound } });
    expect(y.id).to.equal('given');
    const p2 = expectPosition(y.seqs!.n1, p1);
    expectPosition((await sent({ names: ['n1'], data: 'z', history: { n1: bound } })).seqs!.n1, p2);
    expect(heardB).to.deep.equal(heardA);
    // Without history: no positions, nothing kept.
    const plain = await sent({ names: ['n3'], data: 'p', eventType: 'e' });
    expect(plain).to.deep.equal({ t: 'send', names: ['n3'], groups: undefined, clientIds: undefined, id: undefined, eventType: 'e', data: 'p', seqs: undefined });
  });

  it('refuses an id that would inject fields, before anything is numbered', () => {
    expect(() => a.publish({ t: 'send', names: ['n1'], data: 'bad', id: 'a\nb', history: { n1: bound } })).to.throw(/cannot contain a line feed/);
  });

  it('replays later events, respecting the count, the narrowing and a reused -Id', async () => {
    const q = (lastEventId: string, extra: { clientId?: string; group?: string } = {}) =>
      b.replay({ name: 'r', lastEventId, clientId: extra.clientId ?? 'me', group: extra.group, bound });
    const ids: string[] = [];
    const record = async (m: Omit<HubSend, 't'>) => ids.push(String((await sent(m)).seqs!.r));
    await record({ names: ['r'], data: 'one', history: { r: bound } });
    await record({ names: ['r'], data: 'two', groups: ['Admins'], history: { r: bound } });
    await record({ names: ['r'], data: 'three', clientIds: ['other'], history: { r: bound } });
    await record({ names: ['r'], data: 'four\nlines', eventType: 'multi', history: { r: bound } }); // evicts 'one'
    const [one, two, three, four] = ids as [string, string, string, string];
    expect(await q(one)).to.deep.equal({ kind: 'gap', lastId: one });
    const all = await q(two, { group: 'admins' });
    expect(all).to.deep.include({ kind: 'events', ids: [four], seqs: [Number(four)], head: Number(four) });
    if (all.kind !== 'events') return;
    expect(all.frames.map(text)).to.deep.equal([`id: ${four}\nevent: multi\ndata: four\ndata: lines\n\n`]);
    const narrowed = await q(two, { clientId: 'other' });
    expect(narrowed.kind === 'events' && narrowed.ids).to.deep.equal([three, four]);
    expect(await q(four)).to.deep.equal({ kind: 'events', frames: [], ids: [], seqs: [], head: Number(four) });
    expect(await b.replay({ name: 'r', lastEventId: '', clientId: 'me', bound })).to.deep.equal({ kind: 'none' });
    // A reused -Id points at its latest event.
    await sent({ names: ['r'], data: 'again-1', id: 'same', history: { r: bound } });
    await sent({ names: ['r'], data: 'again-2', id: 'same', history: { r: bound } });
    const after = String((await sent({ names: ['r'], data: 'after', history: { r: bound } })).seqs!.r);
    const reused = await q('same');
    expect(reused.kind === 'events' && reused.frames.map(text)).to.deep.equal([`id: ${after}\ndata: after\n\n`]);
  });

  it('drops events older than MaxAge when replaying', async () => {
    const aged = { count: 10, maxAgeSeconds: 1 };
    const old = String((await sent({ names: ['aged'], data: 'old', history: { aged } })).seqs!.aged);
    await new Promise((r) => setTimeout(r, 1100));
    const recent = (await sent({ names: ['aged'], data: 'new', history: { aged } })).seqs!.aged!;
    expect(await b.replay({ name: 'aged', lastEventId: old, clientId: 'me', bound: aged })).to.deep.equal({ kind: 'gap', lastId: old });
    const fresh = await b.replay({ name: 'aged', lastEventId: String(recent), clientId: 'me', bound: aged });
    expect(fresh).to.deep.equal({ kind: 'events', frames: [], ids: [], seqs: [], head: recent });
  });

  it('mirrors presence: joins (with the remote-join handler), leaves, and an instance that closes', async () => {
    a.join({ name: 'p', clientId: 'c1', group: 'G' });
    a.join({ name: 'p', clientId: 'c2' });
    await until(() => [...b.remote.clientIds('p')].length === 2, 'both on B');
    expect(joinsB).to.deep.include({ name: 'p', clientId: 'c1', group: 'G' });
    expect([...b.remote.groups('p')]).to.deep.equal(['G']);
    expect(b.remote.hasClientId('p', 'c1', ['g'])).to.equal(true);
    expect([...a.remote.names()]).to.not.include('p'); // an instance's own connections come from its registry
    a.leave({ name: 'p', clientId: 'c2' });
    await until(() => !b.remote.hasClientId('p', 'c2'), 'c2 gone');

    // A third instance, started later, reads the others' presence from Redis.
    const c = new RedisHub(url());
    await c.connect();
    expect([...c.remote.clientIds('p')]).to.deep.equal(['c1']);
    await a.close();
    await until(() => !b.remote.has('p') && !c.remote.has('p'), 'a gone on close');
    expect(a.connected).to.equal(false);
    await c.close();
  });
});

// What a publish answers (SseHub.publish): it settles once Redis has given the message its bus place, so
// whatever is published after that, from any instance, is ordered after it; a Redis that hangs cannot hold
// it past the stall timeout (the message is then delivered here only). A Redis of the test's own, frozen.
describe('RedisHub: a publish settles once it is ordered', function () {
  this.timeout(20000);
  let redis: PrivateRedis;
  let a: RedisHub;
  let b: RedisHub;
  let admin: Redis;
  const heardA: HubDelivery[] = [];
  const heardB: HubDelivery[] = [];

  before(async () => {
    redis = await PrivateRedis.start();
    a = new RedisHub(redis.url(0, 'stallTimeout=800'));
    b = new RedisHub(redis.url(0, 'stallTimeout=800'));
    a.listen(listener(heardA));
    b.listen(listener(heardB));
    await Promise.all([a.connect(), b.connect()]);
    admin = new Redis({ port: redis.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    admin.on('error', () => {});
    await admin.connect();
  });
  after(async () => {
    admin?.disconnect();
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  const kept = async (name: string) => (await admin.lrange(`podets:events:${name}`, 0, -1)).map((e) => JSON.parse(e).f as string);
  const send = (data: string): HubSend => ({ t: 'send', names: ['o'], data, history: { o: { count: 100 } } });

  it('answers once the event is kept: an awaited send on A, then one on B, are in that order on both', async () => {
    for (let i = 1; i <= 20; i++) {
      await a.publish(send(`a${i}`));
      expect((await kept('o')).at(-1)).to.match(new RegExp(`\\ndata: a${i}\\n\\n$`));
      await b.publish(send(`b${i}`));
    }
    const expected = Array.from({ length: 20 }, (_, i) => [`a${i + 1}`, `b${i + 1}`]).flat();
    await until(() => heardA.length === 40 && heardB.length === 40, 'all heard on both');
    expect(heardA.map((m) => (m as HubSend).data)).to.deep.equal(expected);
    expect(heardB.map((m) => (m as HubSend).data)).to.deep.equal(expected);
  });

  it('a frozen Redis holds the answer until the stall is seen; then the send is delivered here only and it settles', async () => {
    heardA.length = 0;
    redis.freeze();
    try {
      let settled = false;
      const answer = a.publish(send('frozen')).then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled, 'settled while Redis hangs, before the stall timeout').to.equal(false);
      await answer;
      expect(a.connected).to.equal(false);
      expect(heardA).to.deep.equal([{ ...send('frozen'), seqs: undefined, local: true }]);
      // Cut off: a publish answers at once, delivered here.
      await a.publish(send('while down'));
      expect((heardA.at(-1) as HubSend).data).to.equal('while down');
    } finally {
      redis.resume();
    }
  });
});
