// Add-PodeSchedule / Remove-PodeSchedule through their declarations, driven by a ManualClock through
// the server's Schedules engine: cron minutes and seconds land exactly where they should.
import { expect } from 'chai';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AddPodeSchedule, RemovePodeSchedule } from '../../cmdlets/index.ts';
import { PodeError } from '../../host/errors/error.ts';
import { findCmdlet } from '../../host/cmdlet/registry.ts';
import { PodeServer, currentScheduleEvent, currentTimerEvent, setCurrentServer } from '../../host/runtime/server.ts';
import { ManualClock } from '../../host/timers/clock.ts';
import { recorded } from '../fixtures/scriptblocks/record.ts';
import { captureLogs, type Captured } from '../host/timers/helpers.ts';
import { failure } from '../helpers/failure.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'scriptblocks');
// Local time, as Pode's schedules are; far from any DST change.
const at = (h: number, m: number, s = 0): Date => new Date(2024, 0, 15, h, m, s);
const hms = (d: Date): string => [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');


describe('cmdlets/schedules.ts', () => {
  let clock: ManualClock;
  let server: PodeServer;
  let logs: Captured;
  let fired: string[];
  const record = (): void => void fired.push(hms(clock.now()));

  beforeEach(() => {
    clock = new ManualClock(at(10, 0, 30));
    server = new PodeServer({ clock, rootPath: FIXTURES });
    setCurrentServer(server);
    logs = captureLogs('info');
    fired = [];
    recorded().length = 0;
  });
  afterEach(async () => {
    logs.restore();
    await server.schedules.stop();
    setCurrentServer(undefined);
  });

  it("declares Pode's parameters, types and sets", () => {
    const decl = findCmdlet('Add-PodeSchedule')!.decl;
    expect(findCmdlet('AddPodeSchedule')!.group).to.equal('Schedules');
    expect(decl.defaultParameterSet).to.equal('Script');
    expect(decl.parameters.map((p) => `${p.name}:${p.type}${p.mandatory ? '!' : ''}${p.sets ? '@' + p.sets.join(',') : ''}`)).to.deep.equal([
      'Name:String!',
      'Cron:String[]!',
      'ScriptBlock:ScriptBlock!@Script',
      'Limit:Int32',
      'StartTime:DateTime',
      'EndTime:DateTime',
      'FilePath:String!@File',
      'ArgumentList:Hashtable',
      'Timeout:Int32',
      'TimeoutFrom:String',
      'OnStart:SwitchParameter',
    ]);
    const remove = findCmdlet('Remove-PodeSchedule')!.decl.parameters;
    expect(remove.map((p) => [p.name, p.type, p.mandatory, p.pipeline])).to.deep.equal([['Name', 'String', true, true]]);
  });

  it('fires on every match of its cron, from when the server starts', () => {
    AddPodeSchedule({ Name: 'fives', Cron: '*/5 * * * *', ScriptBlock: record });
    clock.advanceTo(at(10, 6));
    expect(fired, 'nothing before start').to.deep.equal([]);
    server.schedules.start();
    clock.advanceTo(at(10, 21));
    expect(fired).to.deep.equal(['10:10:00', '10:15:00', '10:20:00']);
  });

  it('takes several expressions (the earliest match wins) and a leading seconds field', () => {
    AddPodeSchedule({ Name: 'mixed', Cron: ['0 11 * * *', '*/20 * * * * *'], ScriptBlock: record });
    server.schedules.start();
    clock.advanceTo(at(10, 1, 5));
    expect(fired).to.deep.equal(['10:00:40', '10:01:00']);
    expect(server.schedules.get('mixed')?.Cron).to.deep.equal(['0 11 * * *', '*/20 * * * * *']);
  });

  it('Limit: removes the schedule after that many runs', () => {
    AddPodeSchedule({ Name: 'twice', Cron: '@minutely', Limit: 2, ScriptBlock: record });
    server.schedules.start();
    clock.advanceTo(at(10, 10));
    expect(fired).to.deep.equal(['10:01:00', '10:02:00']);
    expect(server.schedules.has('twice')).to.equal(false);
  });

  it('StartTime and EndTime bound the runs; past EndTime the schedule is gone', () => {
    AddPodeSchedule({ Name: 'window', Cron: '* * * * *', StartTime: at(10, 3), EndTime: at(10, 5), ScriptBlock: record });
    server.schedules.start();
    clock.advanceTo(at(10, 30));
    expect(fired).to.deep.equal(['10:03:00', '10:04:00', '10:05:00']);
    expect(server.schedules.has('window')).to.equal(false);
  });

  it('StartTime/EndTime accept date strings, as PowerShell converts them', () => {
    AddPodeSchedule({ Name: 'strings', Cron: '* * * * *', StartTime: at(12, 0).toISOString(), ScriptBlock: record });
    expect(server.schedules.get('strings')?.StartTime?.getTime()).to.equal(at(12, 0).getTime());
  });

  it('OnStart: runs when the server starts, whatever the cron says', () => {
    AddPodeSchedule({ Name: 'yearly', Cron: '@yearly', OnStart: true, ScriptBlock: record });
    server.schedules.start();
    expect(fired).to.deep.equal(['10:00:30']);
  });

  it('ArgumentList: the hashtable is the one argument (Pode splats it), and $ScheduleEvent is the run', () => {
    const seen: unknown[] = [];
    AddPodeSchedule({
      Name: 'args',
      Cron: '* * * * *',
      ArgumentList: { Greeting: 'hi' },
      ScriptBlock: ({ Greeting }: { Greeting: string }) =>
        seen.push({ Greeting, name: currentScheduleEvent()?.Name, count: currentScheduleEvent()?.Count, timer: currentTimerEvent() }),
    });
    AddPodeSchedule({ Name: 'noargs', Cron: '* * * * *', ScriptBlock: (...args: unknown[]) => seen.push(args) });
    server.schedules.start();
    clock.advanceTo(at(10, 1));
    expect(seen).to.deep.equal([{ Greeting: 'hi', name: 'args', count: 1, timer: undefined }, [{}]]);
  });

  it('a run that throws is logged with its stack and the schedule keeps its times', () => {
    let runs = 0;
    AddPodeSchedule({ Name: 'flaky', Cron: '* * * * *', ScriptBlock: () => {
      runs++;
      if (runs === 1) throw new TypeError('bad data');
    } });
    server.schedules.start();
    clock.advanceTo(at(10, 3));
    expect(runs).to.equal(3);
    const errors = logs.at('error');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^ERROR: Schedule 'flaky' failed: TypeError: bad data\n\s+at /);
  });

  it('FilePath: runs the default export of a file relative to the server root', async () => {
    AddPodeSchedule({ Name: 'file', Cron: '* * * * *', FilePath: 'record.ts', ArgumentList: { a: 1 } });
    await Promise.all(server.setup);
    server.schedules.start();
    await clock.advanceAsync(2 * 60_000);
    expect(recorded()).to.deep.equal([[{ a: 1 }], [{ a: 1 }]]);
  });

  it("keeps Pode's checks: bad cron, duplicate name, negative Limit, EndTime in the past or before StartTime", async () => {
    const cron = await failure(() => AddPodeSchedule({ Name: 'bad', Cron: 'every day', ScriptBlock: record }));
    expect(cron.ErrorId).to.equal('InvalidCronExpression,Add-PodeSchedule');
    expect(cron.message).to.match(/^\[Schedule\] bad: Invalid cron expression 'every day'/);
    AddPodeSchedule({ Name: 'dup', Cron: '@hourly', ScriptBlock: record });
    // Pode's texts: scheduleAlreadyDefined, scheduleCannotHaveNegativeLimit, scheduleEndTimeMustBeInFuture and
    // scheduleStartTimeAfterEndTime (…ExceptionMessage).
    const dup = await failure(() => AddPodeSchedule({ Name: 'dup', Cron: '@hourly', ScriptBlock: record }));
    expect([dup.ErrorId, dup.message]).to.deep.equal(['ScheduleAlreadyDefined,Add-PodeSchedule', '[Schedule] dup: Schedule already defined.']);
    expect((await failure(() => AddPodeSchedule({ Name: 'l', Cron: '@hourly', Limit: -1, ScriptBlock: record }))).message).to.equal(
      '[Schedule] l: Cannot have a negative limit.',
    );
    expect((await failure(() => AddPodeSchedule({ Name: 'p', Cron: '@hourly', EndTime: at(9, 0), ScriptBlock: record }))).message).to.equal(
      '[Schedule] p: The EndTime value must be in the future.',
    );
    const order = await failure(() => AddPodeSchedule({ Name: 'o', Cron: '@hourly', StartTime: at(12, 0), EndTime: at(11, 0), ScriptBlock: record }));
    expect(order.message).to.equal('[Schedule] o: Cannot have a StartTime after the EndTime');
    const date = await failure(() => AddPodeSchedule({ Name: 'd', Cron: '@hourly', StartTime: 'not a date', ScriptBlock: record }));
    expect(date.ErrorId).to.equal('ParameterArgumentTransformationError,Add-PodeSchedule');
  });

  it('Remove-PodeSchedule unschedules by name and ignores unknown names', () => {
    AddPodeSchedule({ Name: 'a', Cron: '* * * * *', ScriptBlock: record });
    AddPodeSchedule({ Name: 'b', Cron: '* * * * *', ScriptBlock: () => void fired.push('b') });
    server.schedules.start();
    RemovePodeSchedule('a');
    RemovePodeSchedule({ Name: 'not-there' });
    clock.advanceTo(at(10, 1));
    expect(fired).to.deep.equal(['b']);
  });
});
