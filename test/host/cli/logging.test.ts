// Terminal logging through the real CLI: request lines and Pode error items, and when they are coloured
// (FORCE_COLOR), and when not (NO_COLOR, or output that is not a terminal, as under a test runner).
import { expect } from 'chai';
import { fixtureScript, start } from '../../helpers/serve.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/;
// eslint-disable-next-line no-control-regex
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Serves the logging fixture with `env`, requests /ok, /boom and /forbidden, stops; returns what was printed. */
async function session(env: Record<string, string>) {
  const served = await start(fixtureScript('logging.ts'), [], { env });
  await fetch(`${served.url}ok`);
  expect((await fetch(`${served.url}boom`)).status).to.equal(500);
  expect((await fetch(`${served.url}forbidden`)).status).to.equal(403);
  expect(await served.stop()).to.equal(0);
  const requests = served.stdout.filter((l) => /"GET \//.test(strip(l)));
  return { requests, stdout: served.stdout, stderr: served.stderr };
}

describe('podets serve: terminal logging (end to end)', function () {
  this.timeout(20_000);

  it('not a terminal: plain lines, nothing to strip', async () => {
    const { requests, stdout, stderr } = await session({ NO_COLOR: '' });
    expect(requests.map((l) => /"GET (\S+) HTTP\/1\.1" (\d+)/.exec(l)!.slice(1).join(' '))).to.deep.equal(['/ok 200', '/boom 500', '/forbidden 403']);
    expect([...stdout, ...stderr].filter((l) => ANSI.test(l))).to.deep.equal([]);
  });

  it('FORCE_COLOR: status codes coloured by class, errors red, warnings yellow', async () => {
    const { requests, stderr } = await session({ NO_COLOR: '', FORCE_COLOR: '1' });
    expect(requests[0]).to.include('\x1b[32m200\x1b[39m');
    expect(requests[1]).to.include('\x1b[31m500\x1b[39m');
    expect(requests[2]).to.include('\x1b[33m403\x1b[39m');
    expect(stderr).to.include('\x1b[31mERROR: GET /boom: Error: route failed on purpose\x1b[39m');
    expect(stderr).to.include('\x1b[33mWARNING: GET /forbidden: 403 not yours\x1b[39m');
  });

  it('NO_COLOR wins over FORCE_COLOR', async () => {
    const { stdout, stderr } = await session({ NO_COLOR: '1', FORCE_COLOR: '1' });
    expect([...stdout, ...stderr].filter((l) => ANSI.test(l))).to.deep.equal([]);
  });

  it("Enable-PodeErrorLogging -Levels Error, Warning: failures are printed as Pode's error items", async () => {
    const { stderr } = await session({ PODE_ERROR_LOGGING: '1' });
    const item = (message: string) => {
      const at = stderr.indexOf(`Message: ${message}`);
      expect(at, `no item for ${message} in:\n${stderr.join('\n')}`).to.be.greaterThan(4);
      return stderr.slice(at - 5, at + 3);
    };
    const boom = item('GET /boom: route failed on purpose');
    expect(boom[0]).to.match(/^Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(boom.slice(1, 5)).to.deep.equal(['Level: Error', 'ThreadId: 0', boom[3], 'Category: Error']);
    expect(boom[3]).to.match(/^Server: \S+$/);
    expect(boom.slice(6)).to.deep.equal(['StackTrace:', boom[7]]);
    expect(boom[7]).to.match(/^ {4}at .*\/test\/fixtures\/scripts\/logging\.ts:\d+:\d+\)?$/);
    const forbidden = item('GET /forbidden: not yours');
    expect(forbidden.slice(1, 2)).to.deep.equal(['Level: Warning']);
    expect(forbidden[4]).to.equal('Category: NotYours');
    // A client's bad request: no stack, as the host refused it on purpose.
    expect(forbidden.slice(6)).to.deep.equal(['StackTrace:', '']);
    expect(stderr.filter((l) => l.startsWith('ERROR: ') || l.startsWith('WARNING: ')), "no host lines for them as well").to.deep.equal([]);
  });
});
