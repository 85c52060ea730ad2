// Request data is data, never parameters, end to end (test/fixtures/scripts/request-data.ts, served in this
// process): a body, an object nested in it, the query string and route parameters reach cmdlets as values even when
// every key names a parameter. Before, the splat-or-value rule let a client send
// {"Value":"<script>…</script>","ContentType":"text/html","StatusCode":201} and be answered 201 text/html.
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';

const ATTACK = { Value: '<script>alert(1)</script>', ContentType: 'text/html', StatusCode: 201 };
const ATTACK_JSON = JSON.stringify(ATTACK);

describe('Request data never chooses parameters', () => {
  let server: EmbeddedScript;

  before(async () => {
    server = await serveEmbedded(fixtureScript('request-data.ts'));
  });
  after(() => server.close());

  async function post(path: string, body: string, type = 'application/json') {
    const res = await fetch(new URL(path, server.url), { method: 'POST', headers: { 'content-type': type }, body });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }
  async function get(path: string) {
    const res = await fetch(new URL(path, server.url));
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }
  const asJson = (text: string) => ({ status: 200, type: 'application/json; charset=utf-8', text });

  it('Write-PodeJsonResponse($WebEvent.Data) sends a JSON body whose keys name parameters as JSON', async () => {
    expect(await post('/echo', ATTACK_JSON)).to.deep.equal(asJson(ATTACK_JSON));
  });

  it('...and an object nested in the body, or in an array in it', async () => {
    expect(await post('/echo-inner', JSON.stringify({ inner: ATTACK }))).to.deep.equal(asJson(ATTACK_JSON));
    expect(await post('/echo-item', JSON.stringify([ATTACK]))).to.deep.equal(asJson(ATTACK_JSON));
  });

  it('...and a urlencoded body', async () => {
    const form = 'Value=%3Cb%3Ex%3C%2Fb%3E&ContentType=text%2Fhtml&StatusCode=201';
    const sent = await post('/echo', form, 'application/x-www-form-urlencoded');
    expect(sent).to.deep.equal(asJson('{"Value":"<b>x</b>","ContentType":"text/html","StatusCode":"201"}'));
  });

  it('Write-PodeJsonResponse($WebEvent.Query) and ($WebEvent.Parameters) send them as JSON', async () => {
    expect(await get('/query?Value=%3Cscript%3E&ContentType=text/html&StatusCode=201')).to.deep.equal(
      asJson('{"Value":"<script>","ContentType":"text/html","StatusCode":"201"}'),
    );
    expect(await get('/params/%3Cscript%3E/201')).to.deep.equal(asJson('{"Value":"<script>","StatusCode":"201"}'));
  });

  // A hashtable converted to a String is its type name (LanguagePrimitives.ConvertTo: Hashtable.ToString()), as
  // Pode's Write-PodeTextResponse -Value $WebEvent.Data sends; none of its keys binds.
  it('given to a String parameter, a request object is its type name, never a splat', async () => {
    expect(await post('/text', ATTACK_JSON)).to.deep.equal({ status: 200, type: 'text/plain; charset=utf-8', text: 'System.Collections.Hashtable' });
    expect(await post('/echo', '{"still":"up"}')).to.deep.equal(asJson('{"still":"up"}'));
  });

  it("a copy the script makes ({ ...$WebEvent.Data }) is the script's own object: a splat", async () => {
    expect(await post('/copy', JSON.stringify({ Value: { ok: 1 }, StatusCode: 201 }))).to.deep.equal({
      status: 201,
      type: 'application/json; charset=utf-8',
      text: '{"ok":1}',
    });
  });

  it('a value from the body that cannot bind fails that request with the binding error; the next one is served', async () => {
    // The client gets the status text; the binding error, which quotes the request's value, is for the log.
    expect(await post('/status', '{"code":"abc"}')).to.deep.equal({ status: 500, type: 'text/plain; charset=utf-8', text: '500 Internal Server Error' });
    await server.waitForLine('stderr', /^ERROR: POST \/status: \[ParameterArgumentTransformationError,Write-PodeJsonResponse\] PodeError: Cannot process argument transformation on parameter 'StatusCode'\. Cannot convert value "abc"/);
    expect(await post('/status', '{"code":202}')).to.deep.equal({ status: 202, type: 'application/json; charset=utf-8', text: '{"ok":true}' });
  });

  it('a JSON body nested more than 1024 levels deep is refused with a 400 (ConvertFrom-Json\'s default -Depth)', async () => {
    expect(await post('/echo', '['.repeat(1025) + ']'.repeat(1025))).to.deep.equal({
      status: 400,
      type: 'text/plain; charset=utf-8',
      text: '400 The request body is nested more than 1024 levels deep.',
    });
    // 1024 levels are accepted (Write-PodeJsonResponse's default -Depth 10 then writes the deeper part as text).
    expect(await post('/echo', '['.repeat(1024) + ']'.repeat(1024))).to.deep.equal(asJson('['.repeat(11) + '""' + ']'.repeat(11)));
    // Deep enough to overflow a recursive walk: still a 400, and the server is fine.
    expect((await post('/echo', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000))).status).to.equal(400);
    expect(await post('/echo', '{"still":"up"}')).to.deep.equal(asJson('{"still":"up"}'));
  });
});
