// The Prometheus endpoint in this process (createPodeServer's `metrics` option and Enable-PodeMetricsEndpoint):
// each server counts into a Registry of its own, so two servers in one process never mix; the cmdlet's refusals.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddPodeRoute, createPodeServer, EnablePodeMetricsEndpoint, WritePodeTextResponse, type PodeApp } from '../../../index.ts';
import { failure } from '../../helpers/failure.ts';
import { scrape, series } from '../../helpers/prometheus.ts';
import { get } from '../../sse/helpers.ts';

interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(app: PodeApp): Promise<Listening> {
  const server = http.createServer((req, res) => app.handler(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async close() {
      await app.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

const routes = (...paths: string[]) => () => {
  for (const path of paths) AddPodeRoute({ Method: 'Get', Path: path, ScriptBlock: () => WritePodeTextResponse(path) });
};

describe('Prometheus endpoint in one process (createPodeServer)', () => {
  it('gives each server a registry of its own: two servers in one process do not mix', async () => {
    const one = await listen(await createPodeServer(routes('/one'), { metrics: true }));
    const two = await listen(await createPodeServer(() => (routes('/two')(), EnablePodeMetricsEndpoint({ Path: '/prom' }))));
    try {
      for (let i = 0; i < 2; i++) expect((await get(one, '/one')).status).to.equal(200);
      expect((await get(two, '/two')).status).to.equal(200);
      expect((await get(two, '/nowhere')).status).to.equal(404);
      expect(series(await scrape(one), 'podets_http_requests_total')).to.deep.equal({ 'method=GET,route=/one,status=200': 2 });
      expect(series(await scrape(two, '/prom'), 'podets_http_requests_total')).to.deep.equal({
        'method=GET,route=/two,status=200': 1,
        'method=GET,route=,status=404': 1,
      });
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('is off by default: no route, and no observer on the request path', async () => {
    const app = await createPodeServer(routes('/one'));
    const served = await listen(app);
    try {
      expect((await get(served, '/metrics')).status).to.equal(404);
      expect(app.server.prometheus).to.equal(undefined);
      expect(app.server.metrics.observer).to.equal(undefined);
    } finally {
      await served.close();
    }
  });

  describe('Enable-PodeMetricsEndpoint refusals', () => {
    it('an -Authentication that does not exist', async () => {
      const err = await failure(() => createPodeServer(() => EnablePodeMetricsEndpoint({ Authentication: 'Missing' })));
      expect([err.ErrorId, err.message]).to.deep.equal(['AuthenticationMethodDoesNotExist,Enable-PodeMetricsEndpoint', 'Authentication method does not exist: Missing']);
    });

    it('an empty -Path', async () => {
      const err = await failure(() => createPodeServer(() => EnablePodeMetricsEndpoint({ Path: '' })));
      expect(err.ErrorId).to.equal('ParameterArgumentValidationError,Enable-PodeMetricsEndpoint');
    });

    it('a path a route already has, naming where both were registered', async () => {
      const err = await failure(() => createPodeServer(() => (routes('/metrics')(), EnablePodeMetricsEndpoint())));
      expect(err.ErrorId).to.equal('MethodPathAlreadyDefined,Enable-PodeMetricsEndpoint');
      expect(err.message).to.match(/^\[GET\] \/metrics: Already defined\. '\/metrics' \(.*prometheus-embedded\.test\.ts:\d+\) is the same route as '\/metrics' \(.*prometheus-embedded\.test\.ts:\d+\), registered earlier\.$/);
    });
  });
});
