// What a newcomer meets first, through the real CLI: a port already taken, a file podets does not serve,
// `podets help serve`, choices in any casing, and a misspelled cmdlet parameter at load time.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliPath, fixtureScript, repoRoot, run, start } from '../../helpers/serve.ts';

const podets = (...args: string[]) => execa(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { NO_COLOR: '1' }, reject: false });

describe('podets serve: what a newcomer meets (end to end)', function () {
  this.timeout(30_000);

  it('a port in use: one sentence with the way out, no stack, exit 1', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await run(fixtureScript('slow.ts'), ['--port', String(port)]);
      expect(r.exitCode).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.equal(
        `ERROR: Cannot start the server: http://127.0.0.1:${port} is already in use by another program (EADDRINUSE). ` +
          'Stop that program, or choose another port with --port <n> (--port 0 picks a free one).',
      );
    } finally {
      taken.close();
    }
  });

  it('a file podets does not serve: says which extensions it serves, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podets-ext-'));
    try {
      const notes = join(dir, 'notes.txt');
      writeFileSync(notes, 'not a script\n');
      const r = await run(notes);
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.equal(`ERROR: Cannot serve ${notes}: podets serves scripts ending in .ts .mts .cts .js .mjs .cjs.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("podets help bind: that command's help", async () => {
    const r = await podets('help', 'bind');
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.split('\n')[0]).to.equal('Usage: podets bind [options] <commandLine>');
  });

  it('podets help serve: the serve command help, as podets serve --help shows it', async () => {
    const [help, flag] = await Promise.all([podets('help', 'serve'), podets('serve', '--help')]);
    expect(help.exitCode).to.equal(0);
    expect(flag.exitCode).to.equal(0);
    expect(help.stdout.split('\n').slice(0, 3)).to.deep.equal(['Usage: podets serve [options] <script>', '', 'serve a Pode-style script (.ts .mts .cts .js .mjs .cjs) on node:http']);
    expect(help.stdout).to.include('--sse-default-scope <scope>');
    expect(help.stdout).to.equal(flag.stdout);
    expect(help.stderr).to.equal('');
  });

  it('choices compare case-insensitively, as ValidateSet does, and bind the declared casing', async () => {
    const served = await start(resolve(repoRoot, 'test/fixtures/sse/wire.ts'), ['--sse-default-scope', 'local', '--log-level', 'INFO'], {
      env: { SSE_FIXTURE_SCOPE: 'Global' },
    });
    try {
      // The notice quotes the flag's bound value: `Local`, as declared, not the `local` typed.
      await served.waitForLine('stdout', /overrides --sse-default-scope/);
      expect(served.stdout).to.include('Set-PodeSseDefaultScope Global in the script overrides --sse-default-scope Local.');
    } finally {
      expect(await served.stop()).to.equal(0);
    }
  });

  describe('a misspelled parameter at load time: the cmdlet named once, a suggestion, no stack, exit 1', () => {
    const script = fixtureScript('misspelled-parameter.ts');
    const cases: Array<[string, string, string]> = [
      ['close', '4:5', "Add-PodeRoute: A parameter cannot be found that matches parameter name 'Pth'. Did you mean 'Path'?"],
      ['far', '7:5', "Add-PodeRoute: A parameter cannot be found that matches parameter name 'Zzzzzzzz'."],
      ['template', '10:5', "Add-PodeRoute: A parameter cannot be found that matches parameter name 'ScriptBlok'. Did you mean 'ScriptBlock'?"],
    ];
    for (const [testCase, where, message] of cases) {
      it(testCase, async () => {
        const r = await run(script, [], { env: { PODETS_TEST_CASE: testCase } });
        expect(r.exitCode).to.equal(1);
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.equal(`ERROR: ${script}:${where}: ${message}\nFullyQualifiedErrorId: NamedParameterNotFound,Add-PodeRoute`);
      });
    }
  });
});
