import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentTypeFor } from '../../../host/http/mime.ts';
import { json } from '../../../host/http/respond.ts';
import { StaticRoutes, safeJoin } from '../../../host/http/static.ts';
import { rawRequest, startServer, type TestServer } from './helpers.ts';

describe('http/static', () => {
  let dir: string;
  let pub: string;
  let srv: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'podets-static-'));
    pub = join(dir, 'public');
    mkdirSync(join(pub, 'css'), { recursive: true });
    mkdirSync(join(pub, 'sub'));
    mkdirSync(join(pub, 'custom'));
    mkdirSync(join(pub, 'bare'));
    writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
    writeFileSync(join(pub, 'index.html'), '<h1>home</h1>');
    writeFileSync(join(pub, 'css', 'site.css'), 'body { color: red }');
    writeFileSync(join(pub, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    writeFileSync(join(pub, 'data.json'), '{"a":1}');
    writeFileSync(join(pub, 'blob.xyz'), 'zzz');
    writeFileSync(join(pub, '100%.txt'), 'percent');
    writeFileSync(join(pub, 'sub', 'index.html'), '<h1>sub</h1>');
    writeFileSync(join(pub, 'custom', 'home.htm'), '<h1>custom</h1>');
    writeFileSync(join(pub, 'bare', 'readme.txt'), 'no index here');

    const statics = new StaticRoutes();
    statics.add({ path: '/static', folder: pub, source: 'server.ps1:4' });
    statics.add({ path: '/static/custom', folder: join(pub, 'custom'), defaults: ['home.htm'] });
    statics.add({ path: '/files', folder: pub, download: true, maxAge: 60 });
    srv = await startServer({ statics });
    srv.router.add({ method: 'GET', path: '/static/api', handler: (e) => json(e, { from: 'route' }) });
  });

  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves files with content types from the extension', async () => {
    const css = await fetch(`${srv.url}/static/css/site.css`);
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.equal('text/css; charset=utf-8');
    expect(await css.text()).to.equal('body { color: red }');

    const png = await fetch(`${srv.url}/static/logo.png`);
    expect(png.headers.get('content-type')).to.equal('image/png');
    expect(Buffer.from(await png.arrayBuffer())).to.deep.equal(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    const data = await fetch(`${srv.url}/STATIC/data.json`);
    expect(data.headers.get('content-type')).to.equal('application/json; charset=utf-8');

    const blob = await fetch(`${srv.url}/static/blob.xyz`);
    expect(blob.headers.get('content-type')).to.equal('application/octet-stream');
  });

  it('decodes percent-encoded file names', async () => {
    const res = await fetch(`${srv.url}/static/100%25.txt`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal('percent');
  });

  it("serves Pode's default index files for a folder", async () => {
    expect(await (await fetch(`${srv.url}/static`)).text()).to.equal('<h1>home</h1>');
    expect(await (await fetch(`${srv.url}/static/`)).text()).to.equal('<h1>home</h1>');
    expect(await (await fetch(`${srv.url}/static/sub/`)).text()).to.equal('<h1>sub</h1>');
  });

  it('uses the Defaults given to the route, longest prefix winning', async () => {
    const res = await fetch(`${srv.url}/static/custom`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal('<h1>custom</h1>');
  });

  it('falls through to the routes when no file is there, else 404', async () => {
    const api = await fetch(`${srv.url}/static/api`);
    expect(await api.json()).to.deep.equal({ from: 'route' });
    expect((await fetch(`${srv.url}/static/missing.txt`)).status).to.equal(404);
    expect((await fetch(`${srv.url}/static/bare`)).status).to.equal(404); // a folder with no index file
  });

  for (const path of [
    '/static/../secret.txt',
    '/static/css/../../secret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/%2E%2E%2Fsecret.txt',
    '/static/..%2fsecret.txt',
    '/static/..%5csecret.txt',
    '/static/..\\secret.txt',
  ]) {
    it(`refuses traversal: ${path}`, async () => {
      const res = await rawRequest(srv.port, path);
      expect(res.status).to.equal(403);
      expect(res.body).not.to.include('TOP SECRET');
    });
  }

  it('keeps absolute-looking remainders inside the folder', async () => {
    for (const path of ['/static//etc/passwd', '/static/%2Fetc%2Fpasswd', `/static/${encodeURIComponent(join(dir, 'secret.txt'))}`]) {
      const res = await rawRequest(srv.port, path);
      expect(res.status, path).to.equal(404);
      expect(res.body).not.to.include('TOP SECRET');
    }
  });

  it('refuses NUL bytes and malformed escapes with 400', async () => {
    expect((await rawRequest(srv.port, '/static/index.html%00.png')).status).to.equal(400);
    expect((await rawRequest(srv.port, '/static/%E0%A4%A')).status).to.equal(400);
  });

  it('sends ETag and Last-Modified, and 304 for a fresh copy', async () => {
    const first = await fetch(`${srv.url}/static/index.html`);
    const etag = first.headers.get('etag')!;
    const modified = first.headers.get('last-modified')!;
    expect(etag).to.match(/^W\/"/);
    expect(modified).to.be.a('string');
    const again = await fetch(`${srv.url}/static/index.html`, { headers: { 'if-none-match': etag } });
    expect(again.status).to.equal(304);
    const since = await fetch(`${srv.url}/static/index.html`, { headers: { 'if-modified-since': modified } });
    expect(since.status).to.equal(304);
    const stale = await fetch(`${srv.url}/static/index.html`, { headers: { 'if-none-match': 'W/"other"' } });
    expect(stale.status).to.equal(200);
  });

  it('answers HEAD with the headers only', async () => {
    const res = await rawRequest(srv.port, '/static/css/site.css', { method: 'HEAD' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-length']).to.equal('19');
    expect(res.body).to.equal('');
  });

  it('sends attachments for a download-only route, with Cache-Control from maxAge', async () => {
    const res = await fetch(`${srv.url}/files/data.json`);
    expect(res.headers.get('content-disposition')).to.equal(`attachment; filename="data.json"; filename*=UTF-8''data.json`);
    expect(res.headers.get('cache-control')).to.equal('max-age=60');
  });

  it('ignores static routes for methods other than GET and HEAD', async () => {
    const res = await fetch(`${srv.url}/static/index.html`, { method: 'POST' });
    expect(res.status).to.equal(404);
  });

  it('refuses a duplicate prefix, naming both registrations', () => {
    const statics = new StaticRoutes();
    statics.add({ path: '/assets', folder: pub, source: 'a.ps1:1' });
    expect(() => statics.add({ path: '/Assets/', folder: dir, source: 'b.ps1:2' })).to.throw(
      /\[Static\] \/Assets\/: Already defined.*\(b\.ps1:2\).*'\/assets' \(a\.ps1:1\)/,
    );
    expect(statics.remove('/assets')).to.equal(true);
    expect(statics.size).to.equal(0);
  });

  describe('safeJoin', () => {
    it('joins inside the root and refuses escapes', () => {
      expect(safeJoin('/srv/www', '/a/b.txt')).to.equal('/srv/www/a/b.txt');
      expect(safeJoin('/srv/www', '')).to.equal('/srv/www');
      expect(safeJoin('/srv/www', '/../x')).to.equal(403);
      expect(safeJoin('/srv/www', '/a/..\\..\\x')).to.equal(403);
      expect(safeJoin('/srv/www', '/C:/Windows')).to.equal(403);
      expect(safeJoin('/srv/www', '/a\0b')).to.equal(400);
    });
  });

  describe('mime', () => {
    it('maps extensions case-insensitively, with a charset for text', () => {
      expect(contentTypeFor('a/INDEX.HTML')).to.equal('text/html; charset=utf-8');
      expect(contentTypeFor('app.js')).to.equal('text/javascript; charset=utf-8');
      expect(contentTypeFor('pic.JPG')).to.equal('image/jpeg');
      expect(contentTypeFor('font.woff2')).to.equal('font/woff2');
      expect(contentTypeFor('noext')).to.equal('application/octet-stream');
    });
  });
});
