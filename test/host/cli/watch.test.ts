// `podets serve --watch` on a temp copy of a script: editing it restarts the server with the new code.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from '../../helpers/serve.ts';

/** A globals-only script (as `podets serve` users write them) answering `text` on `/`. */
const script = (text: string) => `AddPodeRoute({ Method: 'Get', Path: '/', ScriptBlock: () => WritePodeTextResponse('${text}') });\n`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('podets serve --watch (end to end)', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'podets-watch-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts when the script changes, and serves the new behaviour', async () => {
    const file = join(dir, 'server.ts');
    writeFileSync(file, script('v1'));
    const served = await start(file, ['--watch']);
    try {
      const first = served.url;
      expect(await (await fetch(first)).text()).to.equal('v1');

      writeFileSync(file, script('v2'));
      await served.waitForLine('stdout', /^Change detected in server\.ts: restarting$/, 10_000);
      const line = await served.waitForLine('stdout', new RegExp(`^Listening on (?!${escape(first)}$)`), 15_000);
      const second = line.slice('Listening on '.length);
      expect(await (await fetch(second)).text()).to.equal('v2');
      expect(served.stdout.filter((l) => l.startsWith('Listening on '))).to.deep.equal([`Listening on ${first}`, `Listening on ${second}`]);
    } finally {
      expect(await served.stop()).to.equal(0);
    }
  });
});
