// `podets serve` as a user meets it: scripts that fail to load, flags it refuses, how much it prints,
// and a graceful SIGTERM. Every case runs the real CLI in its own process.
import { expect } from 'chai';
import { resolve } from 'node:path';
import { fixtureScript, repoRoot, run, start } from '../../helpers/serve.ts';
import { rawConnection } from '../http/helpers.ts';

const fixture = (name: string) => resolve(repoRoot, 'test/fixtures', name);
const REQUEST_LINE = /^127\.0\.0\.1 - - \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/ok HTTP\/1\.1" 200 2 "-" "node" \d+\.\d\dms$/;

describe('podets serve (end to end)', function () {
  this.timeout(20_000);

  describe('scripts that cannot be served exit 1 and say where', () => {
    it('a syntax error: file:line:column and the parser message', async () => {
      const r = await run(fixture('bad-syntax.ts'));
      expect(r.exitCode).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr.split('\n')[0]).to.equal(`ERROR: ${fixture('bad-syntax.ts')}:3:16: SyntaxError: Unexpected ";"`);
    });

    it('a script that throws at top level: file:line:column and the error, then its stack', async () => {
      const r = await run(fixture('bad-throws.ts'));
      expect(r.exitCode).to.equal(1);
      const lines = r.stderr.split('\n');
      expect(lines[0]).to.equal(`ERROR: ${fixture('bad-throws.ts')}:4:7: Error: top-level failure`);
      expect(lines[1]).to.equal('Error: top-level failure');
      expect(lines[2]).to.equal(`    at <anonymous> (${fixture('bad-throws.ts')}:4:7)`);
    });

    it('a missing script', async () => {
      const r = await run('test/fixtures/no-such-script.ts');
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.equal(`ERROR: Script not found: ${fixture('no-such-script.ts')}`);
    });
  });

  describe('bad flags exit 2 and list what is valid', () => {
    const cases: Array<[string[], string]> = [
      [['--port', 'abc'], "error: option '--port <n>' argument 'abc' is invalid. The port must be a whole number from 0 to 65535."],
      [['--port', '70000'], "error: option '--port <n>' argument '70000' is invalid. The port must be a whole number from 0 to 65535."],
      [['--log-level', 'loud'], "error: option '--log-level <level>' argument 'loud' is invalid. Allowed choices are error, warn, info, verbose, debug."],
      [['--sse-default-scope', 'Foo'], "error: option '--sse-default-scope <scope>' argument 'Foo' is invalid. Allowed choices are Local, Global."],
      [['--loud'], "error: unknown option '--loud'"],
      [
        ['--body-limit', '10xb'],
        "error: option '--body-limit <bytes>' argument '10xb' is invalid. The body limit must be a number of bytes from 1 to 2147483647, optionally with kb, mb or gb (powers of 1024).",
      ],
      [
        ['--body-limit', '2mb', '--body-budget', '1mb'],
        'ERROR: The body limit (2097152 bytes) is larger than the body budget (1048576 bytes): no body that large could ever be accepted.',
      ],
      [
        ['--request-timeout', '10', '--headers-timeout', '20'],
        'ERROR: The headers timeout (20 s) is longer than the request timeout (10 s), which already covers the headers.',
      ],
      [['--request-timeout', '1.5'], "error: option '--request-timeout <seconds>' argument '1.5' is invalid. The request timeout must be a whole number from 0 to 86400."],
    ];
    for (const [args, message] of cases) {
      it(args.join(' '), async () => {
        const r = await run(fixtureScript('slow.ts'), args);
        expect(r.exitCode).to.equal(2);
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.equal(message);
      });
    }
  });

  describe('how much it prints', () => {
    /** Serves the logging fixture, makes one good and one failing request, stops; returns what was printed. */
    async function session(args: string[]) {
      const served = await start(fixtureScript('logging.ts'), args);
      expect(await (await fetch(`${served.url}ok`)).text()).to.equal('ok');
      expect((await fetch(`${served.url}boom`)).status).to.equal(500);
      await served.waitForLine('stderr', /^ERROR: GET \/boom: Error: route failed on purpose$/);
      expect(await served.stop()).to.equal(0);
      return served;
    }

    it('by default (info): the Listening line, request lines, errors with their stack, the stop notice', async () => {
      const served = await session([]);
      expect(served.stdout[0]).to.equal(`Listening on ${served.url}`);
      expect(served.stdout.filter((l) => REQUEST_LINE.test(l))).to.have.length(1);
      expect(served.stdout).to.include('Terminating... (SIGTERM)'); // Pode's terminatingMessage, then the signal
      expect(served.stderr[0]).to.equal('ERROR: GET /boom: Error: route failed on purpose');
      expect(served.stderr[1]).to.match(/^\s+at .*\/test\/fixtures\/scripts\/logging\.ts:\d+:\d+\)?$/);
    });

    it('--quiet: only the Listening line and errors', async () => {
      const served = await session(['--quiet']);
      expect(served.stdout).to.deep.equal([`Listening on ${served.url}`]);
      expect(served.stderr[0]).to.equal('ERROR: GET /boom: Error: route failed on purpose');
    });

    it('--log-level error: info lines (requests, the stop notice) are left out', async () => {
      const served = await session(['--log-level', 'error']);
      expect(served.stdout).to.deep.equal([`Listening on ${served.url}`]);
      expect(served.stderr[0]).to.equal('ERROR: GET /boom: Error: route failed on purpose');
    });

    it('--log-level verbose: VERBOSE lines appear', async () => {
      const served = await session(['--log-level', 'verbose']);
      expect(served.stdout).to.include("VERBOSE: Timer 'idle' added: every 3600s");
      expect(served.stdout.filter((l) => REQUEST_LINE.test(l))).to.have.length(1);
    });
  });

  it('--body-limit, --body-budget and --request-timeout reach the server', async () => {
    const served = await start(fixtureScript('routes.ts'), ['--body-limit', '1kb', '--body-budget', '1kb', '--request-timeout', '1']);
    try {
      const port = Number(new URL(served.url).port);
      const post = (size: number) => fetch(`${served.url}data`, { method: 'POST', body: 'x'.repeat(size), headers: { 'content-type': 'text/plain' } });
      expect((await post(1024)).status).to.equal(200);
      const over = await post(1025);
      expect(over.status).to.equal(413);
      expect(await over.text()).to.equal('413 Payload too large: the limit is 1024 bytes.'); // Pode's listener text, then the limit

      // One body holding the whole budget: the next is turned away with 503, then it is cut at 1 s.
      const holder = await rawConnection(port);
      holder.socket.write('POST /data HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1024\r\nExpect: 100-continue\r\n\r\n');
      await holder.waitFor(/100 Continue/);
      expect((await post(10)).status).to.equal(503);
      const cut = await holder.closed;
      expect(cut).to.include('HTTP/1.1 408 Request Timeout\r\n');
      await served.waitForLine('stderr', /^WARNING: POST \/data: 408 Request Timeout: the request did not arrive in time \(request timeout 1 s, headers timeout 1 s\)$/);
      expect((await post(1024)).status).to.equal(200); // its share came back
    } finally {
      expect(await served.stop()).to.equal(0);
    }
  });

  it('SIGTERM: a request in flight still gets its answer, then the process exits 0', async () => {
    const served = await start(fixtureScript('slow.ts'));
    const slow = fetch(`${served.url}slow`);
    await served.waitForLine('stdout', /^slow request started$/);
    const exited = served.stop();
    const response = await slow;
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('slow answer');
    expect(await exited).to.equal(0);
    expect(served.stdout).to.include('Terminating... (SIGTERM)');
  });
});
