// A value nested deeper than the stack allows, given to a cmdlet that converts it to text with no depth bound (JSON
// for an SSE event with -Depth 0, an HTML table): that request fails with the cmdlet's ValueNestedTooDeep PodeError, a 500 (the
// client gets the status text; the log says which parameter), and the server serves the next request
// (test/fixtures/scripts/nesting.ts).
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';

describe('Values nested too deep to convert', () => {
  let server: EmbeddedScript;

  before(async () => {
    server = await serveEmbedded(fixtureScript('nesting.ts'));
  });
  after(() => server.close());

  async function get(path: string) {
    const res = await fetch(new URL(path, server.url));
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }
  const SERVER_ERROR = { status: 500, type: 'text/plain; charset=utf-8', text: '500 Internal Server Error' };
  /** The request is a 500 with no detail for the client; the operator's log names the cmdlet and parameter. */
  async function tooDeep(path: string, command: string, parameter: string, target: string) {
    expect(await get(path)).to.deep.equal(SERVER_ERROR);
    const escaped = path.replace(/[/]/g, '\\/');
    await server.waitForLine(
      'stderr',
      new RegExp(`^ERROR: GET ${escaped}: \\[ValueNestedTooDeep,${command}\\] PodeError: The value of -${parameter} is nested too deeply to be converted to ${target}\\.$`),
    );
  }

  it('Write-PodeJsonResponse always has a bound (-Depth 10 by default, at most 100): the part past it is cut off, as for an SSE event', async () => {
    // Levels 0..Depth are expanded; the array at Depth + 1 is written as its items' strings joined ("leaf").
    const cut = (depth: number) => '['.repeat(depth + 1) + '"leaf"' + ']'.repeat(depth + 1);
    expect(await get('/json')).to.deep.equal({ status: 200, type: 'application/json; charset=utf-8', text: cut(10) });
    expect(await get('/json-depth')).to.deep.equal({ status: 200, type: 'application/json; charset=utf-8', text: cut(100) });
  });

  it('Write-PodeHtmlResponse', async () => {
    await tooDeep('/html', 'Write-PodeHtmlResponse', 'Value', 'HTML');
  });

  it('Send-PodeSseEvent with no depth bound; with one, the part past it is cut off and the send succeeds', async () => {
    await tooDeep('/sse', 'Send-PodeSseEvent', 'Data', 'JSON');
    expect(await get('/sse-depth')).to.deep.equal({ status: 200, type: 'text/plain; charset=utf-8', text: 'sent' });
  });

  it('each failure is that request only: the server answers the next one', async () => {
    expect(await get('/ok')).to.deep.equal({ status: 200, type: 'application/json; charset=utf-8', text: '[[["leaf"]]]' });
    // Logged for the operator as server faults, with the cmdlet's ErrorId.
    await server.waitForLine('stderr', /^ERROR: GET \/sse: \[ValueNestedTooDeep,Send-PodeSseEvent\] PodeError: The value of -Data is nested too deeply to be converted to JSON\.$/);
  });
});
