import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addHeader, file, getHeader, html, json, redirect, setHeader, status, testHeader, text, toJson, view,
} from '../../../host/http/respond.ts';
import type { RouteHandler } from '../../../host/http/types.ts';
import { captureLog, delay, rawRequest, startServer, type TestServer } from './helpers.ts';

describe('http/respond', () => {
  let srv: TestServer;
  let dir: string;
  const route = (path: string, handler: RouteHandler) => srv.router.add({ method: 'GET', path, handler });
  const get = (path: string, init?: RequestInit) => fetch(`${srv.url}${path}`, init);

  before(async () => {
    srv = await startServer();
    dir = mkdtempSync(join(tmpdir(), 'podets-respond-'));
    mkdirSync(join(dir, 'views', 'users'), { recursive: true });
    writeFileSync(join(dir, 'report.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
    writeFileSync(join(dir, 'views', 'index.html'), '<h1>index view</h1>');
    writeFileSync(join(dir, 'views', 'users', 'list.html'), '<ul></ul>');
    writeFileSync(join(dir, 'views', 'plain.txt'), 'a text view');
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('json', () => {
    it('writes compact JSON with a charset', async () => {
      route('/json', (e) => json(e, { a: 1, b: [1, 2], c: { d: 'é' } }));
      const res = await get('/json');
      expect(res.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      expect(await res.text()).to.equal('{"a":1,"b":[1,2],"c":{"d":"é"}}');
      expect(res.headers.get('content-length')).to.equal('32'); // bytes, not characters (é is two)
    });

    it('takes a status, or the one set earlier', async () => {
      route('/json/created', (e) => json(e, { id: 1 }, 201));
      route('/json/preset', (e) => { status(e, 202); json(e, {}); });
      expect((await get('/json/created')).status).to.equal(201);
      expect((await get('/json/preset')).status).to.equal(202);
    });

    it('sends strings as they are and null as {} (like Pode)', async () => {
      route('/json/string', (e) => json(e, '{"already":"json"}'));
      route('/json/null', (e) => json(e, null));
      expect(await (await get('/json/string')).text()).to.equal('{"already":"json"}');
      expect(await (await get('/json/null')).text()).to.equal('{}');
    });

    it('pretty-prints with noCompress and caps depth', async () => {
      route('/json/pretty', (e) => json(e, { a: { b: 1 } }, undefined, undefined, true));
      route('/json/depth', (e) => json(e, { a: { b: { c: 1 } }, list: [[1, 2]] }, undefined, 1));
      expect(await (await get('/json/pretty')).text()).to.equal('{\n  "a": {\n    "b": 1\n  }\n}');
      expect(await (await get('/json/depth')).json()).to.deep.equal({ a: { b: '[object Object]' }, list: ['1 2'] });
    });

    it('sends what JSON.stringify cannot (bigint, Set, undefined) as SSE data would, not a 500', async () => {
      route('/json/wide', (e) => json(e, { big: 5n, s: new Set([1]), u: undefined }, undefined, 10));
      const res = await get('/json/wide');
      expect(res.status).to.equal(200);
      expect(await res.text()).to.equal('{"big":5,"s":[1],"u":null}');
    });

    it('caps depth like ConvertTo-Json -Depth', () => {
      const value = { a: { b: { c: 1 } }, when: new Date(0), m: new Map([['k', 1]]) };
      expect(JSON.parse(toJson(value, 0))).to.deep.equal({ a: '[object Object]', when: '1970-01-01T00:00:00.000Z', m: '[object Map]' });
      expect(JSON.parse(toJson(value, 5))).to.deep.equal({ a: { b: { c: 1 } }, when: '1970-01-01T00:00:00.000Z', m: { k: 1 } });
      expect(toJson(undefined)).to.equal('null');
    });
  });

  describe('text and html', () => {
    it('writes text with a default or given content type and status', async () => {
      route('/text', (e) => text(e, 'hello'));
      route('/text/csv', (e) => text(e, 'a,b', 'text/csv', 207));
      const plain = await get('/text');
      expect(plain.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
      expect(await plain.text()).to.equal('hello');
      const csv = await get('/text/csv');
      expect(csv.status).to.equal(207);
      expect(csv.headers.get('content-type')).to.equal('text/csv');
    });

    it('writes html', async () => {
      route('/html', (e) => html(e, '<p>hi</p>', 299));
      const res = await get('/html');
      expect(res.status).to.equal(299);
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(await res.text()).to.equal('<p>hi</p>');
    });
  });

  describe('file', () => {
    it('streams a file with its content type, even when not awaited', async () => {
      route('/file', (e) => void file(e, join(dir, 'report.csv')));
      const res = await get('/file');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(await res.text()).to.equal('a,b\n1,2\n');
    });

    it('takes a content type and status', async () => {
      route('/file/typed', (e) => file(e, join(dir, 'report.csv'), 'text/plain', 203));
      const res = await get('/file/typed');
      expect(res.status).to.equal(203);
      expect(res.headers.get('content-type')).to.equal('text/plain');
    });

    it('answers 404 for a missing file or a folder', async () => {
      route('/file/missing', (e) => file(e, join(dir, 'nope.txt')));
      route('/file/folder', (e) => file(e, dir));
      expect((await get('/file/missing')).status).to.equal(404);
      expect((await get('/file/folder')).status).to.equal(404);
    });
  });

  describe('view', () => {
    it('serves a view, adding .html when the name has no extension', async () => {
      route('/view/:name', (e) => view(e, join(dir, 'views'), e.Parameters['name']!));
      route('/view-users', (e) => view(e, join(dir, 'views'), 'users/list'));
      const res = await get('/view/index');
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(await res.text()).to.equal('<h1>index view</h1>');
      expect(await (await get('/view-users')).text()).to.equal('<ul></ul>');
      expect(await (await get('/view/plain.txt')).text()).to.equal('a text view');
      expect((await get('/view/absent')).status).to.equal(404);
    });

    it('refuses a view name that leaves the views folder', async () => {
      const log = captureLog();
      try {
        const res = await rawRequest(srv.port, `/view/${encodeURIComponent('../secret.txt')}`);
        expect(res.status).to.equal(403);
        expect(res.body).not.to.include('TOP SECRET');
        expect(log.text()).to.include("refused view '../secret.txt'");
      } finally {
        log.restore();
      }
    });
  });

  describe('status', () => {
    it('sets a success status without writing, and writes an error body for >= 400', async () => {
      route('/status/204', (e) => status(e, 204));
      route('/status/404', (e) => status(e, 404));
      route('/status/desc', (e) => status(e, 429, 'Slow Down'));
      expect((await get('/status/204')).status).to.equal(204);
      const missing = await get('/status/404');
      expect(missing.status).to.equal(404);
      expect(await missing.text()).to.equal('404 Not Found');
      const slow = await get('/status/desc');
      expect(slow.status).to.equal(429);
      expect(slow.statusText).to.equal('Slow Down');
      expect(await slow.text()).to.equal('429 Slow Down');
    });

    it('does not overwrite a body already written, and logs the attempt', async () => {
      route('/status/late', (e) => { json(e, { ok: 1 }); status(e, 500); });
      const log = captureLog();
      try {
        const res = await get('/status/late');
        expect(res.status).to.equal(200);
        expect(await res.json()).to.deep.equal({ ok: 1 });
        expect(log.text()).to.include('Set-PodeResponseStatus: the response to GET /status/late has already been sent');
      } finally {
        log.restore();
      }
    });

    it('rejects an invalid status code', async () => {
      route('/status/bad', (e) => status(e, 42));
      const log = captureLog();
      try {
        expect((await get('/status/bad')).status).to.equal(500);
      } finally {
        log.restore();
      }
    });
  });

  describe('writes after the end', () => {
    it('are logged and ignored, not thrown', async () => {
      let threw = false;
      route('/twice', (e) => {
        try {
          json(e, { first: true });
          text(e, 'second');
          setHeader(e, 'X-Late', '1');
        } catch {
          threw = true;
        }
      });
      const log = captureLog();
      try {
        const res = await get('/twice');
        expect(await res.json()).to.deep.equal({ first: true });
        expect(res.headers.get('x-late')).to.equal(null);
        expect(threw).to.equal(false);
        expect(log.lines.filter((l) => l.level === 'error').map((l) => l.line)).to.deep.equal([
          'ERROR: Write-PodeTextResponse: the response to GET /twice has already been sent; this write is ignored.',
          "ERROR: Set-PodeHeader: the response to GET /twice has already been sent; header 'X-Late' is ignored.",
        ]);
      } finally {
        log.restore();
      }
    });
  });

  describe('headers', () => {
    it('gets and tests request headers case-insensitively', async () => {
      route('/headers/read', (e) => json(e, { token: getHeader(e, 'X-TOKEN'), has: testHeader(e, 'x-token'), hasNot: testHeader(e, 'X-Missing'), missing: getHeader(e, 'x-missing') ?? null }));
      const res = await get('/headers/read', { headers: { 'x-token': 'abc' } });
      expect(await res.json()).to.deep.equal({ token: 'abc', has: true, hasNot: false, missing: null });
    });

    it('sets (replacing) and adds (appending) response headers', async () => {
      route('/headers/write', (e) => {
        setHeader(e, 'X-One', 'first');
        setHeader(e, 'x-one', 'replaced');
        addHeader(e, 'Set-Cookie', 'a=1');
        addHeader(e, 'set-cookie', 'b=2');
        addHeader(e, 'X-Num', 5);
        text(e, 'ok');
      });
      const res = await get('/headers/write');
      expect(res.headers.get('x-one')).to.equal('replaced');
      expect(res.headers.getSetCookie()).to.deep.equal(['a=1', 'b=2']);
      expect(res.headers.get('x-num')).to.equal('5');
    });

    it('keeps queued headers on error responses', async () => {
      route('/headers/then-404', (e) => { setHeader(e, 'Access-Control-Allow-Origin', '*'); status(e, 404); });
      const res = await get('/headers/then-404');
      expect(res.status).to.equal(404);
      expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    });
  });

  describe('redirect', () => {
    it('redirects with Location', async () => {
      route('/old', (e) => redirect(e, '/new'));
      route('/moved', (e) => redirect(e, '/new', 301));
      const res = await get('/old', { redirect: 'manual' });
      expect(res.status).to.equal(302);
      expect(res.headers.get('location')).to.equal('/new');
      expect((await get('/moved', { redirect: 'manual' })).status).to.equal(301);
      await delay(1);
    });
  });
});
