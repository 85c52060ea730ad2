// The default folders, end to end with test/fixtures/folders/server.ts served in this process: public/ beside
// the script is static content and views/ the views folder, with no cmdlet asking for it (Pode: Get-PodePublicMiddleware,
// src/Private/Middleware.ps1@stored-version-6706605918, runs before route validation in the inbuilt middleware
// Start-PodeWebServer lists; Find-PodePublicRoute, src/Private/Routes.ps1@stored-version-6726225977, looks only at a
// path naming a file). Set-/Get-PodeDefaultFolder as Pode's src/Public/Core.ps1@stored-version-6779665483 has them.
import { expect } from 'chai';
import http from 'node:http';
import { join } from 'node:path';
import { GetPodeDefaultFolder, SetPodeDefaultFolder } from '../../cmdlets/index.ts';
import { PodeError } from '../../host/errors/error.ts';
import { namesFile } from '../../host/http/public.ts';
import { PodeServer, setCurrentServer } from '../../host/runtime/server.ts';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
// Through serve.ts, as the other serveEmbedded suites: this file then loads as an ES module, the copy of podets
// the fixture script (imported as ESM by loadScript) configures.
import { repoRoot } from '../helpers/serve.ts';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'folders');

/** A request with the path sent exactly as written (fetch would resolve `..` before sending). */
function raw(base: string, path: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(base);
  return new Promise((done, fail) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('default folders: public/ and views/ (cmdlets/folders.ts, host/http/public.ts)', () => {
  let server: EmbeddedScript;
  const get = (path: string, method = 'GET') => raw(server.url, path, method);

  before(async () => {
    server = await serveEmbedded(join(FIXTURES, 'server.ts'));
  });
  after(() => server.close());

  describe('public/ is served as static content', () => {
    it('a file under public/, with its content type, bytes as on disk, and no route or middleware involved', async () => {
      const page = await get('/page.html');
      expect(page.status).to.equal(200);
      expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(page.body).to.equal('<p>public page</p>\n');
      // Pode's public middleware answers and stops the chain: the script's own middleware never sees the request.
      expect(page.headers['x-middleware']).to.equal(undefined);

      const js = await get('/app.js');
      expect([js.status, js.headers['content-type'], js.body]).to.deep.equal([200, 'text/javascript; charset=utf-8', 'console.log("app");\n']);
      const css = await get('/sub/style.css');
      expect([css.status, css.body]).to.deep.equal([200, 'body { color: red; }\n']);
    });

    it('HEAD gets the head without the body', async () => {
      const head = await get('/sub/style.css', 'HEAD');
      expect(head.status).to.equal(200);
      expect(head.headers['content-length']).to.equal(String(Buffer.byteLength('body { color: red; }\n')));
      expect(head.body).to.equal('');
    });

    it('any method gets the file, as Pode\'s middleware answers before the method is looked at', async () => {
      const post = await get('/page.html', 'POST');
      expect([post.status, post.body]).to.deep.equal([200, '<p>public page</p>\n']);
    });

    it("Pode's order: a file under public/ shadows a route for the same path", async () => {
      const res = await get('/page.html');
      expect(res.body).to.equal('<p>public page</p>\n');
    });

    it('a path with no extension is never looked up in public/: the route has it (public/data is not served)', async () => {
      const res = await get('/data');
      expect([res.status, res.body, res.headers['x-middleware']]).to.deep.equal([200, 'the /data route', 'ran']);
    });

    it('a path naming a file public/ does not have goes on to the routes', async () => {
      const res = await get('/routed.txt');
      expect([res.status, res.body, res.headers['x-middleware']]).to.deep.equal([200, 'no such public file: the route', 'ran']);
      expect((await get('/nothing-here.txt')).status).to.equal(404);
    });

    it('no folder listing and no index file: `/`, `/sub`, `/sub/` and a folder named like a file are 404', async () => {
      for (const path of ['/', '/sub', '/sub/', '/dir.d', '/dir.d/']) {
        const res = await get(path);
        expect(res.status, path).to.equal(404);
        expect(res.body, path).not.to.contain('style.css');
      }
      expect((await get('/dir.d/inner.txt')).body).to.equal('in a folder named like a file\n');
    });

    it('`..` in any spelling never reaches a file outside public/: 404', async () => {
      const attempts = [
        '/../secret.txt',
        '/sub/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E%2Fsecret.txt',
        '/sub/..%2f..%2fsecret.txt',
        '/..%5csecret.txt',
        '/sub/%2e%2e%5c%2e%2e%5csecret.txt',
        '/%2fetc%2fpasswd.txt',
        '//etc/hostname.txt',
        '/page.html%00.txt',
        '/.hidden.txt',
        '/sub/%2e%2e/.hidden.txt',
        '/../server.ts',
      ];
      for (const path of attempts) {
        const res = await get(path);
        expect(res.status, path).to.equal(404);
        expect(res.body, path).not.to.contain('secret: outside public');
        expect(res.body, path).not.to.contain('hidden');
      }
      expect(server.stderr.filter((l) => /ERROR/i.test(l)), 'a client\'s bad path is not an error').to.deep.equal([]);
    });

    it('a malformed escape in a file path is not served and does not crash: 404 (no route takes it)', async () => {
      const res = await get('/bad%zz.txt');
      expect(res.status).to.equal(404); // the public folder has no file for it; no route either
      expect((await get('/page.html')).status).to.equal(200);
    });
  });

  describe('views/ is the views folder', () => {
    it('Write-PodeViewResponse reads views/ beside the script, static and .pode views', async () => {
      const home = await get('/view');
      expect([home.status, home.headers['content-type'], home.body]).to.deep.equal([200, 'text/html; charset=utf-8', '<h1>home view</h1>\n']);
      const dynamic = await get('/view/pode');
      expect([dynamic.status, dynamic.body]).to.deep.equal([200, '<p>Hello Morty, page hello.pode</p>\n']);
    });

    it('views/ is not public: its files are not served by path', async () => {
      expect((await get('/views/home.html')).status).to.equal(404);
      expect((await get('/home.html')).status).to.equal(404);
    });
  });

  it("Get-PodeDefaultFolder: Pode's defaults, as names relative to the server root", async () => {
    const res = await get('/folders');
    expect(JSON.parse(res.body)).to.deep.equal({ Views: 'views', Public: 'public', Errors: 'errors' });
  });

  describe('Set-PodeDefaultFolder', () => {
    it('moves Public and Views (relative to the script): the old public/ is no longer served', async () => {
      const custom = await serveEmbedded(join(FIXTURES, 'custom.ts'));
      try {
        const alt = await raw(custom.url, '/alt.txt');
        expect([alt.status, alt.body]).to.deep.equal([200, 'alt public\n']);
        expect((await raw(custom.url, '/page.html')).status).to.equal(404);
        expect((await raw(custom.url, '/view')).body).to.equal('<h1>alt view</h1>\n');
        expect(JSON.parse((await raw(custom.url, '/folders')).body)).to.deep.equal({ Views: 'alt-views', Public: 'alt-public' });
      } finally {
        await custom.close();
      }
    });

    describe('on a server of its own', () => {
      let own: PodeServer;
      beforeEach(() => {
        own = new PodeServer({ rootPath: FIXTURES });
        setCurrentServer(own);
      });
      afterEach(() => setCurrentServer(undefined));

      const failure = (fn: () => unknown): PodeError => {
        try {
          fn();
        } catch (err) {
          expect(err).to.be.instanceOf(PodeError);
          return err as PodeError;
        }
        throw new Error('expected an error');
      };

      it("refuses a path that is not an existing folder, in Pode's words (pathNotExistExceptionMessage), and keeps the old one", () => {
        const missing = failure(() => SetPodeDefaultFolder({ Type: 'Views', Path: 'no-such-folder' }));
        expect(missing.message).to.equal('Path does not exist: no-such-folder');
        expect(missing.ParameterName).to.equal('Path');
        expect(failure(() => SetPodeDefaultFolder({ Type: 'Public', Path: 'secret.txt' })).message).to.equal('Path does not exist: secret.txt');
        expect(GetPodeDefaultFolder('Views')).to.equal('views');
        expect(GetPodeDefaultFolder('Public')).to.equal('public');
      });

      it('positional, any casing of Type, an absolute path; Errors is kept too', () => {
        (SetPodeDefaultFolder as unknown as (...a: unknown[]) => void)('errors', join(FIXTURES, 'alt-views'));
        expect(GetPodeDefaultFolder('Errors')).to.equal(join(FIXTURES, 'alt-views'));
        expect(own.defaultFolders.resolve('Errors')).to.equal(join(FIXTURES, 'alt-views'));
        expect(failure(() => (GetPodeDefaultFolder as unknown as (t: string) => unknown)('Logs')).ParameterName).to.equal('Type');
      });
    });
  });

  it("namesFile: Pode's Test-PodePathIsFile (the last segment has an extension)", () => {
    expect(['/a.txt', '/sub/b.min.js', '/x/y.css?v=1'].map(namesFile)).to.deep.equal([true, true, true]);
    expect(['/', '/data', '/sub/', '/.env', '/trailing.', '/a.b/c'].map(namesFile)).to.deep.equal([false, false, false, false, false, false]);
  });
});
