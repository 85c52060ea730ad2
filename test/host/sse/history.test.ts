import { expect } from 'chai';
import { SseHistory } from '../../../host/sse/history.ts';
import type { ReplayResult } from '../../../host/sse/history.ts';
import { frameEvent } from '../../../host/sse/framing.ts';

const texts = (r: ReplayResult) => {
  expect(r.kind).to.equal('events');
  return r.kind === 'events' ? r.frames.map((f) => f.toString('utf8')) : [];
};

/** The automatic id of the k-th event (from 0) sent at `ms` without the clock moving: microseconds, then + 1. */
const at = (ms: number, k = 0) => String(ms * 1000 + k);
const T = 1_000_000;

describe('sse history', () => {
  let clock: number;
  let history: SseHistory;
  const send = (name: string, data: string, narrowing: { id?: string; groups?: string[]; clientIds?: string[] } = {}) =>
    history.record(name, { ...narrowing, frame: (id) => frameEvent({ id, data }) });
  const alice = { clientId: 'alice', group: 'Admins' };
  const bob = { clientId: 'bob' };

  beforeEach(() => {
    clock = T;
    history = new SseHistory({ now: () => clock });
  });

  it('is off by default: nothing kept, no id assigned, replay is none', () => {
    const r = send('E', 'x');
    expect(r.id).to.equal(undefined);
    expect(r.frame.toString()).to.equal('data: x\n\n');
    expect(send('E', 'y', { id: 'given' }).frame.toString()).to.equal('id: given\ndata: y\n\n');
    expect(history.replay('E', '1', alice)).to.deep.equal({ kind: 'none' });
    expect(history.isEnabled('E')).to.equal(false);
  });

  it('numbers events per name with a microsecond clock that never repeats, and frames them with it', () => {
    history.setBound('*', { count: 10 });
    expect(send('E', 'a')).to.deep.include({ id: at(T), seq: T * 1000 });
    expect(send('E', 'b').frame.toString()).to.equal(`id: ${at(T, 1)}\ndata: b\n\n`); // same millisecond: + 1
    expect(send('F', 'c').id).to.equal(at(T)); // per name
    const custom = send('E', 'd', { id: 'custom' });
    expect(custom).to.deep.include({ id: 'custom', seq: T * 1000 + 2 }); // a given id is kept; it still has a position
    clock += 5; // the clock moved on: the position follows it
    expect(send('E', 'e').id).to.equal(at(T + 5));
    clock -= 60_000; // a clock that steps back: positions still increase
    expect(send('E', 'f').id).to.equal(at(T + 5, 1));
  });

  it('positions start above every earlier one after a restart (a new history, a later clock)', () => {
    history.setBound('E', { count: 10 });
    const before = Number(send('E', 'a').id);
    const restarted = new SseHistory({ now: () => clock + 1 });
    restarted.setBound('E', { count: 10 });
    const after = Number(restarted.record('E', { frame: (id) => frameEvent({ id, data: 'b' }) }).id);
    expect(after).to.be.greaterThan(before);
    // The old id is unknown to the new history: a gap, never a replay from the wrong place.
    expect(restarted.replay('E', String(before), bob)).to.deep.equal({ kind: 'gap', lastId: String(before) });
  });

  it('replays every later event in order', () => {
    history.setBound('E', { count: 10 });
    for (const d of ['a', 'b', 'c']) send('E', d);
    const r = history.replay('E', at(T), bob);
    expect(texts(r)).to.deep.equal([`id: ${at(T, 1)}\ndata: b\n\n`, `id: ${at(T, 2)}\ndata: c\n\n`]);
    expect(r).to.deep.include({ ids: [at(T, 1), at(T, 2)], seqs: [T * 1000 + 1, T * 1000 + 2], head: T * 1000 + 2 });
    expect(history.replay('E', at(T, 2), bob)).to.deep.include({ kind: 'events', frames: [], head: T * 1000 + 2 });
    expect(history.replay('E', '', bob)).to.deep.equal({ kind: 'none' });
    expect(history.replay('E', undefined, bob)).to.deep.equal({ kind: 'none' });
  });

  it('replays only events whose narrowing matches the connection', () => {
    history.setBound('*', { count: 10 });
    send('E', 'start');
    send('E', 'admins', { groups: ['ADMINS'] });
    send('E', 'to-bob', { clientIds: ['bob'] });
    send('E', 'admins-and-bob', { groups: ['admins'], clientIds: ['bob'] });
    send('E', 'all');
    expect(texts(history.replay('E', at(T), alice)).map((t) => t.split('data: ')[1])).to.deep.equal(['admins\n\n', 'all\n\n']);
    expect(texts(history.replay('E', at(T), bob)).map((t) => t.split('data: ')[1])).to.deep.equal(['to-bob\n\n', 'all\n\n']);
    expect(texts(history.replay('E', at(T), { clientId: 'bob', group: 'admins' })).length).to.equal(4);
  });

  it('the narrowing is copied, so the caller may reuse its arrays', () => {
    history.setBound('*', { count: 10 });
    send('E', 'start');
    const ids = ['bob'];
    send('E', 'to-bob', { clientIds: ids });
    ids[0] = 'alice';
    expect(texts(history.replay('E', at(T), alice))).to.deep.equal([]);
  });

  it('reports a gap for an unknown id', () => {
    history.setBound('*', { count: 10 });
    expect(history.replay('E', '5', bob)).to.deep.equal({ kind: 'gap', lastId: '5' });
    send('E', 'a');
    expect(history.replay('E', 'nope', bob)).to.deep.equal({ kind: 'gap', lastId: 'nope' });
  });

  it('evicts by count (ring) and reports a gap for evicted ids; ids continue past evictions', () => {
    history.setBound('E', { count: 3 });
    for (const d of ['a', 'b', 'c', 'd', 'e']) send('E', d); // 5 ids, keeps the last 3
    expect(history.replay('E', at(T, 1), bob)).to.deep.equal({ kind: 'gap', lastId: at(T, 1) });
    expect(texts(history.replay('E', at(T, 2), bob))).to.deep.equal([`id: ${at(T, 3)}\ndata: d\n\n`, `id: ${at(T, 4)}\ndata: e\n\n`]);
    expect(send('E', 'f').id).to.equal(at(T, 5));
    expect(history.replay('E', at(T, 2), bob)).to.deep.equal({ kind: 'gap', lastId: at(T, 2) });
    expect(texts(history.replay('E', at(T, 3), bob))).to.deep.equal([`id: ${at(T, 4)}\ndata: e\n\n`, `id: ${at(T, 5)}\ndata: f\n\n`]);
  });

  it('evicts by age', () => {
    history.setBound('E', { count: 100, maxAgeSeconds: 10 });
    const a = send('E', 'a').id!; // t=0
    clock += 6000;
    const b = send('E', 'b').id!; // t=6s
    clock += 6000; // a is 12s old, b 6s
    expect(history.replay('E', a, bob)).to.deep.equal({ kind: 'gap', lastId: a });
    expect(texts(history.replay('E', b, bob))).to.deep.equal([]);
    const c = send('E', 'c').id!;
    clock += 5000; // b is 11s old, c 5s
    expect(history.replay('E', b, bob)).to.deep.equal({ kind: 'gap', lastId: b });
    expect(texts(history.replay('E', c, bob))).to.deep.equal([]);
  });

  it('a reused id points at its latest event, and evicting the older one keeps that', () => {
    history.setBound('E', { count: 3 });
    send('E', 'a', { id: 'x' });
    send('E', 'b');
    send('E', 'c', { id: 'x' });
    send('E', 'd'); // evicts the first 'x'
    expect(texts(history.replay('E', 'x', bob))).to.deep.equal([`id: ${at(T, 3)}\ndata: d\n\n`]);
  });

  it('a per-name bound overrides *, count 0 turns a name off, null falls back to *', () => {
    history.setBound('*', { count: 5 });
    history.setBound('Quiet', { count: 0 });
    expect(history.isEnabled('Any')).to.equal(true);
    expect(history.isEnabled('Quiet')).to.equal(false);
    expect(send('Quiet', 'x').id).to.equal(undefined);
    history.setBound('Quiet', null);
    expect(history.boundOf('Quiet')).to.deep.equal({ count: 5, maxAgeSeconds: 0 });
  });

  it('shrinking or switching off applies at once; the id counter survives', () => {
    history.setBound('E', { count: 5 });
    for (const d of ['a', 'b', 'c', 'd']) send('E', d);
    history.setBound('E', { count: 2 });
    expect(history.replay('E', at(T, 1), bob)).to.deep.equal({ kind: 'gap', lastId: at(T, 1) });
    expect(texts(history.replay('E', at(T, 2), bob))).to.deep.equal([`id: ${at(T, 3)}\ndata: d\n\n`]);
    history.setBound('E', { count: 0 });
    expect(history.replay('E', at(T, 2), bob)).to.deep.equal({ kind: 'none' });
    history.setBound('E', { count: 2 });
    expect(history.replay('E', at(T, 2), bob)).to.deep.equal({ kind: 'gap', lastId: at(T, 2) });
    expect(send('E', 'e').id).to.equal(at(T, 4));
  });

  it('an event whose framing throws is not kept and uses no number', () => {
    history.setBound('E', { count: 5 });
    expect(() => history.record('E', { frame: () => frameEvent({ event: 'bad\n', data: 'x' }) })).to.throw();
    expect(send('E', 'ok').id).to.equal(at(T));
  });

  it('clear forgets events but not the counter', () => {
    history.setBound('E', { count: 5 });
    send('E', 'a');
    history.clear('E');
    expect(history.replay('E', at(T), bob)).to.deep.equal({ kind: 'gap', lastId: at(T) });
    expect(send('E', 'b').id).to.equal(at(T, 1));
  });

  it('rejects invalid bounds', () => {
    expect(() => history.setBound('E', { count: -1 })).to.throw(RangeError);
    expect(() => history.setBound('E', { count: 1.5 })).to.throw(RangeError);
    expect(() => history.setBound('E', { count: 1, maxAgeSeconds: -1 })).to.throw(RangeError);
  });
});
