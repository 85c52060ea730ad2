// A login on one instance holds on every instance sharing the Redis backplane (issue 13): two servers in one
// process, each with its own backplane connection to one private redis-server, serving the same script
// (test/fixtures/sse/identity.ts). The user a form login stored in the session on A is the user of that session's
// requests and streams on B, and a logout on A ends the session's streams on B at once.
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../../helpers/embedded.ts';
import { PrivateRedis } from '../../helpers/redis-server.ts';
import { CLOSE_FRAME, closeAllClients, openFrame, RawHttp, sseFixture } from '../../sse/helpers.ts';

describe('authentication: sessions across instances sharing Redis', function () {
  this.timeout(20_000);
  let redis: PrivateRedis;
  let a: EmbeddedScript;
  let b: EmbeddedScript;

  before(async () => {
    redis = await PrivateRedis.start();
    const url = redis.url(0, 'prefix=auth-test:');
    a = await serveEmbedded(sseFixture('identity.ts'), { redis: url });
    b = await serveEmbedded(sseFixture('identity.ts'), { redis: url });
  });
  after(async () => {
    closeAllClients();
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('a login on A is the session user on B: its requests and its stream, and its events reach it through the backplane', async () => {
    const res = await fetch(new URL('/login', a.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=summer&password=phone',
    });
    expect(res.status).to.equal(302);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pode.sid='))!.split(';')[0]!;
    await a.pode.server.sessions.idle();
    const me = await (await fetch(new URL('/', b.url), { headers: { Cookie: cookie } })).json();
    expect(me.user).to.deep.equal({ Name: 'summer' });
    expect((await fetch(new URL('/', b.url))).status, 'no session on B: 401').to.equal(401);

    const stream = await RawHttp.sse(b, '/events/me', { Cookie: cookie });
    await stream.until(openFrame(stream.clientId, 'summer', 'users'));
    await fetch(new URL('/notify', a.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'summer', text: 'sent on A' }) });
    await stream.until('data: sent on A');

    // A logout on A ends the session's stream on B now (the removal is published), not at the session's expiry.
    const out = await fetch(new URL('/logout', a.url), { method: 'POST', redirect: 'manual', headers: { Cookie: cookie } });
    expect([out.status, out.headers.get('location')]).to.deep.equal([302, '/login']);
    expect(await stream.ended()).to.include(CLOSE_FRAME);
    await a.pode.server.sessions.idle();
    expect((await fetch(new URL('/', b.url), { headers: { Cookie: cookie } })).status, 'the session is gone on B too').to.equal(401);
  });
});
