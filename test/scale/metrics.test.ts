// Pode's metrics cmdlets answer for the whole cluster: real podets processes (the CLI) under --workers 2, and
// instances sharing the real Redis on 127.0.0.1:6379 (database 5, a key prefix unique to each test, its keys
// deleted afterwards). Every response of the fixture (test/fixtures/scripts/cluster-metrics.ts) says which
// process served it, so the test keeps each process's exact counts; /figures waits (bounded) until the
// cmdlets say what the test expects, and the test then compares every figure exactly.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeys } from '../helpers/redis-server.ts';
import { fixtureScript, start, type ServedScript } from '../helpers/serve.ts';
import { closeAllClients, get, RawHttp } from '../sse/helpers.ts';

const fixture = fixtureScript('cluster-metrics.ts');

interface Figures {
  worker: string | null;
  pid: number;
  total: number;
  codes: Record<string, number>;
  c404: number;
  active: number;
  sse: number;
  restarts: number;
  activeSse: number;
  peers: number;
}

/** Each process's requests by status, as the responses said who served them. */
class Ledger {
  private readonly byPid = new Map<number, Map<number, number>>();
  add(pid: number, status: number): void {
    let codes = this.byPid.get(pid);
    if (!codes) this.byPid.set(pid, (codes = new Map()));
    codes.set(status, (codes.get(status) ?? 0) + 1);
  }
  /** A process that exited: what it counted leaves the cluster's figures. */
  drop(pid: number): void {
    this.byPid.delete(pid);
  }
  pids(): number[] {
    return [...this.byPid.keys()];
  }
  codes(): Record<string, number> {
    const all: Record<string, number> = {};
    for (const codes of this.byPid.values()) for (const [status, n] of codes) all[status] = (all[status] ?? 0) + n;
    return all;
  }
  total(): number {
    return Object.values(this.codes()).reduce((a, b) => a + b, 0);
  }
}

/** The workload: `count` requests answered 200, 404 and 500 in turn, each noted for the process that served it. */
async function work(server: ServedScript, ledger: Ledger, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const status = [200, 404, 500][i % 3]!;
    const reply = await get(server, `/work?status=${status}`);
    expect(reply.status).to.equal(status);
    ledger.add(reply.json.pid, status);
  }
}

/** /figures once, waiting for the given figures and the ledger's total; asserts them all exactly. */
async function figures(server: ServedScript, ledger: Ledger, want: Partial<Pick<Figures, 'active' | 'sse' | 'restarts'>> = {}): Promise<Figures> {
  const total = ledger.total();
  const query = new URLSearchParams({ total: String(total) });
  for (const [k, v] of Object.entries(want)) query.set(k, String(v));
  const reply = await get<Figures>(server, `/figures?${query}`);
  expect(reply.status).to.equal(200);
  const f = reply.json;
  const seen = `from ${f.pid}: ${JSON.stringify(f)}`;
  expect(f.total, seen).to.equal(total);
  expect(f.codes, seen).to.deep.equal(ledger.codes());
  expect(f.c404, seen).to.equal(ledger.codes()['404'] ?? 0);
  for (const [k, v] of Object.entries(want)) expect(f[k as keyof Figures], `${k} ${seen}`).to.equal(v);
  expect(f.activeSse, seen).to.equal(0);
  ledger.add(f.pid, 200); // the /figures request itself, counted once answered
  return f;
}

/** /figures until `count` different processes have answered (each answer checked exactly). */
async function figuresFrom(server: ServedScript, ledger: Ledger, count: number, want: Parameters<typeof figures>[2] = {}): Promise<Set<number>> {
  const answered = new Set<number>();
  for (let i = 0; i < 40 && answered.size < count; i++) answered.add((await figures(server, ledger, want)).pid);
  expect(answered.size, 'processes that answered').to.equal(count);
  return answered;
}

/** Opens SSE connections (each counted as a 200 by the process holding it) until `pids` processes hold one each. */
async function sseOnEach(server: ServedScript, ledger: Ledger, pids: number): Promise<RawHttp[]> {
  const clients: RawHttp[] = [];
  const holders = () => new Set(clients.map((c) => pidOf(c))).size;
  for (let i = 0; i < 12 && holders() < pids; i++) {
    const c = await RawHttp.sse(server, '/sse');
    await c.until('event: pode.open');
    ledger.add(pidOf(c), 200);
    clients.push(c);
  }
  expect(holders(), 'processes holding a connection').to.equal(pids);
  return clients;
}
const pidOf = (c: RawHttp) => Number(c.clientId.split('-')[1]);

describe('cluster-wide metrics: --workers 2', function () {
  this.timeout(90_000);
  let server: ServedScript;
  const ledger = new Ledger();

  before(async () => {
    server = await start(fixture, ['--workers', '2'], { timeout: 30_000 });
  });
  after(async () => {
    closeAllClients();
    expect(await server?.stop()).to.equal(0);
  });
  afterEach(() => closeAllClients());

  it('Get-PodeServerRequestMetric from either worker is the exact total and count by status of both', async () => {
    await work(server, ledger, 30);
    expect(ledger.pids(), 'requests served by both workers').to.have.length(2);
    await figuresFrom(server, ledger, 2, { restarts: 0 });
  });

  it('Get-PodeServerActiveSseClientMetric counts the connections of both workers', async () => {
    const clients = await sseOnEach(server, ledger, 2);
    const answered = await figuresFrom(server, ledger, 2, { sse: clients.length });
    expect([...answered].sort()).to.deep.equal(ledger.pids().sort());
  });

  it("an exited worker's figures leave at once, its connections too, and its replacement counts as a restart", async () => {
    const clients = await sseOnEach(server, ledger, 2);
    const [victim, survivor] = [pidOf(clients[0]!), ledger.pids().find((p) => p !== pidOf(clients[0]!))!];
    const from = server.stdout.length;
    process.kill(victim, 'SIGKILL');
    await server.waitForLine('stderr', /exited .*starting a replacement/, 10_000);
    ledger.drop(victim);
    const left = clients.filter((c) => pidOf(c) !== victim).length;
    // At once: the survivor answers without the victim's figures (or the replacement does, if it already serves).
    const f = await figures(server, ledger, { sse: left, restarts: 1 });
    expect(f.pid).to.not.equal(victim);
    await server.waitForLine('stdout', /^Worker \d+ serving \(a replacement\)/, 20_000, from);
    // Now both: the survivor's figures and the replacement's own (the /figures it served), from either.
    const answered = await figuresFrom(server, ledger, 2, { sse: left, restarts: 1 });
    expect(answered.has(survivor)).to.equal(true);
    expect(answered.has(victim)).to.equal(false);
  });
});

describe('cluster-wide metrics: instances sharing Redis', function () {
  this.timeout(90_000);
  const DB = 5;
  let admin: Redis;
  let prefix = '';
  const backplane = () => `redis://127.0.0.1:6379/${DB}?prefix=${encodeURIComponent(prefix)}`;
  const instance = () => start(fixture, ['--redis', backplane()]);
  const running: ServedScript[] = [];

  before(async () => {
    admin = new Redis({ port: 6379, db: DB, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`These tests need Redis on 127.0.0.1:6379 (.ci/run starts one): ${(err as Error).message}`);
    }
  });
  beforeEach(() => {
    prefix = `podets-test-metrics-${process.pid}-${randomBytes(3).toString('hex')}:`;
  });
  afterEach(async () => {
    closeAllClients();
    await Promise.all(running.splice(0).map((s) => s.stop()));
    await deleteKeys(admin, `${prefix}*`);
  });
  after(() => admin?.disconnect());

  it('each instance answers with the exact total, counts by status, active requests and SSE clients of both', async () => {
    // What is not podets' on its key and channel is ignored (the space is Redis', not ours alone).
    await admin.set(`${prefix}peer:junk`, 'not json', 'PX', 60_000);
    await admin.set(`${prefix}peer:fake`, JSON.stringify({ instance: 'fake', requests: { total: -5 } }), 'PX', 60_000);
    const [a, b] = await Promise.all([instance(), instance()]);
    running.push(a, b);
    await admin.publish(`${prefix}peers:${DB}`, 'not json');
    await admin.publish(`${prefix}peers:${DB}`, JSON.stringify({ o: 'fake', s: { instance: 'fake', requests: { total: 1e6, active: 0, statusCodes: { 200: 'x' } } } }));
    const ledger = new Ledger();
    await work(a, ledger, 9);
    await work(b, ledger, 12);
    expect(ledger.pids()).to.have.length(2);
    // Each instance is a server of its own: no restarts of the other are added.
    await figures(a, ledger, { restarts: 0 });
    await figures(b, ledger, { restarts: 0 });
    await figures(a, ledger);

    // A request held on B is in flight for A too (besides A's own /figures).
    const from = b.stdout.length;
    const held = get(b, '/hold');
    await b.waitForLine('stdout', /^held \d+$/, 5000, from);
    await figures(a, ledger, { active: 2 });
    const release = await get(b, '/release');
    ledger.add(release.json.pid, 200);
    ledger.add((await held).json.pid, 200);
    await figures(a, ledger, { active: 1 });

    const client = await RawHttp.sse(b, '/sse');
    await client.until('event: pode.open');
    ledger.add(pidOf(client), 200);
    const f = await figures(a, ledger, { sse: 1 });
    expect(f.peers).to.equal(1);
  });

  it("an instance that stops leaves the others' figures at once; one that dies, within the expiry", async () => {
    const [a, b, c] = await Promise.all([instance(), instance(), instance()]);
    running.push(a, b, c);
    const ledger = new Ledger();
    await work(a, ledger, 3);
    await work(b, ledger, 4);
    await work(c, ledger, 5);
    await figures(a, ledger);

    expect(ledger.pids().sort()).to.deep.equal([a, b, c].map((s) => s.process.pid).sort());
    expect(await b.stop()).to.equal(0);
    running.splice(running.indexOf(b), 1);
    ledger.drop(b.process.pid!);
    await figures(a, ledger);

    process.kill(c.process.pid!, 'SIGKILL');
    await c.stop();
    running.splice(running.indexOf(c), 1);
    ledger.drop(c.process.pid!);
    await figures(a, ledger);
  });
});
