// Add-PodeMiddleware end to end: order, -Route, -ArgumentList, -InputObject, short-circuits.
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';

describe('Middleware cmdlets', () => {
  let server: EmbeddedScript;
  const get = (path: string) => fetch(new URL(path, server.url));

  before(async () => {
    server = await serveEmbedded(fixtureScript('middleware.ts'));
  });
  after(() => server.close());

  it('runs global middleware in the order added (async included), then the route\'s own', async () => {
    expect(await (await get('/order')).json()).to.deep.equal(['first', 'second:x', 'slow', 'route-fn', 'route-table:7']);
  });

  it('-Route limits middleware to matching paths', async () => {
    expect(await (await get('/api/thing')).json()).to.deep.equal(['first', 'second:x', 'slow', 'api']);
  });

  it('returning $false stops the chain: the route never runs and the response stands', async () => {
    const blocked = await get('/api/thing?block=secret');
    expect(blocked.status).to.equal(403);
    expect(await blocked.text()).to.equal('403 Blocked by middleware');
    const stopped = await get('/stopped');
    expect(stopped.status).to.equal(401);
    expect(await stopped.text()).to.equal('stopped early');
    expect(server.stderr.join('\n')).not.to.include('must not run');
  });

  it('refuses a second middleware with the same name (case-insensitive)', async () => {
    expect(await (await get('/duplicate')).text()).to.equal('MiddlewareAlreadyDefined,Add-PodeMiddleware: [Middleware] FIRST: Middleware already defined.');
  });

  it('a request with no route is answered 404 before any middleware runs', async () => {
    // The blocker would answer 403 for this query if it ran.
    expect((await get('/api/none?block=secret')).status).to.equal(404);
  });
});
