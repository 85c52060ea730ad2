// Pode's New-PodeCron: a five-field cron expression ("minute hour date month day") built from named parts.
// The rules are Pode's (src/Public/Utilities.ps1, New-PodeCron, and its helper Set-PodeCronInterval in
// src/Private/Helpers.ps1), written again here:
// - every field starts as '*';
// - -Every sets the fields below the one it names to their first value (Hour: minute 0; Day/Date: 00:00;
//   Month: 00:00 on the 1st unless -Day is given; Quarter: 00:00 on the 1st of Jan/Apr/Jul/Oct; Year: 00:00
//   on the 1st of January);
// - -Interval N (N > 0) puts '/N' on the field -Every names: '*/N', or 'v/N' when one value v of that field
//   was given (that value is then used up); two or more values with an interval are refused;
// - any other values given replace their field, joined by ',' in the order given (duplicates kept);
// - an interval with Every None, Quarter or Year is refused.
import { errors } from '../errors/catalog.ts';

export const CRON_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
export const CRON_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const CRON_EVERY = ['Minute', 'Hour', 'Day', 'Date', 'Month', 'Quarter', 'Year', 'None'] as const;

export interface NewCronOptions {
  Minute?: readonly number[];
  Hour?: readonly number[];
  Date?: readonly number[];
  /** Month names (January…December), any casing. */
  Month?: readonly string[];
  /** Day names (Monday…Sunday), any casing; Sunday is 0. */
  Day?: readonly string[];
  Every?: string;
  Interval?: number;
}

type Field = 'Minute' | 'Hour' | 'Date' | 'Month' | 'Day';

const monthNumber = (name: string): number => CRON_MONTHS.findIndex((m) => m.toLowerCase() === name.toLowerCase()) + 1;
// Pode numbers days from Sunday = 0.
const DAY_NUMBERS: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

/** The expression New-PodeCron returns for these options; `command` names the caller in errors. */
export function buildCron(options: NewCronOptions, command = 'New-PodeCron'): string {
  const every = (options.Every ?? 'None').toLowerCase();
  const interval = options.Interval ?? 0;
  if (every === 'none' && interval > 0) throw errors.CronIntervalWithEveryNone(command);

  const cron: Record<Field, string> = { Minute: '*', Hour: '*', Date: '*', Month: '*', Day: '*' };
  const values: Record<Field, readonly number[]> = {
    Minute: options.Minute ?? [],
    Hour: options.Hour ?? [],
    Date: options.Date ?? [],
    Month: (options.Month ?? []).map(monthNumber),
    Day: (options.Day ?? []).map((d) => DAY_NUMBERS[d.toLowerCase()] ?? -1),
  };

  // Set-PodeCronInterval: the '/N' step on one field; a single value of that field becomes its start.
  const step = (field: Field): void => {
    if (interval <= 0) return;
    const given = values[field];
    if (given.length > 1) throw errors.CronSingleValueForInterval(command, { field });
    if (given.length === 1) {
      cron[field] = String(given[0]);
      values[field] = [];
    }
    cron[field] += `/${interval}`;
  };

  switch (every) {
    case 'minute':
      step('Minute');
      break;
    case 'hour':
      cron.Minute = '0';
      step('Hour');
      break;
    case 'day':
      cron.Minute = '0';
      cron.Hour = '0';
      step('Day');
      break;
    case 'date':
      cron.Minute = '0';
      cron.Hour = '0';
      step('Date');
      break;
    case 'month':
      cron.Minute = '0';
      cron.Hour = '0';
      if (values.Day.length === 0) cron.Date = '1';
      step('Month');
      break;
    case 'quarter':
      cron.Minute = '0';
      cron.Hour = '0';
      cron.Date = '1';
      cron.Month = '1,4,7,10';
      if (interval > 0) throw errors.CronIntervalForQuarter(command);
      break;
    case 'year':
      cron.Minute = '0';
      cron.Hour = '0';
      cron.Date = '1';
      cron.Month = '1';
      if (interval > 0) throw errors.CronIntervalForYear(command);
      break;
  }

  // Values given replace their field (Pode's order of overrides: minute, hour, day, date, month).
  for (const field of ['Minute', 'Hour', 'Day', 'Date', 'Month'] as const) {
    if (values[field].length > 0) cron[field] = values[field].join(',');
  }
  return `${cron.Minute} ${cron.Hour} ${cron.Date} ${cron.Month} ${cron.Day}`;
}
