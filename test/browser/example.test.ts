// The SSE example (examples/sse/server.ts) as a person sees it: its page in Chromium shows live events
// (timer ticks, a message sent from its form, the local stream), and the test takes a screenshot of it.
// docs/images/sse-example.png is one such screenshot: `PODETS_UPDATE_SCREENSHOTS=1 npm run test:browser`
// writes it again.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { launchChromium, requireChromium } from './helpers.ts';

const example = resolve(repoRoot, 'examples/sse/server.ts');
const committedScreenshot = resolve(repoRoot, 'docs/images/sse-example.png');

describe('browser: examples/sse in Chromium', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let shots = '';

  before(async function () {
    requireChromium(this);
    shots = mkdtempSync(join(tmpdir(), 'podets-browser-'));
    [browser, server] = await Promise.all([launchChromium(), start(example)]);
  });
  after(async () => {
    if (page && !page.isClosed()) {
      // The page's own Disconnect button closes its EventSource.
      await page.click('#disconnect');
      // `source` is the page script's top-level `let`: a global binding, not a property of window.
      expect(await page.evaluate('source.readyState')).to.equal(2);
    }
    await context?.close();
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
    if (shots) rmSync(shots, { recursive: true, force: true });
  });

  const logLines = (p: Page, cls: string) => p.locator(`#log li.${cls}`).allTextContents();

  it('shows live events: the open stream, timer ticks, a message from the form, the local stream', async () => {
    context = await browser!.newContext({ viewport: { width: 1000, height: 720 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server!.url);

    // pode.open: the status and the client id the server gave this page.
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'open');
    const clientId = await page.locator('#client').textContent();
    expect(clientId).to.match(/^[0-9a-f-]{36}$/);
    await server!.waitForLine('stdout', new RegExp(`^SSE connected: ${clientId}$`));

    // The timer's ticks (every 2 s) arrive, numbered by the example's history.
    await page.waitForFunction(() => document.querySelectorAll('#log li.tick').length >= 2, undefined, { timeout: 10_000 });
    expect((await logLines(page, 'tick'))[0]).to.match(/tick #\d+ at \S+ \(id \d+\)$/);

    // A message typed into the form comes back over the stream.
    await page.fill('#send input[name=message]', 'Hello from headless Chromium');
    await page.click('#send button');
    await page.waitForFunction(() => [...document.querySelectorAll('#log li.message')].some((li) => li.textContent!.includes('Hello from headless Chromium')));

    // The local stream: two events, then pode.close, on which the page closes it.
    await page.click('#local');
    await page.waitForFunction(() => [...document.querySelectorAll('#log li.local')].some((li) => li.textContent!.includes('local pode.close')));
    const local = (await logLines(page, 'local')).map((l) => l.replace(/^\S+(\s[AP]M)?\s+/, '')).reverse();
    expect(local[0]).to.match(/^local pode\.open, client id [0-9a-f-]{36}$/);
    expect(local.slice(1)).to.deep.equal([
      'local Action (id 1234): hello, there!',
      'local BoldOne (id 1337): general kenobi',
      'local pode.close: closing the EventSource',
    ]);
    expect(await logLines(page, 'error')).to.deep.equal([]);
    expect(await page.locator('#status').textContent()).to.equal('open');

    const shot = join(shots, 'sse-example.png');
    await page.screenshot({ path: shot, fullPage: false });
    expect(statSync(shot).size).to.be.greaterThan(10_000);
    if (process.env.PODETS_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(resolve(committedScreenshot, '..'), { recursive: true });
      copyFileSync(shot, committedScreenshot);
    }
    expect(errors).to.deep.equal([]);
  });
});
