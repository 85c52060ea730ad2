// A form login in headless Chromium (issue 13): the page logs in with a real <form>, gets the session cookie, and
// its EventSource then receives only that user's events; a second user in another browser context does not see
// them; logging out ends the first user's stream with pode.close while the second's stays open. Served in this
// process from test/fixtures/sse/identity.ts, the harness page from its static route at / (same origin).
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { sseFixture } from '../sse/helpers.ts';
import { closePages, entriesOf, eventsOf, launchChromium, post, requireChromium, watch } from './helpers.ts';

describe('browser: a form login, per-user streams, logout', function () {
  this.timeout(30000);
  let browser: Browser | undefined;
  let server: EmbeddedScript | undefined;
  const pages: Page[] = [];

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), serveEmbedded(sseFixture('identity.ts'))]);
  });
  after(async () => {
    await closePages(...pages);
    await browser?.close();
    await server?.close();
  });

  /** A browser context of its own: logs in through the form, then opens the harness. */
  async function loggedIn(user: string, password: string): Promise<Page> {
    const context = await browser!.newContext();
    const page = await context.newPage();
    pages.push(page);
    await page.goto(new URL('/login', server!.url).toString());
    await page.fill('#username', user);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(new URL('/', server!.url).toString()), page.click('#login')]);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'pode.sid')?.value).to.match(/^s:/);
    await page.goto(new URL('/harness.html', server!.url).toString());
    await page.waitForFunction(() => typeof window.watch === 'function');
    return page;
  }

  it("each user's EventSource gets only their events; logout closes that user's stream", async () => {
    const morty = await loggedIn('morty', 'pickle');
    const summer = await loggedIn('summer', 'phone');
    await watch(morty, 'me', '/events/me', { types: ['note'] });
    await watch(summer, 'me', '/events/me', { types: ['note'] });

    expect((await post(server!.url, '/notify', { user: 'morty', text: 'hi morty' })).status).to.equal(200);
    expect((await post(server!.url, '/notify', { user: 'summer', text: 'hi summer' })).status).to.equal(200);
    const [forMorty] = await eventsOf(morty, 'me', 'note', 1);
    const [forSummer] = await eventsOf(summer, 'me', 'note', 1);
    expect([forMorty!.data, forSummer!.data]).to.deep.equal(['hi morty', 'hi summer']);
    // Each page saw its own note only (the other's was sent first to one and after to the other).
    expect((await morty.evaluate(() => window.eventsOf('me', 'note'))).map((e) => e.data)).to.deep.equal(['hi morty']);
    expect((await summer.evaluate(() => window.eventsOf('me', 'note'))).map((e) => e.data)).to.deep.equal(['hi summer']);

    // Logout from the page (its cookie): the stream gets pode.close (the harness then closes it).
    const status = await morty.evaluate(async () => (await fetch('/logout', { method: 'POST', redirect: 'manual' })).type);
    expect(status).to.equal('opaqueredirect');
    await eventsOf(morty, 'me', 'pode.close', 1);
    await entriesOf(morty, 'me', 'closed', 1);
    // Summer's stream is untouched, and still gets her events.
    await post(server!.url, '/notify', { user: 'summer', text: 'still here' });
    expect((await eventsOf(summer, 'me', 'note', 2)).map((e) => e.data)).to.deep.equal(['hi summer', 'still here']);
    // Back on the stream route without a session: 401, the browser's EventSource fails.
    await morty.evaluate(() => window.watch('again', '/events/me'));
    const [failed] = await entriesOf(morty, 'again', 'error', 1);
    expect(failed!.readyState).to.equal(2);
  });
});
