// The Cookies group end to end, against test/fixtures/scripts/cookies.ts, as Pode's src/Public/Cookies.ps1 at
// c05d911b71ce7ec0e5899fdc852dee6f63ba7a1b does them (lines of that stored copy): Set-PodeCookie L41-L105 (Path '/',
// -ExpiryDate else -Duration > 0, PendingCookies, one Add-PodeHeader Set-Cookie per call, ConvertTo-PodeCookie's
// hashtable back), Get-PodeCookie L129-L167 ($null for a missing or blank cookie), Get-PodeCookieValue L188-L209,
// Test-PodeCookie L224-L235, Remove-PodeCookie L250-L272 (the pending cookie, else the request's; Discard, expired
// two days ago, Path '/'), Test-PodeCookieSigned L290-L312, Update-PodeCookieExpiry L336-L377, Set-/Get-PodeCookieSecret
// L401-L461. The Set-Cookie text is ConvertTo-PodeCookieString's (src/Private/Cookies.ps1, stored copy id 7154121339):
// Name=Value, then Discard, HttpOnly, Secure, Domain, Path, Max-Age.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { GetPodeCookie, SetPodeCookieSecret, GetPodeCookieSecret } from '../../index.ts';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';

const secret = 'sup3r-s3cret';
const sign = (value: string, key: string) => `s:${value}.${createHmac('sha256', key).update(value).digest('base64')}`;
const NO_EXPIRY = '0001-01-01T00:00:00.000Z';

describe('Cookies cmdlets', () => {
  let server: EmbeddedScript;
  const get = (path: string, headers?: Record<string, string>) => fetch(new URL(path, server.url), { headers });
  /** The reply's Set-Cookie header values, in order, and its JSON body. */
  const setCookies = async (path: string, headers?: Record<string, string>) => {
    const res = await get(path, headers);
    return { status: res.status, cookies: res.headers.getSetCookie(), body: await res.text() };
  };
  /** The lines logged at ERROR about requests to `path` (some tests provoke a 500 on purpose, elsewhere). */
  const errorLines = (path: string) => server.stderr.filter((line) => line.startsWith(`ERROR: GET ${path.split('?')[0]}:`));

  before(async () => {
    server = await serveEmbedded(fixtureScript('cookies.ts'));
  });
  after(() => server.close());

  describe('Set-PodeCookie', () => {
    it("writes Name=Value; Path=/ and returns Pode's cookie hashtable", async () => {
      const r = await setCookies('/set/plain');
      expect(r.cookies).to.deep.equal(['Views=2; Path=/']);
      const { TimeStamp, ...cookie } = JSON.parse(r.body);
      expect(cookie).to.deep.equal({ Name: 'Views', Value: '2', Expires: NO_EXPIRY, Expired: false, Discard: false, HttpOnly: false, Secure: false, Path: '/', Signed: false });
      expect(new Date(TimeStamp).toISOString()).to.equal(TimeStamp);
    });

    it('-Discard, -HttpOnly, -Secure and -Duration, in ConvertTo-PodeCookieString\'s order; the expiry as Max-Age in whole seconds', async () => {
      const r = await setCookies('/set/flags');
      expect(r.cookies).to.deep.equal(['Views=2; Discard; HttpOnly; Secure; Path=/; Max-Age=3600']);
      const cookie = JSON.parse(r.body);
      expect(cookie).to.include({ Discard: true, HttpOnly: true, Secure: true, Expired: false });
      expect(Date.parse(cookie.Expires) - Date.parse(cookie.TimeStamp)).to.be.within(3_599_000, 3_601_000);
    });

    it('-ExpiryDate in the past: Max-Age=0, and the cookie reads as Expired', async () => {
      const r = await setCookies('/set/expiry-past');
      expect(r.cookies).to.deep.equal(['Old=x; Path=/; Max-Age=0']);
      expect(JSON.parse(r.body)).to.include({ Expires: '2000-01-01T00:00:00.000Z', Expired: true });
    });

    it('-ExpiryDate in the future: the seconds left', async () => {
      expect((await setCookies('/set/expiry-future')).cookies).to.deep.equal(['Soon=y; Path=/; Max-Age=7200']);
    });

    it('-Secret signs as s:<value>.<HMAC-SHA256>; -Strict binds the signature to the User-Agent and IP', async () => {
      const r = await setCookies('/set/signed', { 'User-Agent': 'podets-test' });
      expect(r.cookies).to.deep.equal([
        `sid=${sign('user-42', secret)}; Path=/`,
        `strict=${sign('user-42', `${secret};podets-test;127.0.0.1`)}; Path=/`,
      ]);
    });

    it('-Secret with an empty -Value is refused as Invoke-PodeValueSign\'s [ValidateNotNullOrEmpty()] refuses it', async () => {
      const r = await setCookies('/set/secret-empty-value');
      expect(r.status).to.equal(500);
      expect(await server.waitForLine('stderr', /secret-empty-value/)).to.include(
        "[ParameterArgumentValidationError,Set-PodeCookie] PodeError: Cannot validate argument on parameter 'Value'. The argument is null or empty.",
      );
    });

    it('several Set-Cookie headers in one response, in the order they were set', async () => {
      const r = await setCookies('/set/many', { Cookie: 'c=3' });
      expect(r.cookies).to.deep.equal(['a=1; Path=/', 'b=2; HttpOnly; Path=/', 'c=3; Discard; Path=/; Max-Age=0']);
    });

    it('splat and `pode` command line; no positional parameters (it names parameter sets, as in Pode)', async () => {
      const r = await setCookies('/set/forms');
      expect(r.cookies).to.deep.equal(['splat=1; HttpOnly; Path=/', 'template=2; HttpOnly; Path=/']);
      expect(JSON.parse(r.body)).to.deep.equal({ positional: 'PositionalParameterNotFound,Set-PodeCookie' });
    });

    it('a value percent-encodes what a cookie-octet cannot carry, and reads back as it was set', async () => {
      const r = await setCookies(`/set/from-query?value=${encodeURIComponent('a b%é')}`);
      expect(r.cookies).to.deep.equal(['q=a%20b%25%C3%A9; Path=/']);
      const back = await get('/get', { Cookie: r.cookies[0]!.split(';')[0]!.replace(/^q=/, 'Views=') });
      expect((await back.json()).cookie.Value).to.equal('a b%é');
    });

    for (const [what, path, part] of [
      ['CR LF in the value (a second header)', `/set/from-query?value=${encodeURIComponent('1\r\nSet-Cookie: evil=1')}`, 'Value'],
      ['";" in the value (an attribute)', `/set/from-query?value=${encodeURIComponent('1; Domain=evil.example')}`, 'Value'],
      ['"," in the value', `/set/from-query?value=${encodeURIComponent('1,evil=1')}`, 'Value'],
      ['"=" in the name', `/set/from-query?name=${encodeURIComponent('a=b')}&value=1`, 'Name'],
      ['CR LF in the name', `/set/from-query?name=${encodeURIComponent('a\r\nX-Evil: 1')}&value=1`, 'Name'],
    ] as const) {
      it(`header injection refused: ${what} is a 400 naming the part, no Set-Cookie sent, nothing logged at ERROR`, async () => {
        const res = await get(path);
        expect(res.status).to.equal(400);
        expect(res.headers.getSetCookie()).to.deep.equal([]);
        expect(res.headers.get('x-evil')).to.equal(null);
        const body = await res.text();
        expect(body).to.match(new RegExp(`^400 The '${part}'='.*' part of the cookie is invalid: a cookie's ${part.toLowerCase()} may not carry `));
        expect(body).not.to.match(/[\r\n]/);
        expect(errorLines(path)).to.deep.equal([]);
      });
    }
  });

  describe('Get-PodeCookie and Get-PodeCookieValue', () => {
    it("read the request's cookie as Pode's hashtable (Path '', no expiry); names match case-insensitively; missing or blank is $null", async () => {
      const res = await get('/get', { Cookie: 'Views=2; Blank=  ' });
      const body = await res.json();
      const { TimeStamp: _, ...cookie } = body.cookie;
      expect(cookie).to.deep.equal({ Name: 'Views', Value: '2', Expires: NO_EXPIRY, Expired: false, Discard: false, HttpOnly: false, Secure: false, Path: '', Signed: false });
      expect(body).to.deep.include({ caseless: '2', missing: null, blank: null });
    });

    it('with -Secret: the unsigned value; -Strict checks User-Agent and IP; Test-PodeCookieSigned agrees', async () => {
      const cookie = `sid=${sign('user-42', secret)}; strict=${sign('user-42', `${secret};podets-test;127.0.0.1`)}; plain=hello`;
      const body = await (await get('/get/signed', { Cookie: cookie, 'User-Agent': 'podets-test' })).json();
      expect(body.cookie).to.include({ Name: 'sid', Value: 'user-42', Signed: true });
      expect(body).to.deep.include({
        value: 'user-42',
        strict: 'user-42',
        wrongSecret: null,
        noSecret: sign('user-42', secret),
        testSigned: true,
        testStrict: true,
        testWrong: false,
        testPlain: false,
        testAbsent: false,
      });
      // Another User-Agent breaks the strict signature only.
      const moved = await (await get('/get/signed', { Cookie: cookie, 'User-Agent': 'someone-else' })).json();
      expect(moved).to.deep.include({ value: 'user-42', strict: null, testSigned: true, testStrict: false });
    });

    it('a tampered signed cookie reads as absent ($null), answers 200, and nothing is logged at ERROR', async () => {
      const tampered = sign('user-42', secret).replace('user-42', 'admin-1');
      const res = await get('/get/signed', { Cookie: `sid=${tampered}; strict=s:garbage` });
      expect(res.status).to.equal(200);
      const body = await res.json();
      expect(body).to.deep.include({ cookie: null, value: null, strict: null, testSigned: false, testStrict: false });
      expect(errorLines('/get/signed')).to.deep.equal([]);
    });

    it('three call forms give the same value: positional, splat (and positional with a trailing splat), `pode` command line', async () => {
      const body = await (await get('/get/forms', { Cookie: `sid=${sign('user-42', secret)}` })).json();
      expect(body).to.deep.equal({ positional: 'user-42', splat: 'user-42', mixed: 'user-42', template: 'user-42', templatePositional: 'user-42' });
    });

    it('-Raw is declared as Pode declares it and refused as not supported', async () => {
      const res = await get('/get/raw', { Cookie: 'Views=2' });
      expect(res.status).to.equal(500);
      expect(await server.waitForLine('stderr', /\/get\/raw/)).to.include('[ParameterNotSupported,Get-PodeCookie]');
    });

    it('an oversized Cookie header is bounded: 100 cookies, the first 8 KiB; the request still answers 200', async () => {
      const many = Array.from({ length: 150 }, (_, i) => `c${i}=${i}`).join('; ');
      const big = await get('/get/many', { Cookie: many });
      expect(await big.json()).to.deep.equal({ first: '0', last: '99', past: null, tail: null });
      const long = `c0=0; pad=${'x'.repeat(9000)}; tail=1`;
      const res = await get('/get/many', { Cookie: long });
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ first: '0', last: null, past: null, tail: null });
    });

    it('outside a request: NoCurrentWebEvent', () => {
      expect(() => server.pode.run(() => GetPodeCookie('x'))).to.throw(/There is no current web request/);
    });
  });

  describe('Test-PodeCookie and Test-PodeCookieSigned', () => {
    it('Test-PodeCookie: present and not blank; case-insensitive name', async () => {
      const body = await (await get('/test', { Cookie: 'Views=2; Blank=' })).json();
      expect(body).to.deep.equal({ present: true, caseless: true, blank: false, missing: false });
    });

    it('Test-PodeCookieSigned without -Secret: $false for a missing cookie; for a present one (even empty) refused as Test-PodeValueSigned refuses it', async () => {
      const absent = await get('/test-signed/no-secret');
      expect(absent.status).to.equal(200);
      expect(await absent.json()).to.equal(false);
      for (const cookie of [`sid=${sign('v', secret)}`, 'sid=']) {
        const from = server.stderr.length;
        const res = await get('/test-signed/no-secret', { Cookie: cookie });
        expect(res.status, cookie).to.equal(500);
        expect(await server.waitForLine('stderr', /no-secret/, 5000, from)).to.include(
          "[ParameterArgumentValidationError,Test-PodeCookieSigned] PodeError: Cannot validate argument on parameter 'Secret'. The argument is null or empty.",
        );
      }
    });
  });

  describe('Remove-PodeCookie', () => {
    it("expires the request's cookie (Discard, Path=/, Max-Age=0); a cookie on neither request nor response is left alone", async () => {
      const r = await setCookies('/remove', { Cookie: 'Views=2' });
      expect(r.cookies).to.deep.equal(['Views=2; Discard; Path=/; Max-Age=0']);
      expect((await setCookies('/remove')).cookies).to.deep.equal([]);
    });

    it('a cookie set on this response is removed with its own flags', async () => {
      const r = await setCookies('/remove/pending');
      expect(r.cookies).to.deep.equal(['p=v; HttpOnly; Secure; Path=/', 'p=v; Discard; HttpOnly; Secure; Path=/; Max-Age=0']);
    });

    it('a request cookie whose value a Set-Cookie cannot carry is still removed, with an empty value', async () => {
      const r = await setCookies('/remove', { Cookie: 'Views=a%0D%0Ab' });
      expect(r.status).to.equal(200);
      expect(r.cookies).to.deep.equal(['Views=; Discard; Path=/; Max-Age=0']);
    });
  });

  describe('Update-PodeCookieExpiry', () => {
    it("sends the request's cookie again with the new expiry and Path=/", async () => {
      const r = await setCookies('/update', { Cookie: 'Views=2' });
      expect(r.cookies).to.deep.equal(['Views=2; Path=/; Max-Age=1800']);
      expect(JSON.parse(r.body)).to.include({ Name: 'Views', Value: '2', Path: '/', Expired: false });
    });

    it('a cookie set on this response keeps its flags; -ExpiryDate replaces -Duration\'s expiry', async () => {
      const r = await setCookies('/update/pending');
      expect(r.cookies).to.deep.equal(['p=v; Secure; Path=/; Max-Age=60', 'p=v; Secure; Path=/; Max-Age=0']);
      expect(JSON.parse(r.body)).to.include({ Expires: '2001-02-03T04:05:06.000Z', Expired: true });
    });

    it('a cookie on neither request nor response: 400 CookieNotFound, not logged at ERROR', async () => {
      const res = await get('/update/missing');
      expect(res.status).to.equal(400);
      expect(await res.text()).to.equal("400 No cookie named 'nope' is on the request or set on the response.");
      expect(errorLines('/update/missing')).to.deep.equal([]);
      expect(await server.waitForLine('stderr', /\/update\/missing/)).to.match(/^WARNING: GET \/update\/missing: 400 No cookie named 'nope'/);
    });
  });

  describe('Set-PodeCookieSecret and Get-PodeCookieSecret', () => {
    it('-Name and -Global store on the server (names case-insensitive, -Global is the name "global"); unknown is $null', async () => {
      const res = await get('/secrets');
      expect(res.headers.getSetCookie()).to.deep.equal([`g=${sign('v', 'hunter2')}; Path=/`]);
      expect(await res.json()).to.deep.equal({ named: 'shhhh!', global: 'hunter2', globalByName: 'hunter2', missing: null, cookie: sign('v', 'hunter2') });
    });

    it('outside a request, through pode.run: the server\'s own store', () => {
      server.pode.run(() => SetPodeCookieSecret({ Name: 'later', Value: 'x' }));
      expect(server.pode.run(() => GetPodeCookieSecret({ Name: 'LATER' }))).to.equal('x');
    });
  });
});
