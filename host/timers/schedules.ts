// Pode's Add-PodeSchedule: run a script whenever any of its cron expressions matches (local time),
// optionally only between StartTime and EndTime and a limited number of times.
// croner parses the expressions and computes next fire times; our own clock does the waiting, so
// tests can drive schedules with a ManualClock.
import { Cron } from 'croner';
import { errors } from '../errors/catalog.ts';
import { JobRegistry } from './jobs.ts';
import type { JobInfo, JobState, RegistryOptions, RunEvent, Runner } from './jobs.ts';

export interface ScheduleOptions<A extends unknown[] = unknown[]> {
  Name: string;
  /** One or more cron expressions: 5 fields, or 6 with a leading seconds field. */
  Cron: string | readonly string[];
  ScriptBlock: (...args: A) => unknown;
  /** Runs before the schedule removes itself; 0 = unlimited. */
  Limit?: number;
  /** Never fire before this. */
  StartTime?: Date;
  /** Never fire after this; the schedule removes itself once past it. */
  EndTime?: Date;
  ArgumentList?: A;
  /** Also run once as soon as the schedule is active, whatever the crons say (within Start/EndTime). */
  OnStart?: boolean;
}

export interface ScheduleInfo extends JobInfo {
  /** The expressions as given. */
  readonly Cron: readonly string[];
  readonly StartTime: Date | undefined;
  readonly EndTime: Date | undefined;
}

export type ScheduleEvent = RunEvent<ScheduleInfo>;
export type ScheduleRunner = Runner<ScheduleInfo>;
export type SchedulesOptions = RegistryOptions<ScheduleInfo>;

// Pode's predefined expressions that croner doesn't know (croner handles @hourly..@yearly itself).
const PODE_PREDEFINED: Record<string, string> = {
  '@minutely': '* * * * *',
  '@quarterly': '0 0 1 1,4,7,10 *',
  '@twice-hourly': '0,30 * * * *',
  '@twice-daily': '0 0,12 * * *',
  '@twice-weekly': '0 0 * * 0,4',
  '@twice-monthly': '0 0 1,15 * *',
  '@twice-yearly': '0 0 1 1,6 *',
  '@twice-annually': '0 0 1 1,6 *',
};

/** Parse one expression with croner, or throw an Error naming it. Never starts croner's own timers. */
export function parseCron(expression: string): Cron {
  const trimmed = typeof expression === 'string' ? expression.trim() : '';
  const pattern = PODE_PREDEFINED[trimmed.toLowerCase()] ?? trimmed;
  // croner reads anything with ':' as a one-off ISO date; Pode crons are patterns only.
  if (pattern === '' || pattern.includes(':')) throw new Error(`Invalid cron expression '${String(expression)}'`);
  try {
    // legacyMode false: day-of-month AND day-of-week must both match, as Pode's parser does.
    return new Cron(pattern, { legacyMode: false });
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^CronPattern:\s*/, '') : String(err);
    throw new Error(`Invalid cron expression '${expression}': ${reason}`);
  }
}

export class Schedules extends JobRegistry<ScheduleInfo> {
  protected readonly kind = 'Schedule';
  protected readonly command = 'Add-PodeSchedule';
  private readonly crons = new WeakMap<ScheduleInfo, Cron[]>();

  add<A extends unknown[]>(options: ScheduleOptions<A>): ScheduleInfo {
    const { Name, ScriptBlock, Limit = 0, StartTime, EndTime, ArgumentList, OnStart = false } = options;
    const cmd = this.command;
    if (typeof Name !== 'string' || Name === '') throw errors.ScheduleNameRequired(cmd);
    const named = { name: Name };
    // Pode's order: the name, Limit, the times, then the cron expressions.
    this.refuseDuplicate(Name);
    if (!(Number.isInteger(Limit) && Limit >= 0)) throw errors.ScheduleLimitInvalid(cmd, named);
    for (const [parameter, value] of [['StartTime', StartTime], ['EndTime', EndTime]] as const) {
      if (value !== undefined && !(value instanceof Date && !Number.isNaN(value.getTime()))) {
        throw errors.ScheduleTimeInvalid(cmd, { name: Name, parameter });
      }
    }
    if (EndTime && EndTime.getTime() < this.clock.now().getTime()) throw errors.ScheduleEndTimeInPast(cmd, named);
    if (StartTime && EndTime && EndTime.getTime() <= StartTime.getTime()) throw errors.ScheduleStartTimeAfterEndTime(cmd, named);
    const expressions = typeof options.Cron === 'string' ? [options.Cron] : [...(options.Cron ?? [])];
    if (expressions.length === 0) throw errors.InvalidCronExpression(cmd, named);
    const crons = expressions.map((expr) => {
      try {
        return parseCron(expr);
      } catch (err) {
        throw errors.InvalidCronExpression(cmd, { name: Name, error: (err as Error).message });
      }
    });
    if (typeof ScriptBlock !== 'function') throw errors.ScheduleScriptRequired(cmd, named);

    const info: JobState<ScheduleInfo> = {
      Name,
      Cron: expressions,
      StartTime: StartTime && new Date(StartTime),
      EndTime: EndTime && new Date(EndTime),
      Limit,
      OnStart,
      ArgumentList: [...(ArgumentList ?? [])],
      Count: 0,
      NextTriggerTime: undefined,
      LastTriggerTime: undefined,
    };
    this.crons.set(info, crons);
    this.register(info, ScriptBlock as (...args: unknown[]) => unknown);
    return info;
  }

  protected onStartAllowed(info: ScheduleInfo, now: number): boolean {
    return (!info.StartTime || now >= info.StartTime.getTime()) && (!info.EndTime || now <= info.EndTime.getTime());
  }

  protected firstDue(info: ScheduleInfo, now: number): number | undefined {
    return this.earliestAfter(info, now);
  }

  // From the later of now and the instant just fired, so a stalled process skips missed
  // matches rather than firing a burst of them.
  protected nextDue(info: ScheduleInfo, at: number, now: number): number | undefined {
    return this.earliestAfter(info, Math.max(at, now));
  }

  /** The earliest match of any expression strictly after `from`, within Start/EndTime. */
  private earliestAfter(info: ScheduleInfo, from: number): number | undefined {
    // Back off 1ms from StartTime so a match exactly at StartTime counts (nextRun is exclusive).
    const after = info.StartTime ? Math.max(from, info.StartTime.getTime() - 1) : from;
    let best: number | undefined;
    for (const cron of this.crons.get(info) ?? []) {
      const next = cron.nextRun(new Date(after))?.getTime();
      if (next !== undefined && (best === undefined || next < best)) best = next;
    }
    if (best === undefined || (info.EndTime && best > info.EndTime.getTime())) return undefined;
    return best;
  }
}
