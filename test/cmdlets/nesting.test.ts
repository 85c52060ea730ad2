// A value nested deeper than the stack allows, given to a cmdlet that converts it to text (JSON for a response or
// an SSE event, an HTML table): that request fails with the cmdlet's ValueNestedTooDeep PodeError, a 500 whose
// message says which parameter, and the server serves the next request (test/fixtures/scripts/nesting.ts).
import { expect } from 'chai';
import { fixtureScript, start, type ServedScript } from '../helpers/serve.ts';

describe('Values nested too deep to convert (podets serve)', () => {
  let server: ServedScript;

  before(async () => {
    server = await start(fixtureScript('nesting.ts'));
  });
  after(async () => {
    expect(await server.stop()).to.equal(0);
  });

  async function get(path: string) {
    const res = await fetch(new URL(path, server.url));
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }
  const tooDeep = (parameter: string, target: string) => ({
    status: 500,
    type: 'text/plain; charset=utf-8',
    text: `500 The value of -${parameter} is nested too deeply to be converted to ${target}.`,
  });

  it('Write-PodeJsonResponse, with and without a -Depth', async () => {
    expect(await get('/json')).to.deep.equal(tooDeep('Value', 'JSON'));
    expect(await get('/json-depth')).to.deep.equal(tooDeep('Value', 'JSON'));
  });

  it('Write-PodeHtmlResponse', async () => {
    expect(await get('/html')).to.deep.equal(tooDeep('Value', 'HTML'));
  });

  it('Send-PodeSseEvent', async () => {
    expect(await get('/sse')).to.deep.equal(tooDeep('Data', 'JSON'));
  });

  it('each failure is that request only: the server answers the next one', async () => {
    expect(await get('/ok')).to.deep.equal({ status: 200, type: 'application/json; charset=utf-8', text: '[[["leaf"]]]' });
    // Logged for the operator as server faults, with the cmdlet's ErrorId.
    await server.waitForLine('stderr', /^ERROR: GET \/sse: \[ValueNestedTooDeep,Send-PodeSseEvent\] PodeError: The value of -Data is nested too deeply to be converted to JSON\.$/);
  });
});
