// Add-PodeTimer / Remove-PodeTimer through their declarations, on a server whose timers run on a
// ManualClock, so every run count is exact. The CLI end-to-end timer tests are in test/host/cli/.
import { expect } from 'chai';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AddPodeTimer, RemovePodeTimer } from '../../cmdlets/index.ts';
import { PodeError } from '../../host/errors/error.ts';
import { findCmdlet } from '../../host/cmdlet/registry.ts';
import { PodeServer, currentTimerEvent, setCurrentServer } from '../../host/runtime/server.ts';
import { ManualClock } from '../../host/timers/clock.ts';
import { recorded } from '../fixtures/scriptblocks/record.ts';
import { captureLogs, type Captured } from '../host/timers/helpers.ts';
import { failure } from '../helpers/failure.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'scriptblocks');
const SEC = 1000;


describe('cmdlets/timers.ts', () => {
  let clock: ManualClock;
  let server: PodeServer;
  let logs: Captured;

  beforeEach(() => {
    clock = new ManualClock(new Date(2024, 0, 15, 10, 0, 0));
    server = new PodeServer({ clock, rootPath: FIXTURES });
    setCurrentServer(server);
    logs = captureLogs('info');
    recorded().length = 0;
  });
  afterEach(async () => {
    logs.restore();
    await server.timers.stop();
    setCurrentServer(undefined);
  });

  it("declares Pode's parameters, types, sets and positions", () => {
    const decl = findCmdlet('Add-PodeTimer')!.decl;
    expect(findCmdlet('AddPodeTimer')!.group).to.equal('Timers');
    expect(decl.defaultParameterSet).to.equal('Script');
    expect(decl.parameters.map((p) => `${p.name}:${p.type}${p.mandatory ? '!' : ''}${p.sets ? '@' + p.sets.join(',') : ''}`)).to.deep.equal([
      'Name:String!',
      'Interval:Int32!',
      'ScriptBlock:ScriptBlock!@Script',
      'Limit:Int32',
      'Skip:Int32',
      'FilePath:String!@File',
      'ArgumentList:Object[]',
      'OnStart:SwitchParameter',
    ]);
    const remove = findCmdlet('Remove-PodeTimer')!.decl.parameters;
    expect(remove.map((p) => [p.name, p.type, p.mandatory, p.position, p.pipeline])).to.deep.equal([['Name', 'String', true, 0, true]]);
  });

  it('runs every Interval seconds once the server starts', () => {
    let runs = 0;
    // Named only: Add-PodeTimer's parameters have sets and no Position, so PowerShell numbers none
    // (Compiler.GetParameterMetaData); a positional value is PositionalParameterNotFound, as in Pode.
    const positional = AddPodeTimer as unknown as (...args: unknown[]) => unknown;
    expect(() => positional('tick', 5, () => 1)).to.throw("A positional parameter cannot be found that accepts argument 'tick'.");
    AddPodeTimer({ Name: 'tick', Interval: 5, ScriptBlock: () => void runs++ });
    expect(server.timers.get('tick')).to.include({ Name: 'tick', Interval: 5, Limit: 0, Skip: 0, OnStart: false });
    clock.advance(60 * SEC);
    expect(runs, 'nothing before start').to.equal(0);
    server.timers.start();
    clock.advance(16 * SEC);
    expect(runs).to.equal(3);
  });

  it('Limit: removes the timer after that many runs', () => {
    let runs = 0;
    AddPodeTimer({ Name: 'twice', Interval: 1, Limit: 2, ScriptBlock: () => void runs++ });
    server.timers.start();
    clock.advance(10 * SEC);
    expect(runs).to.equal(2);
    expect(server.timers.has('twice')).to.equal(false);
  });

  it('Skip: lets that many intervals pass before the first run', () => {
    const at: number[] = [];
    AddPodeTimer({ Name: 's', Interval: 10, Skip: 2, ScriptBlock: () => void at.push(clock.now().getSeconds()) });
    server.timers.start();
    clock.advance(50 * SEC);
    expect(at).to.deep.equal([30, 40, 50]);
  });

  it('OnStart: also runs as soon as the server starts', () => {
    let runs = 0;
    AddPodeTimer({ Name: 'now', Interval: 60, OnStart: true, ScriptBlock: () => void runs++ });
    server.timers.start();
    expect(runs).to.equal(1);
    clock.advance(60 * SEC);
    expect(runs).to.equal(2);
  });

  it('ArgumentList is passed positionally, and $TimerEvent describes the run', () => {
    const seen: unknown[] = [];
    AddPodeTimer({
      Name: 'args',
      Interval: 1,
      ArgumentList: ['a', 2],
      ScriptBlock: (x: string, y: number) => seen.push({ x, y, name: currentTimerEvent()?.Name, count: currentTimerEvent()?.Count }),
    });
    server.timers.start();
    clock.advance(2 * SEC);
    expect(seen).to.deep.equal([
      { x: 'a', y: 2, name: 'args', count: 1 },
      { x: 'a', y: 2, name: 'args', count: 2 },
    ]);
  });

  it('a run that throws is logged with its stack and the timer keeps its interval', () => {
    let runs = 0;
    AddPodeTimer({ Name: 'flaky', Interval: 1, ScriptBlock: () => {
      runs++;
      if (runs === 1) throw new Error('first run fails');
    } });
    server.timers.start();
    clock.advance(3 * SEC);
    expect(runs).to.equal(3);
    const errors = logs.at('error');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^ERROR: Timer 'flaky' failed: Error: first run fails\n\s+at /);
    expect(errors[0]).to.include('timers.test.ts');
  });

  it('FilePath: runs the default export of a file relative to the server root, after setup loads it', async () => {
    AddPodeTimer({ Name: 'file', Interval: 1, FilePath: './record.ts', ArgumentList: ['x'] });
    expect(server.setup).to.have.length(1);
    await Promise.all(server.setup);
    server.timers.start();
    await clock.advanceAsync(2 * SEC);
    expect(recorded()).to.deep.equal([['x'], ['x']]);
  });

  it('FilePath: a missing file or one with no default function fails setup with a clear error', async () => {
    AddPodeTimer({ Name: 'missing', Interval: 1, FilePath: './nope.ts' });
    const missing = await failure(() => Promise.all(server.setup));
    expect(missing.ErrorId).to.equal('PathNotFound,Add-PodeTimer');
    expect(missing.message).to.equal(`Path does not exist: ${join(FIXTURES, 'nope.ts')}`); // Pode's pathNotExistExceptionMessage

    server.setup.length = 0;
    AddPodeTimer({ Name: 'folder', Interval: 1, FilePath: '.' });
    const folder = await failure(() => Promise.all(server.setup));
    expect(folder.ErrorId).to.equal('InvalidPathWildcardOrDirectory,Add-PodeTimer');
    expect(folder.message).to.equal(`The Path supplied cannot be a wildcard or a directory: ${FIXTURES}`); // Pode's invalidPathWildcardOrDirectoryExceptionMessage

    server.setup.length = 0;
    AddPodeTimer({ Name: 'nodefault', Interval: 1, FilePath: './no-default.ts' });
    const noDefault = await failure(() => Promise.all(server.setup));
    expect(noDefault.ErrorId).to.equal('ScriptFileHasNoDefaultFunction,Add-PodeTimer');
  });

  it('refuses ScriptBlock with FilePath, and a call with neither', async () => {
    const both = await failure(() => AddPodeTimer({ Name: 'x', Interval: 1, ScriptBlock: () => 1, FilePath: './record.ts' }));
    expect(both.ErrorId).to.equal('AmbiguousParameterSet,Add-PodeTimer');
    const neither = await failure(() => AddPodeTimer({ Name: 'x', Interval: 1 }));
    expect(neither.ErrorId).to.equal('MissingMandatoryParameter,Add-PodeTimer');
  });

  it("keeps Pode's checks: duplicate names, Interval > 0, Limit and Skip >= 0", async () => {
    AddPodeTimer({ Name: 'dup', Interval: 1, ScriptBlock: () => 1 });
    const dup = await failure(() => AddPodeTimer({ Name: 'dup', Interval: 1, ScriptBlock: () => 1 }));
    expect(dup.ErrorId).to.equal('TimerAlreadyDefined,Add-PodeTimer');
    expect(dup.message).to.equal('[Timer] dup: Timer already defined.'); // Pode's timerAlreadyDefinedExceptionMessage
    // Pode's timerParameterMustBeGreaterThanZeroExceptionMessage, for a negative Limit or Skip too.
    const interval = await failure(() => AddPodeTimer({ Name: 'zero', Interval: 0, ScriptBlock: () => 1 }));
    expect([interval.ErrorId, interval.message]).to.deep.equal(['TimerParameterMustBeGreaterThanZero,Add-PodeTimer', '[Timer] zero: Interval must be greater than 0.']);
    const limit = await failure(() => AddPodeTimer({ Name: 'l', Interval: 1, Limit: -1, ScriptBlock: () => 1 }));
    expect(limit.message).to.equal('[Timer] l: Limit must be greater than 0.');
    const skip = await failure(() => AddPodeTimer({ Name: 's', Interval: 1, Skip: -1, ScriptBlock: () => 1 }));
    expect(skip.message).to.equal('[Timer] s: Skip must be greater than 0.');
  });

  it('Remove-PodeTimer unschedules by name (positional or piped) and ignores unknown names', () => {
    let runs = 0;
    for (const name of ['a', 'b', 'c']) AddPodeTimer({ Name: name, Interval: 1, ScriptBlock: () => void runs++ });
    server.timers.start();
    RemovePodeTimer('a');
    RemovePodeTimer.pipe(['b', 'not-there']);
    expect(server.timers.names()).to.deep.equal(['c']);
    clock.advance(2 * SEC);
    expect(runs).to.equal(2);
  });

  it('without a server, says how to get one', async () => {
    setCurrentServer(undefined);
    const err = await failure(() => AddPodeTimer({ Name: 't', Interval: 1, ScriptBlock: () => 1 }));
    expect(err.ErrorId).to.equal('NoPodeServer,Add-PodeTimer');
  });
});
