// SSE with identity (issue 13): a stream behind -Authentication is refused before any conversion when the request
// is not authenticated; it knows its user ($WebEvent.Auth in the route, $TriggeredEvent.Auth in Connect and
// Disconnect); and it ends with pode.close when the identity behind it ends: the JWT's exp, the session's removal
// (Remove-PodeSession, a -Logout route) or expiry. Reconnecting afterwards gets 401. Fixture:
// test/fixtures/sse/identity.ts. Timers run on a ManualClock, so nothing here waits for wall-clock time.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../host/timers/clock.ts';
import { CLOSE_FRAME, closeAllClients, openFrame, RawHttp, serveSseEmbedded, type EmbeddedScript } from './helpers.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(payload: Record<string, unknown>, secret = 'jwt-secret', header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('SSE with identity', () => {
  let server: EmbeddedScript;
  let clock: ManualClock;

  before(async () => {
    server = await serveSseEmbedded('identity.ts');
    clock = new ManualClock(new Date());
    server.pode.server.identities.clock = clock;
    server.pode.server.sessions.clock = clock;
  });
  after(() => server.close());
  afterEach(() => closeAllClients());

  const log = async () => (await fetch(new URL('/log', server.url))).json();

  describe('Bearer JWT', () => {
    it('no token: 401 with the Bearer challenge, no connection and no Connect event', async () => {
      const before = (await log()).length;
      const res = await fetch(new URL('/events/jwt', server.url), { headers: { Accept: 'text/event-stream' } });
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.equal('Bearer realm="User", error="invalid_request", error_description="No Authorization header found"');
      expect(res.headers.get('content-type')).to.not.match(/event-stream/);
      expect((await log()).length).to.equal(before);
      expect(server.pode.server.sse.clientIds('jwt')).to.deep.equal([]);
    });

    it('a valid token: 200 and pode.open, its user in Connect; the stream ends with pode.close at exp; reconnecting then is 401', async () => {
      const exp = nowSeconds() + 3600;
      const token = jwt({ sub: 'morty', exp });
      const conn = await RawHttp.sse(server, '/events/jwt', { Authorization: `Bearer ${token}` });
      expect(conn.status).to.equal(200);
      await conn.until(openFrame(conn.clientId, 'morty', 'jwt'));
      expect(await log()).to.deep.include({ type: 'jwt Connect', user: 'morty', auth: 'Jwt' });
      // One second before exp, still open; at exp, pode.close and the end of the response.
      clock.advance(exp * 1000 - clock.now().getTime() - 1000);
      expect(conn.body()).to.not.include(CLOSE_FRAME);
      clock.advance(1000);
      expect(await conn.ended()).to.include(CLOSE_FRAME);
      await waitFor(async () => (await log()).some((e: { type: string }) => e.type === 'jwt Disconnect'));
      expect(await log()).to.deep.include({ type: 'jwt Disconnect', user: 'morty', auth: 'Jwt' });
      // The same token, now past its exp on the server's clock.
      const again = await fetch(new URL('/events/jwt', server.url), { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } });
      expect(again.status).to.equal(401);
      expect(again.headers.get('www-authenticate')).to.equal('Bearer realm="User", error="invalid_token", error_description="The JWT has expired."');
    });

    it('an expired token, alg none, a wrong key, a tampered payload, a claimed algorithm it was not signed with: 401 with the reason, nothing logged at ERROR', async () => {
      const errorsBefore = server.stderr.filter((l) => l.startsWith('ERROR')).length;
      // Far past the test clock's time, so only what each case breaks can fail it.
      const far = Math.floor(clock.now().getTime() / 1000) + 30 * 86400;
      const good = jwt({ sub: 'morty', exp: far });
      const [h, p, s] = good.split('.');
      const cases: [string, string, number, string][] = [
        ['expired', jwt({ sub: 'morty', exp: Math.floor(clock.now().getTime() / 1000) - 10 }), 401, 'The JWT has expired.'],
        ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`, 401, 'Expected no JWT signature to be supplied.'],
        ['wrong key', jwt({ sub: 'morty', exp: far }, 'not-the-secret'), 401, 'Invalid JWT signature supplied.'],
        ['tampered', `${h}.${b64({ sub: 'rick', exp: far })}.${s}`, 401, 'Invalid JWT signature supplied.'],
        ['HS512 claimed, HS256 signed', `${b64({ alg: 'HS512', typ: 'JWT' })}.${p}.${s}`, 401, 'Invalid JWT signature supplied.'],
        ['RS256 claimed with the secret', `${b64({ alg: 'RS256', typ: 'JWT' })}.${p}.${s}`, 401, 'The JWT algorithm RS256 is not accepted here: expected HS256, HS384, HS512.'],
        ['not a JWT', 'abc.def', 401, 'Invalid JWT supplied.'],
      ];
      for (const [what, token, status, reason] of cases) {
        const res = await fetch(new URL('/events/jwt', server.url), { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } });
        expect([res.status, res.headers.get('www-authenticate')], what).to.deep.equal([status, `Bearer realm="User", error="invalid_token", error_description="${reason}"`]);
      }
      // Past 8 KiB, the Authorization header is refused before it is read.
      const oversized = await fetch(new URL('/events/jwt', server.url), { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${jwt({ sub: 'morty', pad: 'x'.repeat(9000) })}` } });
      expect(oversized.status).to.equal(400);
      expect(server.stderr.filter((l) => l.startsWith('ERROR')).length).to.equal(errorsBefore);
      expect(server.pode.server.sse.clientIds('jwt')).to.deep.equal([]);
      // The good token still passes.
      const ok = await RawHttp.sse(server, '/events/jwt', { Authorization: `Bearer ${good}` });
      expect(ok.status).to.equal(200);
    });
  });

  describe('sessions', () => {
    /** Logs in with the form; the session cookie it gets back. */
    async function login(user: string, pass: string, held?: string): Promise<{ status: number; location: string | null; cookie: string | undefined }> {
      const res = await fetch(new URL('/login', server.url), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(held && { Cookie: held }) },
        body: `username=${user}&password=${pass}`,
      });
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pode.sid='))?.split(';')[0];
      return { status: res.status, location: res.headers.get('location'), cookie };
    }

    it('a form login redirects to -SuccessUrl with a new session id (the one held before is worthless); a wrong password to -FailureUrl', async () => {
      const anon = await fetch(new URL('/login', server.url));
      const planted = anon.headers.getSetCookie().find((c) => c.startsWith('pode.sid='))!.split(';')[0]!;
      expect(anon.status).to.equal(200);
      const ok = await login('morty', 'pickle', planted);
      expect([ok.status, ok.location]).to.deep.equal([302, '/']);
      expect(ok.cookie).to.match(/^pode\.sid=s:/);
      expect(ok.cookie, 'a new session id on login').to.not.equal(planted);
      expect((await fetch(new URL('/', server.url), { redirect: 'manual', headers: { Cookie: planted } })).status, 'the id held before the login').to.equal(401);
      // A tampered cookie is no session at all: a new one, not an error.
      const tampered = ok.cookie!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      expect((await fetch(new URL('/', server.url), { redirect: 'manual', headers: { Cookie: tampered } })).status).to.equal(401);
      const me = await (await fetch(new URL('/', server.url), { headers: { Cookie: ok.cookie! } })).json();
      expect(me.user).to.deep.equal({ Name: 'morty' });
      const bad = await login('morty', 'wrong');
      expect([bad.status, bad.location]).to.deep.equal([302, '/login']);
    });

    it("a session's stream gets only its user's events; Remove-PodeSession ends it with pode.close; then 401", async () => {
      const morty = (await login('morty', 'pickle')).cookie!;
      const summer = (await login('summer', 'phone')).cookie!;
      const a = await RawHttp.sse(server, '/events/me', { Cookie: morty });
      const b = await RawHttp.sse(server, '/events/me', { Cookie: summer });
      await a.until(openFrame(a.clientId, 'morty', 'users'));
      await b.until(openFrame(b.clientId, 'summer', 'users'));
      await fetch(new URL('/notify', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'morty', text: 'for morty' }) });
      await fetch(new URL('/notify', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'summer', text: 'for summer' }) });
      await a.until('data: for morty');
      await b.until('data: for summer');
      expect(a.body()).to.not.include('for summer');
      expect(b.body()).to.not.include('for morty');

      const removed = await fetch(new URL('/remove-session', server.url), { method: 'POST', headers: { Cookie: morty } });
      expect(removed.status).to.equal(200);
      expect(await a.ended()).to.include(CLOSE_FRAME);
      expect(b.closed).to.equal(false);
      const again = await fetch(new URL('/events/me', server.url), { headers: { Accept: 'text/event-stream', Cookie: morty } });
      expect(again.status).to.equal(401);
    });

    it('a -Logout route ends that session\'s streams', async () => {
      const morty = (await login('morty', 'pickle')).cookie!;
      const a = await RawHttp.sse(server, '/events/me', { Cookie: morty });
      await a.until(openFrame(a.clientId, 'morty', 'users'));
      const out = await fetch(new URL('/logout', server.url), { method: 'POST', redirect: 'manual', headers: { Cookie: morty } });
      expect([out.status, out.headers.get('location')]).to.deep.equal([302, '/login']);
      expect(await a.ended()).to.include(CLOSE_FRAME);
      expect((await fetch(new URL('/', server.url), { redirect: 'manual', headers: { Cookie: morty } })).status).to.equal(401);
    });

    it("the session's expiry ends its stream (the session engine's schedule, on the test's clock)", async () => {
      const morty = (await login('morty', 'pickle')).cookie!;
      const a = await RawHttp.sse(server, '/events/me', { Cookie: morty });
      await a.until(openFrame(a.clientId, 'morty', 'users'));
      clock.advance(119_000);
      expect(a.body()).to.not.include(CLOSE_FRAME);
      clock.advance(2_000);
      expect(await a.ended()).to.include(CLOSE_FRAME);
      expect((await fetch(new URL('/events/me', server.url), { headers: { Accept: 'text/event-stream', Cookie: morty } })).status).to.equal(401);
    });
  });
});

async function waitFor(test: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await test()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not met');
}

describe('SSE with identity: -Extend sessions', () => {
  let server: EmbeddedScript;
  let clock: ManualClock;
  before(async () => {
    server = await serveSseEmbedded('identity.ts', { env: { SESSION_EXTEND: '1', SESSION_SECONDS: '60' } });
    clock = new ManualClock(new Date());
    server.pode.server.identities.clock = clock;
    server.pode.server.sessions.clock = clock;
  });
  after(() => server.close());
  afterEach(() => closeAllClients());

  it("activity on the session keeps its stream past the first expiry; without it the stream ends", async () => {
    const res = await fetch(new URL('/login', server.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=morty&password=pickle',
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pode.sid='))!.split(';')[0]!;
    const stream = await RawHttp.sse(server, '/events/me', { Cookie: cookie });
    await stream.until(openFrame(stream.clientId, 'morty', 'users'));
    // Every 40 s a request on the session: each moves its 60 s expiry, so 3 minutes pass with the stream open.
    for (let i = 0; i < 4; i++) {
      clock.advance(40_000);
      const me = await fetch(new URL('/', server.url), { headers: { Cookie: cookie } });
      expect(me.status, `request ${i}`).to.equal(200);
      await server.pode.server.sessions.idle();
    }
    expect(stream.closed).to.equal(false);
    expect(stream.body()).to.not.include(CLOSE_FRAME);
    clock.advance(61_000);
    expect(await stream.ended()).to.include(CLOSE_FRAME);
    // The stream's own end-of-request save (an -Extend session always saves) must not bring the session back.
    await server.pode.server.sessions.idle();
    expect((await fetch(new URL('/', server.url), { redirect: 'manual', headers: { Cookie: cookie } })).status).to.equal(401);
  });
});
