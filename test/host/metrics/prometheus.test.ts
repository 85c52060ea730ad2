// `podets serve --metrics` through the real CLI (test/fixtures/metrics/prometheus.ts): a known workload, then
// /metrics scraped and parsed as Prometheus text, with exact counter values; the same workload under
// --workers 2 gives the same cluster-wide totals. Off by default; Enable-PodeMetricsEndpoint's -Path and
// -Authentication (test/fixtures/metrics/protected.ts).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeys } from '../../helpers/redis-server.ts';
import { repoRoot, start, type ServedScript } from '../../helpers/serve.ts';
import { histogramCounts, scrape, series, type Scrape } from '../../helpers/prometheus.ts';
import { closeAllClients, frame, get, post, RawHttp } from '../../sse/helpers.ts';

const fixture = (name: string) => resolve(repoRoot, 'test/fixtures/metrics', name);
const ARGS = ['--metrics', '--sse-history', '3', '--sse-ping-interval', '0'];
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/** The bytes of the five events as framed on the wire, once per connection that got them. */
const EVENT_BYTES = [1, 2, 3, 4, 5].reduce((n, i) => n + Buffer.byteLength(frame({ id: `e${i}`, event: 'msg', data: `payload-${i}` })), 0);

/**
 * 3× GET /hello, 2× a 404, 2× /users/:id, 1× a public file; two SSE connections to 'feed', 5 events sent to it
 * (10 handed out); a reconnect with a Last-Event-ID the history (3 events) no longer has (1 pode.gap) and one
 * with the id of the 4th event (a replay of 1 event). Every connection stays open: 4 open, 4 opened.
 */
async function workload(server: ServedScript): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await get(server, '/hello')).status).to.equal(200);
  expect((await get(server, '/nope')).status).to.equal(404);
  expect((await get(server, '/missing/page')).status).to.equal(404);
  expect((await get(server, '/users/1')).json).to.deep.equal({ id: '1' });
  expect((await get(server, '/users/2')).json).to.deep.equal({ id: '2' });
  expect((await get(server, '/file.txt')).text).to.equal('static bytes\n');
  const clients = [await RawHttp.sse(server, '/events'), await RawHttp.sse(server, '/events')];
  for (const c of clients) await c.until('event: pode.open');
  expect((await post(server, '/send', { from: 1, to: 5 })).status).to.equal(200);
  for (const c of clients) await c.until('data: payload-5');
  const gapped = await RawHttp.sse(server, '/events', { 'Last-Event-ID': 'e1' });
  await gapped.until('event: pode.gap');
  const replayed = await RawHttp.sse(server, '/events', { 'Last-Event-ID': 'e4' });
  expect(await replayed.until('data: payload-5')).to.not.contain('payload-4');
}

/** The exact figures of the workload, as one process or a whole cluster counts them. */
function expectWorkload(s: Scrape, backplane: 'none' | 'cluster'): void {
  expect(s.status).to.equal(200);
  expect(s.contentType).to.equal('text/plain; version=0.0.4; charset=utf-8');
  const requests = {
    'method=GET,route=/hello,status=200': 3,
    'method=GET,route=,status=404': 2,
    'method=GET,route=/users/:id,status=200': 2,
    'method=GET,route=<static>,status=200': 1,
    'method=GET,route=/events,status=200': 4,
    'method=POST,route=/send,status=200': 1,
  };
  // The scrape itself is counted once its response is over: not in its own figures.
  expect(series(s, 'podets_http_requests_total')).to.deep.equal(requests);
  expect(histogramCounts(s, 'podets_http_request_duration_seconds')).to.deep.equal(requests);
  expect(series(s, 'podets_sse_connections')).to.deep.equal({ 'name=feed': 4 });
  expect(series(s, 'podets_sse_connections_opened_total')).to.deep.equal({ 'name=feed': 4 });
  expect(series(s, 'podets_sse_events_sent_total')).to.deep.equal({ 'name=feed': 10 });
  expect(series(s, 'podets_sse_bytes_sent_total')).to.deep.equal({ 'name=feed': 2 * EVENT_BYTES });
  expect(series(s, 'podets_sse_slow_clients_dropped_total')).to.deep.equal({ 'name=feed': 0 });
  expect(series(s, 'podets_sse_replays_total')).to.deep.equal({ '': 1 });
  expect(series(s, 'podets_sse_replayed_events_total')).to.deep.equal({ '': 1 });
  expect(series(s, 'podets_sse_gaps_total')).to.deep.equal({ '': 1 });
  expect(series(s, 'podets_sse_pings_total')).to.deep.equal({ '': 0 });
  expect(series(s, 'podets_tasks_queued')).to.deep.equal({ '': 0 });
  expect(series(s, 'podets_tasks_running')).to.deep.equal({ '': 0 });
  expect(series(s, 'podets_backplane_up')).to.deep.equal({ [`kind=${backplane}`]: 1 });
  expect(s.families.get('podets_backplane_lag_seconds')?.type).to.equal('HISTOGRAM');
  // Node's process figures (prom-client's default metrics, default names).
  expect(s.families.get('process_cpu_seconds_total')?.type).to.equal('COUNTER');
  expect(s.families.get('nodejs_heap_size_used_bytes')?.type).to.equal('GAUGE');
}

describe('Prometheus endpoint (podets serve --metrics)', function () {
  this.timeout(60_000);
  afterEach(() => closeAllClients());

  describe('one process', () => {
    let server: ServedScript;
    before(async () => (server = await start(fixture('prometheus.ts'), ARGS)));
    after(async () => expect(await server.stop()).to.equal(0));

    it('counts a known workload exactly: requests by declared route and status, SSE events, bytes, gaps, replays', async () => {
      await workload(server);
      const s = await scrape(server);
      expectWorkload(s, 'none');
      expect(s.families.has('podets_cluster_workers_scraped')).to.equal(false);
      // The first scrape is counted in the second one's figures, under its own route.
      const again = await scrape(server);
      expect(series(again, 'podets_http_requests_total')['method=GET,route=/metrics,status=200']).to.equal(1);
      expect(histogramCounts(again, 'podets_backplane_lag_seconds')).to.deep.equal({ '': 0 });
    });

    it('counts a client too slow to read as dropped, under its Name', async () => {
      await RawHttp.open(server, { path: '/slow', paused: true });
      await server.waitForLine('stdout', /^slow open$/);
      expect((await post(server, '/flood')).json).to.deep.equal({ dropped: true });
      const s = await scrape(server);
      expect(series(s, 'podets_sse_slow_clients_dropped_total')).to.deep.equal({ 'name=feed': 0, 'name=slow': 1 });
      expect(series(s, 'podets_sse_connections')).to.deep.include({ 'name=slow': 0 });
    });

    it('reads the task queue at scrape: one running, one queued behind Set-PodeTaskConcurrency 1', async () => {
      expect((await post(server, '/tasks/start')).json).to.deep.equal({ started: 2 });
      const during = await scrape(server);
      expect([series(during, 'podets_tasks_running'), series(during, 'podets_tasks_queued')]).to.deep.equal([{ '': 1 }, { '': 1 }]);
      expect((await post(server, '/tasks/release')).json).to.deep.equal({ released: 2 });
      const after = await scrape(server);
      expect([series(after, 'podets_tasks_running'), series(after, 'podets_tasks_queued')]).to.deep.equal([{ '': 0 }, { '': 0 }]);
    });
  });

  describe('--workers 2', () => {
    let server: ServedScript;
    before(async () => (server = await start(fixture('prometheus.ts'), ['--workers', '2', ...ARGS], { timeout: 30_000 })));
    after(async () => expect(await server.stop()).to.equal(0));

    it('gives the same totals cluster-wide, whichever worker is scraped', async () => {
      await workload(server);
      const s = await scrape(server);
      expectWorkload(s, 'cluster');
      expect(series(s, 'podets_cluster_workers_scraped')).to.deep.equal({ '': 2 });
      // The worker that sent the five events timed each one's way through the primary: five observations in all.
      expect(histogramCounts(s, 'podets_backplane_lag_seconds')).to.deep.equal({ '': 5 });
      // Round-robin hands the next scrapes to both workers: each answers for the whole cluster.
      for (let i = 1; i <= 3; i++) {
        const next = await scrape(server);
        expect(series(next, 'podets_sse_events_sent_total')).to.deep.equal({ 'name=feed': 10 });
        expect(series(next, 'podets_http_requests_total')['method=GET,route=/metrics,status=200']).to.equal(i);
      }
    });
  });

  describe('--redis: two instances', () => {
    const prefix = `podets-test-prom-${process.pid}-${randomBytes(3).toString('hex')}:`;
    const url = `redis://127.0.0.1:6379/5?prefix=${encodeURIComponent(prefix)}`;
    let a: ServedScript;
    let b: ServedScript;
    before(async () => {
      [a, b] = await Promise.all([start(fixture('prometheus.ts'), [...ARGS, '--redis', url]), start(fixture('prometheus.ts'), [...ARGS, '--redis', url])]);
    });
    after(async () => {
      expect(await a.stop()).to.equal(0);
      expect(await b.stop()).to.equal(0);
      const admin = new Redis({ port: 6379, db: 5, maxRetriesPerRequest: 1 });
      await deleteKeys(admin, `${prefix}*`);
      admin.disconnect();
    });

    it('each exposes its own figures, every series labelled with its instance id; sum() adds them up', async () => {
      const clients = [await RawHttp.sse(a, '/events'), await RawHttp.sse(b, '/events')];
      for (const c of clients) await c.until('event: pode.open');
      expect((await post(a, '/send', { from: 1, to: 5 })).status).to.equal(200);
      for (const c of clients) await c.until('data: payload-5');
      const [sa, sb] = [await scrape(a), await scrape(b)];
      // Read off the sample lines: the parser folds a labelled histogram's samples into one, without labels.
      const instances = [sa, sb].map((s) => {
        const samples = s.text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
        const ids = new Set(samples.map((line) => /[{,]instance="([^"]*)"/.exec(line)?.[1] ?? '(none)'));
        expect(ids.size, 'one instance label on every series').to.equal(1);
        return [...ids][0]!;
      });
      expect(instances[0]).to.not.equal(instances[1]);
      expect(instances).to.not.include('(none)');
      for (const [s, instance] of [[sa, instances[0]], [sb, instances[1]]] as const) {
        expect(series(s, 'podets_sse_events_sent_total')).to.deep.equal({ [`instance=${instance},name=feed`]: 5 });
        expect(series(s, 'podets_sse_bytes_sent_total')).to.deep.equal({ [`instance=${instance},name=feed`]: EVENT_BYTES });
        expect(series(s, 'podets_backplane_up')).to.deep.equal({ [`instance=${instance},kind=redis`]: 1 });
      }
      // The POST went to a only: what `sum by (route) (podets_http_requests_total)` adds up.
      expect(series(sa, 'podets_http_requests_total', ['instance'])).to.deep.equal({ 'method=GET,route=/events,status=200': 1, 'method=POST,route=/send,status=200': 1 });
      expect(series(sb, 'podets_http_requests_total', ['instance'])).to.deep.equal({ 'method=GET,route=/events,status=200': 1 });
    });
  });

  it('is off by default: /metrics is 404 without --metrics', async () => {
    const server = await start(fixture('prometheus.ts'));
    try {
      const s = await scrape(server);
      expect(s.status).to.equal(404);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  describe('Enable-PodeMetricsEndpoint -Path -Authentication', () => {
    let server: ServedScript;
    // --metrics too: the script's call replaces the flag's path and adds the authentication.
    before(async () => (server = await start(fixture('protected.ts'), ['--metrics'])));
    after(async () => expect(await server.stop()).to.equal(0));

    it('refuses a scrape without valid credentials (401) and answers one with them', async () => {
      expect((await scrape(server, '/internal/metrics')).status).to.equal(401);
      expect((await scrape(server, '/internal/metrics', basic('prometheus', 'wrong'))).status).to.equal(401);
      const s = await scrape(server, '/internal/metrics', basic('prometheus', 'scrape-secret'));
      expect(s.status).to.equal(200);
      // The refused scrapes are counted under the route's declared path, as 401s.
      expect(series(s, 'podets_http_requests_total')).to.deep.equal({ 'method=GET,route=/internal/metrics,status=401': 2 });
    });

    it('serves nothing at the path it replaced', async () => {
      expect((await scrape(server, '/metrics')).status).to.equal(404);
    });
  });
});
