// Pode's session cmdlets end to end (src/Public/Sessions.ps1 and src/Private/Sessions.ps1 @950ca1efefb48b20c36fd0c3c8eeb676d85d74b7
// and @37e94e6e89e2201fbff8e101bf7b809e093f1f9b): a real server (serveEmbedded), real HTTP, the cookie or header
// round trip, expiry on a ManualClock (no sleeps), removal and saving, and the refusals in Pode's words.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import {
  AddPodeRoute,
  ConvertToPodeSseConnection,
  EnablePodeSessionMiddleware,
  GetPodeSessionDuration,
  GetPodeSessionExpiry,
  GetPodeSessionId,
  GetPodeSessionInfo,
  GetPodeSessionTabId,
  RemovePodeSession,
  ResetPodeSessionExpiry,
  SavePodeSession,
  TestPodeSessionScopeIsBrowser,
  TestPodeSessionsEnabled,
  WritePodeJsonResponse,
} from '../../index.ts';
import type { WebEvent } from '../../host/http/webevent.ts';
import { ManualClock } from '../../host/timers/clock.ts';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';

const secret = 'sessions-s3cret';
const sign = (value: string, key = secret) => `s:${value}.${createHmac('sha256', key).update(value).digest('base64')}`;
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The `pode.sid=<value>` part of a Set-Cookie line, and the line. */
function sessionCookie(res: Response, name = 'pode.sid'): { value: string; line: string } | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (line === undefined) return undefined;
  return { value: line.slice(name.length + 1).split(';')[0]!, line };
}

/** The id inside a signed value, after checking the signature is Pode's HMAC-SHA256 of it. */
function idOf(signed: string): string {
  const id = signed.slice(2, signed.lastIndexOf('.'));
  expect(signed).to.equal(sign(id));
  return id;
}

function counter(): void {
  AddPodeRoute({
    Method: 'Get',
    Path: '/count',
    ScriptBlock: (e: WebEvent) => {
      const data = e.Session!.Data as { Views?: number };
      data.Views = (data.Views ?? 0) + 1;
      WritePodeJsonResponse({ Value: { views: data.Views, id: e.Session!.Id } });
    },
  });
  AddPodeRoute({ Method: 'Get', Path: '/peek', ScriptBlock: (e: WebEvent) => WritePodeJsonResponse({ Value: { views: (e.Session!.Data as { Views?: number }).Views ?? 0, id: e.Session!.Id } }) });
  AddPodeRoute({
    Method: 'Get',
    Path: '/logout',
    ScriptBlock: async (e: WebEvent) => {
      await RemovePodeSession();
      WritePodeJsonResponse({ Value: { session: e.Session ?? null } });
    },
  });
}

describe('Sessions cmdlets', () => {
  describe('cookies (Enable-PodeSessionMiddleware -Duration 120 -Secret)', () => {
    let server: EmbeddedScript;
    let clock: ManualClock;
    const ends: [string, string][] = [];
    const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
      fetch(new URL(path, server.url), { headers: { ...headers, ...(cookie !== undefined && { cookie: `pode.sid=${cookie}` }) } });

    before(async () => {
      server = await serveEmbedded(() => {
        EnablePodeSessionMiddleware({ Duration: 120, Secret: secret, HttpOnly: true });
        counter();
        AddPodeRoute({
          Method: 'Get',
          Path: '/info',
          ScriptBlock: () =>
            WritePodeJsonResponse({
              Value: {
                enabled: TestPodeSessionsEnabled(),
                browser: TestPodeSessionScopeIsBrowser(),
                duration: GetPodeSessionDuration(),
                info: GetPodeSessionInfo(),
                tab: GetPodeSessionTabId(),
                expiry: GetPodeSessionExpiry().toISOString(),
                id: GetPodeSessionId(),
                forced: GetPodeSessionId({ Force: true }),
                signed: GetPodeSessionId({ Force: true, Signed: true }),
              },
            }),
        });
      });
      clock = new ManualClock(START);
      server.pode.server.sessions.clock = clock;
      server.pode.server.sessions.onEnd((id, why) => ends.push([id, why]));
    });
    after(() => server.close());

    it('gives a new session a signed cookie (Path=/, Expires = its TimeStamp + Duration, HttpOnly), and reads it back', async () => {
      const first = await get('/count');
      const body = await first.json();
      expect(body.views).to.equal(1);
      const cookie = sessionCookie(first)!;
      expect(idOf(cookie.value)).to.equal(body.id);
      expect(body.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(cookie.line).to.equal(`pode.sid=${cookie.value}; HttpOnly; Path=/; Expires=${new Date(START + 120_000).toUTCString()}`);

      // The same session: its data, and no new cookie (not new, not -Extend).
      const second = await get('/count', cookie.value);
      expect(await second.json()).to.deep.equal({ views: 2, id: body.id });
      expect(sessionCookie(second)).to.equal(undefined);
      expect(server.pode.server.sessions.expiryOf(body.id)).to.equal(START + 120_000);
    });

    it('the session cmdlets read the settings and the current session', async () => {
      const res = await get('/info');
      const body = await res.json();
      expect(body).to.deep.equal({
        enabled: true,
        browser: true,
        duration: 120,
        info: { Duration: 120, Extend: false, Secure: false, Strict: false, HttpOnly: true, UseHeaders: false, Scope: { Type: 'browser', IsBrowser: true } },
        tab: null,
        expiry: new Date(START + 120_000).toISOString(),
        id: null, // not authenticated
        forced: idOf(sessionCookie(res)!.value),
        signed: sessionCookie(res)!.value,
      });
    });

    it('a tampered, foreign or unsigned cookie is a new session, and nothing is logged', async () => {
      const first = await get('/count');
      const { id } = await first.json();
      const tampered = sign(id).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      const forged = sign(id, 'another-secret');
      for (const value of [tampered, forged, id, 's:', '%zz', 'x'.repeat(5000)]) {
        const res = await get('/count', value);
        expect(res.status).to.equal(200);
        const body = await res.json();
        expect(body.views, value.slice(0, 40)).to.equal(1);
        expect(body.id).not.to.equal(id);
      }
      expect(server.stderr).to.deep.equal([]);
    });

    it('without -Extend a session ends at TimeStamp + Duration: onEnd hears "expired", its cookie then gets a new session', async () => {
      const res = await get('/count');
      const { id } = await res.json();
      const value = sessionCookie(res)!.value;
      clock.advance(60_000);
      // A request half way does not move the expiry.
      expect((await (await get('/count', value)).json()).views).to.equal(2);
      expect(server.pode.server.sessions.expiryOf(id)).to.equal(START + 120_000);
      expect(ends.filter(([i]) => i === id)).to.deep.equal([]);
      clock.advance(60_001);
      expect(ends.filter(([i]) => i === id)).to.deep.equal([[id, 'expired']]);
      expect(server.pode.server.sessions.expiryOf(id)).to.equal(undefined);
      const after = await (await get('/count', value)).json();
      expect(after.views).to.equal(1);
      expect(after.id).not.to.equal(id);
    });

    it('Remove-PodeSession expires the cookie, deletes the session and sets $WebEvent.Session to $null; onEnd hears "removed"', async () => {
      const res = await get('/count');
      const { id } = await res.json();
      const value = sessionCookie(res)!.value;
      const out = await get('/logout', value);
      expect(await out.json()).to.deep.equal({ session: null });
      const now = clock.now().getTime();
      expect(sessionCookie(out)!.line).to.equal(`pode.sid=${value}; Discard; Path=/; Expires=${new Date(now - 2 * 86_400_000).toUTCString()}`);
      expect(ends.filter(([i]) => i === id)).to.deep.equal([[id, 'removed']]);
      const again = await (await get('/count', value)).json();
      expect(again.views).to.equal(1);
      expect(again.id).not.to.equal(id);
    });

    it('a new session whose data stays empty is not stored (Pode saves only changed data)', async () => {
      const res = await get('/peek');
      const { id } = await res.json();
      const value = sessionCookie(res)!.value;
      expect(server.pode.server.sessions.expiryOf(id)).to.equal(undefined);
      const next = await (await get('/peek', value)).json();
      expect(next.id).not.to.equal(id);
    });
  });

  describe('-Extend, headers, Save-PodeSession and Reset-PodeSessionExpiry', () => {
    let server: EmbeddedScript;
    let clock: ManualClock;
    const ends: [string, string][] = [];
    const extended: [string, number][] = [];

    before(async () => {
      server = await serveEmbedded(() => {
        EnablePodeSessionMiddleware({ Duration: 60, Secret: secret, Extend: true, UseHeaders: true, Name: 'X-Session' });
        counter();
      });
      clock = new ManualClock(START);
      server.pode.server.sessions.clock = clock;
      server.pode.server.sessions.onEnd((id, why) => ends.push([id, why]));
      server.pode.server.sessions.onExtend((id, at) => extended.push([id, at]));
    });
    after(() => server.close());

    const get = (path: string, signed?: string) => fetch(new URL(path, server.url), { headers: signed ? { 'X-Session': signed } : {} });

    it('-UseHeaders: the signed id comes as a response header and goes back as a request header; -Extend moves the expiry', async () => {
      const first = await get('/count');
      const { id } = await first.json();
      const signed = first.headers.get('x-session')!;
      expect(idOf(signed)).to.equal(id);
      expect(first.headers.getSetCookie()).to.deep.equal([]);
      expect(server.pode.server.sessions.expiryOf(id)).to.equal(START + 60_000);

      clock.advance(45_000);
      const second = await get('/count', signed);
      expect((await second.json()).views).to.equal(2);
      // -Extend: the header again on every request, and the expiry from now.
      expect(second.headers.get('x-session')).to.equal(signed);
      expect(server.pode.server.sessions.expiryOf(id)).to.equal(START + 105_000);
      expect(extended.filter(([i]) => i === id).map(([, at]) => at)).to.deep.equal([START + 60_000, START + 105_000]);

      clock.advance(45_000); // past the first expiry, not the moved one
      expect(ends.filter(([i]) => i === id)).to.deep.equal([]);
      expect((await (await get('/count', signed)).json()).views).to.equal(3);
      clock.advance(60_001);
      expect(ends.filter(([i]) => i === id)).to.deep.equal([[id, 'expired']]);
    });
  });

  describe('an SSE route', () => {
    let server: EmbeddedScript;
    before(async () => {
      server = await serveEmbedded(() => {
        EnablePodeSessionMiddleware({ Duration: 60, Secret: secret, Extend: true });
        counter();
        AddPodeRoute({
          Method: 'Get',
          Path: '/events',
          ScriptBlock: (e: WebEvent) => {
            e.Session!.Data.Streamed = true;
            ConvertToPodeSseConnection({ Name: 'events' });
          },
        });
        AddPodeRoute({ Method: 'Get', Path: '/data', ScriptBlock: (e: WebEvent) => WritePodeJsonResponse({ Value: e.Session!.Data }) });
      });
    });
    after(() => server.close());

    it("saves the stream's session when the stream ends", async () => {
      const first = await fetch(new URL('/count', server.url));
      const { id } = await first.json();
      const cookie = sessionCookie(first)!.value;
      const saved = new Promise<void>((done) => {
        const off = server.pode.server.sessions.onExtend((sid) => {
          if (sid !== id) return;
          off();
          done();
        });
      });
      const abort = new AbortController();
      const stream = await fetch(new URL('/events', server.url), { headers: { accept: 'text/event-stream', cookie: `pode.sid=${cookie}` }, signal: abort.signal });
      expect(stream.status).to.equal(200);
      expect(stream.headers.getSetCookie()).to.deep.equal([]);
      await stream.body!.getReader().read();
      abort.abort();
      await saved;
      const data = await fetch(new URL('/data', server.url), { headers: { cookie: `pode.sid=${cookie}` } });
      expect(await data.json()).to.deep.equal({ Views: 1, Streamed: true });
    });
  });

  describe('-Strict', () => {
    let server: EmbeddedScript;
    before(async () => {
      server = await serveEmbedded(() => {
        EnablePodeSessionMiddleware({ Duration: 60, Secret: secret, Strict: true });
        counter();
      });
    });
    after(() => server.close());
    const get = (ua: string, cookie?: string) => fetch(new URL('/count', server.url), { headers: { 'User-Agent': ua, ...(cookie && { cookie: `pode.sid=${cookie}` }) } });

    it('signs the id with the secret extended by the User-Agent and IP: another client with the cookie gets a new session', async () => {
      const first = await get('browser-a');
      const { id } = await first.json();
      const cookie = sessionCookie(first)!.value;
      expect(cookie).to.equal(sign(id, `${secret};browser-a;127.0.0.1`));
      expect(await (await get('browser-a', cookie)).json()).to.deep.equal({ views: 2, id });
      const other = await (await get('browser-b', cookie)).json();
      expect(other.views).to.equal(1);
      expect(other.id).not.to.equal(id);
      expect(server.stderr).to.deep.equal([]);
    });
  });

  describe('Save-PodeSession and a custom -Storage', () => {
    let server: EmbeddedScript;
    const sets: { id: string; record: unknown; expiry: Date }[] = [];
    const memory = new Map<string, unknown>();
    const storage = {
      Get: async (id: string) => memory.get(id) ?? null,
      Set: async (id: string, record: unknown, expiry: Date) => {
        sets.push({ id, record: JSON.parse(JSON.stringify(record)), expiry });
        memory.set(id, record);
      },
      Delete: async (id: string) => void memory.delete(id),
    };

    before(async () => {
      server = await serveEmbedded(() => {
        EnablePodeSessionMiddleware({ Duration: 30, Secret: secret, Storage: storage });
        counter();
        AddPodeRoute({
          Method: 'Get',
          Path: '/save',
          ScriptBlock: async (e: WebEvent) => {
            e.Session!.Data.Saved = 'now';
            await SavePodeSession();
            const before = sets.length;
            await SavePodeSession({ Force: true }); // nothing changed since: skipped
            WritePodeJsonResponse({ Value: { savedTwice: sets.length !== before } });
          },
        });
        AddPodeRoute({
          Method: 'Get',
          Path: '/reset',
          ScriptBlock: (e: WebEvent) => {
            ResetPodeSessionExpiry();
            WritePodeJsonResponse({ Value: { extend: e.Session!.Extend } });
          },
        });
      });
    });
    after(() => server.close());

    it("calls the storage's Set(id, record, expiry) with Pode's record, only when the data changed, and Get to read it back", async () => {
      const res = await fetch(new URL('/count', server.url));
      const { id } = await res.json();
      await server.pode.server.sessions.idle();
      expect(sets).to.have.length(1);
      expect(sets[0]!.id).to.equal(id);
      expect(sets[0]!.record).to.deep.include({ Version: 3, Data: { Views: 1 } });
      expect(sets[0]!.expiry.getTime() - new Date((sets[0]!.record as { Metadata: { TimeStamp: string } }).Metadata.TimeStamp).getTime()).to.equal(30_000);
      const cookie = sessionCookie(res)!.value;
      const peek = await fetch(new URL('/peek', server.url), { headers: { cookie: `pode.sid=${cookie}` } });
      expect(await peek.json()).to.deep.equal({ views: 1, id });
      await server.pode.server.sessions.idle();
      expect(sets).to.have.length(1); // read only: not saved again
    });

    it('Save-PodeSession saves at once; -Force only when the data changed', async () => {
      const res = await fetch(new URL('/save', server.url));
      expect(await res.json()).to.deep.equal({ savedTwice: false });
      const last = sets.at(-1)!;
      expect((last.record as { Data: unknown }).Data).to.deep.equal({ Saved: 'now' });
    });

    it('Reset-PodeSessionExpiry makes the session extend for the request: the cookie again, from now', async () => {
      const res = await fetch(new URL('/count', server.url));
      const cookie = sessionCookie(res)!.value;
      const reset = await fetch(new URL('/reset', server.url), { headers: { cookie: `pode.sid=${cookie}` } });
      expect(await reset.json()).to.deep.equal({ extend: true });
      expect(sessionCookie(reset)!.value).to.equal(cookie);
    });
  });

  describe("refusals, in Pode's words", () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    let server: EmbeddedScript;
    before(async () => {
      server = await serveEmbedded(() => {});
    });
    after(() => server.close());
    const run = (fn: () => unknown) => message(() => server.pode.run(fn));

    it('before Enable-PodeSessionMiddleware: Sessions have not been configured; Test-PodeSessionsEnabled is $false', () => {
      expect(run(() => TestPodeSessionsEnabled())).to.equal('no error');
      expect(server.pode.run(() => TestPodeSessionsEnabled())).to.equal(false);
      expect(server.pode.run(() => TestPodeSessionScopeIsBrowser())).to.equal(false);
      expect(server.pode.run(() => GetPodeSessionDuration())).to.equal(0);
      expect(server.pode.run(() => GetPodeSessionInfo())).to.equal(null);
      expect(run(() => SavePodeSession())).to.equal('Sessions have not been configured.');
      expect(run(() => RemovePodeSession())).to.equal('Sessions have not been configured.');
      expect(run(() => ResetPodeSessionExpiry())).to.equal('Sessions have not been configured.');
    });

    it('-Duration below 0, -Scope Tab, a storage without a method or without a Secret', () => {
      expect(run(() => EnablePodeSessionMiddleware({ Duration: -1 }))).to.equal("Cannot validate argument on parameter 'Duration'. Duration must be 0 or greater, but got: -1s");
      expect(run(() => EnablePodeSessionMiddleware({ Scope: 'Tab' }))).to.match(/^Enable-PodeSessionMiddleware: -Scope is not supported by podets: /);
      const partial = { Get: () => null, Delete: () => {} };
      expect(run(() => EnablePodeSessionMiddleware({ Storage: partial, Secret: 'x' }))).to.equal("The custom session storage does not implement the required 'set()' method.");
      expect(run(() => EnablePodeSessionMiddleware({ Storage: { get() {}, set() {}, delete() {} } }))).to.equal('A Secret is required when using custom session storage.');
      expect(server.pode.run(() => TestPodeSessionsEnabled())).to.equal(false);
    });

    it('a second Enable-PodeSessionMiddleware: Session Middleware has already been initialised', () => {
      expect(run(() => EnablePodeSessionMiddleware({ Duration: 10 }))).to.equal('no error');
      expect(run(() => EnablePodeSessionMiddleware({ Duration: 10 }))).to.equal('Session Middleware has already been initialised.');
      expect(run(() => SavePodeSession())).to.equal('There is no session available to save.');
      expect(run(() => GetPodeSessionExpiry())).to.equal('There is no session available to save.');
    });
  });
});
