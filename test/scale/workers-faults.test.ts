// --workers 2 under faults: a bad send fails its own call and nothing else; a worker killed with SIGKILL is
// replaced by one whose lists are right, and the Disconnect events of its connections fire on another worker.
import { expect } from 'chai';
import { resolve } from 'node:path';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { closeAllClients, expectPositions, get, idsOf, post, RawHttp } from '../sse/helpers.ts';

const script = resolve(repoRoot, 'test/fixtures/scale/workers.ts');
const pidOf = (clientId: string) => Number(clientId.split('-')[0]);

/** Opens connections until each of the two workers holds at least `each` (round-robin makes it quick). */
async function spread(server: ServedScript, each = 1): Promise<RawHttp[]> {
  const clients: RawHttp[] = [];
  const counts = () => {
    const by = new Map<number, number>();
    for (const c of clients) by.set(pidOf(c.clientId), (by.get(pidOf(c.clientId)) ?? 0) + 1);
    return by;
  };
  for (let i = 0; i < 40 && !(counts().size === 2 && [...counts().values()].every((n) => n >= each)); i++) {
    const c = await RawHttp.sse(server, '/sse');
    await c.until('event: pode.open');
    clients.push(c);
  }
  expect(counts().size, 'connections on both workers').to.equal(2);
  return clients;
}

describe('scale-out: --workers 2 under faults', function () {
  this.timeout(90_000);
  let server: ServedScript;
  beforeEach(async () => {
    server = await start(script, ['--workers', '2', '--sse-history', '20'], { timeout: 30_000 });
  });
  afterEach(async () => {
    closeAllClients();
    expect(await server.stop()).to.equal(0);
  });

  it('a send with a bad Id fails that call only (SseInvalidEventId): no worker logs a crash, the cluster keeps delivering', async () => {
    const clients = await spread(server);
    // Each request may land on either worker: try both.
    const pids = new Set<number>();
    for (let i = 0; i < 20 && pids.size < 2; i++) {
      const bad = await post(server, '/send', { data: 'x', id: 'a\nb' });
      expect(bad.status).to.equal(400);
      expect(bad.json).to.deep.include({ errorId: 'SseInvalidEventId,Send-PodeSseEvent' });
      expect(bad.json.message).to.equal(
        'The SSE event Id cannot contain a line feed (LF, U+000A): line breaks would inject extra fields into the stream and NUL is not allowed in an event id.',
      );
      pids.add(bad.json.pid);
    }
    expect(pids.size, 'both workers refused one').to.equal(2);
    const good = await post(server, '/send', { data: 'still here' });
    expect(good.status).to.equal(200);
    for (const c of clients) await c.until('data: still here\n\n');
    for (const c of clients) expect(c.body()).to.not.include('data: x\n');
    expectPositions(idsOf(clients[0]!.body()));
    expect(server.stderr.filter((l) => /uncaught|exited|ERROR/i.test(l)), server.stderr.join('\n')).to.deep.equal([]);
  });

  it('a reconnect while sends are in flight gets every missed event once, in order, then the live ones (15 rounds)', async () => {
    for (let round = 1; round <= 15; round++) {
      const first = await RawHttp.sse(server, '/sse');
      await first.until('event: pode.open');
      await post(server, '/send', { data: `start${round}` });
      await first.until(`data: start${round}\n\n`);
      const lastId = idsOf(first.body()).at(-1)!;
      first.close();
      // 15: the history (20) still holds the event the client had, however late its replay comes.
      const sending = post(server, '/burst', { prefix: `r${round}-`, count: 15 });
      const again = await RawHttp.sse(server, '/sse', { 'Last-Event-ID': lastId });
      expect((await sending).status).to.equal(200);
      await post(server, '/send', { data: `end${round}` });
      await again.until(`data: end${round}\n\n`);
      const data = [...again.body().matchAll(/^data: (.*)$/gm)].map((m) => m[1]).filter((d) => !d!.startsWith('{'));
      expect(data, `round ${round}`).to.deep.equal([...Array.from({ length: 15 }, (_, i) => `r${round}-${i + 1}`), `end${round}`]);
      expectPositions([lastId, ...idsOf(again.body())]);
    }
  });

  it('a worker killed with SIGKILL: its replacement lists every connection, and its connections fire Disconnect on another worker', async () => {
    const clients = await spread(server, 3);
    const victim = pidOf(clients[0]!.clientId);
    const victims = clients.filter((c) => pidOf(c.clientId) === victim).map((c) => c.clientId);
    const survivors = clients.filter((c) => pidOf(c.clientId) !== victim).map((c) => c.clientId);
    process.kill(victim, 'SIGKILL');
    await server.waitForLine('stderr', /exited .*starting a replacement/, 20_000);
    // Every Disconnect of the dead worker's connections fires, once, on a worker that is alive.
    for (const id of victims) {
      const line = await server.waitForLine('stdout', new RegExp(`^disconnect ${id} on \\d+ closed=true$`), 20_000);
      expect(pidOf(line.split(' on ')[1]!)).to.not.equal(victim);
    }
    // The replacement answers with the survivor's connections (and new ones made since) too.
    await server.waitForLine('stdout', /^Worker \d+ serving \(a replacement\)$/, 30_000);
    const more = await spread(server, 4);
    const expected = [...survivors, ...more.map((c) => c.clientId)].filter((id) => pidOf(id) !== victim);
    const seen = new Map<number, string[]>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const lists = await get(server, '/lists');
      if (lists.status === 200) seen.set(lists.json.pid, lists.json.clientIds);
    }
    expect(seen.size, 'both workers answered').to.equal(2);
    for (const [pid, ids] of seen) {
      expect(pid).to.not.equal(victim);
      expect([...ids].sort(), `lists of ${pid}`).to.deep.equal([...new Set(expected)].sort());
    }
    for (const id of victims) expect(server.stdout.filter((l) => l.startsWith(`disconnect ${id} `))).to.have.length(1);
  });
});
