// examples/status/server.ts, served as docs/status.md says (`podets serve examples/status/server.ts --status`):
// its streams show on the status stream under their Names and Groups, its timer's events are counted, and
// queued jobs show in the task queue.
import { resolve } from 'node:path';
import { expect } from 'chai';
import { EventSource } from 'eventsource';
import type { StatusTick } from '../../host/metrics/status-data.ts';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';

describe('examples/status', function () {
  this.timeout(30_000);
  let server: ServedScript;
  const sources: EventSource[] = [];

  before(async () => {
    server = await start(resolve(repoRoot, 'examples/status/server.ts'), ['--status']);
  });
  after(async () => {
    for (const es of sources) es.close();
    expect(await server.stop()).to.equal(0);
  });

  it('shows its streams per Name and Group, the timer\'s events, and the job queue', async () => {
    for (const path of ['/live/prices?group=eu', '/live/prices?group=us', '/live/alerts']) {
      const es = new EventSource(new URL(path, server.url).href);
      sources.push(es);
      await new Promise((done) => es.addEventListener('pode.open', done));
    }
    expect((await fetch(new URL('/live/nope', server.url))).status).to.equal(404);
    const jobs = await fetch(new URL('/jobs', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"count":3,"seconds":2}' });
    expect(await jobs.json()).to.deep.equal({ queued: 3 });

    const status = new EventSource(new URL('/podets/status/events', server.url).href);
    sources.push(status);
    const tick = await new Promise<StatusTick>((done) => {
      status.addEventListener('status', (e) => {
        const t = JSON.parse((e as MessageEvent).data) as StatusTick;
        // One job running and the others queued (each takes 2 s: the first event, sent at once, sees them).
        if (t.names.find((n) => n.name === 'prices')?.events && t.tasks.running === 1 && t.tasks.queued > 0) done(t);
      });
    });
    const prices = tick.names.find((n) => n.name === 'prices')!;
    expect(prices.open).to.equal(2);
    expect(prices.groups.map((g) => [g.group, g.open]).sort()).to.deep.equal([['eu', 1], ['us', 1]]);
    expect(tick.names.find((n) => n.name === 'alerts')).to.include({ open: 1 });
    expect(tick.tasks.running).to.equal(1);
  });
});
