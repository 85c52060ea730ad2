import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentTypeFor } from '../../../host/http/mime.ts';
import { json } from '../../../host/http/respond.ts';
import { StaticRoutes, hasDotSegment, safeJoin } from '../../../host/http/static.ts';
import { captureLog, parseRaw, rawExchange, rawRequest, startServer, type TestServer } from './helpers.ts';

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

    // Dotfiles and symlinks: what a static folder must not give away.
    writeFileSync(join(pub, '.env'), 'SECRET=1');
    mkdirSync(join(pub, '.git'));
    writeFileSync(join(pub, '.git', 'HEAD'), 'ref: refs/heads/main');
    writeFileSync(join(pub, 'sub', '.hidden'), 'hidden');
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.txt'), 'TOP SECRET');
    symlinkSync(join(dir, 'secret.txt'), join(pub, 'leak.txt'));
    symlinkSync(join(dir, 'outside'), join(pub, 'escape'));
    symlinkSync(join(pub, 'css', 'site.css'), join(pub, 'alias.css'));

    const statics = new StaticRoutes();
    statics.add({ path: '/static', folder: pub, source: 'server.ps1:4' });
    statics.add({ path: '/static/custom', folder: join(pub, 'custom'), defaults: ['home.htm'] });
    statics.add({ path: '/files', folder: pub, download: true, maxAge: 60 });
    srv = await startServer({ statics });
    srv.router.add({ method: 'GET', path: '/static/api', handler: (e) => json(e, { from: 'route' }) });
    srv.router.add({ method: 'GET', path: '/static/.well-known/security.txt', handler: (e) => json(e, { from: 'route' }) });
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
    // Raw requests: fetch adds Cache-Control: no-cache to conditional requests, which asks for the
    // whole file (checked last).
    const again = await rawRequest(srv.port, '/static/index.html', { headers: { 'if-none-match': etag } });
    expect(again.status).to.equal(304);
    expect(again.body).to.equal('');
    const since = await rawRequest(srv.port, '/static/index.html', { headers: { 'if-modified-since': modified } });
    expect(since.status).to.equal(304);
    const stale = await rawRequest(srv.port, '/static/index.html', { headers: { 'if-none-match': 'W/"other"' } });
    expect(stale.status).to.equal(200);
    const reload = await fetch(`${srv.url}/static/index.html`, { headers: { 'if-none-match': etag } });
    expect(reload.status).to.equal(200);
    expect(await reload.text()).to.equal('<h1>home</h1>');
  });

  it('does not serve dotfiles or dot-folders: 404 as if absent, so a route may still take the path', async () => {
    for (const path of ['/static/.env', '/static/.git/HEAD', '/static/sub/.hidden', '/static/%2eenv', '/static/.git/', '/STATIC/.ENV']) {
      const res = await rawRequest(srv.port, path);
      expect(res.status, path).to.equal(404);
      expect(res.body, path).to.equal('404 Not Found');
    }
    expect(await (await fetch(`${srv.url}/static/.well-known/security.txt`)).json()).to.deep.equal({ from: 'route' });
    expect(hasDotSegment('/a/./b')).to.equal(false); // `.` is no dotfile; `..` is refused with 403 before
  });

  it('does not follow a symlink out of the folder, and follows one inside it', async () => {
    const log = captureLog();
    try {
      for (const path of ['/static/leak.txt', '/static/escape/secret.txt']) {
        const res = await rawRequest(srv.port, path);
        expect(res.status, path).to.equal(404);
        expect(res.body, path).not.to.include('TOP SECRET');
      }
      expect(log.lines.map((l) => l.level)).to.deep.equal(['warn', 'warn']);
      expect(log.lines[0]!.line).to.match(/^WARNING: Static route \/static: .*\/public\/leak\.txt is not served: it leads out of .*\/public \(to .*\/secret\.txt\)$/);
    } finally {
      log.restore();
    }
    const alias = await fetch(`${srv.url}/static/alias.css`);
    expect(alias.status).to.equal(200);
    expect(await alias.text()).to.equal('body { color: red }');
  });

  it('answers a Range with 206 and Content-Range, and an unsatisfiable one with 416', async () => {
    const first = await rawRequest(srv.port, '/static/css/site.css', { headers: { range: 'bytes=0-3' } });
    expect(first.status).to.equal(206);
    expect(first.headers['content-range']).to.equal('bytes 0-3/19');
    expect(first.headers['content-length']).to.equal('4');
    expect(first.headers['content-type']).to.equal('text/css; charset=utf-8');
    expect(first.body).to.equal('body');
    const suffix = await rawRequest(srv.port, '/static/css/site.css', { headers: { range: 'bytes=-5' } });
    expect([suffix.status, suffix.body]).to.deep.equal([206, 'red }']);

    const raw = await rawExchange(srv.port, 'GET /static/css/site.css HTTP/1.1\r\nHost: x\r\nRange: bytes=100-200\r\nConnection: close\r\n\r\n', { end: false });
    const res = parseRaw(raw);
    expect(res.statusLine).to.equal('HTTP/1.1 416 Range Not Satisfiable');
    expect(res.headers['content-range']).to.equal('bytes */19');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['etag']).to.equal(undefined); // the error page replaces the file's head
    expect(res.body).to.equal('416 Range Not Satisfiable');

    // If-Range with an old validator: the whole file, as it has changed since.
    const stale = await rawRequest(srv.port, '/static/css/site.css', { headers: { range: 'bytes=0-3', 'if-range': 'W/"old"' } });
    expect([stale.status, stale.body]).to.deep.equal([200, 'body { color: red }']);
    expect((await rawRequest(srv.port, '/static/css/site.css')).headers['accept-ranges']).to.equal('bytes');
  });

  it('answers If-Match with another ETag with 412', async () => {
    const res = await rawRequest(srv.port, '/static/css/site.css', { headers: { 'if-match': '"nope"' } });
    expect(res.status).to.equal(412);
    expect(res.body).to.equal('412 Precondition Failed');
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
