// RedisHub on its own, in this process, against the real Redis on 127.0.0.1:6379 (database 5, a key prefix
// unique to this run): the Lua numbering and history bounds, replay answers, presence and close.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisHub } from '../../host/sse/hub/redis.ts';
import type { HubDelivery, HubSend, PresenceEntry } from '../../host/sse/hub/types.ts';

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
    a.onDelivery((m) => heardA.push(m));
    b.onDelivery((m) => heardB.push(m));
    b.onRemoteJoin((e) => joinsB.push(e));
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

  it('numbers events per Name in Redis (a given -Id is kept and uses no number) and hands them to every instance', async () => {
    expect((await sent({ names: ['n1', 'n2'], data: 'x', history: { n1: bound, n2: bound } })).ids).to.deep.equal({ n1: '1', n2: '1' });
    expect((await sent({ names: ['n1'], data: 'y', id: 'given', history: { n1: bound } })).ids).to.deep.equal({ n1: 'given' });
    expect((await sent({ names: ['n1'], data: 'z', history: { n1: bound } })).ids).to.deep.equal({ n1: '2' });
    expect(heardB).to.deep.equal(heardA);
    // Without history: no ids, nothing kept.
    const plain = await sent({ names: ['n3'], data: 'p', eventType: 'e' });
    expect(plain).to.deep.equal({ t: 'send', names: ['n3'], groups: undefined, clientIds: undefined, id: undefined, eventType: 'e', data: 'p', ids: undefined });
  });

  it('refuses an id that would inject fields, before anything is numbered', () => {
    expect(() => a.publish({ t: 'send', names: ['n1'], data: 'bad', id: 'a\nb', history: { n1: bound } })).to.throw(/cannot contain a line feed/);
  });

  it('replays later events, respecting the count, the narrowing and a reused -Id', async () => {
    const q = (lastEventId: string, extra: { clientId?: string; group?: string } = {}) =>
      b.replay({ name: 'r', lastEventId, clientId: extra.clientId ?? 'me', group: extra.group, bound });
    await sent({ names: ['r'], data: 'one', history: { r: bound } }); // 1
    await sent({ names: ['r'], data: 'two', groups: ['Admins'], history: { r: bound } }); // 2
    await sent({ names: ['r'], data: 'three', clientIds: ['other'], history: { r: bound } }); // 3
    await sent({ names: ['r'], data: 'four\nlines', eventType: 'multi', history: { r: bound } }); // 4, evicts 1
    expect(await q('1')).to.deep.equal({ kind: 'gap', lastId: '1' });
    const all = await q('2', { group: 'admins' });
    expect(all.kind).to.equal('events');
    if (all.kind !== 'events') return;
    expect(all.ids).to.deep.equal(['4']);
    expect(all.frames.map(text)).to.deep.equal(['id: 4\nevent: multi\ndata: four\ndata: lines\n\n']);
    const narrowed = await q('2', { clientId: 'other' });
    expect(narrowed.kind === 'events' && narrowed.ids).to.deep.equal(['3', '4']);
    expect(await q('4')).to.deep.equal({ kind: 'events', frames: [], ids: [] });
    expect(await b.replay({ name: 'r', lastEventId: '', clientId: 'me', bound })).to.deep.equal({ kind: 'none' });
    // A reused -Id points at its latest event.
    await sent({ names: ['r'], data: 'again-1', id: 'same', history: { r: bound } });
    await sent({ names: ['r'], data: 'again-2', id: 'same', history: { r: bound } });
    await sent({ names: ['r'], data: 'after', history: { r: bound } });
    const reused = await q('same');
    expect(reused.kind === 'events' && reused.frames.map(text)).to.deep.equal(['id: 5\ndata: after\n\n']);
  });

  it('drops events older than MaxAge when replaying', async () => {
    const aged = { count: 10, maxAgeSeconds: 1 };
    await sent({ names: ['aged'], data: 'old', history: { aged } });
    await new Promise((r) => setTimeout(r, 1100));
    await sent({ names: ['aged'], data: 'new', history: { aged } });
    expect(await b.replay({ name: 'aged', lastEventId: '1', clientId: 'me', bound: aged })).to.deep.equal({ kind: 'gap', lastId: '1' });
    const fresh = await b.replay({ name: 'aged', lastEventId: '2', clientId: 'me', bound: aged });
    expect(fresh).to.deep.equal({ kind: 'events', frames: [], ids: [] });
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
