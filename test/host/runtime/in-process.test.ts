// What lets a test serve a script in its own process (test/helpers/embedded.ts) and leave the process as it
// found it: Write-PodeHost's swappable sink, loadScript's `instance` (a fresh module per load), and
// uninstallGlobals. Real modules on disk, a real server for the sink.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPodeServer, WritePodeHost } from '../../../index.ts';
import { installGlobals, uninstallGlobals } from '../../../host/runtime/globals.ts';
import { setHostSink, type HostSink } from '../../../host/runtime/hostwrite.ts';
import { loadScript } from '../../../host/runtime/load.ts';

describe('running scripts in this process', () => {
  describe('setHostSink', () => {
    let old: HostSink | undefined;
    afterEach(() => {
      if (old) setHostSink(old);
      old = undefined;
    });

    it("receives Write-PodeHost's text as written (newline included, none with -NoNewLine); quiet writes nothing", async () => {
      const written: string[] = [];
      old = setHostSink((text) => void written.push(text));
      const loud = await createPodeServer(() => {});
      const quiet = await createPodeServer(() => {}, { quiet: true });
      try {
        loud.run(() => WritePodeHost('one'));
        loud.run(() => WritePodeHost('two ', { NoNewLine: true }));
        quiet.run(() => WritePodeHost('never'));
        expect(written).to.deep.equal(['one\n', 'two ']);
      } finally {
        await Promise.all([loud.close(), quiet.close()]);
      }
    });
  });

  describe('loadScript with an instance', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podets-instance-'));
    const file = join(dir, 'count.mjs');
    const key = Symbol.for('podets.test.loads');
    const loads = () => (globalThis as { [key]?: number })[key] ?? 0;
    before(() => writeFileSync(file, `globalThis[Symbol.for('podets.test.loads')] = (globalThis[Symbol.for('podets.test.loads')] ?? 0) + 1;\n`));
    after(() => {
      rmSync(dir, { recursive: true, force: true });
      delete (globalThis as { [key]?: number })[key];
    });

    it('runs the top level once without one, and again for each new instance', async () => {
      await loadScript(file);
      await loadScript(file);
      expect(loads()).to.equal(1);
      await loadScript(file, 'a');
      await loadScript(file, 'b');
      await loadScript(file, 'a'); // the same instance is the same module
      expect(loads()).to.equal(3);
    });
  });

  describe('uninstallGlobals', () => {
    it('removes what installGlobals added and puts back what was there', () => {
      const g = globalThis as Record<string, unknown>;
      const mine = { a: 'value of the test' };
      g.PodeVariables = mine;
      try {
        expect(installGlobals()).to.equal(true);
        expect(installGlobals()).to.equal(false); // once
        expect(g.AddPodeRoute).to.be.a('function');
        expect(g.PodeVariables).to.not.equal(mine);
        uninstallGlobals();
        expect('AddPodeRoute' in g).to.equal(false);
        expect('$WebEvent' in g).to.equal(false);
        expect(g.PodeVariables).to.equal(mine);
      } finally {
        uninstallGlobals();
        delete g.PodeVariables;
      }
    });
  });
});
