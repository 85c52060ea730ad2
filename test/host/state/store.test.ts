// host/state/store.ts: the state of one server, Pode's save format (src/Private/Helpers.ps1, ConvertTo- and
// ConvertFrom-PodeCustomDictionaryJson, stored copy 6795720588), and the atomic write Save-PodeState uses.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTempFor, parseState, StateFormatError, StateStore, writeFileAtomic } from '../../../host/state/store.ts';

const META = { depth: 20, compress: true, application: 'podets', version: '1.2.3', now: new Date('2025-01-02T03:04:05.000Z') };

describe('host/state/store.ts', () => {
  describe('the store', () => {
    it('names are case-insensitive and keep the case first set; set replaces the whole entry, scope included', () => {
      const s = new StateStore();
      s.set('Data', 1, ['A']);
      s.set('DATA', 2, undefined);
      expect(s.names()).to.deep.equal(['Data']);
      expect(s.get('data')).to.deep.equal({ Value: 2, Scope: [] });
      expect(s.has('dAtA')).to.equal(true);
      expect(s.remove('data')).to.deep.equal({ Value: 2, Scope: [] });
      expect(s.remove('data')).to.equal(undefined);
      expect(s.names()).to.deep.equal([]);
    });

    it('namesInScope: any of the entry scopes among those asked, case-insensitive; all names when none asked', () => {
      const s = new StateStore();
      s.set('a', 1, ['Users']);
      s.set('b', 2, ['General', 'Cache']);
      s.set('c', 3, []);
      expect(s.namesInScope(['users'])).to.deep.equal(['a']);
      expect(s.namesInScope(['CACHE', 'users'])).to.deep.equal(['a', 'b']);
      expect(s.namesInScope([])).to.deep.equal(['a', 'b', 'c']);
    });

    it("select: Scope, then Include, then Exclude (Pode's precedence); names compared case-insensitively", () => {
      const s = new StateStore();
      s.set('a', 1, ['X']);
      s.set('b', 2, ['X']);
      s.set('c', 3, []);
      const names = (f: Parameters<StateStore['select']>[0]) => s.select(f).map((e) => e.name);
      expect(names({ scope: ['x'] })).to.deep.equal(['a', 'b']);
      expect(names({ include: ['A', 'c'] })).to.deep.equal(['a', 'c']);
      expect(names({ include: ['a', 'b'], exclude: ['B'] })).to.deep.equal(['a']);
      expect(names({ scope: ['x'], include: ['c'] })).to.deep.equal([]);
    });
  });

  describe("Pode's format", () => {
    it('writes Metadata and Data, every dictionary as { Type, Items: [{ Key, Value }] }', () => {
      const s = new StateStore();
      s.set('hits', { home: 2, list: [1, { x: null }] }, ['Stats']);
      expect(JSON.parse(s.serialize({}, META))).to.deep.equal({
        Metadata: { Product: 'Pode', Version: '1.2.3', Timestamp: '2025-01-02T03:04:05.000Z', Application: 'podets' },
        Data: {
          Type: 'ConcurrentDictionary',
          Items: [
            {
              Key: 'hits',
              Value: {
                Type: 'ConcurrentDictionary',
                Items: [
                  {
                    Key: 'Value',
                    Value: {
                      Type: 'Hashtable',
                      Items: [
                        { Key: 'home', Value: 2 },
                        { Key: 'list', Value: [1, { Type: 'Hashtable', Items: [{ Key: 'x', Value: null }] }] },
                      ],
                    },
                  },
                  { Key: 'Scope', Value: ['Stats'] },
                ],
              },
            },
          ],
        },
      });
    });

    it('-Compress gives one line; without it, indented text', () => {
      const s = new StateStore();
      s.set('a', 1, []);
      expect(s.serialize({}, META)).not.to.include('\n');
      expect(s.serialize({}, { ...META, compress: false })).to.include('\n  "Metadata": {');
    });

    it('depth cuts as ConvertTo-Json -Depth does, counted on the written structure', () => {
      const s = new StateStore();
      s.set('a', { deep: { deeper: 1 } }, []);
      const text = s.serialize({}, { ...META, depth: 3 });
      // Data(1) > Items(2) > an item(3) is written; its Value, at level 4, is cut to its string form.
      const item = JSON.parse(text).Data.Items[0];
      expect(item.Key).to.equal('a');
      expect(item.Value).to.be.a('string');
    });

    it('a round trip gives the values back: dictionaries as objects, arrays as arrays, scopes', () => {
      const s = new StateStore();
      s.set('Users', ['u1', 'u2'], ['General', 'Users']);
      s.set('Data', { Name: 'Rick', Tags: { a: true } }, []);
      s.set('Nothing', null, []);
      const back = new StateStore();
      back.restore(s.serialize({}, META), false);
      expect(back.names()).to.deep.equal(['Users', 'Data', 'Nothing']);
      expect(back.get('users')).to.deep.equal({ Value: ['u1', 'u2'], Scope: ['General', 'Users'] });
      expect(back.get('Data')!.Value).to.deep.equal({ Name: 'Rick', Tags: { a: true } });
      expect(back.get('Nothing')).to.deep.equal({ Value: null, Scope: [] });
    });

    it('reads the older format (no Metadata: { name: { Value, Scope } }); a missing Scope is empty', () => {
      expect(parseState('{"a":{"Value":{"x":1},"Scope":["S"]},"b":{"Value":[1,2]}}')).to.deep.equal([
        ['a', { Value: { x: 1 }, Scope: ['S'] }],
        ['b', { Value: [1, 2], Scope: [] }],
      ]);
    });

    it('reads the collections Pode writes (ConcurrentBag/Queue/Stack, OrderedDictionary) as arrays and objects', () => {
      const text = JSON.stringify({
        Metadata: { Product: 'Pode', Version: '2.12.0' },
        Data: {
          Type: 'ConcurrentDictionary',
          Items: [
            { Key: 'q', Value: { Type: 'ConcurrentDictionary', Items: [{ Key: 'Value', Value: { Type: 'ConcurrentQueue', Items: [1, 2] } }, { Key: 'Scope', Value: [] }] } },
            { Key: 'o', Value: { Type: 'ConcurrentDictionary', Items: [{ Key: 'Value', Value: { Type: 'OrderedDictionary', Items: [{ Key: 'k', Value: 'v' }] } }] } },
          ],
        },
      });
      expect(parseState(text)).to.deep.equal([
        ['q', { Value: [1, 2], Scope: [] }],
        ['o', { Value: { k: 'v' }, Scope: [] }],
      ]);
    });

    it('refuses what is not a state: not JSON, not a dictionary, another product, an unknown type', () => {
      const kind = (text: string) => {
        try {
          parseState(text);
        } catch (err) {
          expect(err).to.be.instanceOf(StateFormatError);
          return [(err as StateFormatError).kind, (err as StateFormatError).detail];
        }
        throw new Error('expected a failure');
      };
      expect(kind('{oops')[0]).to.equal('notJson');
      expect(kind('[1,2]')).to.deep.equal(['notDictionary', 'System.Object[]']);
      expect(kind('"text"')).to.deep.equal(['notDictionary', 'System.String']);
      expect(kind('{"Metadata":{"Product":"Other"},"Data":{}}')[0]).to.equal('notPode');
      expect(kind('{"Metadata":{"Product":"Pode"},"Data":{"Type":"Weird","Items":[]}}')).to.deep.equal(['unknownType', 'Weird']);
    });

    it('restore -Merge keeps what exists (TryAdd) and adds the rest; without it, replaces', () => {
      const s = new StateStore();
      s.set('a', 'old', []);
      s.set('keep', 1, []);
      s.restore('{"A":{"Value":"new"},"b":{"Value":2}}', true);
      expect(s.names()).to.deep.equal(['a', 'keep', 'b']);
      expect(s.get('a')!.Value).to.equal('old');
      s.restore('{"A":{"Value":"new"}}', false);
      expect(s.names()).to.deep.equal(['A']);
      expect(s.get('a')!.Value).to.equal('new');
    });
  });

  describe('writeFileAtomic', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'podets-state-'));
    });
    afterEach(() => {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes the file and leaves no temp file behind', async () => {
      const target = join(dir, 'state.json');
      await writeFileAtomic(target, '{"a":1}');
      expect(readFileSync(target, 'utf8')).to.equal('{"a":1}');
      expect(readdirSync(dir)).to.deep.equal(['state.json']);
    });

    it('a write that fails part-way leaves the old file byte for byte, and removes the temp file', async () => {
      const target = join(dir, 'state.json');
      writeFileSync(target, 'OLD');
      let sawTemp = false;
      const big = 'x'.repeat(300 * 1024);
      let failure: unknown;
      try {
        await writeFileAtomic(target, big, {
          afterChunk: (written, temp) => {
            sawTemp = isTempFor(target, temp.slice(dir.length + 1)) && readdirSync(dir).length === 2;
            if (written >= 128 * 1024) throw new Error('disk full');
          },
        });
      } catch (err) {
        failure = err;
      }
      expect((failure as Error).message).to.equal('disk full');
      expect(sawTemp).to.equal(true);
      expect(readFileSync(target, 'utf8')).to.equal('OLD');
      expect(readdirSync(dir)).to.deep.equal(['state.json']);
    });

    it('a folder it cannot write to: the error, and the old file untouched', async function () {
      if (process.getuid?.() === 0) this.skip(); // root writes to read-only folders
      const target = join(dir, 'state.json');
      writeFileSync(target, 'OLD');
      chmodSync(dir, 0o555);
      let failure: unknown;
      await writeFileAtomic(target, 'NEW').catch((err) => (failure = err));
      expect((failure as NodeJS.ErrnoException).code).to.equal('EACCES');
      chmodSync(dir, 0o755);
      expect(readFileSync(target, 'utf8')).to.equal('OLD');
      expect(readdirSync(dir)).to.deep.equal(['state.json']);
    });
  });
});
