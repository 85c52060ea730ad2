// Add-PodeMiddleware end to end: order, -Route, -ArgumentList, -InputObject, short-circuits.
import { expect } from 'chai';
import type { PodeError } from '../../host/errors/error.ts';
import { toMiddlewareList } from '../../host/runtime/middleware.ts';
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

describe("-Middleware items, checked as Pode's ConvertTo-PodeMiddleware checks them", () => {
  const refusal = (items: unknown[]) => {
    try {
      toMiddlewareList(items, 'Add-PodeRoute');
    } catch (err) {
      return [(err as PodeError).ErrorId, (err as PodeError).message];
    }
    throw new Error('not refused');
  };

  it('skips $null items, and refuses the rest with Pode\'s texts, naming types as GetType().Name does', () => {
    const fn = () => true;
    expect(toMiddlewareList([null, fn, undefined], 'Add-PodeRoute')).to.deep.equal([fn]);
    // invalidMiddlewareTypeExceptionMessage
    expect(refusal([fn, 42])).to.deep.equal([
      'InvalidMiddlewareType,Add-PodeRoute',
      'One of the Middlewares supplied is an invalid type. Expected either a ScriptBlock or Hashtable, but got: Int32',
    ]);
    expect(refusal([['x']])[1]).to.match(/but got: Object\[\]$/);
    // hashtableMiddlewareNoLogicExceptionMessage
    expect(refusal([{ Route: '/x' }])).to.deep.equal(['HashtableMiddlewareNoLogic,Add-PodeRoute', 'A Hashtable Middleware supplied has no Logic defined.']);
    expect(refusal([{ Logic: null }])[0]).to.equal('HashtableMiddlewareNoLogic,Add-PodeRoute');
    // invalidLogicTypeInHashtableMiddlewareExceptionMessage
    expect(refusal([{ Logic: 'not a script' }])).to.deep.equal([
      'InvalidLogicTypeInHashtableMiddleware,Add-PodeRoute',
      'A Hashtable Middleware supplied has an invalid Logic type. Expected ScriptBlock, but got: String',
    ]);
  });
});
