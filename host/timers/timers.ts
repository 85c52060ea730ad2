// Pode's Add-PodeTimer: run a script every Interval seconds, optionally a limited number of times,
// skipping the first few intervals, and/or once as soon as the server starts.
import { errors } from '../errors/catalog.ts';
import { JobRegistry } from './jobs.ts';
import type { JobInfo, JobState, RegistryOptions, RunEvent, Runner } from './jobs.ts';

export interface TimerOptions<A extends unknown[] = unknown[]> {
  Name: string;
  /** Seconds between runs; must be > 0. */
  Interval: number;
  ScriptBlock: (...args: A) => unknown;
  /** Runs before the timer removes itself; 0 = unlimited. */
  Limit?: number;
  /** Intervals to let pass before the first interval run. */
  Skip?: number;
  /** Passed to ScriptBlock on every run. */
  ArgumentList?: A;
  /** Also run once as soon as the timer is active (server start, or add() after start). */
  OnStart?: boolean;
}

export interface TimerInfo extends JobInfo {
  readonly Interval: number;
  readonly Skip: number;
}

export type TimerEvent = RunEvent<TimerInfo>;
export type TimerRunner = Runner<TimerInfo>;
export type TimersOptions = RegistryOptions<TimerInfo>;

export class Timers extends JobRegistry<TimerInfo> {
  protected readonly kind = 'Timer';
  protected readonly command = 'Add-PodeTimer';

  add<A extends unknown[]>(options: TimerOptions<A>): TimerInfo {
    const { Name, Interval, ScriptBlock, Limit = 0, Skip = 0, ArgumentList, OnStart = false } = options;
    const cmd = this.command;
    if (typeof Name !== 'string' || Name === '') throw errors.TimerNameRequired(cmd);
    this.refuseDuplicate(Name);
    const outOfRange = (parameter: 'Interval' | 'Limit' | 'Skip') => errors.TimerParameterMustBeGreaterThanZero(cmd, { name: Name, parameter });
    if (!(Number.isFinite(Interval) && Interval > 0)) throw outOfRange('Interval');
    if (!(Number.isInteger(Limit) && Limit >= 0)) throw outOfRange('Limit');
    if (!(Number.isInteger(Skip) && Skip >= 0)) throw outOfRange('Skip');
    if (typeof ScriptBlock !== 'function') throw errors.TimerScriptRequired(cmd, { name: Name });

    const info: JobState<TimerInfo> = {
      Name,
      Interval,
      Limit,
      Skip,
      OnStart,
      ArgumentList: [...(ArgumentList ?? [])],
      Count: 0,
      NextTriggerTime: undefined,
      LastTriggerTime: undefined,
    };
    this.register(info, ScriptBlock as (...args: unknown[]) => unknown);
    return info;
  }

  // Skip N means N whole intervals pass without a run, so the first is at (N + 1) intervals.
  // The OnStart run is extra to this and does not shift it.
  protected firstDue(info: TimerInfo, now: number): number {
    return now + info.Interval * 1000 * (info.Skip + 1);
  }

  // Keep to the original phase (no drift); if the process stalled past whole intervals, skip
  // the missed ones rather than firing a burst to catch up.
  protected nextDue(info: TimerInfo, at: number, now: number): number {
    const period = info.Interval * 1000;
    return at + period * (Math.floor(Math.max(0, now - at) / period) + 1);
  }
}
