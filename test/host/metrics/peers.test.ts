// The other processes' figures (host/metrics/peers.ts): the table of their latest snapshots (expiry, caps,
// refusals), the bound on a snapshot's size, the exchange publishing through a hub's peer link, and the sums
// the metrics cmdlets answer with.
import { expect } from 'chai';
import {
  MAX_SNAPSHOT_BYTES,
  MAX_SNAPSHOT_GROUPS,
  MAX_SNAPSHOT_NAMES,
  PEER_EXPIRY_INTERVALS,
  PEER_INTERVAL_MS,
  PeerTable,
  boundSnapshot,
  clusterRequests,
  peerSnapshots,
} from '../../../host/metrics/peers.ts';
import type { InstanceSnapshot, NameSnapshot } from '../../../host/metrics/snapshot.ts';
import { setLogSink } from '../../../host/log.ts';
import { PodeServer } from '../../../host/runtime/server.ts';
import { PresenceMirror } from '../../../host/sse/hub/presence.ts';
import type { PeerListener, SseHub } from '../../../host/sse/hub/types.ts';

function snapshot(instance: string, requests: Partial<InstanceSnapshot['requests']> = {}, names: NameSnapshot[] = []): InstanceSnapshot {
  return {
    instance,
    pid: 1,
    at: 0,
    uptimeMs: 0,
    rssBytes: 0,
    requests: { total: 0, active: 0, statusCodes: {}, ...requests },
    sse: { open: names.reduce((n, e) => n + e.open, 0), names, pings: 0, pingBytes: 0, replays: 0, replayedEvents: 0, gaps: 0 },
    backplane: { kind: 'cluster', connected: true, lastLagMs: 0, ordered: 0 },
    tasks: { running: 0, queued: 0 },
  };
}

const name = (n: string, open: number, groups: Record<string, number> = {}): NameSnapshot => ({ name: n, open, groups, events: 0, bytes: 0, opened: open, dropped: 0 });

describe('PeerTable', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1000));

  it('keeps each process\'s latest snapshot and forgets one not heard for the expiry', () => {
    const table = new PeerTable(clock, 3000);
    expect(table.heard(snapshot('a', { total: 1 }))).to.equal(true);
    expect(table.heard(snapshot('b', { total: 5 }))).to.equal(true);
    now += 2000;
    expect(table.heard(snapshot('a', { total: 2 }))).to.equal(true); // a newer one replaces the older
    expect(table.snapshots().map((s) => [s.instance, s.requests.total])).to.deep.equal([
      ['a', 2],
      ['b', 5],
    ]);
    now += 1000; // b last heard 3000 ago: still within
    expect(table.snapshots().map((s) => s.instance)).to.deep.equal(['a', 'b']);
    now += 1; // b past the expiry
    expect(table.snapshots().map((s) => s.instance)).to.deep.equal(['a']);
    now += 2000;
    expect(table.size).to.equal(0);
  });

  it('expires after PEER_EXPIRY_INTERVALS intervals by default', () => {
    const table = new PeerTable(clock);
    table.heard(snapshot('a'));
    now += PEER_INTERVAL_MS * PEER_EXPIRY_INTERVALS;
    expect(table.size).to.equal(1);
    now += 1;
    expect(table.size).to.equal(0);
  });

  it('forgets a process that is gone at once', () => {
    const table = new PeerTable(clock);
    table.heard(snapshot('a'));
    table.heard(snapshot('b'));
    table.gone('a');
    table.gone('unknown');
    expect(table.snapshots().map((s) => s.instance)).to.deep.equal(['b']);
  });

  it('keeps at most maxPeers processes: a new one beyond is refused (said once) until one expires, known ones still update', () => {
    const table = new PeerTable(clock, 3000, 2);
    table.heard(snapshot('a'));
    now += 2000;
    table.heard(snapshot('b'));
    const lines: string[] = [];
    const old = setLogSink((_level, line) => lines.push(line));
    try {
      expect(table.heard(snapshot('c'))).to.equal(false);
      expect(table.heard(snapshot('d'))).to.equal(false);
    } finally {
      setLogSink(old);
    }
    expect(lines).to.deep.equal(['WARNING: Metrics: more than 2 other processes share this space; the figures of the others are left out']);
    expect(table.heard(snapshot('b', { total: 9 }))).to.equal(true);
    expect(table.snapshots().map((s) => [s.instance, s.requests.total])).to.deep.equal([
      ['a', 0],
      ['b', 9],
    ]);
    now += 1001; // a expires: room for c
    expect(table.heard(snapshot('c'))).to.equal(true);
    expect(table.snapshots().map((s) => s.instance)).to.deep.equal(['b', 'c']);
  });

  it('refuses what is not a snapshot', () => {
    const table = new PeerTable(clock);
    const bad: unknown[] = [
      null,
      'text',
      42,
      {},
      { instance: '' },
      { ...snapshot('x'), requests: { total: '1', active: 0, statusCodes: {} } },
      { ...snapshot('x'), requests: { total: -1, active: 0, statusCodes: {} } },
      { ...snapshot('x'), requests: { total: 1, active: 0, statusCodes: { 200: 'many' } } },
      { ...snapshot('x'), sse: { open: 0 } },
    ];
    for (const value of bad) expect(table.heard(value), JSON.stringify(value)).to.equal(false);
    expect(table.size).to.equal(0);
  });

  it('keeps a received snapshot within the caps', () => {
    const table = new PeerTable(clock);
    const names = Array.from({ length: MAX_SNAPSHOT_NAMES + 5 }, (_, i) => name(`n${i}`, i));
    table.heard(snapshot('a', {}, names));
    const [kept] = table.snapshots();
    expect(kept!.sse.names).to.have.length(MAX_SNAPSHOT_NAMES);
    expect(kept!.sse.namesOmitted).to.equal(5);
  });
});

describe('boundSnapshot', () => {
  it('leaves a small snapshot as it is', () => {
    const s = snapshot('a', { total: 3 }, [name('Chat', 2, { g: 2 })]);
    expect(boundSnapshot(s)).to.equal(s);
  });

  it('keeps the most connected Names up to the cap, and the open total of all', () => {
    const names = Array.from({ length: MAX_SNAPSHOT_NAMES * 2 }, (_, i) => name(`n${i}`, i));
    const s = snapshot('a', {}, names);
    const b = boundSnapshot(s);
    expect(b.sse.names).to.have.length(MAX_SNAPSHOT_NAMES);
    expect(b.sse.namesOmitted).to.equal(MAX_SNAPSHOT_NAMES);
    expect(Math.min(...b.sse.names.map((n) => n.open))).to.equal(MAX_SNAPSHOT_NAMES);
    expect(b.sse.open).to.equal(s.sse.open);
    expect(s.sse.names).to.have.length(MAX_SNAPSHOT_NAMES * 2); // the original is not changed
  });

  it('keeps the largest Groups of a Name up to the cap', () => {
    const groups = Object.fromEntries(Array.from({ length: MAX_SNAPSHOT_GROUPS + 3 }, (_, i) => [`g${i}`, i + 1]));
    const b = boundSnapshot(snapshot('a', {}, [name('Chat', 300, groups)]));
    const [chat] = b.sse.names;
    expect(Object.keys(chat!.groups)).to.have.length(MAX_SNAPSHOT_GROUPS);
    expect(chat!.groups).to.not.have.property('g0');
    expect(chat!.groupsOmitted).to.equal(3);
    expect(b.sse.namesOmitted).to.equal(undefined);
  });

  it('fits in MAX_SNAPSHOT_BYTES: Groups go first, then Names', () => {
    const long = (i: number) => `${'x'.repeat(2000)}${i}`;
    const groups = Object.fromEntries(Array.from({ length: MAX_SNAPSHOT_GROUPS }, (_, i) => [long(i), 1]));
    const fewNames = boundSnapshot(snapshot('a', {}, [name('A', 20, groups), name('B', 20, groups)]));
    expect(Buffer.byteLength(JSON.stringify(fewNames))).to.be.at.most(MAX_SNAPSHOT_BYTES);
    expect(fewNames.sse.names.map((n) => [n.name, Object.keys(n.groups).length, n.groupsOmitted])).to.deep.equal([
      ['A', 0, MAX_SNAPSHOT_GROUPS],
      ['B', 0, MAX_SNAPSHOT_GROUPS],
    ]);

    const longNames = Array.from({ length: MAX_SNAPSHOT_NAMES }, (_, i) => name(long(i), i));
    const cut = boundSnapshot(snapshot('a', { total: 7 }, longNames));
    expect(Buffer.byteLength(JSON.stringify(cut))).to.be.at.most(MAX_SNAPSHOT_BYTES);
    expect(cut.sse.names.length).to.be.above(0).and.below(MAX_SNAPSHOT_NAMES);
    expect(cut.sse.namesOmitted).to.equal(MAX_SNAPSHOT_NAMES - cut.sse.names.length);
    expect(cut.requests.total).to.equal(7);
  });
});

describe('PeerExchange and the cluster sums', () => {
  /** A hub with only a peer link: what the exchange uses. */
  function fakeHub() {
    const published: object[] = [];
    let listener: PeerListener | undefined;
    const hub = { peers: { publish: (s: object) => published.push(s), listen: (l: PeerListener) => (listener = l) } } as unknown as SseHub;
    return { hub, published, hear: (s: unknown) => listener!.heard(s), gone: (i: string) => listener!.gone(i) };
  }

  it('on one process there are no peers and the sums are this process\'s', () => {
    const server = new PodeServer();
    server.metrics.total = 4;
    server.metrics.statusCodes.set(200, 4);
    expect(peerSnapshots(server)).to.deep.equal([]);
    expect(clusterRequests(server)).to.deep.equal({ total: 4, active: 0, statusCodes: new Map([[200, 4]]) });
  });

  it('publishes this process\'s snapshot at once when scaled out, sums the others\' with its own, and stops at server stop', async () => {
    const server = new PodeServer();
    server.metrics.total = 3;
    server.metrics.active = 1;
    server.metrics.statusCodes.set(200, 2).set(404, 1);
    const { hub, published, hear, gone } = fakeHub();
    server.peers.attach(hub);
    expect(published).to.have.length(1);
    expect((published[0] as InstanceSnapshot).requests).to.deep.equal({ total: 3, active: 1, statusCodes: { 200: 2, 404: 1 } });

    hear(snapshot('worker-2', { total: 10, active: 2, statusCodes: { 200: 7, 500: 3 } }));
    hear(snapshot('worker-3', { total: 1, active: 0, statusCodes: { 404: 1 } }));
    hear({ not: 'a snapshot' });
    expect(clusterRequests(server)).to.deep.equal({
      total: 14,
      active: 3,
      statusCodes: new Map([
        [200, 9],
        [404, 2],
        [500, 3],
      ]),
    });
    gone('worker-2');
    expect(clusterRequests(server).total).to.equal(4);
    // This process's figures are live: the sum follows them at once.
    server.metrics.total++;
    expect(clusterRequests(server).total).to.equal(5);

    await server.stop();
    server.peers.attach(fakeHub().hub); // a stopped exchange publishes nothing more
    expect(published).to.have.length(1);
  });

  it('a new hub (a backplane replacing the cluster hub) starts from no peers', () => {
    const server = new PodeServer();
    const first = fakeHub();
    server.peers.attach(first.hub);
    first.hear(snapshot('worker-2', { total: 10 }));
    const second = fakeHub();
    server.peers.attach(second.hub);
    first.hear(snapshot('worker-3', { total: 10 })); // the old hub's news no longer counts
    expect(peerSnapshots(server)).to.deep.equal([]);
    expect(second.published).to.have.length(1);
    void server.stop();
  });
});

describe('PresenceMirror.count', () => {
  it('counts the other instances\' connections, of one Name or all', () => {
    const m = new PresenceMirror();
    m.add('a', { name: 'Chat', clientId: '1' });
    m.add('a', { name: 'Chat', clientId: '1' }); // the same connection again
    m.add('a', { name: 'News', clientId: '2' });
    m.add('b', { name: 'Chat', clientId: '3', group: 'g' });
    expect([m.count(), m.count('Chat'), m.count('News'), m.count('None')]).to.deep.equal([3, 2, 1, 0]);
    m.dropInstance('a');
    expect([m.count(), m.count('Chat')]).to.deep.equal([1, 1]);
  });
});
