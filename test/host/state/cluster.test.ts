// The cluster state's pieces without processes: the primary's lock queues (host/state/lock-queues.ts), the
// replica's ordering and version rules (host/state/replica.ts) against an in-memory ordering point whose
// deliveries the test releases by hand, and the release order of host/state/cluster-locks.ts.
import { expect } from 'chai';
import { ClusterLocks, clusterKeyOf } from '../../../host/state/cluster-locks.ts';
import { Lockables } from '../../../host/state/lock.ts';
import { LockQueues } from '../../../host/state/lock-queues.ts';
import { StateReplica, StateUnreachableError, toWire, type LockGrant, type OrderedOp, type StateBackend, type StateOp } from '../../../host/state/replica.ts';
import { StateStore } from '../../../host/state/store.ts';
import { ManualClock } from '../../../host/timers/clock.ts';

/** An ordering point: numbers every write and queues it for every replica; `deliver` hands a replica its queue. */
class Sequencer {
  v = 0;
  readonly calls: string[] = [];
  private readonly inboxes = new Map<StateReplica, OrderedOp[]>();
  connected = true;
  grantAt: number | undefined;

  replica(origin: string): { replica: StateReplica; store: StateStore; backend: StateBackend } {
    const store = new StateStore();
    const seq = this;
    const backend: StateBackend = {
      kind: 'workers',
      where: 'the test sequencer',
      get connected() {
        return seq.connected;
      },
      publish: (from: string, op: StateOp) => {
        seq.calls.push(`publish ${op.k} ${'name' in op ? op.name : ''}`.trim());
        const m = { v: ++seq.v, origin: from, op };
        for (const inbox of seq.inboxes.values()) inbox.push(m);
      },
      lock: async (key: string): Promise<LockGrant> => {
        seq.calls.push(`lock ${key}`);
        return { ok: true, v: seq.grantAt ?? seq.v };
      },
      unlock: (key: string) => void seq.calls.push(`unlock ${key}`),
      close: async () => {},
    };
    const replica = new StateReplica(store, backend, origin);
    this.inboxes.set(replica, []);
    return { replica, store, backend };
  }

  deliver(replica: StateReplica): void {
    const inbox = this.inboxes.get(replica)!;
    for (const m of inbox.splice(0)) replica.ordered(m);
  }
}

describe('host/state/lock-queues.ts (the primary\'s cluster locks)', () => {
  it('grants in FIFO order, per key; a release by who does not hold it changes nothing', () => {
    const q = new LockQueues<string>(new ManualClock(0));
    const got: string[] = [];
    q.acquire('k', 'w1', -1, (ok) => got.push(`w1 ${ok}`));
    q.acquire('k', 'w2', -1, (ok) => got.push(`w2 ${ok}`));
    q.acquire('k', 'w3', -1, (ok) => got.push(`w3 ${ok}`));
    q.acquire('other', 'w3', -1, (ok) => got.push(`other w3 ${ok}`));
    expect(got).to.deep.equal(['w1 true', 'other w3 true']);
    expect(q.release('k', 'w2')).to.equal(false);
    expect(q.release('k', 'w1')).to.equal(true);
    q.release('k', 'w2');
    expect(got).to.deep.equal(['w1 true', 'other w3 true', 'w2 true', 'w3 true']);
    expect(q.holder('k')).to.equal('w3');
    q.release('k', 'w3');
    expect(q.holder('k')).to.equal(undefined);
  });

  it('times a waiter out on the clock (and 0 does not wait); the line moves on without it', () => {
    const clock = new ManualClock(0);
    const q = new LockQueues<string>(clock);
    const got: string[] = [];
    q.acquire('k', 'a', -1, () => {});
    q.acquire('k', 'b', 0, (ok) => got.push(`b ${ok}`));
    q.acquire('k', 'c', 100, (ok) => got.push(`c ${ok}`));
    q.acquire('k', 'd', 500, (ok) => got.push(`d ${ok}`));
    clock.advance(100);
    expect(got).to.deep.equal(['b false', 'c false']);
    q.release('k', 'a');
    expect(got).to.deep.equal(['b false', 'c false', 'd true']);
    clock.advance(1000);
    expect(got).to.have.length(3);
  });

  it('a dead owner\'s locks go to the next in line and its waits are forgotten', () => {
    const q = new LockQueues<string>(new ManualClock(0));
    const got: string[] = [];
    q.acquire('x', 'dead', -1, () => {});
    q.acquire('y', 'alive', -1, () => {});
    q.acquire('y', 'dead', -1, (ok) => got.push(`dead y ${ok}`));
    q.acquire('x', 'alive', -1, (ok) => got.push(`alive x ${ok}`));
    q.dropOwner('dead');
    expect(got).to.deep.equal(['alive x true']);
    expect(q.waiting('y')).to.equal(0);
    q.release('y', 'alive');
    expect(q.holder('y')).to.equal(undefined);
  });
});

describe('host/state/replica.ts (ordering and versions)', () => {
  it('reads its own write at once, keeps the very object, and the others get its JSON in order', () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    const b = seq.replica('b');
    const value = { count: 1 };
    expect(a.replica.set('Hits', value, ['s']).Value).to.equal(value);
    expect(a.store.get('hits')!.Value).to.equal(value);
    expect(b.store.has('hits')).to.equal(false);
    seq.deliver(a.replica);
    seq.deliver(b.replica);
    expect(a.store.get('hits')!.Value, 'the echo is not applied again').to.equal(value);
    expect(b.store.get('HITS')).to.deep.equal({ Value: { count: 1 }, Scope: ['s'] });
    expect([a.replica.version, b.replica.version]).to.deep.equal([1, 1]);
  });

  it('converges on the last writer in the order when two write one name at once', () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    const b = seq.replica('b');
    a.replica.set('n', 'from a', []); // ordered first
    b.replica.set('n', 'from b', []); // ordered second: it wins everywhere
    seq.deliver(a.replica);
    seq.deliver(b.replica);
    expect(a.store.get('n')!.Value).to.equal('from b');
    expect(b.store.get('n')!.Value, 'b skipped a\'s write, ordered before its own').to.equal('from b');
  });

  it('keeps an object a script holds when a foreign write of the same shape arrives (in place)', () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    const b = seq.replica('b');
    a.replica.set('h', { count: 1, old: true }, []);
    seq.deliver(b.replica);
    const held = b.store.get('h')!.Value as Record<string, unknown>;
    a.replica.set('h', { count: 2 }, []);
    seq.deliver(b.replica);
    expect(b.store.get('h')!.Value).to.equal(held);
    expect(held).to.deep.equal({ count: 2 });
  });

  it('a foreign replace keeps the own writes ordered after it; an own replace skips the foreign writes before it', () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    const b = seq.replica('b');
    b.replica.replace([['r', { Value: 1, Scope: [] }]]);
    a.replica.set('mine', 'a', []);
    seq.deliver(a.replica);
    expect(a.store.names().sort()).to.deep.equal(['mine', 'r']);
    seq.deliver(b.replica);
    expect(b.store.names().sort()).to.deep.equal(['mine', 'r']);

    const c = seq.replica('c');
    c.replica.load({ v: seq.v, entries: [] });
    a.replica.set('late', 1, []);
    c.replica.replace([]);
    seq.deliver(c.replica);
    expect(c.store.names()).to.deep.equal([]);
    seq.deliver(a.replica);
    expect(a.store.names()).to.deep.equal([]);
  });

  it('skips what a snapshot already holds, reports a gap, and offers the names only it has', () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    a.store.set('local', 'mine', []);
    const offered = a.replica.load({ v: 5, entries: [{ name: 'x', value: '"snap"', scope: [] }] }, true);
    expect(offered).to.deep.equal(['local']);
    expect(seq.calls).to.deep.equal(['publish set local']);
    expect(a.replica.ordered({ v: 4, origin: 'z', op: { k: 'set', name: 'x', value: '"older"', scope: [] } })).to.equal('old');
    expect(a.store.get('x')!.Value).to.equal('snap');
    expect(a.replica.ordered({ v: 8, origin: 'z', op: { k: 'remove', name: 'x' } })).to.equal('gap');
    expect(a.store.has('x')).to.equal(false);
  });

  it('refuses a write when the ordering point is unreachable, changing nothing', () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    seq.connected = false;
    expect(() => a.replica.set('n', 1, [])).to.throw(StateUnreachableError);
    expect(a.store.has('n')).to.equal(false);
  });

  it('waits for a version before it resolves caughtUp', async () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    const b = seq.replica('b');
    let caught = false;
    const wait = b.replica.caughtUp(1).then(() => (caught = true));
    a.replica.set('n', 1, []);
    await Promise.resolve();
    expect(caught).to.equal(false);
    seq.deliver(b.replica);
    await wait;
    expect(caught).to.equal(true);
  });
});

describe('host/state/cluster-locks.ts', () => {
  it('knows which targets are cluster-wide: Lockables and state values, not other objects', () => {
    const lockables = new Lockables(new ManualClock(0));
    lockables.add('Named');
    const store = new StateStore();
    const value = { n: 1 };
    store.set('Counter', value, []);
    expect(clusterKeyOf(lockables, store, lockables.global)).to.deep.equal({ key: 'global' });
    expect(clusterKeyOf(lockables, store, lockables.get('named')!)).to.deep.equal({ key: 'lockable:NAMED' });
    expect(clusterKeyOf(lockables, store, value)).to.deep.equal({ key: 'state:COUNTER', stateName: 'Counter' });
    expect(clusterKeyOf(lockables, store, { n: 1 })).to.equal(undefined);
  });

  it('publishes the entries changed in place under the lock before the unlock, and the unchanged ones not at all', async () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    a.replica.set('hits', { count: 0 }, []);
    a.replica.set('same', { v: 1 }, []);
    seq.deliver(a.replica);
    seq.calls.length = 0;
    const locks = new ClusterLocks(a.replica, a.backend, a.store);
    const reads = (await locks.acquire('global', -1, true))!;
    locks.noteRead('hits');
    locks.noteRead('same');
    (a.store.get('hits')!.Value as { count: number }).count++;
    expect([...reads.reads.keys()]).to.deep.equal(['HITS', 'SAME']);
    locks.release('global');
    expect(seq.calls).to.deep.equal(['lock global', 'publish set hits', 'unlock global']);
    locks.release('global');
    expect(seq.calls, 'a lock not held is left alone').to.have.length(3);
  });

  it('a grant waits until the version its last holder wrote is applied here', async () => {
    const seq = new Sequencer();
    const a = seq.replica('a');
    const b = seq.replica('b');
    a.replica.set('n', 1, []);
    seq.grantAt = 1;
    let held = false;
    const taking = new ClusterLocks(b.replica, b.backend, b.store).acquire('global', -1, false).then(() => (held = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(held).to.equal(false);
    seq.deliver(b.replica);
    await taking;
    expect(b.store.get('n')!.Value).to.equal(1);
  });

  it('values travel as JSON: a Map loses its type', () => {
    expect(toWire(new Map([['a', 1]]))).to.equal('{"a":1}');
  });
});
