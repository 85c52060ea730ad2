// A credentialed cross-origin EventSource (`{ withCredentials: true }`): a page on origin A
// (http://a.podets.test:<port of A>) opens a stream on origin B (http://b.podets.test:<port of B>, another podets
// server) whose route needs the cookie the test set for b.podets.test, and echoes the Cookie header it received
// in an event. The browser sends the cookie either way; it hands the stream to the page only when B's head says
// `Access-Control-Allow-Origin: <A>` (never `*`) and `Access-Control-Allow-Credentials: true`, which
// Set-PodeSecurityAccessControl -Origin <A> -Credentials puts on it (and -Origin '*' -Credentials, by echoing A).
// Without them: onerror, readyState CLOSED, no event. Both servers run in this process (createPodeServer).
import { resolve } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AddPodeRoute, AddPodeStaticRoute, ConvertToPodeSseConnection, GetPodeHeader, SendPodeSseEvent, SetPodeSecurityAccessControl } from '../../index.ts';
import { repoRoot } from '../helpers/serve.ts';
import { serve, type App } from '../sse/conformance/helpers.ts';
import { closePages, entriesOf, eventsOf, launchChromium, openHarness, requireChromium } from './helpers.ts';

const COOKIE = 'session=abc123';

describe('browser: credentialed cross-origin EventSource and Set-PodeSecurityAccessControl', function () {
  this.timeout(30000);
  let browser: Browser | undefined;
  let pages: App | undefined;
  let stream: App | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let pageOrigin = '';
  const hits: string[] = [];

  before(async function () {
    requireChromium(this);
    const publicDir = resolve(repoRoot, 'test/fixtures/browser/public');
    [browser, pages] = await Promise.all([launchChromium(), serve(() => AddPodeStaticRoute({ Path: '/', Source: publicDir }))]);
    pageOrigin = `http://a.podets.test:${new URL(pages.url).port}`;
  });
  afterEach(async () => {
    await closePages(page);
    page = undefined;
    await stream?.close();
    stream = undefined;
  });
  after(async () => {
    await browser?.close();
    await pages?.close();
  });

  /** Origin B: a stream route that needs the cookie and sends back what it got, after `setup`. */
  async function openStream(setup: () => void): Promise<string> {
    stream = await serve(() => {
      setup();
      AddPodeRoute({
        Method: 'Get',
        Path: '/sse/cookie',
        ScriptBlock: () => {
          const cookie = GetPodeHeader({ Name: 'Cookie' }) ?? '';
          hits.push(cookie);
          ConvertToPodeSseConnection({ Name: 'cookie' });
          SendPodeSseEvent({ FromEvent: true, EventType: 'cookie', Data: cookie });
        },
      });
    });
    const origin = `http://b.podets.test:${new URL(stream.url).port}`;
    ({ context, page } = await openHarness(browser!, pageOrigin));
    await context.addCookies([{ name: 'session', value: 'abc123', domain: 'b.podets.test', path: '/', sameSite: 'Lax' }]);
    return `${origin}/sse/cookie`;
  }

  async function works(url: string): Promise<void> {
    const responseSeen = page!.waitForResponse((r) => r.url() === url);
    await page!.evaluate((u) => window.watch('cookie', u, { types: ['cookie'], withCredentials: true }), url);
    const response = await responseSeen;
    expect(response.headers()['access-control-allow-origin']).to.equal(pageOrigin);
    expect(response.headers()['access-control-allow-credentials']).to.equal('true');
    expect((await response.request().allHeaders()).origin).to.equal(pageOrigin);
    const [open] = await eventsOf(page!, 'cookie', 'pode.open', 1);
    expect(JSON.parse(open!.data!)).to.include({ name: 'cookie' });
    const [cookie] = await eventsOf(page!, 'cookie', 'cookie', 1);
    expect(cookie!.data).to.equal(COOKIE);
    expect(await page!.evaluate(() => window.sources.cookie!.readyState)).to.equal(1);
  }

  async function fails(url: string): Promise<void> {
    const before = hits.length;
    await page!.evaluate((u) => window.watch('cookie', u, { types: ['cookie'], withCredentials: true }), url);
    const [error] = await entriesOf(page!, 'cookie', 'error', 1);
    expect(error!.readyState).to.equal(2); // CLOSED: a CORS failure is fatal, no reconnect
    // The request reached B with the cookie; the page saw nothing of the stream.
    expect(hits.slice(before)).to.deep.equal([COOKIE]);
    const kinds = await page!.evaluate(() => window.received.filter((r) => r.source === 'cookie').map((r) => r.kind));
    expect(kinds).to.deep.equal(['error']);
  }

  it('works with Set-PodeSecurityAccessControl -Origin <A> -Credentials: pode.open, then the cookie B received', async () => {
    await works(await openStream(() => SetPodeSecurityAccessControl({ Origin: pageOrigin, Credentials: true })));
  });

  it("works with -Origin '*' -Credentials: A's origin is echoed, never *", async () => {
    await works(await openStream(() => SetPodeSecurityAccessControl({ Origin: '*', Credentials: true })));
  });

  it('fails without Set-PodeSecurityAccessControl: onerror, readyState CLOSED, no event', async () => {
    await fails(await openStream(() => undefined));
  });

  it('fails with -Origin <A> but without -Credentials (no Access-Control-Allow-Credentials: true)', async () => {
    await fails(await openStream(() => SetPodeSecurityAccessControl({ Origin: pageOrigin })));
  });

  it("fails with -Origin '*' -Credentials when the stream says -AllowAllOrigins (Pode's * wins on the SSE head)", async () => {
    stream = await serve(() => {
      SetPodeSecurityAccessControl({ Origin: '*', Credentials: true });
      AddPodeRoute({
        Method: 'Get',
        Path: '/sse/cookie',
        ScriptBlock: () => {
          hits.push(GetPodeHeader({ Name: 'Cookie' }) ?? '');
          ConvertToPodeSseConnection({ Name: 'cookie', AllowAllOrigins: true });
          SendPodeSseEvent({ FromEvent: true, EventType: 'cookie', Data: 'x' });
        },
      });
    });
    ({ context, page } = await openHarness(browser!, pageOrigin));
    await context.addCookies([{ name: 'session', value: 'abc123', domain: 'b.podets.test', path: '/', sameSite: 'Lax' }]);
    await fails(`http://b.podets.test:${new URL(stream.url).port}/sse/cookie`);
  });
});
