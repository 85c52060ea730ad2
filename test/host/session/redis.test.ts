// Sessions over a Redis backplane (host/session/store.ts RedisStore): two servers in one process, each with its own
// backplane connection to one private redis-server; a session made through one is read, extended and removed
// through the other. No sleeps: each step waits for the server's store work (sessions.idle()).
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { AddPodeRoute, EnablePodeSessionMiddleware, RemovePodeSession, WritePodeJsonResponse } from '../../../index.ts';
import type { WebEvent } from '../../../host/http/webevent.ts';
import { serveEmbedded, type EmbeddedScript } from '../../helpers/embedded.ts';
import { PrivateRedis } from '../../helpers/redis-server.ts';

const secret = 'shared-secret';
const prefix = 'sessions-test:';

function script(): void {
  EnablePodeSessionMiddleware({ Duration: 300, Secret: secret });
  AddPodeRoute({
    Method: 'Get',
    Path: '/count',
    ScriptBlock: (e: WebEvent) => {
      const data = e.Session!.Data as { Views?: number };
      data.Views = (data.Views ?? 0) + 1;
      WritePodeJsonResponse({ Value: { views: data.Views, id: e.Session!.Id } });
    },
  });
  AddPodeRoute({ Method: 'Get', Path: '/logout', ScriptBlock: () => RemovePodeSession() });
}

describe('sessions over a Redis backplane', function () {
  this.timeout(20_000);
  let redis: PrivateRedis;
  let admin: Redis;
  let a: EmbeddedScript;
  let b: EmbeddedScript;

  before(async () => {
    redis = await PrivateRedis.start();
    admin = new Redis({ port: redis.port });
    admin.on('error', () => {});
    const url = redis.url(0, `prefix=${encodeURIComponent(prefix)}`);
    a = await serveEmbedded(script, { redis: url });
    b = await serveEmbedded(script, { redis: url });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    admin?.disconnect();
    await redis?.stop();
  });

  const get = (server: EmbeddedScript, path: string, cookie?: string) =>
    fetch(new URL(path, server.url), { headers: cookie ? { cookie: `pode.sid=${cookie}` } : {} });

  it('a session made through one server is read and changed through the other', async () => {
    const first = await get(a, '/count');
    const { id } = await first.json();
    const cookie = /^pode\.sid=([^;]+)/.exec(first.headers.getSetCookie()[0]!)![1]!;
    expect(cookie).to.equal(`s:${id}.${createHmac('sha256', secret).update(id).digest('base64')}`);
    await a.pode.server.sessions.idle();

    // Stored under the backplane's prefix, as Pode's record, with the session's expiry as its TTL.
    const stored = JSON.parse((await admin.get(`${prefix}session:${id}`))!);
    expect(stored).to.deep.include({ Version: 3, Data: { Views: 1 } });
    const ttl = await admin.pttl(`${prefix}session:${id}`);
    expect(ttl).to.be.greaterThan(0).and.at.most(300_000);

    const second = await get(b, '/count', cookie);
    expect(await second.json()).to.deep.equal({ views: 2, id });
    expect(second.headers.getSetCookie()).to.deep.equal([]);
    await b.pode.server.sessions.idle();
    expect(await (await get(a, '/count', cookie)).json()).to.deep.equal({ views: 3, id });
    await a.pode.server.sessions.idle();
    expect(b.pode.server.sessions.expiryOf(id)).to.be.a('number');
  });

  it('Remove-PodeSession through one server ends the session for both', async () => {
    const first = await get(a, '/count');
    const { id } = await first.json();
    const cookie = /^pode\.sid=([^;]+)/.exec(first.headers.getSetCookie()[0]!)![1]!;
    await a.pode.server.sessions.idle();
    const removed = new Promise((done) => b.pode.server.sessions.onEnd((sid, why) => sid === id && done(why)));
    expect((await get(b, '/logout', cookie)).status).to.equal(200);
    expect(await removed).to.equal('removed');
    await b.pode.server.sessions.idle();
    expect(await admin.exists(`${prefix}session:${id}`)).to.equal(0);
    const again = await (await get(a, '/count', cookie)).json();
    expect(again.views).to.equal(1);
    expect(again.id).not.to.equal(id);
  });

  it('a session expires for every instance that knew it: each asks Redis before reporting it', async () => {
    const short = () => {
      EnablePodeSessionMiddleware({ Duration: 1, Secret: secret });
      AddPodeRoute({ Method: 'Get', Path: '/count', ScriptBlock: (e: WebEvent) => WritePodeJsonResponse({ Value: { views: ((e.Session!.Data as { Views?: number }).Views = ((e.Session!.Data as { Views?: number }).Views ?? 0) + 1), id: e.Session!.Id } }) });
    };
    const url = redis.url(0, `prefix=${encodeURIComponent(prefix)}`);
    const c = await serveEmbedded(short, { redis: url });
    const d = await serveEmbedded(short, { redis: url });
    try {
      const first = await get(c, '/count');
      const { id } = await first.json();
      const cookie = /^pode\.sid=([^;]+)/.exec(first.headers.getSetCookie()[0]!)![1]!;
      const endOn = (s: EmbeddedScript) => new Promise((done) => s.pode.server.sessions.onEnd((sid, why) => sid === id && done(why)));
      const ends = [endOn(c), endOn(d)];
      await c.pode.server.sessions.idle();
      expect(await (await get(d, '/count', cookie)).json()).to.deep.equal({ views: 2, id });
      expect(await Promise.all(ends)).to.deep.equal(['expired', 'expired']);
      expect(await admin.exists(`${prefix}session:${id}`)).to.equal(0);
    } finally {
      await c.close();
      await d.close();
    }
  });

  it('with Redis gone, a request carrying a session id fails with a logged 500 instead of waiting for Redis', async () => {
    const first = await get(a, '/count');
    const cookie = /^pode\.sid=([^;]+)/.exec(first.headers.getSetCookie()[0]!)![1]!;
    await a.pode.server.sessions.idle();
    await redis.stop();
    const res = await get(a, '/count', cookie);
    expect(res.status).to.equal(500);
    const line = await a.waitForLine('stderr', /GET \/count/);
    expect(line).to.match(/^ERROR: GET \/count: MaxRetriesPerRequestError: /);
  });
});
