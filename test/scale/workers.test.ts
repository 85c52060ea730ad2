// --workers: node:cluster workers sharing the port behave as one server for SSE (sends, closes, lists,
// history ids), timers run once per cluster, and a killed worker is replaced.
import { expect } from 'chai';
import { resolve } from 'node:path';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { closeAllClients, expectPositions, get, post, RawHttp } from '../sse/helpers.ts';

const script = resolve(repoRoot, 'test/fixtures/scale/workers.ts');
const pidOf = (clientId: string) => Number(clientId.split('-')[0]);

/** Opens connections until two different workers hold at least one each (round-robin makes it quick). */
async function clientsOnBothWorkers(server: ServedScript, query = ''): Promise<RawHttp[]> {
  const clients: RawHttp[] = [];
  for (let i = 0; i < 12 && new Set(clients.map((c) => pidOf(c.clientId))).size < 2; i++) {
    const c = await RawHttp.sse(server, `/sse${query}`);
    await c.until('event: pode.open');
    clients.push(c);
  }
  expect(new Set(clients.map((c) => pidOf(c.clientId))).size, 'connections spread over both workers').to.equal(2);
  return clients;
}

describe('scale-out: --workers 2', function () {
  this.timeout(60_000);
  let server: ServedScript;

  before(async () => {
    server = await start(script, ['--workers', '2', '--sse-history', '20'], { timeout: 30_000 });
  });
  after(async () => {
    closeAllClients();
    expect(await server.stop()).to.equal(0);
  });
  afterEach(() => closeAllClients());

  it('delivers an event sent on one worker to clients on both, with one id sequence', async () => {
    const clients = await clientsOnBothWorkers(server);
    const first = await post(server, '/send', { data: 'one' });
    const second = await post(server, '/send', { data: 'two' });
    expect(first.status).to.equal(200);
    for (const c of clients) {
      const body = await c.until('data: two');
      expect(body).to.match(/id: (\d+)\nevent: msg\ndata: one\n\n/);
      expectPositions([...body.matchAll(/id: (\d+)\nevent: msg/g)].map((m) => m[1]!));
    }
    // The two sends may have been handled by different workers; either way every client saw both.
    expect([first.json.pid, second.json.pid].every(Number.isInteger)).to.equal(true);
  });

  it('narrows by ClientId across workers and closes a connection held by another worker', async () => {
    const clients = await clientsOnBothWorkers(server);
    const target = clients[0]!;
    await post(server, '/send', { data: 'only you', clientId: target.clientId });
    await target.until('data: only you');
    await post(server, '/send', { data: 'everyone' });
    for (const c of clients.slice(1)) expect(await c.until('data: everyone')).to.not.contain('only you');

    // Ask until the close lands on the worker that does not hold the target: it must still close it.
    const other = clients.find((c) => pidOf(c.clientId) !== pidOf(target.clientId))!;
    const reply = await post(server, '/close', { clientId: other.clientId });
    expect(reply.status).to.equal(200);
    await other.until('event: pode.close');
    await other.ended();
  });

  it('lists every worker\'s connections from any worker', async () => {
    const clients = await clientsOnBothWorkers(server);
    const ids = clients.map((c) => c.clientId).sort();
    const seenFrom = new Set<number>();
    for (let i = 0; i < 20 && seenFrom.size < 2; i++) {
      const lists = await get(server, '/lists');
      seenFrom.add(lists.json.pid);
      expect(lists.json.names).to.deep.equal(['Cluster']);
      expect([...lists.json.clientIds].sort()).to.include.members(ids);
    }
    expect(seenFrom.size, 'both workers answered').to.equal(2);
  });

  it('runs timers once per cluster, on one worker', async () => {
    await server.waitForLine('stdout', /tick from \d+/);
    const before = server.stdout.filter((l) => l.startsWith('tick from')).length;
    await server.waitForLine('stdout', new RegExp(`tick from`), 5000);
    while (server.stdout.filter((l) => l.startsWith('tick from')).length < before + 5) await new Promise((r) => setTimeout(r, 100));
    const pids = new Set(server.stdout.filter((l) => l.startsWith('tick from')).map((l) => l.slice('tick from '.length)));
    expect(pids.size).to.equal(1);
  });

  it('replaces a killed worker, and its connections vanish from the lists', async () => {
    const clients = await clientsOnBothWorkers(server);
    const victim = pidOf(clients[0]!.clientId);
    const victimIds = clients.filter((c) => pidOf(c.clientId) === victim).map((c) => c.clientId);
    process.kill(victim, 'SIGKILL');
    await server.waitForLine('stderr', /exited .*starting a replacement/, 10_000);
    for (const c of clients.filter((c) => pidOf(c.clientId) === victim)) await c.ended();
    // Served again by two workers, one of them new; the dead worker's clients are gone from every list.
    // The replacement needs a moment to load the script; until then the survivor answers alone.
    const pids = new Set<number>();
    for (let i = 0; i < 300 && pids.size < 2; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      const lists = await get(server, '/lists');
      if (lists.status !== 200) continue;
      pids.add(lists.json.pid);
      for (const id of victimIds) expect(lists.json.clientIds).to.not.include(id);
    }
    expect(pids.size).to.equal(2);
    expect([...pids]).to.not.include(victim);
  });
});
