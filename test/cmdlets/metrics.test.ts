// Pode's metrics cmdlets (src/Public/Metrics.ps1) through a real server: requests counted by status code as
// Update-PodeServerRequestMetric counts them (src/Private/PodeServer.ps1: in the `finally` after the route, every
// request, 404 and 500 included), requests in flight, SSE clients by Name, uptime on a ManualClock, and the
// refusals in Pode's words. Fixture: test/fixtures/scripts/metrics.ts.
import http from 'node:http';
import { expect } from 'chai';
import {
  GetPodeServerActiveRequestMetric,
  GetPodeServerActiveSignalClientMetric,
  GetPodeServerActiveSignalMetric,
  GetPodeServerActiveSseClientMetric,
  GetPodeServerActiveSseMetric,
  GetPodeServerRequestMetric,
  GetPodeServerRestartCount,
  GetPodeServerSignalMetric,
  GetPodeServerUptime,
  pode,
} from '../../index.ts';
import { ServerMetrics, WATCH_LOADED_ENV, WATCH_RESTARTS_ENV, readableUptime } from '../../host/metrics/metrics.ts';
import { ManualClock } from '../../host/timers/clock.ts';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';

const DAY = 86_400_000;

describe('Metrics cmdlets', () => {
  let server: EmbeddedScript;
  const get = (path: string) => fetch(new URL(path, server.url));
  const json = async (path: string) => (await get(path)).json();
  const run = <R>(fn: () => R): R => server.pode.run(fn);

  beforeEach(async () => {
    server = await serveEmbedded(fixtureScript('metrics.ts'));
  });
  afterEach(() => server.close());

  describe('Get-PodeServerRequestMetric', () => {
    it('counts a known workload by status code: 3×200, 2×404, 1×500, exactly', async () => {
      for (const path of ['/ok', '/ok', '/ok', '/nowhere', '/nowhere/else', '/boom']) await (await get(path)).arrayBuffer();
      expect(run(() => GetPodeServerRequestMetric({ Total: true }))).to.equal(6);
      expect(run(() => GetPodeServerRequestMetric())).to.deep.equal({ '200': 3, '404': 2, '500': 1 });
      expect(run(() => GetPodeServerRequestMetric({ StatusCode: 200 }))).to.equal(3);
      // Asked from a route: the asking request is not counted yet (Pode counts it after its route ran).
      expect(await json('/requests')).to.deep.equal({ total: 6, codes: { '200': 3, '404': 2, '500': 1 }, c404: 2, c500: 1, c201: 0 });
      // ...and is counted once answered.
      expect(run(() => GetPodeServerRequestMetric({ Total: true }))).to.equal(7);
      expect(run(() => GetPodeServerRequestMetric({ StatusCode: 200 }))).to.equal(4);
    });

    it('a 405 (a route for another method) is counted too, before any middleware, as Pode counts it', async () => {
      const res = await fetch(new URL('/ok', server.url), { method: 'POST' });
      expect(res.status).to.equal(405);
      await res.arrayBuffer();
      expect(run(() => GetPodeServerRequestMetric())).to.deep.equal({ '405': 1 });
    });

    it('a fresh server has counted nothing: -Total 0, an empty table, 0 for any code', () => {
      expect(run(() => GetPodeServerRequestMetric({ Total: true }))).to.equal(0);
      expect(run(() => GetPodeServerRequestMetric())).to.deep.equal({});
      expect(run(() => pode`Get-PodeServerRequestMetric -StatusCode 404`)).to.equal(0);
    });

    it('-StatusCode and -Total are in different sets: both together is refused as PowerShell refuses it', () => {
      expect(() => run(() => pode`Get-PodeServerRequestMetric -StatusCode 200 -Total`)).to.throw(/Parameter set cannot be resolved/);
    });
  });

  describe('Get-PodeServerActiveRequestMetric', () => {
    it('counts a held request while it is in flight, in all three call forms, and not once it is answered', async () => {
      const held = get('/hold');
      await server.waitForLine('stdout', /^held$/);
      // The held request and the asking one; podets queues nothing.
      expect(await json('/active')).to.deep.equal({ positional: 2, splat: 2, template: 0, none: 2 });
      expect(run(() => pode`Get-PodeServerActiveRequestMetric`)).to.equal(1);
      await (await get('/release')).arrayBuffer();
      expect(await (await held).text()).to.equal('released');
      expect(run(() => pode`Get-PodeServerActiveRequestMetric Total`)).to.equal(0);
      expect(run(() => GetPodeServerRequestMetric({ StatusCode: 200 }))).to.equal(3);
    });

    it('refuses a -CountType outside its ValidateSet', () => {
      expect(() => run(() => pode`Get-PodeServerActiveRequestMetric -CountType Waiting`)).to.throw(/Cannot validate argument on parameter 'CountType'/);
    });
  });

  describe('SSE metrics', () => {
    const open: http.ClientRequest[] = [];
    afterEach(() => open.splice(0).forEach((r) => r.destroy()));

    /** Opens an SSE connection and resolves once its first frame (pode.open) arrived. */
    const connect = (name: string, group?: string) =>
      new Promise<void>((done, fail) => {
        const url = new URL(`/events?name=${name}${group ? `&group=${group}` : ''}`, server.url);
        const req = http.get(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
          expect(res.statusCode).to.equal(200);
          res.once('data', () => done());
        });
        req.on('error', fail);
        open.push(req);
      });

    it('counts SSE clients in all and by Name (two Names, groups), counts each stream as a 200 request no longer in flight', async () => {
      await connect('Chat', 'admins');
      await connect('Chat', 'users');
      await connect('Chat');
      await connect('News', 'admins');
      expect(await json('/sse-clients')).to.deep.equal({ all: 4, chat: 3, news: 1, template: 3 });
      expect(run(() => GetPodeServerActiveRequestMetric())).to.equal(0);
      expect(run(() => GetPodeServerRequestMetric())).to.deep.equal({ '200': 5 });
      expect(run(() => GetPodeServerActiveSseMetric())).to.equal(0);
    });

    it('a Name with no connection is refused in Pode\'s words', () => {
      expect(() => run(() => GetPodeServerActiveSseClientMetric('Nope'))).to.throw('SSE connection not found: Nope');
      expect(run(() => GetPodeServerActiveSseClientMetric())).to.equal(0);
    });
  });

  describe('Get-PodeServerUptime and Get-PodeServerRestartCount', () => {
    it('counts from the server start on its clock; -Format renders it; -Total is the same without --watch restarts', () => {
      const clock = new ManualClock(Date.UTC(2026, 0, 1));
      server.pode.server.metrics.restartOn(clock);
      expect(run(() => GetPodeServerUptime())).to.equal(0);
      clock.advance(DAY + 10 * 3_600_000 + 17 * 60_000 + 36_000 + 789);
      expect(run(() => GetPodeServerUptime())).to.equal(123_456_789);
      expect(run(() => GetPodeServerUptime({ Total: true }))).to.equal(123_456_789);
      expect(run(() => GetPodeServerUptime('Concise'))).to.equal('1d 10h 17m 36s 789ms');
      expect(run(() => GetPodeServerUptime({ Format: 'Verbose' }))).to.equal('1 day, 10 hours, 17 minutes, 36 seconds, 789 milliseconds');
      expect(run(() => pode`Get-PodeServerUptime -Format Compact`)).to.equal('01:10:17:36.789');
      expect(run(() => pode`Get-PodeServerUptime -Format Compact -ExcludeMilliseconds`)).to.equal('01:10:17:36');
      expect(run(() => pode`Get-PodeServerUptime -Format concise -ExcludeMilliseconds`)).to.equal('1d 10h 17m 36s');
      expect(run(() => GetPodeServerRestartCount())).to.equal(0);
    });

    it('under --watch, a child is told the restarts before it and the first start: -Total counts from that', () => {
      const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
      const loaded = Date.UTC(2026, 0, 1, 11);
      const metrics = new ServerMetrics(clock, { [WATCH_RESTARTS_ENV]: '2', [WATCH_LOADED_ENV]: String(loaded) });
      expect(metrics.restartCount).to.equal(2);
      clock.advance(1000);
      expect(metrics.uptime(false)).to.equal(1000);
      expect(metrics.uptime(true)).to.equal(3_601_000);
      // The first child (0 restarts) starts the count itself; a garbled value is no restart.
      expect(new ServerMetrics(clock, { [WATCH_RESTARTS_ENV]: '0', [WATCH_LOADED_ENV]: String(loaded) }).uptime(true)).to.equal(0);
      expect(new ServerMetrics(clock, { [WATCH_RESTARTS_ENV]: 'x' }).restartCount).to.equal(0);
    });

    it('readable forms leave 0 units out and keep the smallest when all are 0', () => {
      expect(readableUptime(0, 'Concise', false)).to.equal('0ms');
      expect(readableUptime(0, 'Verbose', true)).to.equal('0 seconds');
      expect(readableUptime(3_600_000 + 1000, 'Verbose', false)).to.equal('1 hour, 1 second');
      expect(readableUptime(3_600_000, 'Compact', false)).to.equal('00:01:00:00.000');
    });

    it('refuses a -Format outside its ValidateSet', () => {
      expect(() => run(() => pode`Get-PodeServerUptime -Format Long`)).to.throw(/Cannot validate argument on parameter 'Format'/);
    });
  });

  describe('signal metrics (podets has no Signals)', () => {
    it('answer as Pode does with no signal endpoint: 0, and any Name not found in Pode\'s words', () => {
      expect(run(() => GetPodeServerSignalMetric())).to.equal(0);
      expect(run(() => GetPodeServerActiveSignalMetric({ Type: 'Client', CountType: 'Queued' }))).to.equal(0);
      expect(run(() => pode`Get-PodeServerActiveSignalMetric Server Processing`)).to.equal(0);
      expect(run(() => GetPodeServerActiveSignalClientMetric())).to.equal(0);
      expect(() => run(() => GetPodeServerActiveSignalClientMetric('Events'))).to.throw('Signal connection not found: Events');
    });
  });
});
