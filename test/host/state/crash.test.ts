// Save-PodeState survives a real crash: a child process saving a big state again and again is killed with SIGKILL
// while a save is being written (its temp file is there, seen through fs.watch: no sleeps, no timing), and the
// target file still parses as the last complete save. Repeated until a kill lands mid-write.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTempFor, parseState } from '../../../host/state/store.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'state', 'crash-child.ts');

/** One child: started, killed when a temp file of the target appears; resolves with whether that file outlived the kill. */
function crashOnce(target: string): Promise<boolean> {
  const dir = dirname(target);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let killedWith: string | undefined;
    let watcher: ReturnType<typeof watch> | undefined;
    child.stdout.on('data', (c: Buffer) => {
      if (watcher || !c.toString().includes('ready')) return;
      watcher = watch(dir, (_event, file) => {
        if (killedWith || !file || !isTempFor(target, file.toString())) return;
        const temp = join(dir, file.toString());
        if (!existsSync(temp)) return;
        killedWith = temp;
        child.kill('SIGKILL');
      });
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      watcher?.close();
      if (signal !== 'SIGKILL') return reject(new Error(`the child ended (${code}) before it was killed: ${stderr}`));
      resolve(killedWith !== undefined && existsSync(killedWith));
    });
  });
}

describe('Save-PodeState and a crash (SIGKILL mid-write)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'podets-crash-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the target parses afterwards, as the last complete save', async () => {
    const target = join(dir, 'state.json');
    let midWrite = false;
    for (let attempt = 0; attempt < 20 && !midWrite; attempt++) midWrite = await crashOnce(target);
    expect(midWrite, 'a kill landed while a temp file was being written').to.equal(true);
    // The crash left its temp file (nothing could remove it); the target is whole.
    expect(readdirSync(dir).some((f) => isTempFor(target, f))).to.equal(true);
    const entries = parseState(readFileSync(target, 'utf8'));
    expect(entries.map(([name]) => name)).to.deep.equal(['big', 'small']);
    expect((entries[0]![1].Value as unknown[]).length).to.equal(100_000);
    expect(entries[1]![1]).to.deep.equal({ Value: 'still here', Scope: ['S'] });
  });
});
