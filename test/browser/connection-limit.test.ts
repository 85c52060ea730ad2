// Six connections per origin: over HTTP/1.1 a browser holds at most six connections to one host and port,
// and an EventSource holds its connection for as long as it is open. A seventh EventSource (or any other
// request to that origin) waits until one of the six is released. What podets recommends instead: one
// stream per page, with event types (and Groups) to tell the kinds of events apart.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { ServedScript } from '../helpers/serve.ts';
import { clientIdsOf, closePages, entriesOf, eventually, eventsOf, getJson, launchChromium, openHarness, post, requireChromium, serveFixture, watch } from './helpers.ts';

describe('browser: six connections per origin over HTTP/1.1', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let page: Page | undefined;

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), serveFixture()]);
  });
  afterEach(async () => {
    await closePages(page);
    page = undefined;
  });
  after(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  const manyHits = async () => (await getJson<Record<string, number>>(server!.url, '/hits')).many ?? 0;
  const readyStates = (p: Page) => p.evaluate(() => Object.keys(window.sources).sort().map((k) => window.sources[k]!.readyState));

  it('a seventh EventSource to the same origin does not open while six are held', async () => {
    ({ page } = await openHarness(browser!, server!.url));
    const before = await manyHits();
    const sources = Array.from({ length: 7 }, (_, i) => `es${i + 1}`);
    const seventhRequested = page.waitForRequest((r) => r.url().endsWith('/sse/many?id=es7'));
    for (const s of sources.slice(0, 6)) await watch(page, s, `/sse/many?id=${s}`);
    expect((await clientIdsOf(server!.url, 'many')).sort()).to.deep.equal(sources.slice(0, 6));

    // The seventh: the page has asked for it, yet it stays CONNECTING and never reaches the server.
    await page.evaluate(() => window.watch('es7', '/sse/many?id=es7'));
    await seventhRequested;
    // The limit is per origin (host and port): the same server under another host name still answers
    // the page at once. Then, from outside the browser: still six connections, the seventh CONNECTING.
    const other = `http://b.podets.test:${new URL(server!.url).port}/hits`;
    expect(await page.evaluate(async (url) => (await fetch(url, { mode: 'no-cors' })).type, other)).to.equal('opaque');
    expect(await manyHits()).to.equal(before + 6);
    expect((await clientIdsOf(server!.url, 'many')).sort()).to.deep.equal(sources.slice(0, 6));
    expect(await readyStates(page)).to.deep.equal([1, 1, 1, 1, 1, 1, 0]);

    // Releasing one lets the seventh through at once.
    await page.evaluate(() => window.sources.es1!.close());
    const [open7] = await eventsOf(page, 'es7', 'pode.open', 1);
    expect(JSON.parse(open7!.data!)).to.include({ clientId: 'es7', name: 'many' });
    expect(await readyStates(page)).to.deep.equal([2, 1, 1, 1, 1, 1, 1]);
    expect(await manyHits()).to.equal(before + 7);
    expect(await entriesOf(page, 'es7', 'open', 1)).to.have.length(1);
    // The server saw the page close es1: it left the registry (Disconnect), es7 took the free slot.
    await eventually(async () => expect((await clientIdsOf(server!.url, 'many')).sort()).to.deep.equal(sources.slice(1)));
  });

  it('the recommended pattern: one stream, event types and Groups, leaves the page free to fetch()', async () => {
    ({ page } = await openHarness(browser!, server!.url));
    // One EventSource carries every kind of event; listeners split them by type.
    await watch(page, 'one', '/sse/feed?group=dashboard', { types: ['chat', 'stock', 'news'] });
    const kinds = ['chat', 'stock', 'news', 'chat', 'stock', 'news', 'chat'];
    for (const [i, eventType] of kinds.entries()) {
      const status = await page.evaluate(
        async (body) => (await fetch('/feed', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status,
        { data: `${eventType} ${i + 1}`, eventType, group: 'dashboard' },
      );
      expect(status).to.equal(200);
    }
    // Events for another Group of the same Name never reach this page.
    expect((await post(server!.url, '/feed', { data: 'not for the dashboard', eventType: 'news', group: 'admins' })).status).to.equal(200);
    expect((await post(server!.url, '/feed', { data: 'last', eventType: 'news', group: 'dashboard' })).status).to.equal(200);

    const byType = async (t: string, n: number) => (await eventsOf(page!, 'one', t, n)).map((e) => e.data);
    expect(await byType('news', 3)).to.deep.equal(['news 3', 'news 6', 'last']);
    expect(await byType('chat', 3)).to.deep.equal(['chat 1', 'chat 4', 'chat 7']);
    expect(await byType('stock', 2)).to.deep.equal(['stock 2', 'stock 5']);
    expect(await readyStates(page)).to.deep.equal([1]);
  });
});
