// host/state/lock.ts: the async lock behind Lock-PodeObject (Pode: System.Threading.Monitor on an object's
// SyncRoot, src/Public/Threading.ps1). Waits are on promises and a ManualClock, never on time.
import { expect } from 'chai';
import { AsyncLock, isValueType, Lockables } from '../../../host/state/lock.ts';
import { ManualClock } from '../../../host/timers/clock.ts';

describe('host/state/lock.ts', () => {
  const clock = new ManualClock(new Date(2025, 0, 1));

  it('grants a free lock at once; a second caller waits until release; callers are served in order', async () => {
    const lock = new AsyncLock();
    expect(await lock.acquire(-1, clock)).to.equal(true);
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => lock.acquire(-1, clock).then((ok) => order.push(ok ? n : -n)));
    expect(lock.waiting).to.equal(3);
    lock.release();
    await waits[0];
    expect(order).to.deep.equal([1]);
    lock.release();
    lock.release();
    await Promise.all(waits);
    expect(order).to.deep.equal([1, 2, 3]);
    expect(lock.locked).to.equal(true);
    lock.release();
    expect(lock.locked).to.equal(false);
  });

  it('a timeout gives up (false) and leaves the line; 0 tries once', async () => {
    const lock = new AsyncLock();
    await lock.acquire(-1, clock);
    expect(await lock.acquire(0, clock)).to.equal(false);
    const late = lock.acquire(5000, clock);
    expect(lock.waiting).to.equal(1);
    clock.advance(4999);
    clock.advance(1);
    expect(await late).to.equal(false);
    expect(lock.waiting).to.equal(0);
    lock.release();
    expect(lock.locked).to.equal(false);
  });

  it('a grant before the timeout cancels it', async () => {
    const lock = new AsyncLock();
    await lock.acquire(-1, clock);
    const waiting = lock.acquire(1000, clock);
    lock.release();
    expect(await waiting).to.equal(true);
    clock.advance(2000);
    expect(lock.locked).to.equal(true);
  });

  it('releasing a free lock does nothing', () => {
    const lock = new AsyncLock();
    lock.release();
    expect(lock.locked).to.equal(false);
  });

  it('Lockables: names case-insensitive, one lock per object identity, the global Lockable', () => {
    const l = new Lockables(clock);
    l.add('Lock1');
    l.add('LOCK1');
    expect(l.has('lock1')).to.equal(true);
    expect(l.get('lock1')!.Name).to.equal('Lock1');
    const a = {};
    expect(l.lockOf(a)).to.equal(l.lockOf(a));
    expect(l.lockOf(a)).not.to.equal(l.lockOf({}));
    expect(l.lockOf(l.get('Lock1')!)).not.to.equal(l.lockOf(l.global));
    l.remove('lock1');
    expect(l.has('Lock1')).to.equal(false);
    l.add('x');
    l.clear();
    expect(l.has('x')).to.equal(false);
  });

  it('value types: numbers, booleans, strings, bigints; not null, objects or functions', () => {
    expect([1, true, 'text', 1n].map(isValueType)).to.deep.equal([true, true, true, true]);
    expect([null, undefined, {}, [], () => 1].map(isValueType)).to.deep.equal([false, false, false, false, false]);
  });
});
