// Add-PodeRoute, Remove-PodeRoute and Add-PodeStaticRoute end to end: test/fixtures/scripts/routes.ts is
// served in this process (test/helpers/embedded.ts) and Node's fetch drives it. The refusals at load time
// are what `podets serve` prints and exits with, so those run the real CLI.
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript, run } from '../helpers/serve.ts';

describe('Routes cmdlets', () => {
  let server: EmbeddedScript;
  const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);
  const post = (path: string, body: string, contentType: string) =>
    get(path, { method: 'POST', body, headers: { 'content-type': contentType } });

  before(async () => {
    server = await serveEmbedded(fixtureScript('routes.ts'));
  });
  after(() => server.close());

  describe('Add-PodeRoute', () => {
    it('answers a plain route', async () => {
      const res = await get('/');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
      expect(await res.text()).to.equal('root');
    });

    it('fills :name placeholders into $WebEvent.Parameters, decoded and case kept', async () => {
      expect(await (await get('/users/42')).json()).to.deep.equal({ id: '42' });
      expect(await (await get('/USERS/Bob%20Smith')).json()).to.deep.equal({ id: 'Bob Smith' });
      expect(await (await get('/users/7/messages/abc')).json()).to.deep.equal({ userId: '7', id: 'abc' });
    });

    it('parses the query string, repeated keys as arrays', async () => {
      expect(await (await get('/query?a=1&b=two&a=3&empty=')).json()).to.deep.equal({ a: ['1', '3'], b: 'two', empty: '' });
    });

    it('parses JSON, form and text bodies into $WebEvent.Data', async () => {
      const json = await post('/data', '{"name":"rick","n":[1,2]}', 'application/json');
      expect(await json.json()).to.deep.equal({ data: { name: 'rick', n: [1, 2] }, contentType: 'application/json' });
      const form = await post('/data', 'a=1&b=x+y&a=2', 'application/x-www-form-urlencoded');
      expect(await form.json()).to.deep.equal({ data: { a: ['1', '2'], b: 'x y' }, contentType: 'application/x-www-form-urlencoded' });
      const text = await post('/data', 'just text', 'text/plain');
      expect(await text.json()).to.deep.equal({ data: 'just text', contentType: 'text/plain' });
    });

    it('-ContentType picks the body parser whatever the request says', async () => {
      const res = await post('/forced-json', '{"forced":true}', 'text/plain');
      expect(await res.json()).to.deep.equal({ data: { forced: true } });
    });

    it('answers 400 for a body that is not valid JSON, and the route never runs', async () => {
      const res = await post('/data', '{not json', 'application/json');
      expect(res.status).to.equal(400);
      expect(await res.text()).to.match(/^400 The request body is not valid JSON: /);
    });

    it("-Method '*' takes every method; an array of methods registers each", async () => {
      for (const method of ['GET', 'POST', 'DELETE', 'OPTIONS']) {
        expect(await (await get('/any', { method })).json()).to.deep.equal({ method: method.toLowerCase() });
      }
      expect(await (await get('/multi', { method: 'PUT' })).json()).to.deep.equal({ method: 'put' });
      expect(await (await get('/multi', { method: 'PATCH' })).json()).to.deep.equal({ method: 'patch' });
      expect(await (await get('/merge', { method: 'MERGE' })).json()).to.deep.equal({ method: 'merge' });
    });

    it('answers 404 for no route and 405 with Allow for a wrong method', async () => {
      const missing = await get('/nowhere');
      expect(missing.status).to.equal(404);
      expect(await missing.text()).to.equal('404 Not Found');
      const wrong = await get('/users/1', { method: 'DELETE' });
      expect(wrong.status).to.equal(405);
      expect(wrong.headers.get('allow')).to.equal('GET, HEAD');
      expect(await wrong.text()).to.equal('405 Method Not Allowed');
      const multi = await get('/multi');
      expect(multi.status).to.equal(405);
      expect(multi.headers.get('allow')).to.equal('PATCH, PUT');
    });

    it('splats -ArgumentList after $WebEvent', async () => {
      expect(await (await get('/args')).json()).to.deep.equal(['a', 2]);
    });

    it("-FilePath runs the module's default export, with the ArgumentList", async () => {
      expect(await (await get('/from-file/morty')).json()).to.deep.equal({ name: 'morty', arg: 'arg' });
    });

    it('-Middleware without a script block answers on its own', async () => {
      expect(await (await get('/middleware-only')).text()).to.equal('from middleware');
    });

    it('-IfExists Skip keeps the first route, Overwrite replaces it', async () => {
      expect(await (await get('/exists')).text()).to.equal('first');
      expect(await (await get('/replaced')).text()).to.equal('new');
    });
  });

  describe('failures inside a route', () => {
    it('a throwing route answers 500 with a short message, logs the stack, and the next request is served', async () => {
      const res = await get('/throws');
      expect(res.status).to.equal(500);
      expect(await res.text()).to.equal('500 Internal Server Error');
      const line = await server.waitForLine('stderr', /GET \/throws: Error: kaboom in a route/);
      expect(line).to.equal('ERROR: GET /throws: Error: kaboom in a route');
      // The stack follows on the next lines, pointing into the script.
      const at = server.stderr.indexOf(line) + 1;
      expect(server.stderr[at]).to.match(/^\s+at .*routes\.ts:\d+:\d+\)?$/);
      expect((await get('/')).status).to.equal(200);
    });

    it('a rejected async route is a 500 too, with JSON for clients that accept it', async () => {
      const res = await get('/async-throws', { headers: { accept: 'application/json' } });
      expect(res.status).to.equal(500);
      expect(await res.json()).to.deep.equal({ status: 500, message: 'Internal Server Error' });
      await server.waitForLine('stderr', /GET \/async-throws: Error: async kaboom/);
    });

    it('a binding error inside a handler is logged with the cmdlet name and ErrorId', async () => {
      const res = await get('/bad-binding');
      expect(res.status).to.equal(500);
      expect(await res.text()).to.equal('500 Internal Server Error'); // the message is for the log, below
      const line = await server.waitForLine('stderr', /GET \/bad-binding/);
      expect(line).to.equal(
        `ERROR: GET /bad-binding: [ParameterArgumentTransformationError,Write-PodeJsonResponse] PodeError: Cannot process argument transformation on parameter 'StatusCode'. Cannot convert value "abc" to type "System.Int32". Error: "The input string 'abc' was not in a correct format."`,
      );
    });
  });

  describe('Remove-PodeRoute', () => {
    it('removes a route (and a missing one is no error)', async () => {
      expect((await get('/removed')).status).to.equal(404);
    });
  });

  describe('Add-PodeStaticRoute', () => {
    it('serves files under the path, with their content type', async () => {
      const css = await get('/static/sub/site.css');
      expect(css.status).to.equal(200);
      expect(css.headers.get('content-type')).to.equal('text/css; charset=utf-8');
      expect(await css.text()).to.equal('body { color: red; }\n');
    });

    it('serves the default page for a folder, or the -Defaults given', async () => {
      expect(await (await get('/static')).text()).to.equal('<!doctype html><title>index</title><p>static index</p>\n');
      expect(await (await get('/other/')).text()).to.equal('<p>other default</p>\n');
    });

    it('-DownloadOnly sends files as attachments', async () => {
      const res = await get('/downloads/data.txt');
      expect(res.headers.get('content-disposition')).to.equal(`attachment; filename="data.txt"; filename*=UTF-8''data.txt`);
      expect(await res.text()).to.equal('plain data\n');
    });

    it('falls through to the normal routes when no file is there, else 404', async () => {
      expect(await (await get('/static/api')).text()).to.equal('route under a static path');
      expect((await get('/static/missing.txt')).status).to.equal(404);
    });
  });
});

describe('Add-PodeRoute registering the same route twice (podets serve)', () => {
  it('stops the script with exit 1, naming both registrations', async () => {
    const result = await run(fixtureScript('duplicate-route.ts'));
    expect(result.exitCode).to.equal(1);
    const first = String(result.stderr).split('\n')[0];
    expect(first).to.equal(
      `ERROR: ${fixtureScript('duplicate-route.ts')}:6:1: Add-PodeRoute: [GET] /users/:userId: Already defined. ` +
        `'/users/:userId' (duplicate-route.ts:6) is the same route as '/users/:id' (duplicate-route.ts:4), registered earlier.`,
    );
    expect(String(result.stdout)).not.to.include('Listening on');
  });
});

describe('Add-PodeRoute and Add-PodeStaticRoute refusals (podets serve: exit 1 before listening)', () => {
  const script = fixtureScript('route-errors.ts');
  const failWith = async (testCase: string) => {
    const result = await run(script, [], { env: { PODETS_TEST_CASE: testCase } });
    expect(result.exitCode).to.equal(1);
    expect(String(result.stdout)).not.to.include('Listening on');
    return String(result.stderr).split('\n')[0]!;
  };

  it('a route needs a ScriptBlock, FilePath or Middleware', async () => {
    expect(await failWith('no-logic')).to.equal(`ERROR: ${script}:6:5: Add-PodeRoute: [GET] /nothing: No logic passed.`);
  });

  it('a path that is only a query string is no path', async () => {
    expect(await failWith('no-path')).to.equal(`ERROR: ${script}:9:5: Add-PodeRoute: No Path supplied for the Route.`);
  });

  it('middleware must be functions or middleware hashtables', async () => {
    expect(await failWith('bad-middleware')).to.equal(
      // Pode's invalidMiddlewareTypeExceptionMessage, with the type's Name.
      `ERROR: ${script}:12:5: Add-PodeRoute: One of the Middlewares supplied is an invalid type. Expected either a ScriptBlock or Hashtable, but got: String`,
    );
  });

  it('-FilePath must exist and default-export a function', async () => {
    expect(await failWith('missing-file')).to.equal(`ERROR: Add-PodeRoute: Path does not exist: ${fixtureScript('no-such-handler.ts')}`);
    expect(await failWith('file-without-default')).to.equal(
      `ERROR: Add-PodeRoute: ${script} must export a default function (the script block)`,
    );
  });

  it('a static route needs an existing Source folder', async () => {
    expect(await failWith('missing-static-source')).to.equal(
      // Pode's sourcePathDoesNotExistForStaticRouteExceptionMessage.
      `ERROR: ${script}:21:5: Add-PodeStaticRoute: /assets: The Source path supplied for Static Route does not exist: ${fixtureScript('no-such-folder')}`,
    );
  });

  it('a static path registered twice is named with both registrations', async () => {
    expect(await failWith('duplicate-static')).to.equal(
      `ERROR: ${script}:25:5: Add-PodeStaticRoute: [Static] /Assets/: Already defined. '/Assets/' (route-errors.ts:25) is the same static route as '/assets' (route-errors.ts:24), registered earlier.`,
    );
  });
});
