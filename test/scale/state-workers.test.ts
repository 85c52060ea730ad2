// Cluster state and locks under --workers 2 (docs/state.md "Across workers and instances"): the primary orders
// every write and keeps the lock queues; a counter changed in place under Lock-PodeObject ends exact on every
// worker, a Set on one worker is seen on the other, a replacement worker gets the snapshot, and a worker killed
// while holding a lock does not block the others.
import { expect } from 'chai';
import { resolve } from 'node:path';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { get, post } from '../sse/helpers.ts';

const script = resolve(repoRoot, 'test/fixtures/scale/state.ts');

/** Asks until every worker (two of them, any ids) has answered with `ok(json)`; each call is a new connection. */
async function untilBothWorkers(server: ServedScript, path: string, ok: (json: any) => boolean, exclude: number[] = []): Promise<Map<string, any>> {
  const seen = new Map<string, any>();
  for (let i = 0; i < 400 && seen.size < 2; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 25));
    const reply = await get(server, path).catch(() => undefined);
    if (!reply || reply.status !== 200 || exclude.includes(reply.json.pid)) continue;
    if (ok(reply.json)) seen.set(reply.json.worker, reply.json);
  }
  expect(seen.size, `both workers answered ${path} as expected`).to.equal(2);
  return seen;
}

describe('cluster state: --workers 2', function () {
  this.timeout(90_000);
  let server: ServedScript;

  before(async () => {
    server = await start(script, ['--workers', '2'], { timeout: 30_000 });
  });
  after(async () => {
    expect(await server.stop()).to.equal(0);
  });

  it('counts 200 concurrent increments under Lock-PodeObject exactly, on both workers', async () => {
    const before = (await get(server, '/state?name=hits')).json.value.count as number;
    const N = 200;
    const replies = await Promise.all(Array.from({ length: N }, () => post(server, '/hit')));
    expect(replies.every((r) => r.status === 200)).to.equal(true);
    const byWorker = new Set(replies.map((r) => r.json.worker));
    expect(byWorker.size, 'both workers served increments').to.equal(2);
    await untilBothWorkers(server, '/state?name=hits', (j) => j.value.count === before + N);
  });

  it('counts increments under a lock on the state value itself (Lock-PodeObject -Object) exactly too', async () => {
    const N = 100;
    const replies = await Promise.all(Array.from({ length: N }, () => post(server, '/hit-value')));
    expect(replies.every((r) => r.status === 200)).to.equal(true);
    expect(new Set(replies.map((r) => r.json.worker)).size).to.equal(2);
    await untilBothWorkers(server, '/state?name=byValue', (j) => j.value.count === N);
  });

  it('counts increments between Enter-PodeLockable and Exit-PodeLockable on a named Lockable exactly too', async () => {
    const N = 100;
    const replies = await Promise.all(Array.from({ length: N }, () => post(server, '/hit-enter')));
    expect(replies.every((r) => r.status === 200)).to.equal(true);
    expect(new Set(replies.map((r) => r.json.worker)).size).to.equal(2);
    await untilBothWorkers(server, '/state?name=entered', (j) => j.value.count === N);
  });

  it('shows a Set on one worker to Get on the other, and a Remove too', async () => {
    const set = await post(server, '/set', { name: 'greeting', value: { text: 'hello', list: [1, 2] } });
    expect(set.status).to.equal(200);
    await untilBothWorkers(server, '/state?name=greeting', (j) => j.has && j.value.text === 'hello' && j.value.list.length === 2);
    await post(server, '/set', { name: 'greeting', remove: true });
    await untilBothWorkers(server, '/state?name=greeting', (j) => !j.has && j.value === null && !j.names.includes('greeting'));
  });

  it('shares a restore: without -Merge it replaces the state everywhere, with -Merge it adds the names not set', async () => {
    const saved = { hits: { Value: { count: 7 }, Scope: [] }, restored: { Value: [1, 2], Scope: ['r'] } };
    expect((await post(server, '/restore', { json: JSON.stringify(saved) })).status).to.equal(200);
    await untilBothWorkers(server, '/state?name=restored', (j) => j.names.join() === 'hits,restored' && j.value.join() === '1,2');
    await untilBothWorkers(server, '/state?name=hits', (j) => j.value.count === 7);
    const more = { hits: { Value: { count: 0 } }, added: { Value: 'new' } };
    expect((await post(server, '/restore', { json: JSON.stringify(more), merge: true })).status).to.equal(200);
    await untilBothWorkers(server, '/state?name=added', (j) => j.value === 'new');
    await untilBothWorkers(server, '/state?name=hits', (j) => j.value.count === 7);
  });

  it('gives a replacement worker the state, and a killed lock holder does not block the others', async () => {
    await post(server, '/set', { name: 'kept', value: 'before the kill' });
    await untilBothWorkers(server, '/state?name=kept', (j) => j.value === 'before the kill');
    const hits = (await get(server, '/state?name=hits')).json.value.count as number;

    const holder = await post(server, '/hold');
    expect(holder.status).to.equal(200);
    await server.waitForLine('stdout', new RegExp(`holding L in ${holder.json.pid}`));
    process.kill(holder.json.pid, 'SIGKILL');
    await server.waitForLine('stderr', /exited .*starting a replacement/, 10_000);

    // The lock the dead worker held is free again: whoever serves this takes it.
    const took = await post(server, '/take', { timeout: 20_000 });
    expect(took.status, took.text).to.equal(200);
    expect(took.json.took).to.equal(true);

    // The replacement loaded the primary's snapshot before its script ran (the script's guard kept it).
    const seen = await untilBothWorkers(server, '/state?name=kept', (j) => j.value === 'before the kill' && j.names.includes('hits'), [holder.json.pid]);
    for (const j of seen.values()) expect(j.pid).to.not.equal(holder.json.pid);
    await untilBothWorkers(server, '/state?name=hits', (j) => j.value.count === hits, [holder.json.pid]);
  });
});
