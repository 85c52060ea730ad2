// HTTP/2 lifts the six-connections-per-origin limit (connection-limit.test.ts): every EventSource is a
// stream of one connection. The same page on the https endpoint (-SelfSigned; Chromium told to accept the
// certificate) opens ten EventSources and all ten get pode.open, over h2; on the plain http endpoint of the
// same server the seventh stays CONNECTING.
import { expect } from 'chai';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { CHROMIUM_FLAGS, chromiumPath, closePages, eventsOf, getJson, openHarness, requireChromium, watch } from './helpers.ts';

const fixture = resolve(repoRoot, 'test/fixtures/browser/h2.ts');

describe('browser: ten EventSources on one origin over HTTP/2', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let pages: Page[] = [];
  let httpsOrigin = '';

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([
      chromium.launch({ executablePath: chromiumPath, headless: true, args: [...CHROMIUM_FLAGS, '--ignore-certificate-errors'], timeout: 30_000 }),
      start(fixture),
    ]);
    await server.waitForLine('stdout', /^Listening on https:/);
    httpsOrigin = server.urls.find((u) => u.startsWith('https:'))!;
  });
  after(async () => {
    await closePages(...pages);
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  const ids = Array.from({ length: 10 }, (_, i) => `h2-${i + 1}`);

  it('all ten open and get pode.open; the page, its fetch() and every stream are h2', async () => {
    const { page } = await openHarness(browser!, httpsOrigin);
    pages.push(page);
    for (const id of ids) await watch(page, id, `/sse/many?id=${id}`);
    for (const id of ids) {
      const [open] = await eventsOf(page, id, 'pode.open', 1);
      expect(JSON.parse(open!.data!)).to.include({ clientId: id, name: 'many' });
    }
    expect(await page.evaluate(() => Object.keys(window.sources).sort().map((k) => window.sources[k]!.readyState))).to.deep.equal(ids.map(() => 1));
    // With ten streams open, the page can still fetch, and all of it went over h2.
    const protocols = await page.evaluate(async () => {
      await (await fetch('/hits')).text();
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const hits = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/hits')) as PerformanceResourceTiming;
      return { page: nav.nextHopProtocol, fetch: hits.nextHopProtocol };
    });
    expect(protocols).to.deep.equal({ page: 'h2', fetch: 'h2' });
    const versions = await getJson<Record<string, string>>(server!.url, '/versions');
    for (const id of ids) expect(versions[id], id).to.equal('2.0');
  });

  it('the same page over plain HTTP/1.1: the seventh EventSource stays CONNECTING', async () => {
    const { page } = await openHarness(browser!, server!.url);
    pages.push(page);
    const plain = ids.map((id) => `h1-${id}`);
    for (const id of plain.slice(0, 6)) await watch(page, id, `/sse/many?id=${id}`);
    await page.evaluate((id) => window.watch(id, `/sse/many?id=${id}`), plain[6]!);
    await eventsOf(page, plain[5]!, 'pode.open', 1);
    expect(await page.evaluate((id) => window.sources[id]!.readyState, plain[6]!)).to.equal(0);
    const versions = await getJson<Record<string, string>>(server!.url, '/versions');
    expect(plain.slice(0, 6).map((id) => versions[id])).to.deep.equal(plain.slice(0, 6).map(() => '1.1'));
    expect(versions[plain[6]!]).to.equal(undefined);
  });
});
