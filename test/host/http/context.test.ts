import { expect } from 'chai';
import { currentWebEvent, runInRequest, tryCurrentWebEvent } from '../../../host/http/context.ts';
import { json } from '../../../host/http/respond.ts';
import type { WebEvent } from '../../../host/http/webevent.ts';
import { delay, startServer, type TestServer } from './helpers.ts';

describe('http/context', () => {
  it('throws a clear error outside a request', () => {
    expect(() => currentWebEvent()).to.throw(/There is no current web request/);
    expect(tryCurrentWebEvent()).to.equal(undefined);
  });

  it('runs a function with the event as current, passing its arguments', async () => {
    const event = { Path: '/fake' } as WebEvent;
    const result = await runInRequest(undefined, event, async (a: number, b: number) => {
      await delay(1);
      return [currentWebEvent().Path, a + b];
    }, 1, 2);
    expect(result).to.deep.equal(['/fake', 3]);
    expect(tryCurrentWebEvent()).to.equal(undefined);
  });

  describe('across concurrent requests', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer({
        // Middleware sees the same event the handler will.
        middleware: [async (e) => { await delay(Math.random() * 10); e.Metadata['seenBy'] = currentWebEvent().Path; }],
      });
      srv.router.add({
        method: 'GET',
        path: '/echo/:n',
        handler: async (e) => {
          const before = currentWebEvent();
          await delay(Math.random() * 40);
          await Promise.resolve();
          setImmediate(() => undefined);
          const after = currentWebEvent();
          // Cmdlet style: no event passed around, only the ambient one.
          json(currentWebEvent(), { path: after.Path, n: after.Parameters['n'], same: before === after && after === e, seenBy: e.Metadata['seenBy'] });
        },
      });
    });
    after(() => srv.close());

    it('keeps each request its own WebEvent across awaits (50 at once)', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => (await fetch(`${srv.url}/echo/${i}`)).json() as Promise<Record<string, unknown>>),
      );
      results.forEach((r, i) => {
        expect(r).to.deep.equal({ path: `/echo/${i}`, n: String(i), same: true, seenBy: `/echo/${i}` });
      });
    });
  });
});

describe('http/context: every handler shape has its event', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
    srv.router.add({ method: 'GET', path: '/sync', handler: () => json(currentWebEvent(), { path: currentWebEvent().Path }) });
    // A plain function that returns a promise: nothing tells it from a synchronous one before it has run.
    srv.router.add({
      method: 'GET',
      path: '/promise',
      handler: () => delay(5).then(() => json(currentWebEvent(), { path: currentWebEvent().Path })),
    });
    srv.router.add({
      method: 'GET',
      path: '/async',
      handler: async () => {
        await delay(5);
        json(currentWebEvent(), { path: currentWebEvent().Path });
      },
    });
  });
  after(() => srv.close());

  it('gives a plain handler its event, and leaves nothing current afterwards', async () => {
    const res = await fetch(srv.url + '/sync');
    expect(await res.json()).to.deep.equal({ path: '/sync' });
    expect(tryCurrentWebEvent()).to.equal(undefined);
  });

  it("keeps an async handler's event across awaits from the first request", async () => {
    const replies = await Promise.all([1, 2, 3].map(() => fetch(srv.url + '/async').then((r) => r.json())));
    expect(replies).to.deep.equal([{ path: '/async' }, { path: '/async' }, { path: '/async' }]);
  });

  it('keeps the event of a plain handler that returns a promise, from its first request', async () => {
    const replies = await Promise.all([1, 2, 3].map(() => fetch(srv.url + '/promise').then((r) => r.json())));
    expect(replies).to.deep.equal([{ path: '/promise' }, { path: '/promise' }, { path: '/promise' }]);
  });
});
