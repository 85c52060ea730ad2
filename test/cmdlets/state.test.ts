// The State cmdlets (cmdlets/state.ts, Pode's src/Public/State.ps1@stored-version-6899317022) and Lock-PodeObject
// with the Lockable cmdlets (cmdlets/threading.ts, src/Public/Threading.ps1@stored-version-6701472233), through
// their declarations, on a server of their own whose clock is a ManualClock (for -Timeout).
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClearPodeLockables,
  ConvertFromPodeState,
  ConvertToPodeState,
  EnterPodeLockable,
  ExitPodeLockable,
  GetPodeLockable,
  GetPodeState,
  GetPodeStateNames,
  LockPodeObject,
  NewPodeLockable,
  RemovePodeLockable,
  RemovePodeState,
  RestorePodeState,
  SavePodeState,
  SetPodeState,
  TestPodeLockable,
  TestPodeState,
} from '../../cmdlets/index.ts';
import { pode } from '../../host/cmdlet/template.ts';
import { PodeError } from '../../host/errors/error.ts';
import { PodeServer, setCurrentServer } from '../../host/runtime/server.ts';
import { ManualClock } from '../../host/timers/clock.ts';
import { captureLogs, type Captured } from '../host/timers/helpers.ts';
import { failure } from '../helpers/failure.ts';


/** A promise and the function that settles it: a script waits on it, the test decides when it goes on. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('cmdlets/state.ts and cmdlets/threading.ts', () => {
  let clock: ManualClock;
  let server: PodeServer;
  let root: string;
  let logs: Captured;

  beforeEach(() => {
    clock = new ManualClock(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
    root = mkdtempSync(join(tmpdir(), 'podets-state-cmdlets-'));
    server = new PodeServer({ clock, rootPath: root });
    setCurrentServer(server);
    logs = captureLogs('info');
  });
  afterEach(() => {
    logs.restore();
    setCurrentServer(undefined);
    rmSync(root, { recursive: true, force: true });
  });

  describe('Set-/Get-/Remove-/Test-PodeState, Get-PodeStateNames', () => {
    it('three call forms set and read the same state: positional, splat, `pode` command line', () => {
      expect(SetPodeState({ Name: 'splat', Value: 1 })).to.equal(1);
      // -Value is Position 0 (Pode's declaration); -Name is named only.
      expect(SetPodeState(2, { Name: 'mixed' })).to.equal(2);
      expect(pode`Set-PodeState -Name template -Value ${3} -Scope a, b`).to.equal(3);
      expect(pode`Set-PodeState -Name positional ${4}`).to.equal(4);
      expect([GetPodeState('splat'), GetPodeState({ Name: 'MIXED' }), pode`Get-PodeState -Name template`, pode`Get-PodeState positional`]).to.deep.equal([1, 2, 3, 4]);
      expect(GetPodeState({ Name: 'template', WithScope: true })).to.deep.equal({ Value: 3, Scope: ['a', 'b'] });
      expect(GetPodeStateNames()).to.deep.equal(['splat', 'mixed', 'template', 'positional']);
    });

    it('a value set is the same object when read (shared by reference, as Pode shares it)', () => {
      const data = { count: 0 };
      SetPodeState({ Name: 'Data', Value: data });
      (GetPodeState('Data') as { count: number }).count++;
      expect(data.count).to.equal(1);
    });

    it('-NewCollectionType: an empty object for the dictionaries, an empty array for bag/queue/stack; a value not in the set is refused', async () => {
      expect(SetPodeState({ Name: 'c', NewCollectionType: 'ConcurrentDictionary' })).to.deep.equal({});
      expect(SetPodeState({ Name: 'q', NewCollectionType: 'concurrentqueue' })).to.deep.equal([]);
      const err = await failure(() => SetPodeState({ Name: 'x', NewCollectionType: 'List' }));
      expect(err.ErrorId).to.equal('ParameterArgumentValidationError,Set-PodeState');
      const both = await failure(() => SetPodeState({ Name: 'x', Value: 1, NewCollectionType: 'Hashtable' }));
      expect(both.ErrorId).to.equal('AmbiguousParameterSet,Set-PodeState');
    });

    it('Get of a name not set is $null; Remove returns the value, then $null; Test says whether it is there', () => {
      expect(GetPodeState('nope')).to.equal(null);
      expect(GetPodeState({ Name: 'nope', WithScope: true })).to.equal(null);
      SetPodeState({ Name: 'Data', Value: { a: 1 } });
      expect(TestPodeState('data')).to.equal(true);
      expect(RemovePodeState('DATA')).to.deep.equal({ a: 1 });
      expect(RemovePodeState('DATA')).to.equal(null);
      expect(pode`Test-PodeState -Name Data`).to.equal(false);
    });

    it('Get-PodeStateNames -Scope (any of the scopes, case-insensitive) and -Pattern (a case-insensitive regex)', async () => {
      SetPodeState({ Name: 'user1', Value: 1, Scope: ['Users'] });
      SetPodeState({ Name: 'user22', Value: 2, Scope: ['Users', 'General'] });
      SetPodeState({ Name: 'cache', Value: 3, Scope: ['General'] });
      expect(GetPodeStateNames({ Scope: 'users' })).to.deep.equal(['user1', 'user22']);
      expect(GetPodeStateNames({ Scope: ['general'] })).to.deep.equal(['user22', 'cache']);
      expect(GetPodeStateNames({ Pattern: '^USER\\d$' })).to.deep.equal(['user1']);
      expect(pode`Get-PodeStateNames -Pattern ${'^user'} -Scope General`).to.deep.equal(['user22']);
      expect(GetPodeStateNames({ Pattern: '  ' })).to.deep.equal(['user1', 'user22', 'cache']);
      const err = await failure(() => GetPodeStateNames({ Pattern: '(' }));
      expect(err.ErrorId).to.equal('StatePatternInvalid,Get-PodeStateNames');
      expect(err.message).to.match(/^The Pattern '\(' is not a valid regular expression: /);
    });

    it('outside a server: NoPodeServer', async () => {
      setCurrentServer(undefined);
      expect((await failure(() => GetPodeState('x'))).ErrorId).to.equal('NoPodeServer,Get-PodeState');
    });
  });

  describe('Save-/Restore-PodeState, ConvertFrom-/ConvertTo-PodeState', () => {
    it('a round trip through a file, relative to the server root, with scopes', async () => {
      SetPodeState({ Name: 'Users', Value: ['u1', 'u2'], Scope: ['General', 'Users'] });
      SetPodeState({ Name: 'Data', Value: { Name: 'Rick', Nested: { ok: true } } });
      await SavePodeState({ Path: './state.json' });
      expect(readdirSync(root)).to.deep.equal(['state.json']);
      const saved = JSON.parse(readFileSync(join(root, 'state.json'), 'utf8'));
      expect(saved.Metadata).to.deep.include({ Product: 'Pode', Timestamp: '2025-01-02T03:04:05.000Z', Application: 'podets' });
      RemovePodeState('Users');
      SetPodeState({ Name: 'Other', Value: 1 });
      RestorePodeState('./state.json');
      expect(GetPodeStateNames()).to.deep.equal(['Users', 'Data']);
      expect(GetPodeState({ Name: 'users', WithScope: true })).to.deep.equal({ Value: ['u1', 'u2'], Scope: ['General', 'Users'] });
      expect(GetPodeState('Data')).to.deep.equal({ Name: 'Rick', Nested: { ok: true } });
    });

    it('-Scope, -Include, -Exclude choose what is saved; -Merge adds only names not set', async () => {
      SetPodeState({ Name: 'a', Value: 1, Scope: ['S'] });
      SetPodeState({ Name: 'b', Value: 2, Scope: ['S'] });
      SetPodeState({ Name: 'c', Value: 3 });
      await pode`Save-PodeState -Path s.json -Scope s -Exclude B`;
      await SavePodeState({ Path: 'i.json', Include: ['c', 'b'] });
      SetPodeState({ Name: 'a', Value: 'kept' });
      RemovePodeState('b');
      RestorePodeState({ Path: 'i.json', Merge: true });
      expect(GetPodeStateNames()).to.deep.equal(['a', 'c', 'b']);
      expect([GetPodeState('a'), GetPodeState('b'), GetPodeState('c')]).to.deep.equal(['kept', 2, 3]);
      RestorePodeState('s.json');
      expect(GetPodeStateNames()).to.deep.equal(['a']);
      expect(GetPodeState('a')).to.equal(1);
    });

    it('ConvertFrom-PodeState gives the text Save-PodeState writes; ConvertTo-PodeState reads it', async () => {
      SetPodeState({ Name: 'a', Value: { x: [1, 2] }, Scope: ['S'] });
      const json = ConvertFromPodeState({ Compress: true }) as string;
      await SavePodeState({ Path: 'a.json', Compress: true });
      expect(readFileSync(join(root, 'a.json'), 'utf8')).to.equal(json + '\n');
      expect(json).not.to.include('\n');
      RemovePodeState('a');
      ConvertToPodeState(json);
      expect(GetPodeState({ Name: 'a', WithScope: true })).to.deep.equal({ Value: { x: [1, 2] }, Scope: ['S'] });
      ConvertToPodeState({ Json: '  ' });
      expect(GetPodeStateNames()).to.deep.equal(['a']);
    });

    it('Restore of a file that does not exist, or is empty, changes nothing', () => {
      SetPodeState({ Name: 'a', Value: 1 });
      RestorePodeState('missing.json');
      writeFileSync(join(root, 'empty.json'), ' \n');
      RestorePodeState('empty.json');
      expect(GetPodeStateNames()).to.deep.equal(['a']);
    });

    it('Restore refuses a file that is not a state, naming it; the state is unchanged', async () => {
      SetPodeState({ Name: 'a', Value: 1 });
      const path = join(root, 'bad.json');
      writeFileSync(path, '[1,2]');
      const notDict = await failure(() => RestorePodeState('bad.json'));
      expect(notDict.ErrorId).to.equal('StateFileInvalidFormat,Restore-PodeState');
      expect(notDict.message).to.equal(`The state file '${path}' does not hold a Pode state: expected a dictionary of state objects, but got: System.Object[]`);
      writeFileSync(path, '{nope');
      expect((await failure(() => RestorePodeState('bad.json'))).ErrorId).to.equal('StateFileNotJson,Restore-PodeState');
      writeFileSync(path, '{"Metadata":{"Product":"Else"},"Data":{}}');
      expect((await failure(() => RestorePodeState('bad.json'))).message).to.equal(`The state file '${path}' does not represent a valid Pode state (its Metadata.Product is not 'Pode').`);
      expect(GetPodeStateNames()).to.deep.equal(['a']);
    });

    it('a value whose serialisation throws fails the save: the old file is untouched, no temp file is left', async () => {
      SetPodeState({ Name: 'a', Value: 1 });
      await SavePodeState('state.json');
      const before = readFileSync(join(root, 'state.json'), 'utf8');
      SetPodeState({
        Name: 'bad',
        Value: {
          fine: 'x'.repeat(1000),
          get broken(): never {
            throw new Error('no serialising me');
          },
        },
      });
      let err: unknown;
      await Promise.resolve(SavePodeState('state.json')).catch((e) => (err = e));
      expect((err as Error).message).to.equal('no serialising me');
      expect(readFileSync(join(root, 'state.json'), 'utf8')).to.equal(before);
      expect(readdirSync(root)).to.deep.equal(['state.json']);
    });

    it('a save that cannot write names the path and says the file is unchanged', async () => {
      SetPodeState({ Name: 'a', Value: 1 });
      const err = await failure(() => SavePodeState('no/such/folder/state.json'));
      expect(err.ErrorId).to.equal('StateSaveFailed,Save-PodeState');
      expect(err.message).to.match(new RegExp(`^The state could not be saved to '${join(root, 'no/such/folder/state.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' \\(the file is unchanged\\): ENOENT`));
    });

    it("-Depth outside Pode's [int16] range (0..32767) is refused", async () => {
      const err = await failure(() => SavePodeState({ Path: 'x.json', Depth: 40000 }));
      expect(err.ErrorId).to.equal('StateDepthInvalid,Save-PodeState');
      expect(err.message).to.equal('The Depth must be 0 or greater, but got: 40000');
    });
  });

  describe('Lock-PodeObject', () => {
    it('two async callers on one object are serialised: the second starts when the first has finished', async () => {
      const obj = {};
      const events: string[] = [];
      const first = gate();
      const a = LockPodeObject({
        Object: obj,
        ScriptBlock: async () => {
          events.push('a start');
          await first.opened;
          events.push('a end');
        },
      });
      const b = LockPodeObject({ Object: obj, ScriptBlock: () => void events.push('b') });
      // An unrelated object is not held up.
      await LockPodeObject({ Object: {}, ScriptBlock: () => void events.push('other') });
      expect(events).to.deep.equal(['a start', 'other']);
      first.open();
      await Promise.all([a, b]);
      expect(events).to.deep.equal(['a start', 'other', 'a end', 'b']);
    });

    it('waiting callers run in the order they called', async () => {
      const hold = gate();
      const order: number[] = [];
      const first = LockPodeObject({ Name: 'none-defined', ScriptBlock: () => hold.opened });
      const rest = [1, 2, 3, 4].map((n) => LockPodeObject({ ScriptBlock: () => void order.push(n) }));
      hold.open();
      await Promise.all([first, ...rest]);
      // A -Name that is not a Lockable, and no -Object, both lock the global Lockable (as Pode does).
      expect(order).to.deep.equal([1, 2, 3, 4]);
    });

    it('a script that throws releases the lock; the error is rethrown and logged', async () => {
      const obj = [1, 2];
      let err: unknown;
      await Promise.resolve(
        LockPodeObject({
          Object: obj,
          ScriptBlock: () => {
            throw new Error('boom');
          },
        }),
      ).catch((e) => (err = e));
      expect((err as Error).message).to.equal('boom');
      expect(logs.at('error').join('\n')).to.include('boom');
      expect(await LockPodeObject({ Object: obj, Return: true, ScriptBlock: () => 'free' })).to.equal('free');
    });

    it('-Return gives the script value; without it, nothing; three call forms', async () => {
      const obj = {};
      expect(await LockPodeObject({ Object: obj, ScriptBlock: () => 1 })).to.equal(undefined);
      expect(await LockPodeObject({ Object: obj, ScriptBlock: async () => 2, Return: true })).to.equal(2);
      expect(await LockPodeObject(obj, { ScriptBlock: () => 3, Return: true })).to.equal(3);
      expect(await pode`Lock-PodeObject -Object ${obj} -Return -ScriptBlock ${() => 4}`).to.equal(4);
      expect(await pode`Lock-PodeObject ${obj} -ScriptBlock ${() => 5} -Return`).to.equal(5);
    });

    it("-Timeout: a lock not free in time fails with Pode's text; the holder keeps it", async () => {
      const hold = gate();
      const holder = LockPodeObject({ Name: 'x', ScriptBlock: () => hold.opened });
      NewPodeLockable('L');
      const l = LockPodeObject({ Name: 'L', ScriptBlock: () => hold.opened });
      const late = Promise.resolve(LockPodeObject({ Name: 'l', Timeout: 500, ScriptBlock: () => 'never' })).catch((e) => e as PodeError);
      clock.advance(500);
      const err = await late;
      expect(err).to.be.instanceOf(PodeError);
      expect((err as PodeError).ErrorId).to.equal('FailedToAcquireLock,Lock-PodeObject');
      expect((err as PodeError).message).to.equal('Failed to acquire a lock on the object.');
      hold.open();
      await Promise.all([holder, l]);
    });

    it('-CheckGlobal waits for the global Lockable to be free before locking', async () => {
      const hold = gate();
      const events: string[] = [];
      const global = LockPodeObject({ ScriptBlock: async () => {
        await hold.opened;
        events.push('global done');
      } });
      const obj = {};
      const checked = LockPodeObject({ Object: obj, CheckGlobal: true, ScriptBlock: () => void events.push('checked') });
      const unchecked = LockPodeObject({ Object: {}, ScriptBlock: () => void events.push('unchecked') });
      await unchecked;
      expect(events).to.deep.equal(['unchecked']);
      hold.open();
      await Promise.all([global, checked]);
      expect(events).to.deep.equal(['unchecked', 'global done', 'checked']);
    });

    it("numbers, booleans and strings cannot be locked (Pode's [ValueType] text)", async () => {
      for (const value of [1, true, 'text']) {
        const err = await failure(() => LockPodeObject({ Object: value, ScriptBlock: () => 1 }));
        expect(err.ErrorId).to.equal('CannotLockValueType,Lock-PodeObject');
        expect(err.message).to.equal('Cannot lock a [ValueType]');
      }
      const exit = await failure(() => ExitPodeLockable(5));
      expect(exit.message).to.equal('Cannot unlock a [ValueType]');
    });

    it('Enter-/Exit-PodeLockable: a lock held until exited; Exit of a free lock does nothing', async () => {
      NewPodeLockable({ Name: 'Lock1' });
      await EnterPodeLockable({ Name: 'Lock1' });
      const events: string[] = [];
      const waiting = LockPodeObject({ Object: GetPodeLockable('lock1'), ScriptBlock: () => void events.push('ran') });
      await Promise.resolve();
      expect(events).to.deep.equal([]);
      ExitPodeLockable({ Name: 'LOCK1' });
      await waiting;
      expect(events).to.deep.equal(['ran']);
      ExitPodeLockable({ Name: 'Lock1' });
      ExitPodeLockable();
    });

    it('New-/Get-/Test-/Remove-/Clear-PodeLockable(s)', () => {
      NewPodeLockable('A');
      pode`New-PodeLockable -Name b`;
      expect([TestPodeLockable('a'), TestPodeLockable({ Name: 'B' }), TestPodeLockable('c')]).to.deep.equal([true, true, false]);
      expect(GetPodeLockable('a')).to.deep.equal({ Name: 'A' });
      expect(GetPodeLockable('c')).to.equal(null);
      RemovePodeLockable('A');
      expect(TestPodeLockable('a')).to.equal(false);
      ClearPodeLockables();
      expect(TestPodeLockable('b')).to.equal(false);
    });
  });
});
