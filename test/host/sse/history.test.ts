import { expect } from 'chai';
import { SseHistory } from '../../../host/sse/history.ts';
import type { ReplayResult } from '../../../host/sse/history.ts';
import { frameEvent } from '../../../host/sse/framing.ts';

const texts = (r: ReplayResult) => {
  expect(r.kind).to.equal('events');
  return r.kind === 'events' ? r.frames.map((f) => f.toString('utf8')) : [];
};

describe('sse history', () => {
  let clock: number;
  let history: SseHistory;
  const send = (name: string, data: string, narrowing: { id?: string; groups?: string[]; clientIds?: string[] } = {}) =>
    history.record(name, { ...narrowing, frame: (id) => frameEvent({ id, data }) });
  const alice = { clientId: 'alice', group: 'Admins' };
  const bob = { clientId: 'bob' };

  beforeEach(() => {
    clock = 1_000_000;
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

  it('assigns increasing per-name ids and frames the event with them', () => {
    history.setBound('*', { count: 10 });
    expect(send('E', 'a')).to.deep.include({ id: '1' });
    expect(send('E', 'b').frame.toString()).to.equal('id: 2\ndata: b\n\n');
    expect(send('F', 'c').id).to.equal('1'); // per name
    expect(send('E', 'd', { id: 'custom' }).id).to.equal('custom'); // a given id is kept, counter untouched
    expect(send('E', 'e').id).to.equal('3');
  });

  it('replays every later event in order', () => {
    history.setBound('E', { count: 10 });
    for (const d of ['a', 'b', 'c']) send('E', d);
    expect(texts(history.replay('E', '1', bob))).to.deep.equal(['id: 2\ndata: b\n\n', 'id: 3\ndata: c\n\n']);
    expect(texts(history.replay('E', '3', bob))).to.deep.equal([]);
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
    expect(texts(history.replay('E', '1', alice)).map((t) => t.split('data: ')[1])).to.deep.equal(['admins\n\n', 'all\n\n']);
    expect(texts(history.replay('E', '1', bob)).map((t) => t.split('data: ')[1])).to.deep.equal(['to-bob\n\n', 'all\n\n']);
    expect(texts(history.replay('E', '1', { clientId: 'bob', group: 'admins' })).length).to.equal(4);
  });

  it('the narrowing is copied, so the caller may reuse its arrays', () => {
    history.setBound('*', { count: 10 });
    send('E', 'start');
    const ids = ['bob'];
    send('E', 'to-bob', { clientIds: ids });
    ids[0] = 'alice';
    expect(texts(history.replay('E', '1', alice))).to.deep.equal([]);
  });

  it('reports a gap for an unknown id', () => {
    history.setBound('*', { count: 10 });
    expect(history.replay('E', '5', bob)).to.deep.equal({ kind: 'gap', lastId: '5' });
    send('E', 'a');
    expect(history.replay('E', 'nope', bob)).to.deep.equal({ kind: 'gap', lastId: 'nope' });
  });

  it('evicts by count (ring) and reports a gap for evicted ids; ids continue past evictions', () => {
    history.setBound('E', { count: 3 });
    for (const d of ['a', 'b', 'c', 'd', 'e']) send('E', d); // ids 1..5, keeps 3,4,5
    expect(history.replay('E', '2', bob)).to.deep.equal({ kind: 'gap', lastId: '2' });
    expect(texts(history.replay('E', '3', bob))).to.deep.equal(['id: 4\ndata: d\n\n', 'id: 5\ndata: e\n\n']);
    expect(send('E', 'f').id).to.equal('6');
    expect(history.replay('E', '3', bob)).to.deep.equal({ kind: 'gap', lastId: '3' });
    expect(texts(history.replay('E', '4', bob))).to.deep.equal(['id: 5\ndata: e\n\n', 'id: 6\ndata: f\n\n']);
  });

  it('evicts by age', () => {
    history.setBound('E', { count: 100, maxAgeSeconds: 10 });
    send('E', 'a'); // t=0
    clock += 6000;
    send('E', 'b'); // t=6s
    clock += 6000; // a is 12s old, b 6s
    expect(history.replay('E', '1', bob)).to.deep.equal({ kind: 'gap', lastId: '1' });
    expect(texts(history.replay('E', '2', bob))).to.deep.equal([]);
    send('E', 'c');
    clock += 5000; // b is 11s old, c 5s
    expect(history.replay('E', '2', bob)).to.deep.equal({ kind: 'gap', lastId: '2' });
    expect(texts(history.replay('E', '3', bob))).to.deep.equal([]);
  });

  it('a reused id points at its latest event, and evicting the older one keeps that', () => {
    history.setBound('E', { count: 3 });
    send('E', 'a', { id: 'x' });
    send('E', 'b');
    send('E', 'c', { id: 'x' });
    send('E', 'd'); // evicts the first 'x'
    expect(texts(history.replay('E', 'x', bob))).to.deep.equal(['id: 2\ndata: d\n\n']);
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
    expect(history.replay('E', '2', bob)).to.deep.equal({ kind: 'gap', lastId: '2' });
    expect(texts(history.replay('E', '3', bob))).to.deep.equal(['id: 4\ndata: d\n\n']);
    history.setBound('E', { count: 0 });
    expect(history.replay('E', '3', bob)).to.deep.equal({ kind: 'none' });
    history.setBound('E', { count: 2 });
    expect(history.replay('E', '3', bob)).to.deep.equal({ kind: 'gap', lastId: '3' });
    expect(send('E', 'e').id).to.equal('5');
  });

  it('an event whose framing throws is not kept and uses no number', () => {
    history.setBound('E', { count: 5 });
    expect(() => history.record('E', { frame: () => frameEvent({ event: 'bad\n', data: 'x' }) })).to.throw();
    expect(send('E', 'ok').id).to.equal('1');
  });

  it('clear forgets events but not the counter', () => {
    history.setBound('E', { count: 5 });
    send('E', 'a');
    history.clear('E');
    expect(history.replay('E', '1', bob)).to.deep.equal({ kind: 'gap', lastId: '1' });
    expect(send('E', 'b').id).to.equal('2');
  });

  it('rejects invalid bounds', () => {
    expect(() => history.setBound('E', { count: -1 })).to.throw(RangeError);
    expect(() => history.setBound('E', { count: 1.5 })).to.throw(RangeError);
    expect(() => history.setBound('E', { count: 1, maxAgeSeconds: -1 })).to.throw(RangeError);
  });
});
