import { expect } from 'chai';
import { PodeError } from '../../../host/errors/error.ts';
import { ManualClock } from '../../../host/timers/clock.ts';
import { Schedules, parseCron } from '../../../host/timers/schedules.ts';
import type { ScheduleEvent } from '../../../host/timers/schedules.ts';
import { captureLogs, deferred, flush } from './helpers.ts';
import type { Captured } from './helpers.ts';

const MIN = 60_000;
// Local time, as Pode's schedules are; dates are far from any DST change.
const at = (h: number, m: number, s = 0): Date => new Date(2024, 0, 15, h, m, s);
const hms = (d: Date): string => [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');

describe('timers/schedules', () => {
  let clock: ManualClock;
  let schedules: Schedules;
  let logs: Captured;
  let fired: string[];
  const record = (): void => void fired.push(hms(clock.now()));

  beforeEach(() => {
    clock = new ManualClock(at(10, 0, 30));
    schedules = new Schedules({ clock });
    logs = captureLogs('verbose');
    fired = [];
  });
  afterEach(async () => {
    logs.restore();
    await schedules.stop();
  });

  it("'*/5 * * * *' fires on the fives", () => {
    schedules.add({ Name: 's', Cron: '*/5 * * * *', ScriptBlock: record });
    schedules.start();
    expect(schedules.get('s')?.NextTriggerTime?.getTime()).to.equal(at(10, 5).getTime());
    clock.advanceTo(at(10, 16));
    expect(fired).to.deep.equal(['10:05:00', '10:10:00', '10:15:00']);
  });

  it('does nothing before start()', () => {
    schedules.add({ Name: 's', Cron: '* * * * *', ScriptBlock: record });
    clock.advance(10 * MIN);
    expect(fired).to.deep.equal([]);
  });

  it('supports a leading seconds field', () => {
    schedules.add({ Name: 's', Cron: '*/15 * * * * *', ScriptBlock: record });
    schedules.start();
    clock.advanceTo(at(10, 1, 20));
    expect(fired).to.deep.equal(['10:00:45', '10:01:00', '10:01:15']);
  });

  it("accepts Pode's predefined expressions such as @minutely", () => {
    schedules.add({ Name: 's', Cron: '@minutely', ScriptBlock: record });
    schedules.add({ Name: 'h', Cron: '@hourly', ScriptBlock: () => void fired.push('hourly') });
    schedules.start();
    clock.advanceTo(at(11, 0, 0));
    expect(fired.filter((f) => f !== 'hourly')).to.have.length(60);
    expect(fired.filter((f) => f === 'hourly')).to.have.length(1);
  });

  it('fires once for several crons, at the earliest of them, and once when they coincide', () => {
    schedules.add({ Name: 's', Cron: ['*/20 * * * *', '*/30 * * * *'], ScriptBlock: record });
    schedules.start();
    clock.advanceTo(at(11, 0, 30));
    expect(fired).to.deep.equal(['10:20:00', '10:30:00', '10:40:00', '11:00:00']);
  });

  it('does not fire before StartTime; a match exactly at StartTime counts', () => {
    schedules.add({ Name: 's', Cron: '* * * * *', StartTime: at(10, 3), ScriptBlock: record });
    schedules.start();
    clock.advanceTo(at(10, 5, 30));
    expect(fired).to.deep.equal(['10:03:00', '10:04:00', '10:05:00']);
  });

  it('does not fire after EndTime, then removes itself', () => {
    schedules.add({ Name: 's', Cron: '* * * * *', EndTime: at(10, 3), ScriptBlock: record });
    schedules.start();
    clock.advanceTo(at(10, 10));
    expect(fired).to.deep.equal(['10:01:00', '10:02:00', '10:03:00']);
    expect(schedules.has('s')).to.equal(false);
    expect(clock.pending).to.equal(0);
  });

  it('StartTime and EndTime together bound the runs', () => {
    schedules.add({ Name: 's', Cron: '*/2 * * * *', StartTime: at(10, 3), EndTime: at(10, 9), ScriptBlock: record });
    schedules.start();
    clock.advanceTo(at(10, 30));
    expect(fired).to.deep.equal(['10:04:00', '10:06:00', '10:08:00']);
  });

  it('stops after Limit runs and removes itself', () => {
    schedules.add({ Name: 's', Cron: '* * * * *', Limit: 2, ScriptBlock: record });
    schedules.start();
    clock.advanceTo(at(10, 10));
    expect(fired).to.deep.equal(['10:01:00', '10:02:00']);
    expect(schedules.has('s')).to.equal(false);
    expect(clock.pending).to.equal(0);
  });

  it('OnStart runs at start regardless of the crons, within Start/EndTime', () => {
    schedules.add({ Name: 'now', Cron: '0 0 1 1 *', OnStart: true, ScriptBlock: () => void fired.push('now') });
    schedules.add({ Name: 'later', Cron: '* * * * *', OnStart: true, StartTime: at(12, 0), ScriptBlock: () => void fired.push('later') });
    schedules.start();
    expect(fired).to.deep.equal(['now']);
    expect(schedules.get('now')?.Count).to.equal(1);
  });

  it('matches day-of-month AND day-of-week, as Pode does', () => {
    clock = new ManualClock(new Date(2024, 0, 1));
    schedules = new Schedules({ clock });
    schedules.add({ Name: 'fri13', Cron: '0 0 13 * FRI', ScriptBlock: () => {} });
    schedules.start();
    // Friday the 13th next falls in September 2024 (an OR would give Friday 5 January).
    expect(schedules.get('fri13')?.NextTriggerTime?.getTime()).to.equal(new Date(2024, 8, 13).getTime());
  });

  it('passes ArgumentList and the schedule event through the runner', () => {
    const events: ScheduleEvent[] = [];
    const args: unknown[] = [];
    schedules = new Schedules({ clock, runner: (event, run) => (events.push(event), run()) });
    schedules.add({ Name: 's', Cron: '* * * * *', ArgumentList: [{ Key: 'v' }] as [{ Key: string }], ScriptBlock: (a: { Key: string }) => void args.push(a) });
    schedules.start();
    clock.advanceTo(at(10, 2));
    expect(args).to.deep.equal([{ Key: 'v' }, { Key: 'v' }]);
    expect(events.map((e) => [e.Name, e.Count, hms(e.Timestamp)])).to.deep.equal([
      ['s', 1, '10:01:00'],
      ['s', 2, '10:02:00'],
    ]);
    expect(events[0]!.Sender.Cron).to.deep.equal(['* * * * *']);
  });

  it('logs a failing run with its name and stack, and keeps its schedule', () => {
    let runs = 0;
    schedules.add({
      Name: 'bad',
      Cron: '* * * * *',
      ScriptBlock: () => {
        runs++;
        throw new TypeError('nope');
      },
    });
    schedules.start();
    clock.advanceTo(at(10, 3));
    expect(runs).to.equal(3);
    expect(logs.at('error')).to.have.length(3);
    expect(logs.at('error')[0]).to.contain("Schedule 'bad' failed").and.contain('TypeError: nope').and.match(/\n\s+at /);
  });

  it('never overlaps a slow async run', async () => {
    const gate = deferred();
    let started = 0;
    schedules.add({ Name: 'slow', Cron: '* * * * *', ScriptBlock: () => (++started === 1 ? gate.promise : undefined) });
    schedules.start();
    await clock.advanceAsync(3 * MIN);
    expect(started).to.equal(1);
    expect(logs.at('verbose').filter((l) => l.includes("Schedule 'slow' is still running; skipping this run"))).to.have.length(2);
    gate.resolve();
    await flush();
    await clock.advanceAsync(1 * MIN);
    expect(started).to.equal(2);
  });

  describe('invalid input', () => {
    const errorOf = (fn: () => unknown): PodeError => {
      try {
        fn();
      } catch (err) {
        return err as PodeError;
      }
      throw new Error('expected an error');
    };

    it('names an invalid cron expression', () => {
      const err = errorOf(() => schedules.add({ Name: 's', Cron: '61 * * * *', ScriptBlock: () => {} }));
      expect(err).to.be.instanceOf(PodeError);
      expect(err.ErrorId).to.equal('InvalidCronExpression,Add-PodeSchedule');
      expect(err.message).to.equal("[Schedule] s: Invalid cron expression '61 * * * *': Invalid value for minute: 61");
      expect(schedules.has('s')).to.equal(false);
    });

    it('names the bad one among several', () => {
      const err = errorOf(() => schedules.add({ Name: 's', Cron: ['* * * * *', 'every tuesday'], ScriptBlock: () => {} }));
      expect(err.message).to.contain("Invalid cron expression 'every tuesday'");
    });

    it('rejects wrong field counts, empty lists and date strings', () => {
      expect(() => parseCron('* * * *')).to.throw(/Invalid cron expression '\* \* \* \*'.*five or six/);
      expect(() => parseCron('')).to.throw(/Invalid cron expression ''/);
      expect(() => parseCron('2030-01-01T00:00:00')).to.throw(/Invalid cron expression '2030-01-01T00:00:00'/);
      expect(() => schedules.add({ Name: 's', Cron: [], ScriptBlock: () => {} })).to.throw(/at least one Cron expression/);
    });

    it('refuses a duplicate name', () => {
      schedules.add({ Name: 'dup', Cron: '* * * * *', ScriptBlock: () => {} });
      const err = errorOf(() => schedules.add({ Name: 'dup', Cron: '* * * * *', ScriptBlock: () => {} }));
      expect(err.message).to.equal('[Schedule] dup: Schedule already defined.'); // Pode's scheduleAlreadyDefinedExceptionMessage
      expect(err.ErrorId).to.equal('ScheduleAlreadyDefined,Add-PodeSchedule');
      // Pode's Add-PodeSchedule checks the name, then Limit and the times, before it parses the crons.
      expect(() => schedules.add({ Name: 'dup', Cron: 'nonsense', Limit: -1, ScriptBlock: () => {} })).to.throw('[Schedule] dup: Schedule already defined.');
      expect(() => schedules.add({ Name: 'new', Cron: 'nonsense', Limit: -1, ScriptBlock: () => {} })).to.throw('[Schedule] new: Cannot have a negative limit.');
    });

    it('refuses an EndTime in the past, or not after StartTime', () => {
      // Pode's scheduleEndTimeMustBeInFutureExceptionMessage and scheduleStartTimeAfterEndTimeExceptionMessage.
      expect(() => schedules.add({ Name: 'a', Cron: '* * * * *', EndTime: at(9, 0), ScriptBlock: () => {} })).to.throw(
        '[Schedule] a: The EndTime value must be in the future.',
      );
      expect(() => schedules.add({ Name: 'b', Cron: '* * * * *', StartTime: at(12, 0), EndTime: at(11, 0), ScriptBlock: () => {} })).to.throw(
        '[Schedule] b: Cannot have a StartTime after the EndTime',
      );
    });
  });

  it('removes itself at start when no match can fall within its window', () => {
    schedules.add({ Name: 'never', Cron: '0 0 30 2 *', ScriptBlock: record });
    schedules.start();
    expect(schedules.has('never')).to.equal(false);
    expect(logs.at('verbose').join('\n')).to.contain("Schedule 'never' has no further trigger times and was removed");
  });

  it('remove() and stop() unschedule', async () => {
    schedules.add({ Name: 'a', Cron: '* * * * *', ScriptBlock: record });
    schedules.add({ Name: 'b', Cron: '* * * * *', ScriptBlock: record });
    schedules.start();
    expect(schedules.remove('a')).to.equal(true);
    clock.advanceTo(at(10, 1));
    expect(fired).to.deep.equal(['10:01:00']);
    await schedules.stop();
    expect(schedules.names()).to.deep.equal([]);
    clock.advanceTo(at(10, 5));
    expect(fired).to.have.length(1);
    expect(clock.pending).to.equal(0);
  });
});
