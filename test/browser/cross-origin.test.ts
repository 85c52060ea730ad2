// Cross-origin EventSource: a page served from http://a.podets.test:<port> opens a stream on
// http://b.podets.test:<port> (another origin: the host differs). Chromium maps *.podets.test to 127.0.0.1
// (--host-resolver-rules), so nothing leaves loopback. With -AllowAllOrigins the stream works; without it
// the browser refuses the response (CORS): onerror, readyState CLOSED, and no event reaches the page.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { ServedScript } from '../helpers/serve.ts';
import { closePages, entriesOf, eventsOf, getJson, launchChromium, openHarness, requireChromium, serveFixture } from './helpers.ts';

describe('browser: cross-origin EventSource', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let page: Page | undefined;
  let pageOrigin = '';
  let streamOrigin = '';

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), serveFixture()]);
    const port = new URL(server.url).port;
    pageOrigin = `http://a.podets.test:${port}`;
    streamOrigin = `http://b.podets.test:${port}`;
  });
  beforeEach(async () => {
    ({ page } = await openHarness(browser!, pageOrigin));
    expect(await page.evaluate(() => location.origin)).to.equal(pageOrigin);
  });
  afterEach(async () => {
    await closePages(page);
    page = undefined;
  });
  after(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  const corsHits = async () => (await getJson<Record<string, number>>(server!.url, '/hits')).cors ?? 0;

  it('works with -AllowAllOrigins (Access-Control-Allow-Origin: *)', async () => {
    const responseSeen = page!.waitForResponse((r) => r.url().startsWith(`${streamOrigin}/sse/cors`));
    await page!.evaluate((url) => window.watch('cors', url, { types: ['hello'] }), `${streamOrigin}/sse/cors?allow=1`);
    const response = await responseSeen;
    expect(response.headers()['access-control-allow-origin']).to.equal('*');
    expect((await response.request().allHeaders()).origin).to.equal(pageOrigin);

    const [hello] = await eventsOf(page!, 'cors', 'hello', 1);
    expect(hello!.data).to.equal(`from b.podets.test:${new URL(streamOrigin).port}`);
    const [open] = await eventsOf(page!, 'cors', 'pode.open', 1);
    expect(JSON.parse(open!.data!)).to.include({ name: 'cors' });
    expect(await page!.evaluate(() => window.sources.cors!.readyState)).to.equal(1);
  });

  it('fails without it: onerror with readyState CLOSED, no event, no reconnect', async () => {
    const before = await corsHits();
    await page!.evaluate((url) => window.watch('cors', url, { types: ['hello'] }), `${streamOrigin}/sse/cors`);
    const [error] = await entriesOf(page!, 'cors', 'error', 1);
    // CLOSED, not CONNECTING: a CORS failure is fatal, the browser will not retry.
    expect(error!.readyState).to.equal(2);
    expect(await page!.evaluate(() => window.sources.cors!.readyState)).to.equal(2);
    // The request did reach the server (the route ran once), but the page saw nothing of the stream.
    expect(await corsHits()).to.equal(before + 1);
    const kinds = await page!.evaluate(() => window.received.filter((r) => r.source === 'cors').map((r) => r.kind));
    expect(kinds).to.deep.equal(['error']);
  });
});
