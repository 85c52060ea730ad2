// `await StartPodeServer(…)` resolves when the server stops (Close-PodeServer or SIGTERM) and the script's
// next line runs: a real process, running the script with plain node and tsx's loader.
import { expect } from 'chai';
import { execa } from 'execa';
import { repoRoot, fixtureScript } from '../../helpers/serve.ts';

async function runLibraryScript() {
  const child = execa(process.execPath, ['--import', 'tsx', fixtureScript('library-start.ts')], {
    cwd: repoRoot,
    env: { NO_COLOR: '1' },
    reject: false,
    timeout: 20000,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /^Listening on (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.then((r) => reject(new Error(`exited (${r.exitCode}) before listening:\n${r.stdout}\n${r.stderr}`)));
  });
  return { child, url };
}

describe('StartPodeServer as a library: the await resolves when the server stops', () => {
  it('after ClosePodeServer, the line after the await runs and the process exits 0', async () => {
    const { child, url } = await runLibraryScript();
    const res = await fetch(`${url}close`);
    expect(await res.text()).to.equal('closing');
    const result = await child;
    expect(result.exitCode).to.equal(0);
    expect(String(result.stdout).split('\n').at(-1)).to.equal('after StartPodeServer: the server has stopped');
  });

  it('after SIGTERM, the line after the await runs and the process exits 0', async () => {
    const { child } = await runLibraryScript();
    child.kill('SIGTERM');
    const result = await child;
    expect(result.signal).to.equal(undefined);
    expect(result.exitCode).to.equal(0);
    const lines = String(result.stdout).split('\n');
    // Pode's terminatingMessage, then the signal.
    expect(lines.slice(-2)).to.deep.equal(['Terminating... (SIGTERM)', 'after StartPodeServer: the server has stopped']);
  });
});
