// scripts/docs.ts run for real (via execa) against a temporary folder, and --check against docs/Functions.
import { expect } from 'chai';
import { execa } from 'execa';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCmdlets } from '../../../host/cmdlet/registry.ts';
import { docsFiles } from '../../../host/help/pages.ts';
import { repoRoot } from './helpers.ts';

const script = join(repoRoot, 'scripts', 'docs.ts');
const docs = (...args: string[]) =>
  execa(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, reject: false });

describe('help: scripts/docs.ts', function () {
  this.timeout(60_000);
  let out: string;

  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'podets-docs-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('writes one page per cmdlet under its group, and an index', async () => {
    const r = await docs('--out', out);
    expect(r.exitCode, r.stderr).to.equal(0);
    for (const [rel, text] of docsFiles(allCmdlets())) expect(readFileSync(join(out, rel), 'utf8'), rel).to.equal(text);
    expect(existsSync(join(out, 'SSE', 'Send-PodeSseEvent.md'))).to.equal(true);
    const index = readFileSync(join(out, 'README.md'), 'utf8');
    for (const e of allCmdlets()) expect(index).to.include(`[${e.decl.name}](${e.group}/${e.decl.name}.md)`);
  });

  it('--check passes on fresh output and fails after a page is edited', async () => {
    await docs('--out', out);
    const ok = await docs('--check', '--out', out);
    expect(ok.exitCode, ok.stderr).to.equal(0);

    appendFileSync(join(out, 'SSE', 'Send-PodeSseEvent.md'), 'hand edit\n');
    const bad = await docs('--check', '--out', out);
    expect(bad.exitCode).to.equal(1);
    expect(bad.stderr).to.include('stale: SSE/Send-PodeSseEvent.md');
    // --check wrote nothing
    expect(readFileSync(join(out, 'SSE', 'Send-PodeSseEvent.md'), 'utf8')).to.match(/hand edit\n$/);
  });

  it('--check reports missing and extra files; a normal run repairs and prunes them', async () => {
    await docs('--out', out);
    unlinkSync(join(out, 'SSE', 'Close-PodeSseConnection.md'));
    writeFileSync(join(out, 'SSE', 'Old-PodeSseThing.md'), 'gone\n');
    const bad = await docs('--check', '--out', out);
    expect(bad.exitCode).to.equal(1);
    expect(bad.stderr).to.include('missing: SSE/Close-PodeSseConnection.md');
    expect(bad.stderr).to.include('extra: SSE/Old-PodeSseThing.md');

    expect((await docs('--out', out)).exitCode).to.equal(0);
    expect(existsSync(join(out, 'SSE', 'Old-PodeSseThing.md'))).to.equal(false);
    expect((await docs('--check', '--out', out)).exitCode).to.equal(0);
  });

  it('docs/Functions in the repo is up to date (run `npm run docs` after changing a declaration)', async () => {
    const r = await docs('--check');
    expect(r.exitCode, r.stderr).to.equal(0);
  });
});
