// The status page without a browser: off by default (404), the page's head (CSP, HTML), the stream's JSON
// shape and figures after a known workload (2 connections of `feed`, 5 events sent to them), the stream kept
// out of the SSE space, -Authentication (401 without credentials), Enable-PodeStatusPage's checks, and the
// rate ring and the summing of other processes' snapshots as units.
import { expect } from 'chai';
import { EventSource } from 'eventsource';
import { resolve } from 'node:path';
import { EnablePodeStatusPage } from '../../../cmdlets/index.ts';
import type { InstanceSnapshot } from '../../../host/metrics/snapshot.ts';
import { MAX_GROUPS, MAX_NAMES, statusTick, type StatusTick } from '../../../host/metrics/status-data.ts';
import { RateRing } from '../../../host/metrics/status-ring.ts';
import { ManualClock } from '../../../host/timers/clock.ts';
import { composeServer } from '../../../host/runtime/compose.ts';
import { runAmbient } from '../../../host/runtime/ambient.ts';
import { serveEmbedded, type EmbeddedScript } from '../../helpers/embedded.ts';
import { failure } from '../../helpers/failure.ts';
import { repoRoot, run, start } from '../../helpers/serve.ts';

const fixture = resolve(repoRoot, 'test/fixtures/status/server.ts');
const BASIC = `Basic ${Buffer.from('ops:secret').toString('base64')}`;

/** The status events of one stream, with a wait for the first that passes a test. */
class StatusStream {
  readonly ticks: StatusTick[] = [];
  private waiters: Array<() => void> = [];
  readonly es: EventSource;

  constructor(url: string) {
    this.es = new EventSource(url);
    this.es.addEventListener('status', (e) => {
      this.ticks.push(JSON.parse((e as MessageEvent).data) as StatusTick);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  until(test: (t: StatusTick) => boolean, what: string, timeoutMs = 10_000): Promise<StatusTick> {
    return new Promise((done, fail) => {
      const check = () => {
        const found = this.ticks.find(test);
        if (found) return clearTimeout(timer), done(found);
        this.waiters.push(check);
      };
      const timer = setTimeout(() => fail(new Error(`no status event with ${what} within ${timeoutMs}ms; last: ${JSON.stringify(this.ticks.at(-1))}`)), timeoutMs);
      check();
    });
  }
}

/** An SSE connection of the fixture's `feed` Name, open once its pode.open arrived. */
function feed(base: string, group?: string): Promise<EventSource> {
  const es = new EventSource(new URL(`/feed${group ? `?group=${encodeURIComponent(group)}` : ''}`, base).href);
  return new Promise((done, fail) => {
    es.addEventListener('pode.open', () => done(es));
    es.onerror = () => fail(new Error('feed connection failed'));
  });
}

describe('status page (host/metrics/status.ts)', function () {
  this.timeout(30_000);

  describe('served (createPodeServer with status: true)', () => {
    let server: EmbeddedScript;
    const sources: EventSource[] = [];
    before(async () => {
      server = await serveEmbedded(fixture, { status: true });
    });
    after(async () => {
      for (const es of sources) es.close();
      await server.close();
    });

    it('serves one self-contained HTML page under a CSP that allows only its own script, style and stream', async () => {
      const res = await fetch(new URL('/podets/status', server.url));
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).to.match(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'/);
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      const html = await res.text();
      expect(html).to.include('data-events="/podets/status/events"');
      // No external assets: nothing is loaded from anywhere but the stream (the favicon is an empty data: URL).
      expect(html.match(/\s(src|href)="[^"]*"/g)).to.deep.equal([' href="data:,"']);
      expect(html).to.not.include('innerHTML');
      // HEAD of the stream: its head, and the end (no stream for a request that takes no body).
      const head = await fetch(new URL('/podets/status/events', server.url), { method: 'HEAD' });
      expect([head.status, head.headers.get('content-type'), head.headers.get('content-length')]).to.deep.equal([200, 'text/event-stream', '0']);
    });

    it('streams one status event a second: the history first, then the figures of a known workload, summed', async () => {
      const stream = new StatusStream(new URL('/podets/status/events', server.url).href);
      sources.push(stream.es);
      const first = await stream.until(() => true, 'anything');
      expect(Object.keys(first).sort()).to.deep.equal(['at', 'backplane', 'intervalMs', 'more', 'names', 'processes', 'rate', 'self', 'tasks', 'totals']);
      expect(first.intervalMs).to.equal(1000);
      expect(first.self).to.equal('local');
      expect(Object.keys(first.totals).sort()).to.deep.equal(['activeRequests', 'bytes', 'dropped', 'events', 'gaps', 'open', 'opened', 'pings', 'replayedEvents', 'replays', 'requests']);
      expect(first.rate.history).to.be.an('array').that.is.not.empty; // the samples since the server started
      for (const s of first.rate.history!) expect(Object.keys(s).sort()).to.deep.equal(['at', 'dropped', 'events']);
      expect(first.backplane).to.deep.equal({ kind: 'none', connected: true, lastLagMs: 0, ordered: 0 });
      expect(first.tasks).to.deep.equal({ running: 0, queued: 0 });
      expect(first.processes).to.have.length(1);
      expect(first.processes[0]).to.include({ instance: 'local', pid: process.pid, open: 0, self: true });
      expect(first.processes[0]!.rssBytes).to.be.above(0);

      sources.push(await feed(server.url, 'blue'), await feed(server.url));
      const open = await stream.until((t) => t.totals.open === 2, 'two connections');
      expect(open.names).to.deep.equal([
        { name: 'feed', open: 2, events: 0, bytes: 0, opened: 2, dropped: 0, groups: [{ group: '', open: 1 }, { group: 'blue', open: 1 }], moreGroups: 0 },
      ]);

      const sent = await fetch(new URL('/send', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 5 }) });
      expect(await sent.json()).to.deep.equal({ sent: 5 });
      // 5 events to 2 connections. A tick's totals and its sample are taken together, so once a tick counts the
      // 10 events, the samples the page has (the first event's history, then each tick's latest) hold all 10.
      const after = await stream.until((t) => t.totals.events === 10 && t.rate.history === undefined, 'the events counted');
      expect(after.names[0]).to.include({ name: 'feed', open: 2, events: 10, dropped: 0 });
      const samples = new Map(first.rate.history!.map((s) => [s.at, s.events]));
      for (const t of stream.ticks.slice(1, stream.ticks.indexOf(after) + 1)) samples.set(t.rate.latest!.at, t.rate.latest!.events);
      expect([...samples.values()].reduce((a, b) => a + b, 0)).to.equal(10);
      expect(server.pode.server.statusPage!.ring.history().reduce((n, s) => n + s.events, 0)).to.equal(10);
    });

    it('keeps the stream out of the SSE space: no Name of its own, nothing counted for it', async () => {
      const stream = new StatusStream(new URL('/podets/status/events', server.url).href);
      sources.push(stream.es);
      await stream.until(() => true, 'anything');
      const names = (await (await fetch(new URL('/names', server.url))).json()) as { names: string[] };
      expect(names.names).to.deep.equal(['feed']);
      const now = server.pode.server.statusPage!.current();
      expect(now.names.map((n) => n.name)).to.deep.equal(['feed']);
      expect(server.pode.server.statusPage!.watching).to.be.at.least(2);
    });
  });

  describe('podets serve flags', () => {
    it('is off by default: /podets/status and its stream are 404', async () => {
      const served = await start(fixture);
      try {
        expect((await fetch(new URL('/podets/status', served.url))).status).to.equal(404);
        expect((await fetch(new URL('/podets/status/events', served.url))).status).to.equal(404);
      } finally {
        expect(await served.stop()).to.equal(0);
      }
    });

    it('--status-authentication: the page and the stream answer 401 without credentials, 200 with them', async () => {
      const served = await start(fixture, ['--status-authentication', 'StatusAuth']);
      try {
        for (const path of ['/podets/status', '/podets/status/events']) {
          const refused = await fetch(new URL(path, served.url));
          expect(refused.status, path).to.equal(401);
          expect(refused.headers.get('www-authenticate'), path).to.match(/^Basic/);
          await refused.body?.cancel();
        }
        const page = await fetch(new URL('/podets/status', served.url), { headers: { authorization: BASIC } });
        expect(page.status).to.equal(200);
        expect(await page.text()).to.include('<title>podets status</title>');
        const controller = new AbortController();
        const stream = await fetch(new URL('/podets/status/events', served.url), { headers: { authorization: BASIC }, signal: controller.signal });
        expect(stream.status).to.equal(200);
        expect(stream.headers.get('content-type')).to.equal('text/event-stream');
        const reader = stream.body!.getReader();
        let text = '';
        while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
        expect(text).to.match(/^event: status\ndata: \{"at":\d+,"intervalMs":1000,/);
        controller.abort();
      } finally {
        expect(await served.stop()).to.equal(0);
      }
    });

    it('--status-authentication naming no method of the script: exit 1, saying so', async () => {
      const result = await run(fixture, ['--status-authentication', 'Nope']);
      expect(result.exitCode).to.equal(1);
      expect(String(result.stderr)).to.include(
        "Cannot start the server: The status page is to be protected by the authentication 'Nope', but the script adds no authentication method of that name (Add-PodeAuth -Name 'Nope').",
      );
    });
  });

  describe('scaled out: the answering process and its backplane', () => {
    /** The first status event of a served stream, read with fetch. */
    async function firstTick(base: string): Promise<StatusTick> {
      const controller = new AbortController();
      const res = await fetch(new URL('/podets/status/events', base), { signal: controller.signal });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      return JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as StatusTick;
    }

    it('--workers 2: one row per worker, the connections of both summed, the answering worker marked', async () => {
      const served = await start(fixture, ['--status', '--workers', '2']);
      const sources: EventSource[] = [];
      try {
        const tick = await firstTick(served.url);
        expect(tick.backplane).to.include({ kind: 'cluster', connected: true });
        const [self] = tick.processes.filter((p) => p.self);
        expect(self!.instance).to.equal(tick.self);
        expect(self!.worker).to.be.oneOf([1, 2]);
        expect(tick.self).to.equal(`worker-${self!.worker}`);

        // Connections spread over the workers (the cluster's round robin); the page sums what both report.
        for (let i = 0; i < 4; i++) sources.push(await feed(served.url));
        const stream = new StatusStream(new URL('/podets/status/events', served.url).href);
        sources.push(stream.es);
        const both = await stream.until((t) => t.processes.length === 2 && t.totals.open === 4, 'two workers and four connections');
        expect(both.processes.map((p) => p.worker).sort()).to.deep.equal([1, 2]);
        expect(both.processes.filter((p) => p.self)).to.have.length(1);
        expect(both.processes.reduce((n, p) => n + p.open, 0)).to.equal(4);
        expect(both.names.find((n) => n.name === 'feed')).to.include({ open: 4, opened: 4 });
      } finally {
        for (const es of sources) es.close();
        expect(await served.stop()).to.equal(0);
      }
    });

    it('--redis: the Redis backplane, connected, its target shown without a password', async () => {
      const prefix = `podets-test:status:${process.pid}:${Date.now()}:`;
      const served = await start(fixture, ['--status', '--redis', `redis://:not-shown@127.0.0.1:6379/0?prefix=${encodeURIComponent(prefix)}`]);
      try {
        const tick = await firstTick(served.url);
        expect(tick.backplane).to.include({ kind: 'redis', connected: true });
        expect(tick.backplane.target).to.be.a('string').that.includes('127.0.0.1:6379');
        expect(JSON.stringify(tick)).to.not.include('not-shown');
      } finally {
        expect(await served.stop()).to.equal(0);
      }
    });
  });

  describe('Enable-PodeStatusPage', () => {
    it('refuses a path not starting with / and an authentication that does not exist, as Add-PodeRoute does', async () => {
      const server = composeServer({});
      await runAmbient({ server }, async () => {
        const path = await failure(() => EnablePodeStatusPage({ Path: 'status' }));
        expect(path.ErrorId).to.equal('StatusPathInvalid,Enable-PodeStatusPage');
        expect(path.message).to.equal("The status page's path must start with '/': status");
        const missing = await failure(() => EnablePodeStatusPage({ Authentication: 'Nope' }));
        expect(missing.ErrorId).to.equal('AuthenticationMethodDoesNotExist,Enable-PodeStatusPage');
        expect(missing.message).to.equal('Authentication method does not exist: Nope');
      });
      expect(server.statusPage).to.equal(undefined);
    });

    it('serves at -Path, its stream beside it; the last call wins over the flags, also once the server runs', async () => {
      const served = await serveEmbedded(() => EnablePodeStatusPage({ Path: '/ops/status' }), { status: true });
      try {
        expect((await fetch(new URL('/podets/status', served.url))).status).to.equal(404);
        const page = await fetch(new URL('/ops/status', served.url));
        expect(await page.text()).to.include('data-events="/ops/status/events"');
        const stream = new StatusStream(new URL('/ops/status/events', served.url).href);
        await stream.until(() => true, 'anything');
        stream.es.close();
        // Called once the server runs (from a route): the page moves, its stream with it.
        await served.pode.run(() => EnablePodeStatusPage({ Path: '/moved' }));
        expect((await fetch(new URL('/ops/status', served.url))).status).to.equal(404);
        expect(await (await fetch(new URL('/moved', served.url))).text()).to.include('data-events="/moved/events"');
        const moved = new StatusStream(new URL('/moved/events', served.url).href);
        await moved.until(() => true, 'anything');
        moved.es.close();
        // The server stopping ends a stream with pode.close, as it ends the SSE connections.
        const res = await fetch(new URL('/moved/events', served.url));
        const body = res.text();
        await served.pode.close();
        expect(await body).to.match(/^event: status\n[^]*event: pode\.close\ndata: \n\n$/);
      } finally {
        await served.close();
      }
    });
  });

  describe('the rate ring (host/metrics/status-ring.ts)', () => {
    it('samples the change of every process, a new one as a baseline, a restarted one from 0, and keeps the last 300', () => {
      const ring = new RateRing();
      expect(ring.record(0, [{ instance: 'a', events: 5, dropped: 1 }])).to.deep.equal({ at: 0, events: 0, dropped: 0 });
      expect(ring.record(1000, [{ instance: 'a', events: 9, dropped: 1 }, { instance: 'b', events: 100, dropped: 0 }])).to.deep.equal({ at: 1000, events: 4, dropped: 0 });
      // b sent 7; a restarted (its totals fell) and has sent 2 since.
      expect(ring.record(2000, [{ instance: 'a', events: 2, dropped: 0 }, { instance: 'b', events: 107, dropped: 2 }])).to.deep.equal({ at: 2000, events: 9, dropped: 2 });
      // b left: nothing moves; back later, it is a baseline again.
      expect(ring.record(3000, [{ instance: 'a', events: 2, dropped: 0 }])).to.deep.equal({ at: 3000, events: 0, dropped: 0 });
      expect(ring.record(4000, [{ instance: 'a', events: 3, dropped: 0 }, { instance: 'b', events: 200, dropped: 0 }])).to.deep.equal({ at: 4000, events: 1, dropped: 0 });
      for (let i = 5; i < 400; i++) ring.record(i * 1000, [{ instance: 'a', events: 3 + i, dropped: 0 }]);
      const history = ring.history();
      expect(history).to.have.length(300);
      expect(history[0]!.at).to.equal(100_000);
      expect(ring.latest).to.deep.equal({ at: 399_000, events: 1, dropped: 0 });
    });

    it('ticks on the server clock once a second from the start, stopping with the server', async () => {
      const clock = new ManualClock(10_000);
      const server = composeServer({ clock, port: 0 }, { status: true });
      const endpoint = await server.start();
      try {
        expect(server.statusPage!.ring.history().map((s) => s.at)).to.deep.equal([10_000]);
        clock.advance(3000);
        expect(server.statusPage!.ring.history().map((s) => s.at)).to.deep.equal([10_000, 11_000, 12_000, 13_000]);
        expect(endpoint).to.have.length(1);
      } finally {
        await server.stop();
      }
      clock.advance(5000);
      expect(server.statusPage!.ring.history()).to.have.length(4);
    });
  });

  describe('summing the processes (host/metrics/status-data.ts)', () => {
    const snapshot = (instance: string, names: Array<[string, number, Record<string, number>]>, extra: Partial<InstanceSnapshot> = {}): InstanceSnapshot => ({
      instance,
      pid: 100,
      at: 1,
      uptimeMs: 2,
      rssBytes: 3,
      requests: { total: 4, active: 1, statusCodes: { '200': 4 } },
      sse: {
        open: names.reduce((n, [, open]) => n + open, 0),
        names: names.map(([name, open, groups]) => ({ name, open, groups, events: open * 10, bytes: open * 100, opened: open, dropped: 0 })),
        pings: 1,
        pingBytes: 20,
        replays: 0,
        replayedEvents: 0,
        gaps: 1,
      },
      backplane: { kind: 'cluster', connected: true, lastLagMs: 0.5, ordered: 9 },
      tasks: { running: 1, queued: 2 },
      ...extra,
    });

    it('sums Names and Groups over this process and its peers, lists every process, and caps the lists', () => {
      const self = snapshot('worker-1', [['feed', 2, { a: 1, '': 1 }]], { worker: 1 });
      const peer = snapshot('worker-2', [['feed', 3, { a: 3 }], ['chat', 1, { '': 1 }]], { worker: 2, pid: 200 });
      const tick = statusTick(self, [peer, self], { latest: null }, 5, 1000);
      expect(tick.totals).to.deep.equal({ open: 6, events: 60, bytes: 600, opened: 6, dropped: 0, pings: 2, gaps: 2, replays: 0, replayedEvents: 0, requests: 8, activeRequests: 2 });
      expect(tick.names).to.deep.equal([
        { name: 'feed', open: 5, events: 50, bytes: 500, opened: 5, dropped: 0, groups: [{ group: 'a', open: 4 }, { group: '', open: 1 }], moreGroups: 0 },
        { name: 'chat', open: 1, events: 10, bytes: 100, opened: 1, dropped: 0, groups: [{ group: '', open: 1 }], moreGroups: 0 },
      ]);
      expect(tick.processes.map((p) => [p.instance, p.worker, p.pid, p.open, p.self])).to.deep.equal([
        ['worker-1', 1, 100, 2, true],
        ['worker-2', 2, 200, 4, false],
      ]);
      expect(tick.tasks).to.deep.equal({ running: 2, queued: 4 });
      expect(tick.backplane).to.equal(self.backplane);

      const many = snapshot('local', Array.from({ length: MAX_NAMES + 5 }, (_, i) => [`n${i}`, 1, Object.fromEntries(Array.from({ length: MAX_GROUPS + 3 }, (_, g) => [`g${g}`, 1]))]));
      const capped = statusTick(many, [], { latest: null }, 5, 1000);
      expect(capped.names).to.have.length(MAX_NAMES);
      expect(capped.more.names).to.equal(5);
      expect(capped.names[0]!.groups).to.have.length(MAX_GROUPS);
      expect(capped.names[0]!.moreGroups).to.equal(3);
    });
  });
});
