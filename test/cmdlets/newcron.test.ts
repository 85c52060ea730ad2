// New-PodeCron: the expressions Pode's code builds (src/Public/Utilities.ps1@stored-version-6703920996, function
// New-PodeCron at character offset 26216, and its helper Set-PodeCronInterval in src/Private/Helpers.ps1,
// stored-version-6689163478 at offset 83913), every refusal in Pode's words (src/Locales/en/Pode.psd1 @ec400314),
// three call forms, and the expressions accepted by Add-PodeSchedule and firing on a ManualClock.
import { expect } from 'chai';
import { AddPodeSchedule, NewPodeCron } from '../../cmdlets/index.ts';
import { findCmdlet } from '../../host/cmdlet/registry.ts';
import { pode } from '../../host/cmdlet/template.ts';
import { PodeError } from '../../host/errors/error.ts';
import { PodeServer, setCurrentServer } from '../../host/runtime/server.ts';
import { ManualClock } from '../../host/timers/clock.ts';
import { podeTexts } from '../fixtures/pode/texts.ts';

// Loosely typed: the table also holds what the typed signature refuses (casings, unknown names) to test the binder.
type Options = Record<string, unknown>;
const newCron = NewPodeCron as unknown as (options: Options) => string;

function failure(fn: () => unknown): PodeError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(PodeError);
    return err as PodeError;
  }
  throw new Error('expected an error');
}

// [what is asked, the expression, why (Pode's code path)]
const TABLE: readonly (readonly [Options, string, string])[] = [
  [{}, '* * * * *', 'every field starts as *'],
  [{ Every: 'None' }, '* * * * *', "None sets nothing (the switch has no 'NONE' case)"],
  [{ Every: 'Minute' }, '* * * * *', 'Minute sets nothing below it'],
  [{ Every: 'Hour' }, '0 * * * *', "HOUR: Minute = '0'"],
  [{ Every: 'Day' }, '0 0 * * *', 'Pode example: every 00:00'],
  [{ Every: 'Date' }, '0 0 * * *', "DATE: Minute and Hour '0'"],
  [{ Every: 'Month' }, '0 0 1 * *', "MONTH: Date = '1' when no -Day"],
  [{ Every: 'Quarter' }, '0 0 1 1,4,7,10 *', 'Pode example: every 1st jan, apr, jul, oct, at 00:00'],
  [{ Every: 'Year' }, '0 0 1 1 *', "YEAR: Date '1', Month '1'"],
  [{ Every: 'Day', Day: ['Tuesday', 'Friday'], Hour: [1] }, '0 1 * * 2,5', 'Pode example: every tuesday and friday at 01:00'],
  [{ Every: 'Month', Date: [15] }, '0 0 15 * *', 'Pode example: every 15th of the month at 00:00'],
  [{ Every: 'Date', Interval: 2, Date: [2] }, '0 0 2/2 * *', 'Pode example: every other day from the 2nd (one Date value becomes the start)'],
  [{ Every: 'Year', Month: ['June'] }, '0 0 1 6 *', 'Pode example: every 1st june, at 00:00'],
  [{ Every: 'Hour', Hour: [1], Interval: 1 }, '0 1/1 * * *', 'Pode example: every hour, starting at 01:00'],
  [{ Every: 'Minute', Hour: [1, 2, 3, 4, 5], Interval: 15 }, '*/15 1,2,3,4,5 * * *', 'Pode example: every 15 minutes from 01:00 to 05:59'],
  [{ Every: 'Hour', Day: ['Monday'] }, '0 * * * 1', 'Pode example: every hour of every monday'],
  [{ Every: 'Month', Day: ['Sunday'] }, '0 0 * * 0', 'MONTH with -Day leaves Date at *; Sunday is 0'],
  [{ Every: 'Month', Interval: 3 }, '0 0 1 */3 *', "no Month value: '*' + '/3'"],
  [{ Every: 'Month', Month: ['March'], Interval: 2 }, '0 0 1 3/2 *', 'one Month value starts the interval'],
  [{ Every: 'Day', Interval: 2 }, '0 0 * * */2', 'the Day field takes the interval'],
  [{ Every: 'Minute', Minute: [5], Interval: 10 }, '5/10 * * * *', 'one Minute value starts the interval'],
  [{ Minute: [30, 0], Hour: [12] }, '30,0 12 * * *', 'values joined by , in the order given'],
  [{ Minute: [5, 5] }, '5,5 * * * *', 'duplicates kept, as -join keeps them'],
  [{ Every: 'Quarter', Month: ['June'], Date: [5] }, '0 0 5 6 *', 'values given override the Every defaults'],
  [{ Every: 'Year', Minute: [15], Hour: [6] }, '15 6 1 1 *', 'overrides on YEAR'],
  [{ Interval: -1 }, '* * * * *', 'only an Interval > 0 is refused with None, and -le 0 means no interval'],
  [{ Every: 'Hour', Interval: 0, Hour: [3, 4] }, '0 3,4 * * *', 'Interval 0: several values are fine'],
  [{ Every: 'hour' }, '0 * * * *', 'ValidateSet is case-insensitive'],
  [{ Month: ['december', 'JANUARY'] }, '* * * 12,1 *', 'month names in any casing'],
];

describe('cmdlets/schedules.ts: New-PodeCron', () => {
  it("declares Pode's parameters: automatic positions, ranges, sets and defaults", () => {
    const decl = findCmdlet('New-PodeCron')!.decl;
    expect(findCmdlet('NewPodeCron')!.group).to.equal('Schedules');
    expect(decl.parameters.map((p) => [p.name, p.type, p.default ?? null])).to.deep.equal([
      ['Minute', 'Int32[]', null],
      ['Hour', 'Int32[]', null],
      ['Date', 'Int32[]', null],
      ['Month', 'String[]', null],
      ['Day', 'String[]', null],
      ['Every', 'String', 'None'],
      ['Interval', 'Int32', 0],
    ]);
  });

  describe("the expressions Pode's code builds", () => {
    for (const [options, expected, why] of TABLE) {
      it(`${JSON.stringify(options)} → '${expected}' (${why})`, () => {
        expect(newCron(options)).to.equal(expected);
      });
    }
  });

  describe("refusals, in Pode's words", () => {
    const cases: readonly (readonly [Options, string, string, string])[] = [
      [{ Interval: 2 }, 'cannotSupplyIntervalWhenEveryIsNoneExceptionMessage', "Cannot supply an interval when the parameter 'Every' is set to None.", 'Interval'],
      [{ Every: 'None', Interval: 1 }, 'cannotSupplyIntervalWhenEveryIsNoneExceptionMessage', "Cannot supply an interval when the parameter 'Every' is set to None.", 'Interval'],
      [{ Every: 'Quarter', Interval: 1 }, 'cannotSupplyIntervalForQuarterExceptionMessage', 'Cannot supply interval value for every quarter.', 'Interval'],
      [{ Every: 'Year', Interval: 5 }, 'cannotSupplyIntervalForYearExceptionMessage', 'Cannot supply interval value for every year.', 'Interval'],
      [{ Every: 'Minute', Minute: [1, 2], Interval: 5 }, 'singleValueForIntervalExceptionMessage', 'You can only supply a single Minute value when using intervals.', 'Minute'],
      [{ Every: 'Hour', Hour: [1, 2], Interval: 2 }, 'singleValueForIntervalExceptionMessage', 'You can only supply a single Hour value when using intervals.', 'Hour'],
      [{ Every: 'Day', Day: ['Monday', 'Friday'], Interval: 2 }, 'singleValueForIntervalExceptionMessage', 'You can only supply a single Day value when using intervals.', 'Day'],
      [{ Every: 'Date', Date: [1, 15], Interval: 2 }, 'singleValueForIntervalExceptionMessage', 'You can only supply a single Date value when using intervals.', 'Date'],
      [{ Every: 'Month', Month: ['May', 'June'], Interval: 2 }, 'singleValueForIntervalExceptionMessage', 'You can only supply a single Month value when using intervals.', 'Month'],
    ];
    for (const [options, key, text, parameter] of cases) {
      it(`${JSON.stringify(options)}: ${text}`, () => {
        const err = failure(() => newCron(options));
        expect(err.message).to.equal(text);
        expect(err.ParameterName).to.equal(parameter);
        // The text is Pode's en-US one, {0} filled with the field's name.
        expect(text).to.equal(String(podeTexts[key]).replace('{0}', parameter));
      });
    }

    it('binding refuses out-of-range values and unknown names before any of that (ValidateRange, ValidateSet)', () => {
      expect(failure(() => newCron({ Minute: [60] })).message).to.equal(
        "Cannot validate argument on parameter 'Minute'. The 60 argument is greater than the maximum allowed range of 59. Supply an argument that is less than or equal to 59 and then try the command again.",
      );
      expect(failure(() => newCron({ Hour: [24] })).ParameterName).to.equal('Hour');
      expect(failure(() => newCron({ Date: [0] })).ParameterName).to.equal('Date');
      expect(failure(() => newCron({ Month: ['Jan'] })).message).to.equal(
        'Cannot validate argument on parameter \'Month\'. The argument "Jan" does not belong to the set "January,February,March,April,May,June,July,August,September,October,November,December" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.',
      );
      expect(failure(() => newCron({ Day: ['Funday'] })).ParameterName).to.equal('Day');
      expect(failure(() => newCron({ Every: 'Week' })).ParameterName).to.equal('Every');
    });
  });

  describe('three call forms give the same expression', () => {
    it('splat', () => {
      expect(NewPodeCron({ Minute: [30, 0], Hour: [12], Every: 'Day' })).to.equal('30,0 12 * * *');
    });
    it('positional (Pode declares no Position: PowerShell numbers them in order), and positional with a trailing splat', () => {
      const positional = NewPodeCron as unknown as (...args: unknown[]) => string;
      expect(positional([30, 0], [12])).to.equal('30,0 12 * * *');
      expect(positional([30, 0], [12], { Every: 'Day' })).to.equal('30,0 12 * * *');
      expect(positional([0], [0], [15])).to.equal('0 0 15 * *');
    });
    it('`pode` command line, with comma lists', () => {
      expect(pode`New-PodeCron -Every Minute -Hour 1, 2, 3, 4, 5 -Interval 15`).to.equal('*/15 1,2,3,4,5 * * *');
      expect(pode`New-PodeCron -Every Day -Day Tuesday, Friday -Hour 1`).to.equal('0 1 * * 2,5');
      expect(pode`New-PodeCron 30,0 12`).to.equal('30,0 12 * * *');
      expect(pode`New-PodeCron -Every ${'Quarter'}`).to.equal('0 0 1 1,4,7,10 *');
    });
  });

  describe('with Add-PodeSchedule', () => {
    let clock: ManualClock;
    let server: PodeServer;
    let fired: string[];
    // Local time, as Pode's schedules are. 15 January 2024 is a Monday; no DST change near.
    const stamp = (d: Date) =>
      `${d.getMonth() + 1}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    const record = () => void fired.push(stamp(clock.now()));

    beforeEach(() => {
      clock = new ManualClock(new Date(2024, 0, 15, 10, 0, 30));
      server = new PodeServer({ clock });
      setCurrentServer(server);
      fired = [];
    });
    afterEach(async () => {
      await server.schedules.stop();
      setCurrentServer(undefined);
    });

    it('accepts every expression of the table', () => {
      TABLE.forEach(([options], i) => AddPodeSchedule({ Name: `cron-${i}`, Cron: newCron(options), ScriptBlock: record }));
      expect(server.schedules.get('cron-11')?.Cron).to.deep.equal(['0 0 2/2 * *']);
    });

    it("'*/15 1,2,3,4,5 * * *' fires every 15 minutes from 01:00 to 05:45 only", () => {
      AddPodeSchedule({ Name: 'q', Cron: NewPodeCron({ Every: 'Minute', Hour: [1, 2, 3, 4, 5], Interval: 15 }), ScriptBlock: record });
      server.schedules.start();
      clock.advanceTo(new Date(2024, 0, 16, 7, 0));
      expect(fired).to.have.length(20);
      expect(fired.slice(0, 5)).to.deep.equal(['1-16 01:00', '1-16 01:15', '1-16 01:30', '1-16 01:45', '1-16 02:00']);
      expect(fired.at(-1)).to.equal('1-16 05:45');
    });

    it("'0 1 * * 2,5' fires on Tuesdays and Fridays at 01:00", () => {
      AddPodeSchedule({ Name: 'tf', Cron: NewPodeCron({ Every: 'Day', Day: ['Tuesday', 'Friday'], Hour: [1] }), ScriptBlock: record });
      server.schedules.start();
      clock.advanceTo(new Date(2024, 0, 27));
      expect(fired).to.deep.equal(['1-16 01:00', '1-19 01:00', '1-23 01:00', '1-26 01:00']);
    });

    it("'0 0 2/2 * *' fires at midnight every other date from the 2nd", () => {
      AddPodeSchedule({ Name: 'dates', Cron: NewPodeCron({ Every: 'Date', Interval: 2, Date: [2] }), ScriptBlock: record });
      server.schedules.start();
      clock.advanceTo(new Date(2024, 1, 5));
      expect(fired).to.deep.equal(['1-16 00:00', '1-18 00:00', '1-20 00:00', '1-22 00:00', '1-24 00:00', '1-26 00:00', '1-28 00:00', '1-30 00:00', '2-02 00:00', '2-04 00:00']);
    });
  });
});
