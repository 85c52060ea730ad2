// Issue 9: "No request may ever fail because of how its handler was declared." Every shape of handler and
// middleware in test/fixtures/scripts/handler-shapes.ts has its own $WebEvent from its first request, in a
// fresh server each time (so no route has been seen before), and keeps it apart from concurrent ones. Each
// server is made in this process from a fresh load of the fixture (test/helpers/embedded.ts).
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';

const shapes = ['/then', '/timer-callback', '/calls-async', '/thenable', '/async', '/sync', '/file'];

describe('Every handler shape has its $WebEvent from the first request', () => {
  let server: EmbeddedScript;
  beforeEach(async () => {
    server = await serveEmbedded(fixtureScript('handler-shapes.ts'));
  });
  afterEach(() => server.close());

  for (const path of shapes) {
    it(`${path}: the first request answers 200 with its own path`, async () => {
      const res = await fetch(new URL(`${path}?id=first`, server.url));
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ path, id: 'first' });
    });
  }

  it('plain middleware returning a promise, then a plain handler, on the first request', async () => {
    const res = await fetch(new URL('/middleware-then', server.url));
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ path: '/middleware-then', mw: '/middleware-then' });
  });

  it('20 concurrent first requests over every shape each see their own event', async () => {
    const calls = Array.from({ length: 20 }, (_, i) => ({ path: shapes[i % shapes.length]!, id: String(i) }));
    const replies = await Promise.all(
      calls.map(async ({ path, id }) => {
        const res = await fetch(new URL(`${path}?id=${id}`, server.url));
        return { status: res.status, body: await res.json() };
      }),
    );
    replies.forEach((r, i) => expect(r).to.deep.equal({ status: 200, body: calls[i] }));
    expect(server.stderr.join('\n') + server.stdout.join('\n')).to.not.include('NoCurrentWebEvent');
  });
});
