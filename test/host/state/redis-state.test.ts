// host/state/redis-state.ts against the real Redis on 127.0.0.1:6379 (database 5, a prefix unique to this run,
// deleted afterwards), without podets processes: two backends, each with its replica, as two instances.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeys } from '../../helpers/redis-server.ts';
import { RedisStateBackend } from '../../../host/state/redis-state.ts';
import { StateReplica } from '../../../host/state/replica.ts';
import { StateStore } from '../../../host/state/store.ts';
import { parseBackplaneUrl } from '../../../host/sse/hub/redis-url.ts';
import { systemClock } from '../../../host/timers/clock.ts';

const prefix = `podets-state-unit-${process.pid}-${randomBytes(3).toString('hex')}:`;
const target = parseBackplaneUrl(`redis://127.0.0.1:6379/5?prefix=${encodeURIComponent(prefix)}&lockTtl=1000`);

async function instance(origin: string) {
  const store = new StateStore();
  const backend = new RedisStateBackend(target, origin, systemClock);
  const replica = new StateReplica(store, backend, origin);
  await backend.start(replica);
  return { store, backend, replica };
}

describe('host/state/redis-state.ts', function () {
  this.timeout(20_000);
  const open: Array<{ backend: RedisStateBackend }> = [];
  let admin: Redis;
  before(async () => {
    admin = new Redis({ port: 6379, db: 5, lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
  });
  after(async () => {
    for (const o of open) await o.backend.close();
    await deleteKeys(admin, `${prefix}*`);
    admin.disconnect();
  });

  it('applies writes in Redis\'s order on every replica, with one version, and a later one starts from the snapshot', async () => {
    const a = await instance('a');
    const b = await instance('b');
    open.push(a, b);
    a.replica.set('n', { from: 'a' }, ['s']);
    b.replica.set('n', { from: 'b' }, []);
    a.replica.set('other', 1, []);
    await Promise.all([a.replica.caughtUp(3), b.replica.caughtUp(3)]);
    expect(a.store.get('n')).to.deep.equal(b.store.get('n'));
    expect(Number(await admin.get(`${prefix}state:version`))).to.equal(3);
    const c = await instance('c');
    open.push(c);
    expect(c.replica.version).to.equal(3);
    expect(c.store.get('n')).to.deep.equal(a.store.get('n'));
    expect(c.store.get('other')!.Value).to.equal(1);
  });

  it('excludes a second holder until release (woken by the release), times a wait out, and a lock not renewed expires', async () => {
    const a = await instance('la');
    const b = await instance('lb');
    open.push(a, b);
    expect((await a.backend.lock('k', -1)).ok).to.equal(true);
    expect((await b.backend.lock('k', 0)).ok).to.equal(false);
    expect((await b.backend.lock('k', 200)).ok).to.equal(false);
    const waiting = b.backend.lock('k', -1);
    a.backend.unlock('k');
    expect((await waiting).ok).to.equal(true);
    b.backend.unlock('k');
    // A holder that is gone (its key written by hand, never renewed): the TTL frees it.
    await admin.set(`${prefix}lock:gone`, 'someone', 'PX', 300);
    expect((await a.backend.lock('gone', 10_000)).ok).to.equal(true);
    a.backend.unlock('gone');
  });
});
