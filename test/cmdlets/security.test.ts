// Set-PodeSecurityAccessControl and Remove-PodeSecurityAccessControl, end to end: real servers, real requests,
// the exact headers and statuses. Pode's rules, from src/Public/Security.ps1@98d154d6427b0fb8699cd11012051d5c8f166435
// (Set-PodeSecurityAccessControl and Remove-PodeSecurityAccessControl; Add-PodeSecurityHeader for how a value is
// set and appended), src/Public/Routes.ps1@01e4047d8cb17ce3916e1e431dfb5443eb67b63c (Add-PodeRoute appends its
// method, upper-cased, when autoMethods is on), src/Private/Middleware.ps1@692dc793b963c7564af6ccad5880bf1b840aa9ae
// (Get-PodeSecurityMiddleware sets every security header on the response; Start-PodeWebServer in
// src/Private/WebServer.ps1 runs it before Get-PodeRouteValidateMiddleware, so 404 and 405 answers carry them), and
// PodeResponse.cs SetSseConnection (the index's copy stored-version-6790262247: `Headers.Clear()`, so Pode's SSE head
// carries none of them; podets' does). The texts: src/Locales/en/Pode.psd1@ec400314def9997a7fb11252af58d032c4852016.
// Beyond Pode: `*` with -Credentials echoes a checked Origin, with Vary: Origin (host/http/cors.ts).
import { dirname } from 'node:path';
import { expect } from 'chai';
import {
  AddPodeRoute,
  AddPodeStaticRoute,
  ConvertToPodeSseConnection,
  pode,
  RemovePodeSecurityAccessControl,
  SetPodeSecurityAccessControl,
  WritePodeTextResponse,
} from '../../index.ts';
import { isSerializedOrigin } from '../../host/http/cors.ts';
import { fixtureScript } from '../helpers/serve.ts';
import { attempt, call, closeAllClients, FORMS, RawHttp, serve, type App, type Form } from '../sse/conformance/helpers.ts';

const SET = 'Set-PodeSecurityAccessControl';
const ORIGIN = 'http://a.podets.test:8080';

/** The Access-Control-* and Vary headers of a response, nothing else. */
function cors(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('access-control-') || name === 'vary') out[name] = String(value);
  }
  return out;
}

/** A server with a GET /a route (and whatever `more` adds), then `setup`. */
function server(setup: () => unknown, more: () => unknown = () => {}): Promise<App> {
  return serve(() => {
    AddPodeRoute({ Method: 'Get', Path: '/a', ScriptBlock: () => WritePodeTextResponse('a') });
    more();
    setup();
  });
}

describe('Security cmdlets: Set-/Remove-PodeSecurityAccessControl', function () {
  this.timeout(20000);
  const apps: App[] = [];
  const open = async (setup: () => unknown, more?: () => unknown) => {
    const app = await server(setup, more);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    closeAllClients();
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  describe('the headers each parameter gives', () => {
    /** -Origin, -Methods, -Headers and -Duration, in one call form (they are positions 0-3). */
    function setAll(form: Form): void {
      if (form === 'positional') SetPodeSecurityAccessControl(ORIGIN, ['Get', 'Post'], ['X-One', 'X-Two'], 60);
      else if (form === 'splat') SetPodeSecurityAccessControl({ Origin: ORIGIN, Methods: ['Get', 'Post'], Headers: ['X-One', 'X-Two'], Duration: 60 });
      else pode`Set-PodeSecurityAccessControl -Origin ${ORIGIN} -Methods Get,Post -Headers X-One,X-Two -Duration 60`;
    }

    for (const form of FORMS) {
      it(`${form}: -Origin, -Methods (joined with ", "), -Headers, -Duration: the four headers, no credentials`, async () => {
        const app = await open(() => setAll(form));
        const r = await call(app, 'GET', '/a');
        expect(r.status).to.equal(200);
        expect(r.text).to.equal('a');
        expect(cors(r.headers)).to.deep.equal({
          'access-control-allow-origin': ORIGIN,
          'access-control-allow-methods': 'Get, Post',
          'access-control-allow-headers': 'X-One, X-Two',
          'access-control-max-age': '60',
        });
      });
    }

    it('nothing but -Origin: Max-Age is the default 7200; no Methods, Headers or Credentials header', async () => {
      const app = await open(() => SetPodeSecurityAccessControl({ Origin: '*' }));
      expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal({ 'access-control-allow-origin': '*', 'access-control-max-age': '7200' });
    });

    it('no parameter at all: only Access-Control-Max-Age (a blank value is never set)', async () => {
      const app = await open(() => pode`Set-PodeSecurityAccessControl`);
      expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal({ 'access-control-max-age': '7200' });
    });

    it("a * among -Methods or -Headers makes the header '*'", async () => {
      const app = await open(() => SetPodeSecurityAccessControl({ Origin: '*', Methods: ['Get', '*'], Headers: ['X-One', '*'], Duration: 5 }));
      expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal({
        'access-control-allow-origin': '*',
        'access-control-allow-methods': '*',
        'access-control-allow-headers': '*',
        'access-control-max-age': '5',
      });
    });

    it('-AuthorizationHeader and -CrossDomainXhrRequests append Authorization and x-requested-with; each header once', async () => {
      const app = await open(() =>
        SetPodeSecurityAccessControl({ Headers: ['X-One', 'Authorization', 'X-One'], AuthorizationHeader: true, CrossDomainXhrRequests: true }),
      );
      expect(cors((await call(app, 'GET', '/a')).headers)['access-control-allow-headers']).to.equal('X-One, Authorization, x-requested-with');
      const alone = await open(() => SetPodeSecurityAccessControl({ AuthorizationHeader: true }));
      expect(cors((await call(alone, 'GET', '/a')).headers)['access-control-allow-headers']).to.equal('Authorization');
      // Pode keeps the * and appends to it: `*, Authorization` (a literal list, as Pode sends it).
      const star = await open(() => SetPodeSecurityAccessControl({ Headers: ['*'], AuthorizationHeader: true }));
      expect(cors((await call(star, 'GET', '/a')).headers)['access-control-allow-headers']).to.equal('*, Authorization');
    });

    it("-AutoHeaders appends content-type, unless it is there in any casing", async () => {
      const app = await open(() => SetPodeSecurityAccessControl({ Headers: ['X-One'], AutoHeaders: true }));
      expect(cors((await call(app, 'GET', '/a')).headers)['access-control-allow-headers']).to.equal('X-One, content-type');
      const same = await open(() => SetPodeSecurityAccessControl({ Headers: ['Content-Type'], AutoHeaders: true }));
      expect(cors((await call(same, 'GET', '/a')).headers)['access-control-allow-headers']).to.equal('Content-Type');
      const alone = await open(() => pode`Set-PodeSecurityAccessControl -AutoHeaders`);
      expect(cors((await call(alone, 'GET', '/a')).headers)['access-control-allow-headers']).to.equal('content-type');
    });

    it('-AutoMethods: each route added afterwards appends its method upper-cased (routes added before do not count)', async () => {
      const app = await open(
        () => {
          SetPodeSecurityAccessControl({ Origin: '*', AutoMethods: true });
          AddPodeRoute({ Method: ['Get', 'Post'], Path: '/b', ScriptBlock: () => WritePodeTextResponse('b') });
          AddPodeRoute({ Method: 'Delete', Path: '/b', ScriptBlock: () => WritePodeTextResponse('b') });
          AddPodeRoute({ Method: 'Get', Path: '/c', ScriptBlock: () => WritePodeTextResponse('c') });
        },
        () => AddPodeRoute({ Method: 'Put', Path: '/before', ScriptBlock: () => undefined }),
      );
      expect(cors((await call(app, 'GET', '/a')).headers)['access-control-allow-methods']).to.equal('GET, POST, DELETE');
      // With -Methods: appended to them, compared case-insensitively.
      const listed = await open(() => {
        SetPodeSecurityAccessControl({ Methods: ['Get'], AutoMethods: true });
        AddPodeRoute({ Method: ['Get', 'Patch'], Path: '/b', ScriptBlock: () => undefined });
      });
      expect(cors((await call(listed, 'GET', '/a')).headers)['access-control-allow-methods']).to.equal('Get, PATCH');
      // With -WithOptions: Options first, and the OPTIONS route it adds finds it there.
      const options = await open(() => {
        SetPodeSecurityAccessControl({ AutoMethods: true, WithOptions: true });
        AddPodeRoute({ Method: 'Get', Path: '/b', ScriptBlock: () => undefined });
      });
      expect(cors((await call(options, 'GET', '/a')).headers)['access-control-allow-methods']).to.equal('Options, GET');
    });

    it('-Credentials with a named -Origin: that origin, Access-Control-Allow-Credentials: true, no Vary', async () => {
      const app = await open(() => pode`Set-PodeSecurityAccessControl -Origin ${ORIGIN} -Credentials`);
      const r = await call(app, 'GET', '/a', { origin: 'http://elsewhere.example' });
      expect(cors(r.headers)).to.deep.equal({
        'access-control-allow-origin': ORIGIN,
        'access-control-max-age': '7200',
        'access-control-allow-credentials': 'true',
      });
    });

    it('a second call replaces what it sets and keeps the rest, as Pode\'s header table does', async () => {
      const app = await open(() => {
        SetPodeSecurityAccessControl({ Origin: ORIGIN, Methods: ['Get'], Credentials: true });
        SetPodeSecurityAccessControl({ Origin: 'http://b.example', Duration: 10 });
      });
      expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal({
        'access-control-allow-origin': 'http://b.example',
        'access-control-allow-methods': 'Get',
        'access-control-max-age': '10',
        'access-control-allow-credentials': 'true',
      });
    });
  });

  describe("-Origin '*' with -Credentials: the request's Origin, checked, with Vary: Origin", () => {
    let app: App;
    beforeEach(async () => {
      app = await open(() => SetPodeSecurityAccessControl({ Origin: '*', Credentials: true }));
    });
    const echoed = (origin: string) => ({
      'access-control-allow-origin': origin,
      'access-control-max-age': '7200',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    const notEchoed = { 'access-control-max-age': '7200', 'access-control-allow-credentials': 'true', vary: 'Origin' };

    it('a valid origin is sent back, never *', async () => {
      for (const origin of [ORIGIN, 'https://b.example', 'http://127.0.0.1:3000', 'http://[::1]:8080', 'https://xn--bcher-kva.example']) {
        expect(cors((await call(app, 'GET', '/a', { origin })).headers), origin).to.deep.equal(echoed(origin));
      }
    });

    it('no Origin: no Access-Control-Allow-Origin', async () => {
      expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal(notEchoed);
    });

    it('an Origin that is not a serialized origin is not echoed', async () => {
      for (const origin of [
        'null',
        'http://a.example/',
        'http://a.example/path',
        'http://a.example:80',
        'https://a.example:443',
        'HTTP://A.EXAMPLE',
        'http://user@a.example',
        'a.example',
        '*',
        'http://a.example, http://b.example',
        'javascript:alert(1)',
        'http://' + 'a'.repeat(300) + '.example',
      ]) {
        expect(cors((await call(app, 'GET', '/a', { origin })).headers), origin).to.deep.equal(notEchoed);
      }
    });

    it('bytes node lets through (a tab, obs-text, two Origin headers) are not echoed', async () => {
      for (const raw of ['Origin: http://a.example\tx', 'Origin: http://\u00e9.example', 'Origin: http://a.example\r\nOrigin: http://b.example']) {
        const client = await RawHttp.open(app.url, { path: '/a', headers: { Accept: null, [raw.slice(0, 6)]: raw.slice(8), Connection: 'close' } });
        await client.ended();
        expect(client.status, raw).to.equal(200);
        expect(cors(client.headers), raw).to.deep.equal(notEchoed);
      }
    });

    it('isSerializedOrigin refuses CR, LF and every control character (node refuses them in requests before podets sees them)', () => {
      expect(isSerializedOrigin('http://a.example')).to.equal(true);
      for (const bad of ['http://a.example\r\nSet-Cookie: x=1', 'http://a.example\n', 'http://a\r.example', 'http://a.example\u0000', ' http://a.example', 'http://a.example ', '']) {
        expect(isSerializedOrigin(bad), JSON.stringify(bad)).to.equal(false);
      }
    });
  });

  describe('every response carries them', () => {
    let app: App;
    beforeEach(async () => {
      app = await open(
        () => SetPodeSecurityAccessControl({ Origin: ORIGIN, Methods: ['Get', 'Post'], Credentials: true }),
        () => {
          AddPodeStaticRoute({ Path: '/files', Source: dirname(fixtureScript('headers.ts')) });
          AddPodeRoute({ Method: 'Get', Path: '/boom', ScriptBlock: () => { throw new Error('boom'); } });
          AddPodeRoute({ Method: 'Post', Path: '/json', ScriptBlock: () => WritePodeTextResponse('posted') });
          AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'cors' }) });
          AddPodeRoute({ Method: 'Get', Path: '/sse-all', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'cors', AllowAllOrigins: true }) });
        },
      );
    });
    const expected = {
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'Get, Post',
      'access-control-max-age': '7200',
      'access-control-allow-credentials': 'true',
    };

    it('404 (no route), 405 (another method\'s route, with Allow), 500 (a route that throws), 400 (a bad body)', async () => {
      const missing = await call(app, 'GET', '/nowhere');
      expect([missing.status, missing.text]).to.deep.equal([404, '404 Not Found']);
      expect(cors(missing.headers)).to.deep.equal(expected);
      const wrong = await call(app, 'DELETE', '/a');
      expect([wrong.status, wrong.headers.allow]).to.deep.equal([405, 'GET, HEAD']);
      expect(cors(wrong.headers)).to.deep.equal(expected);
      const boom = await call(app, 'GET', '/boom');
      expect(boom.status).to.equal(500);
      expect(cors(boom.headers)).to.deep.equal(expected);
      const bad = await RawHttp.open(app.url, { method: 'POST', path: '/json', headers: { Accept: null, 'Content-Type': 'application/json', Connection: 'close' }, body: '{' });
      await bad.ended();
      expect(bad.status).to.equal(400);
      expect(cors(bad.headers)).to.deep.equal(expected);
    });

    it('a static file and a HEAD request', async () => {
      const file = await call(app, 'GET', '/files/headers.ts');
      expect(file.status).to.equal(200);
      expect(cors(file.headers)).to.deep.equal(expected);
      const head = await call(app, 'HEAD', '/a');
      expect([head.status, head.text]).to.deep.equal([200, '']);
      expect(cors(head.headers)).to.deep.equal(expected);
    });

    it('the SSE head (Pode\'s drops them); -AllowAllOrigins still makes the origin *', async () => {
      const stream = await RawHttp.sse(app, '/sse');
      expect(stream.status).to.equal(200);
      expect(stream.headers['content-type']).to.equal('text/event-stream');
      expect(cors(stream.headers)).to.deep.equal(expected);
      await stream.until('event: pode.open\n');
      const all = await RawHttp.sse(app, '/sse-all');
      expect(cors(all.headers)).to.deep.equal({ ...expected, 'access-control-allow-origin': '*' });
    });
  });

  describe('a preflight: OPTIONS with Access-Control-Request-Method, answered by the routes as Pode answers it', () => {
    const preflight = { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-one' };
    const expected = { 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'Post', 'access-control-max-age': '600' };

    it('without -WithOptions: 404, or 405 where the path has routes, with the headers (the browser then refuses)', async () => {
      const app = await open(() => SetPodeSecurityAccessControl({ Origin: ORIGIN, Methods: ['Post'], Duration: 600 }));
      const none = await call(app, 'OPTIONS', '/nowhere', preflight);
      expect(none.status).to.equal(404);
      expect(cors(none.headers)).to.deep.equal(expected);
      const routed = await call(app, 'OPTIONS', '/a', preflight);
      expect([routed.status, routed.headers.allow]).to.deep.equal([405, 'GET, HEAD']);
      expect(cors(routed.headers)).to.deep.equal(expected);
    });

    it('-WithOptions: an OPTIONS route on * answers 200, empty, on every path', async () => {
      const app = await open(() => SetPodeSecurityAccessControl({ Origin: ORIGIN, Methods: ['Post'], Duration: 600, WithOptions: true }));
      for (const path of ['/', '/a', '/nowhere', '/deep/er/path?q=1']) {
        const r = await call(app, 'OPTIONS', path, preflight);
        expect([r.status, r.text, r.headers['content-length']], path).to.deep.equal([200, '', '0']);
        expect(cors(r.headers), path).to.deep.equal(expected);
      }
    });

    it('-WithOptions twice: the second OPTIONS route is a duplicate, as in Pode', async () => {
      const app = await open(() => SetPodeSecurityAccessControl({ WithOptions: true }));
      const result = app.pode.run(() => attempt(() => SetPodeSecurityAccessControl({ WithOptions: true })));
      expect(result).to.include({ ok: false });
      expect((result as { errorId: string }).errorId).to.match(/^MethodPathAlreadyDefined,Add-PodeRoute/);
    });
  });

  describe("refusals, in Pode's words and Pode's order", () => {
    it('-Headers * with -Credentials; -Headers * with -AutoHeaders; -Methods * with -AutoMethods; -Duration 0 or less', async () => {
      const app = await open(() => undefined);
      const run = (fn: () => unknown) => app.pode.run(() => attempt(fn));
      expect(run(() => SetPodeSecurityAccessControl({ Headers: ['*'], Credentials: true }))).to.deep.equal({
        ok: false,
        errorId: `AccessControlWildcardHeadersWithCredentials,${SET}`,
        message: 'When Credentials is passed, The * wildcard for Headers will be taken as a literal string and not a wildcard.',
      });
      expect(run(() => pode`Set-PodeSecurityAccessControl -Headers * -AutoHeaders`)).to.deep.equal({
        ok: false,
        errorId: `AccessControlWildcardHeadersWithAutoHeaders,${SET}`,
        message: 'The * wildcard for Headers is incompatible with the AutoHeaders switch.',
      });
      expect(run(() => SetPodeSecurityAccessControl({ Methods: ['Get', '*'], AutoMethods: true }))).to.deep.equal({
        ok: false,
        errorId: `AccessControlWildcardMethodsWithAutoMethods,${SET}`,
        message: 'The * wildcard for Methods is incompatible with the AutoMethods switch.',
      });
      for (const duration of [0, -5]) {
        expect(run(() => SetPodeSecurityAccessControl({ Duration: duration }))).to.deep.equal({
          ok: false,
          errorId: `AccessControlInvalidMaxAge,${SET}`,
          message: `Invalid Access-Control-Max-Age duration supplied: ${duration}. Should be greater than 0.`,
        });
      }
      expect(run(() => SetPodeSecurityAccessControl({ Methods: ['Fetch' as 'Get'] }))).to.include({ ok: false });
    });

    it("podets' own: an -Origin or -Headers value node would refuse in a header is refused before anything is set", async () => {
      const app = await open(() => undefined);
      const run = (fn: () => unknown) => app.pode.run(() => attempt(fn));
      expect(run(() => SetPodeSecurityAccessControl({ Origin: 'http://a.example\r\nSet-Cookie: x=1', Methods: ['Get'] }))).to.deep.equal({
        ok: false,
        errorId: `AccessControlInvalidHeaderValue,${SET}`,
        message:
          'The -Origin value "http://a.example\\r\\nSet-Cookie: x=1" cannot be sent in an HTTP header: it holds a control character (CR, LF, NUL…) or a character above U+00FF.',
      });
      expect(run(() => SetPodeSecurityAccessControl({ Origin: ORIGIN, Headers: ['X-One', 'X-\u65e5\u672c'] }))).to.include({ ok: false, errorId: `AccessControlInvalidHeaderValue,${SET}` });
      expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal({});
    });

    it('what was set before the refusal stays set, as in Pode (origin and methods come first)', async () => {
      const app = await open(() => undefined);
      app.pode.run(() => attempt(() => SetPodeSecurityAccessControl({ Origin: ORIGIN, Methods: ['Get'], Headers: ['*'], Credentials: true })));
      expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'Get' });
    });
  });

  describe('Remove-PodeSecurityAccessControl', () => {
    for (const form of FORMS) {
      it(`${form}: the five headers go; the OPTIONS route of -WithOptions stays`, async () => {
        const app = await open(() => SetPodeSecurityAccessControl({ Origin: ORIGIN, Methods: ['Get'], Headers: ['X-One'], Credentials: true, WithOptions: true }));
        expect(Object.keys(cors((await call(app, 'GET', '/a')).headers))).to.have.length(5);
        app.pode.run(() => (form === 'template' ? pode`Remove-PodeSecurityAccessControl` : form === 'splat' ? RemovePodeSecurityAccessControl({}) : RemovePodeSecurityAccessControl()));
        expect(cors((await call(app, 'GET', '/a')).headers)).to.deep.equal({});
        const options = await call(app, 'OPTIONS', '/a');
        expect([options.status, cors(options.headers)]).to.deep.equal([200, {}]);
      });
    }
  });
});
