import { expect } from 'chai';
import { SseRegistry } from '../../../host/sse/registry.ts';
import type { SseConn } from '../../../host/sse/registry.ts';

interface Conn extends SseConn {
  tag: string;
}
const conn = (name: string, clientId: string, group?: string, tag = clientId): Conn => ({ name, clientId, group, tag });

function selected(reg: SseRegistry<Conn>, name: string, groups?: string[] | null, ids?: string[] | null): string[] {
  const out: string[] = [];
  const n = reg.select(name, groups, ids, (c) => out.push(c.tag));
  expect(n).to.equal(out.length);
  return out.sort();
}

describe('sse registry', () => {
  let reg: SseRegistry<Conn>;
  beforeEach(() => {
    reg = new SseRegistry<Conn>();
    reg.add(conn('Events', 'a', 'Red'));
    reg.add(conn('Events', 'b', 'red'));
    reg.add(conn('Events', 'c', 'Blue'));
    reg.add(conn('Events', 'd'));
    reg.add(conn('Other', 'a', 'Red', 'other-a'));
  });

  it('counts, names and lookups', () => {
    expect(reg.size).to.equal(5);
    expect(reg.names().sort()).to.deep.equal(['Events', 'Other']);
    expect(reg.has('Events')).to.equal(true);
    expect(reg.has('events')).to.equal(false); // names are case-sensitive
    expect(reg.get('Events', 'a')?.tag).to.equal('a');
    expect(reg.get('Other', 'a')?.tag).to.equal('other-a');
    expect(reg.get('Events', 'A')).to.equal(undefined); // client ids are case-sensitive
    expect([...reg.all()].map((c) => c.tag).sort()).to.deep.equal(['a', 'b', 'c', 'd', 'other-a']);
  });

  it('select with neither groups nor ids: every connection of the name', () => {
    expect(selected(reg, 'Events')).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(selected(reg, 'Events', [], [])).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(selected(reg, 'Nope')).to.deep.equal([]);
  });

  it('select by groups is case-insensitive, a union, and visits each once', () => {
    expect(selected(reg, 'Events', ['RED'])).to.deep.equal(['a', 'b']);
    expect(selected(reg, 'Events', ['red', 'blue'])).to.deep.equal(['a', 'b', 'c']);
    expect(selected(reg, 'Events', ['red', 'Red', 'RED'])).to.deep.equal(['a', 'b']);
    expect(selected(reg, 'Events', ['green'])).to.deep.equal([]);
    // '' names no group, and a connection without a Group is in none (PodeClientConnection.IsForGroup).
    expect(selected(reg, 'Events', [''])).to.deep.equal([]);
    expect(selected(reg, 'Events', ['', 'blue'])).to.deep.equal(['c']);
  });

  it('select by ids looks each up, ignores unknown ones and duplicates', () => {
    expect(selected(reg, 'Events', null, ['a', 'c', 'zzz'])).to.deep.equal(['a', 'c']);
    expect(selected(reg, 'Events', null, ['a', 'a'])).to.deep.equal(['a']);
  });

  it('select by ids and groups needs both', () => {
    expect(selected(reg, 'Events', ['red'], ['a', 'c'])).to.deep.equal(['a']);
    expect(selected(reg, 'Events', ['BLUE'], ['a', 'c', 'd'])).to.deep.equal(['c']);
  });

  it('the callback may remove the connection it is given', () => {
    const seen: string[] = [];
    reg.select('Events', null, null, (c) => {
      seen.push(c.tag);
      reg.remove(c);
    });
    expect(seen.sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(reg.has('Events')).to.equal(false);
    reg.select('Other', ['red'], null, (c) => reg.remove(c));
    expect(reg.size).to.equal(0);
  });

  it('groups lists distinct groups in their first-seen casing', () => {
    expect(reg.groups('Events').sort()).to.deep.equal(['Blue', 'Red']);
    expect(reg.groups('Nope')).to.deep.equal([]);
  });

  it('clientIds narrowed by group; hasClientId', () => {
    expect(reg.clientIds('Events').sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(reg.clientIds('Events', ['RED']).sort()).to.deep.equal(['a', 'b']);
    expect(reg.hasClientId('Events', 'a')).to.equal(true);
    expect(reg.hasClientId('Events', 'a', ['blue', 'RED'])).to.equal(true);
    expect(reg.hasClientId('Events', 'a', ['blue'])).to.equal(false);
    expect(reg.hasClientId('Events', 'x')).to.equal(false);
    expect(reg.hasClientId('Nope', 'a')).to.equal(false);
  });

  it('add replaces the same (name, clientId) and returns the old connection', () => {
    const old = reg.get('Events', 'a')!;
    const fresh = conn('Events', 'a', 'Green', 'a2');
    expect(reg.add(fresh)).to.equal(old);
    expect(reg.size).to.equal(5);
    expect(reg.get('Events', 'a')).to.equal(fresh);
    // the replaced one left its group's index, the new one joined its own
    expect(selected(reg, 'Events', ['red'])).to.deep.equal(['b']);
    expect(selected(reg, 'Events', ['green'])).to.deep.equal(['a2']);
    expect(reg.add(fresh)).to.equal(undefined); // re-adding the same one is a no-op
    expect(reg.size).to.equal(5);
  });

  it('a replaced connection\'s late remove does not evict its replacement', () => {
    const old = reg.get('Events', 'a')!;
    const fresh = conn('Events', 'a', 'Red', 'a2');
    reg.add(fresh);
    expect(reg.remove(old)).to.equal(false);
    expect(reg.get('Events', 'a')).to.equal(fresh);
    expect(selected(reg, 'Events', ['red'])).to.deep.equal(['a2', 'b']);
    expect(reg.size).to.equal(5);
    expect(reg.remove(fresh)).to.equal(true);
    expect(reg.remove(fresh)).to.equal(false);
    expect(reg.size).to.equal(4);
  });

  it('group casing follows the first connection still in the group', () => {
    reg.remove(reg.get('Events', 'a')!);
    reg.remove(reg.get('Events', 'b')!);
    reg.add(conn('Events', 'e', 'RED'));
    expect(reg.groups('Events').sort()).to.deep.equal(['Blue', 'RED']);
  });

  it('drains to nothing when every connection is removed', () => {
    for (const c of [...reg.all()]) expect(reg.remove(c)).to.equal(true);
    expect(reg.size).to.equal(0);
    expect(reg.names()).to.deep.equal([]);
    expect(reg.groups('Events')).to.deep.equal([]);
    expect([...reg.all()]).to.deep.equal([]);
    // internal maps are gone too, not just empty
    const inner = reg as unknown as { byName: Map<string, unknown>; byGroup: Map<string, unknown> };
    expect(inner.byName.size).to.equal(0);
    expect(inner.byGroup.size).to.equal(0);
  });
});
