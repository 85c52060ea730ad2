// The response cmdlets end to end, against test/fixtures/scripts/responses.ts.
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';
import { rawRequest } from '../host/http/helpers.ts';

describe('Responses cmdlets', () => {
  let server: EmbeddedScript;
  const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

  before(async () => {
    server = await serveEmbedded(fixtureScript('responses.ts'));
  });
  after(() => server.close());

  describe('Write-PodeJsonResponse', () => {
    it('sends a positional object as JSON (the splat-or-value rule)', async () => {
      const res = await get('/json/value');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      expect(await res.text()).to.equal('{"ok":true,"list":[1,"two"]}');
    });

    it('takes a splat with -Value and -StatusCode', async () => {
      const res = await get('/json/splat');
      expect(res.status).to.equal(201);
      expect(await res.text()).to.equal('{"created":1}');
    });

    it('sends a string as JSON already; blank or $null sends {}', async () => {
      expect(await (await get('/json/string')).text()).to.equal('{"raw": true}');
      expect(await (await get('/json/blank')).text()).to.equal('{}');
      expect(await (await get('/json/null')).text()).to.equal('{}');
    });

    it('-Depth writes deeper values as their string form', async () => {
      expect(await (await get('/json/depth')).text()).to.equal('{"a":{"b":"[object Object]"},"list":["1 2"]}');
    });

    it('piped values are sent as one array', async () => {
      expect(await (await get('/json/pipe')).text()).to.equal('[1,2,3]');
    });

    it('-NoCompress indents', async () => {
      expect(await (await get('/json/pretty')).text()).to.equal('{\n  "a": 1\n}');
    });

    it('-ContentType sets the type (charset added); a malformed one is a validation error', async () => {
      const res = await get('/json/problem');
      expect(res.status).to.equal(404);
      expect(res.headers.get('content-type')).to.equal('application/problem+json; charset=utf-8');
      expect(await res.text()).to.equal('{"title":"Not Found"}');

      const bad = await get('/json/bad-type');
      expect(bad.status).to.equal(500);
      const message =
        `Cannot validate argument on parameter 'ContentType'. The argument "not a type" does not match the "^\\w+\\/[\\w\\.\\+-]+$" pattern. ` +
        `Supply an argument that matches "^\\w+\\/[\\w\\.\\+-]+$" and try the command again.`;
      expect(await bad.text()).to.equal('500 Internal Server Error'); // the message is for the log
      expect(await server.waitForLine('stderr', /GET \/json\/bad-type/)).to.equal(
        `ERROR: GET /json/bad-type: [ParameterArgumentValidationError,Write-PodeJsonResponse] PodeError: ${message}`,
      );
    });
  });

  describe('Write-PodeTextResponse', () => {
    it('writes text/plain by default', async () => {
      const res = await get('/text');
      expect(res.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
      expect(await res.text()).to.equal('hello');
    });

    it('-ContentType and -StatusCode', async () => {
      const res = await get('/text/csv');
      expect(res.status).to.equal(202);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(await res.text()).to.equal('a,b');
    });

    it('-Bytes writes a buffer', async () => {
      const res = await get('/text/bytes');
      expect(res.headers.get('content-length')).to.equal('6');
      expect(Buffer.from(await res.arrayBuffer()).toString()).to.equal('bytes!');
    });

    it('-Cache -MaxAge set Cache-Control and Expires', async () => {
      const before = Date.now();
      const res = await get('/text/cache');
      expect(res.headers.get('cache-control')).to.equal('max-age=60, must-revalidate');
      const expires = Date.parse(res.headers.get('expires')!);
      expect(expires).to.be.within(Math.floor(before / 1000) * 1000 + 59_000, Date.now() + 61_000);
    });

    it('an empty value writes no body but keeps the status', async () => {
      const res = await get('/text/empty');
      expect(res.status).to.equal(204);
      expect(await res.text()).to.equal('');
    });
  });

  describe('Write-PodeHtmlResponse', () => {
    it('writes a string as HTML', async () => {
      const res = await get('/html');
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(await res.text()).to.equal('<h1>hi</h1>');
    });

    it('renders objects as a table (ConvertTo-Html), escaped', async () => {
      expect(await (await get('/html/table')).text()).to.equal(
        '<!DOCTYPE html>\n<html>\n<head>\n<title>HTML TABLE</title>\n</head><body>\n<table>\n' +
          '<tr><th>Name</th><th>Age</th></tr>\n<tr><td>Rick</td><td>70</td></tr>\n<tr><td>Morty &#60;3</td><td>14</td></tr>\n' +
          '</table>\n</body></html>',
      );
    });

    it('-Path sends a file as HTML', async () => {
      const res = await get('/html/file');
      expect(res.status).to.equal(201);
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(await res.text()).to.equal('<p>other default</p>\n');
    });
  });

  describe('Write-PodeFileResponse', () => {
    it('streams a file from the server root, with validators', async () => {
      const res = await get('/file');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
      const etag = res.headers.get('etag')!;
      expect(etag).to.match(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
      expect(await res.text()).to.equal('plain data\n');
      // A raw request: fetch adds Cache-Control: no-cache to a conditional request, which asks for the whole file.
      const again = await rawRequest(Number(new URL(server.url).port), '/file', { headers: { 'if-none-match': etag } });
      expect(again.status).to.equal(304);
      const part = await get('/file', { headers: { range: 'bytes=0-4' } });
      expect(part.status).to.equal(206);
      expect(part.headers.get('content-range')).to.equal('bytes 0-4/11');
      expect(await part.text()).to.equal('plain');
    });

    it('-ContentType and -StatusCode', async () => {
      const res = await get('/file/typed');
      expect(res.status).to.equal(201);
      expect(res.headers.get('content-type')).to.equal('application/json');
    });

    it('-Cache sets Cache-Control', async () => {
      expect((await get('/file/cache')).headers.get('cache-control')).to.equal('max-age=30, must-revalidate');
    });

    it('a missing file is a 404', async () => {
      const res = await get('/file/missing');
      expect(res.status).to.equal(404);
      expect(await res.text()).to.equal('404 Not Found');
    });
  });

  describe('Write-PodeViewResponse', () => {
    it('sends a static .html view from views/ (extension optional)', async () => {
      const res = await get('/view');
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(await res.text()).to.equal('<!doctype html><title>home</title><h1>home view</h1>\n');
    });

    it('fills $($data.…) in a .pode view from -Data (plus pagename)', async () => {
      const res = await get('/view/dynamic');
      expect(res.status).to.equal(202);
      expect(await res.text()).to.equal('<p>Hello, Rick from Seattle! Page: greet.pode. Missing: []. Kept: $(Get-Date)</p>\n');
    });

    it('a missing view is a 404', async () => {
      expect((await get('/view/missing')).status).to.equal(404);
    });
  });

  describe('Set-PodeResponseStatus', () => {
    it('writes a short error body for 400 and above', async () => {
      const res = await get('/status/404');
      expect(res.status).to.equal(404);
      expect(await res.text()).to.equal('404 Not Found');
    });

    it('-Description is the reason phrase and the message', async () => {
      const res = await get('/status/described', { headers: { accept: 'application/json' } });
      expect(res.status).to.equal(429);
      expect(res.statusText).to.equal('Slow Down');
      expect(await res.json()).to.deep.equal({ status: 429, message: 'Slow Down' });
    });

    it('-NoErrorPage leaves the body to the route', async () => {
      const res = await get('/status/no-error-page');
      expect(res.status).to.equal(418);
      expect(await res.text()).to.equal('short and stout');
    });

    it('below 400 it only sets the status', async () => {
      const res = await get('/status/no-body');
      expect(res.status).to.equal(202);
      expect(await res.text()).to.equal('');
    });

    it('-Exception is logged with its stack, never sent', async () => {
      const res = await get('/status/exception');
      expect(res.status).to.equal(503);
      expect(await res.text()).to.equal('503 Service Unavailable');
      expect(await server.waitForLine('stderr', /database is down/)).to.equal('ERROR: GET /status/exception: 503: Error: database is down');
    });
  });

  it('a second write to one response is logged and ignored', async () => {
    expect(await (await get('/twice')).text()).to.equal('first');
    expect(await server.waitForLine('stderr', /\/twice/)).to.equal(
      'ERROR: Write-PodeJsonResponse: the response to GET /twice has already been sent; this write is ignored.',
    );
  });
});
