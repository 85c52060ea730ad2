// The notifications example, served as a user would (`podets serve examples/notifications/server.ts`, here with
// --port 0): the login page, the form login against users.json (Add-PodeAuthUserFile), the Session method guarding
// the page, the stream and the API, per-user streams (a Group per username), POST /api/notify reaching one user
// only, Connect/Disconnect logged with the user, and logout ending that user's stream with pode.close. Then the same
// in headless Chromium (skipped, saying why, without Chromium outside CI): two users' pages, a note sent from one
// page's form shown on the other's, and a logout in another tab showing the session's end on the first page.
import { resolve } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium } from '../browser/helpers.ts';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { CLOSE_FRAME, closeAllClients, frame, openFrame, RawHttp } from '../sse/helpers.ts';

const STREAM = 'notifications';

describe('examples/notifications', () => {
  let server: ServedScript;
  const url = (path: string) => new URL(path, server.url);

  before(async () => {
    server = await start(resolve(repoRoot, 'examples/notifications/server.ts'));
  });
  afterEach(() => closeAllClients());
  after(async () => {
    // Shutdown: an open stream gets pode.close, then the server exits 0.
    const bob = await login('bob', 'builder');
    const s = await openStream(bob.cookie!);
    await s.until(openFrame(s.clientId, 'bob', STREAM));
    const stopped = server.stop();
    expect(await s.ended()).to.match(/event: pode\.close\ndata: \n\n$/);
    expect(await stopped).to.equal(0);
  });

  /** Posts the login form (as the page's <form> does); the pode.sid cookie the answer sets, if any. */
  async function login(username: string, password: string) {
    const res = await fetch(url('/login'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pode.sid='))?.split(';')[0];
    return { status: res.status, location: res.headers.get('location'), cookie };
  }
  const openStream = (cookie?: string) => RawHttp.sse(server, '/events', cookie ? { Cookie: cookie } : {});
  const notify = (cookie: string | undefined, body: unknown) =>
    fetch(url('/api/notify'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...(cookie && { Cookie: cookie }) },
      body: JSON.stringify(body),
    });
  const noteFrame = (note: unknown) => frame({ event: 'note', data: JSON.stringify(note) });
  /** Two logged-in users, each with their stream open (pode.open seen, Connect logged). */
  async function aliceAndBob() {
    const [a, b] = await Promise.all([login('alice', 'wonderland'), login('bob', 'builder')]);
    const [alice, bob] = await Promise.all([openStream(a.cookie), openStream(b.cookie)]);
    await alice.until(openFrame(alice.clientId, 'alice', STREAM));
    await bob.until(openFrame(bob.clientId, 'bob', STREAM));
    return { aliceCookie: a.cookie!, bobCookie: b.cookie!, alice, bob };
  }

  it('serves a login page: a real form posting username and password to /login', async () => {
    const res = await fetch(url('/login'));
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).to.include('<form method="post" action="/login">');
    expect(html).to.match(/<input id="username" name="username"[^>]*>/);
    expect(html).to.match(/<input id="password" name="password" type="password"[^>]*>/);
    expect(html).to.not.match(/\b(src|href)="(https?:)?\/\//); // nothing from another origin or a CDN
  });

  it('without a session, the page, the stream and the API redirect to /login', async () => {
    const page = await fetch(url('/'), { redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).to.deep.equal([302, '/login']);
    const stream = await openStream();
    await stream.ended();
    expect([stream.status, stream.headers.location, stream.headers['content-type']]).to.deep.equal([302, '/login', 'text/plain; charset=utf-8']);
    expect(stream.headers['x-pode-sse-client-id']).to.equal(undefined);
    const api = await notify(undefined, { to: 'bob', text: 'anonymous' });
    expect([api.status, api.headers.get('location')]).to.deep.equal([302, '/login']);
    const me = await fetch(url('/api/me'), { redirect: 'manual' });
    expect([me.status, me.headers.get('location')]).to.deep.equal([302, '/login']);
  });

  it('a wrong password or an unknown user goes back to /login, with no logged-in session', async () => {
    for (const [username, password] of [['alice', 'builder'], ['alice', ''], ['carol', 'wonderland']] as const) {
      const bad = await login(username, password);
      expect([bad.status, bad.location], `${username}/${password}`).to.deep.equal([302, '/login']);
      const page = await fetch(url('/'), { redirect: 'manual', headers: bad.cookie ? { Cookie: bad.cookie } : {} });
      expect([page.status, page.headers.get('location')], `${username}/${password}`).to.deep.equal([302, '/login']);
    }
  });

  it('a login redirects to / with a session cookie; the page and /api/me then answer for that user', async () => {
    const ok = await login('alice', 'wonderland');
    expect([ok.status, ok.location]).to.deep.equal([302, '/']);
    expect(ok.cookie).to.match(/^pode\.sid=s:[0-9a-f-]{36}\.[A-Za-z0-9+/]{43}=$/);
    const page = await fetch(url('/'), { headers: { Cookie: ok.cookie! } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).to.include("new EventSource('/events')");
    expect(html).to.include("addEventListener('pode.close'");
    expect(html).to.include('<form method="post" action="/logout">');
    expect(html).to.not.match(/\b(src|href)="(https?:)?\/\//);
    expect(await (await fetch(url('/api/me'), { headers: { Cookie: ok.cookie! } })).json()).to.deep.equal({ name: 'Alice Liddell', username: 'alice' });
    // Usernames compare case-insensitively (Pode's user file); the user is the file's.
    const upper = await login('BOB', 'builder');
    expect([upper.status, upper.location]).to.deep.equal([302, '/']);
    expect(await (await fetch(url('/api/me'), { headers: { Cookie: upper.cookie! } })).json()).to.deep.equal({ name: 'Bob Builder', username: 'bob' });
    // The login page, for a logged-in session, sends it on to /.
    const again = await fetch(url('/login'), { redirect: 'manual', headers: { Cookie: ok.cookie! } });
    expect([again.status, again.headers.get('location')]).to.deep.equal([302, '/']);
  });

  it("each user's stream is in their own group, and Connect/Disconnect are logged with the user", async () => {
    const { alice, bob } = await aliceAndBob();
    for (const s of [alice, bob]) {
      expect(s.status).to.equal(200);
      expect(s.headers['content-type']).to.equal('text/event-stream');
      expect(s.headers['x-pode-sse-name']).to.equal(STREAM);
      expect(s.clientId).to.match(/^[0-9a-f-]{36}$/);
    }
    expect(alice.body()).to.equal(openFrame(alice.clientId, 'alice', STREAM));
    expect(bob.body()).to.equal(openFrame(bob.clientId, 'bob', STREAM));
    await server.waitForLine('stdout', new RegExp(`^notifications: alice connected \\(${alice.clientId}\\)$`));
    await server.waitForLine('stdout', new RegExp(`^notifications: bob connected \\(${bob.clientId}\\)$`));
    alice.close();
    await server.waitForLine('stdout', new RegExp(`^notifications: alice disconnected \\(${alice.clientId}\\)$`));
  });

  it("POST /api/notify reaches the recipient's stream only, as a note event", async () => {
    const { aliceCookie, bobCookie, alice, bob } = await aliceAndBob();
    const toBob = await notify(aliceCookie, { to: 'bob', text: 'hi <b>bob</b>\nsecond line' });
    expect(toBob.status).to.equal(202);
    const sentToBob = await toBob.json();
    expect(sentToBob.connections).to.equal(1);
    expect(sentToBob.sent).to.deep.include({ from: 'alice', to: 'bob', text: 'hi <b>bob</b>\nsecond line' });
    expect(new Date(sentToBob.sent.time).toISOString()).to.equal(sentToBob.sent.time);
    // The exact bytes: JSON keeps the newline escaped, so one data line.
    expect(noteFrame(sentToBob.sent)).to.equal(`event: note\ndata: ${JSON.stringify(sentToBob.sent)}\n\n`);
    await bob.until(noteFrame(sentToBob.sent));
    expect(bob.body()).to.equal(openFrame(bob.clientId, 'bob', STREAM) + noteFrame(sentToBob.sent));

    // Sent after bob's note: once alice's own note is on her stream, bob's would have come before it on the same
    // connection had it been sent to her.
    const toAlice = await notify(bobCookie, { to: 'ALICE', text: 'hello alice' });
    expect(toAlice.status).to.equal(202);
    const sentToAlice = (await toAlice.json()).sent;
    expect(sentToAlice).to.deep.include({ from: 'bob', to: 'ALICE', text: 'hello alice' }); // groups compare case-insensitively
    await alice.until(noteFrame(sentToAlice));
    expect(alice.body()).to.equal(openFrame(alice.clientId, 'alice', STREAM) + noteFrame(sentToAlice));
    expect(bob.body()).to.not.include('hello alice');

    // Nobody of that name is connected: sent, to no stream.
    const nobody = await notify(aliceCookie, { to: 'carol', text: 'anyone?' });
    expect(nobody.status).to.equal(202);
    expect((await nobody.json()).connections).to.equal(0);
  });

  it('POST /api/notify refuses a missing or oversized recipient or text (400)', async () => {
    const { cookie } = await login('alice', 'wonderland');
    const cases: [unknown, string][] = [
      [{ text: 'no recipient' }, 'A recipient (to) of 1 to 64 characters is required'],
      [{ to: '  ', text: 'blank recipient' }, 'A recipient (to) of 1 to 64 characters is required'],
      [{ to: 'x'.repeat(65), text: 'long recipient' }, 'A recipient (to) of 1 to 64 characters is required'],
      [{ to: ['bob'], text: 'array recipient' }, 'A recipient (to) of 1 to 64 characters is required'],
      [{ to: 'bob' }, 'A text of 1 to 500 characters is required'],
      [{ to: 'bob', text: 42 }, 'A text of 1 to 500 characters is required'],
      [{ to: 'bob', text: 'x'.repeat(501) }, 'A text of 1 to 500 characters is required'],
    ];
    for (const [body, error] of cases) {
      const res = await notify(cookie, body);
      expect([res.status, await res.json()], JSON.stringify(body).slice(0, 60)).to.deep.equal([400, { error }]);
    }
    expect(server.stderr.filter((l) => /ERROR/.test(l))).to.deep.equal([]);
  });

  it("logout ends that user's stream with pode.close; the other user's stays open", async () => {
    const { aliceCookie, alice, bob } = await aliceAndBob();
    const out = await fetch(url('/logout'), { method: 'POST', redirect: 'manual', headers: { Cookie: aliceCookie } });
    expect([out.status, out.headers.get('location')]).to.deep.equal([302, '/login']);
    expect(out.headers.getSetCookie().find((c) => c.startsWith('pode.sid='))).to.match(/^pode\.sid=[^;]*; Discard; Path=\/; Expires=/);
    expect(await alice.ended()).to.equal(openFrame(alice.clientId, 'alice', STREAM) + CLOSE_FRAME);
    expect(alice.body().endsWith('event: pode.close\ndata: \n\n')).to.equal(true);
    await server.waitForLine('stdout', new RegExp(`^notifications: alice disconnected \\(${alice.clientId}\\)$`));
    // Bob's stream is untouched and still gets his notes.
    expect(bob.closed).to.equal(false);
    const { cookie: other } = await login('alice', 'wonderland');
    const res = await notify(other, { to: 'bob', text: 'still there?' });
    await bob.until(noteFrame((await res.json()).sent));
    expect(bob.body()).to.not.include('pode.close');
  });

  it('after a logout with no stream open, the old cookie is refused: the page, the stream and the API redirect to /login', async () => {
    const { cookie } = await login('alice', 'wonderland');
    const out = await fetch(url('/logout'), { method: 'POST', redirect: 'manual', headers: { Cookie: cookie! } });
    expect(out.status).to.equal(302);
    await expectRefused(cookie!);
  });

  // With -Extend the stream's own end-of-request save runs when the logout's pode.close ends it: the session engine
  // must not write the removed session back (host/session/engine.ts hasEnded).
  it('after a logout that ended a stream, the old cookie is refused (302 to /login)', async () => {
    const { aliceCookie, alice } = await aliceAndBob();
    const out = await fetch(url('/logout'), { method: 'POST', redirect: 'manual', headers: { Cookie: aliceCookie } });
    expect(out.status).to.equal(302);
    await alice.ended();
    await server.waitForLine('stdout', new RegExp(`^notifications: alice disconnected \\(${alice.clientId}\\)$`));
    await expectRefused(aliceCookie);
  });

  async function expectRefused(cookie: string): Promise<void> {
    const page = await fetch(url('/'), { redirect: 'manual', headers: { Cookie: cookie } });
    expect([page.status, page.headers.get('location')], 'GET /').to.deep.equal([302, '/login']);
    const stream = await openStream(cookie);
    await stream.ended();
    expect([stream.status, stream.headers.location], 'GET /events').to.deep.equal([302, '/login']);
    const api = await notify(cookie, { to: 'bob', text: 'after logout' });
    expect([api.status, api.headers.get('location')], 'POST /api/notify').to.deep.equal([302, '/login']);
  }
});

describe('examples/notifications in Chromium', function () {
  this.timeout(30000);
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  const pages: Page[] = [];
  const errors: string[] = [];

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), start(resolve(repoRoot, 'examples/notifications/server.ts'))]);
  });
  after(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  /** A page in a browser context of its own, logged in through the login form, on the notifications page. */
  async function loggedIn(username: string, password: string): Promise<Page> {
    const context = await browser!.newContext();
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    pages.push(page);
    await page.goto(new URL('/', server!.url).toString());
    expect(page.url()).to.equal(new URL('/login', server!.url).toString()); // no session: sent to the login page
    await page.fill('#username', username);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(new URL('/', server!.url).toString()), page.click('#login')]);
    await page.waitForFunction((u) => document.getElementById('status')?.textContent === `open (group ${u})`, username);
    return page;
  }

  it("a note sent from one user's page shows on the other's; a logout in another tab ends the first page's stream", async () => {
    const alice = await loggedIn('alice', 'wonderland');
    const bob = await loggedIn('bob', 'builder');
    expect(await alice.locator('#me').textContent()).to.equal('Alice Liddell (alice)');

    await alice.fill('#to', 'bob');
    await alice.fill('#text', 'tea at four');
    await alice.click('#send-button');
    await bob.waitForFunction(() => document.querySelectorAll('#notes li').length === 1);
    expect(await bob.locator('#notes li .from').textContent()).to.equal('alice');
    expect(await bob.locator('#notes li').textContent()).to.match(/^alice: tea at four \S/);
    expect(await alice.locator('#send-result').textContent()).to.equal('sent to bob');
    expect(await alice.locator('#notes li').count()).to.equal(0);

    // A note's text is shown as text, never as markup.
    await bob.fill('#to', 'alice');
    await bob.fill('#text', '<img src=x onerror="window.pwned=1">');
    await bob.click('#send-button');
    await alice.waitForFunction(() => document.querySelectorAll('#notes li').length === 1);
    expect(await alice.locator('#notes li').textContent()).to.include('<img src=x onerror="window.pwned=1">');
    expect(await alice.locator('#notes img').count()).to.equal(0);

    // Alice logs out in a second tab (same browser context, same session cookie).
    const tab = await alice.context().newPage();
    await tab.goto(new URL('/', server!.url).toString());
    await Promise.all([tab.waitForURL(new URL('/login', server!.url).toString()), tab.click('#logout')]);
    // The first tab's stream got pode.close: the page says so and stops.
    await alice.waitForFunction(() => document.getElementById('status')?.textContent === 'closed by the server');
    expect(await alice.locator('#ended').isVisible()).to.equal(true);
    expect(await alice.locator('#send-button').isDisabled()).to.equal(true);
    // Bob's page is still connected.
    expect(await bob.locator('#status').textContent()).to.equal('open (group bob)');
    expect(await bob.locator('#ended').isVisible()).to.equal(false);
    expect(errors).to.deep.equal([]);
  });
});
