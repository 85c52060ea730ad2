// What timers and schedules share: a named registry that starts with the server, runs each job's
// script without overlapping itself, counts runs against Limit, logs failures without
// unscheduling, and on stop waits (bounded) for runs still in flight.
import { errors } from '../errors/catalog.ts';
import { logException, logVerbose, logWarn } from '../log.ts';
import { sleep, systemClock, wakeAt } from './clock.ts';
import type { Clock } from './clock.ts';

/** The event a run sees (Pode's $TimerEvent / $ScheduleEvent). */
export interface RunEvent<S> {
  Name: string;
  /** The timer or schedule itself. */
  Sender: S;
  Timestamp: Date;
  /** This run's number, 1-based; counts towards Limit. */
  Count: number;
  /** Scratch space for the run; fresh each time. */
  Metadata: Record<string, unknown>;
}

/**
 * Wraps each run: must call `run()` and return (or await) its result. The host uses this to enter
 * an AsyncLocalStorage context holding the event.
 */
export type Runner<S> = (event: RunEvent<S>, run: () => unknown) => unknown;

export interface RegistryOptions<S> {
  clock?: Clock;
  runner?: Runner<S>;
  /** How long stop() waits for in-flight runs before giving up on them. Default 10s. */
  stopTimeoutMs?: number;
}

/** The fields every job exposes, Pode-style. */
export interface JobInfo {
  readonly Name: string;
  readonly Limit: number;
  readonly OnStart: boolean;
  readonly ArgumentList: readonly unknown[];
  /** Runs so far (including the OnStart one). */
  readonly Count: number;
  readonly NextTriggerTime: Date | undefined;
  readonly LastTriggerTime: Date | undefined;
}

/** The mutable record behind a JobInfo; internal bookkeeping stays off the public shape. */
export type JobState<I extends JobInfo> = { -readonly [K in keyof I]: I[K] };

interface Slot<I extends JobInfo> {
  info: JobState<I>;
  script: (...args: unknown[]) => unknown;
  cancel?: () => void;
  running?: Promise<void>;
}

export abstract class JobRegistry<I extends JobInfo> {
  protected readonly clock: Clock;
  private readonly runner: Runner<I>;
  private readonly stopTimeoutMs: number;
  private readonly slots = new Map<string, Slot<I>>();
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;

  /** 'Timer' or 'Schedule', for messages. */
  protected abstract readonly kind: 'Timer' | 'Schedule';
  /** The Pode command whose errors these are, e.g. 'Add-PodeTimer'. */
  protected abstract readonly command: string;
  /** When this job should first fire after becoming active (undefined: never). */
  protected abstract firstDue(info: I, now: number): number | undefined;
  /** When it should fire next, after firing for `at` (undefined: never again). */
  protected abstract nextDue(info: I, at: number, now: number): number | undefined;
  /** Whether an OnStart run is allowed right now (schedules keep to their Start/EndTime). */
  protected onStartAllowed(_info: I, _now: number): boolean {
    return true;
  }

  constructor(options: RegistryOptions<I> = {}) {
    this.clock = options.clock ?? systemClock;
    this.runner = options.runner ?? ((_event, run) => run());
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  }

  has(name: string): boolean {
    return this.slots.has(name);
  }

  get(name: string): I | undefined {
    return this.slots.get(name)?.info as I | undefined;
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** Unschedule a job. A run already in progress finishes (and stop() still waits for it). */
  remove(name: string): boolean {
    const slot = this.slots.get(name);
    if (!slot) return false;
    this.retire(slot);
    return true;
  }

  /** Begin firing everything registered so far; jobs added later begin as they are added. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const slot of [...this.slots.values()]) this.activate(slot);
  }

  /** Teardown: unschedule and forget every job, then wait (bounded) for in-flight runs. */
  async stop(): Promise<void> {
    this.started = false;
    for (const slot of this.slots.values()) slot.cancel?.();
    this.slots.clear();
    if (this.inFlight.size === 0) return;
    const pending = this.inFlight.size;
    const timeout = sleep(this.clock, this.stopTimeoutMs);
    const finished = await Promise.race([Promise.all([...this.inFlight]).then(() => true), timeout.done.then(() => false)]);
    timeout.cancel();
    if (finished) return;
    // Abandon them, so a later stop() doesn't wait on the same stuck runs again.
    this.inFlight.clear();
    logWarn(`Gave up waiting for ${pending} ${this.kind.toLowerCase()} run(s) to finish after ${this.stopTimeoutMs}ms`);
  }

  /** Add-PodeTimer and Add-PodeSchedule check the name first, before the other arguments, as Pode's do. */
  protected refuseDuplicate(name: string): void {
    if (this.slots.has(name)) throw errors[`${this.kind}AlreadyDefined`](this.command, { name });
  }

  protected register(info: JobState<I>, script: (...args: unknown[]) => unknown): void {
    this.refuseDuplicate(info.Name);
    const slot: Slot<I> = { info, script };
    this.slots.set(info.Name, slot);
    if (this.started) this.activate(slot);
  }

  private isCurrent(slot: Slot<I>): boolean {
    return this.slots.get(slot.info.Name) === slot;
  }

  private activate(slot: Slot<I>): void {
    const now = this.clock.now().getTime();
    const info = slot.info as unknown as I;
    if (slot.info.OnStart && this.onStartAllowed(info, now)) this.trigger(slot);
    if (this.isCurrent(slot)) this.arm(slot, this.firstDue(info, now));
  }

  private arm(slot: Slot<I>, at: number | undefined): void {
    if (at === undefined) {
      logVerbose(`${this.kind} '${slot.info.Name}' has no further trigger times and was removed`);
      this.retire(slot);
      return;
    }
    slot.info.NextTriggerTime = new Date(at);
    slot.cancel = wakeAt(this.clock, at, () => {
      slot.cancel = undefined;
      this.trigger(slot);
      if (this.isCurrent(slot)) this.arm(slot, this.nextDue(slot.info as unknown as I, at, this.clock.now().getTime()));
    });
  }

  private retire(slot: Slot<I>): void {
    slot.cancel?.();
    slot.cancel = undefined;
    slot.info.NextTriggerTime = undefined;
    if (this.isCurrent(slot)) this.slots.delete(slot.info.Name);
  }

  private trigger(slot: Slot<I>): void {
    const { info } = slot;
    if (slot.running) {
      logVerbose(`${this.kind} '${info.Name}' is still running; skipping this run`);
      return;
    }
    info.Count++;
    info.LastTriggerTime = this.clock.now();
    if (info.Limit > 0 && info.Count >= info.Limit) {
      logVerbose(`${this.kind} '${info.Name}' reached its limit of ${info.Limit} run(s) and was removed`);
      this.retire(slot);
    }
    const event: RunEvent<I> = {
      Name: info.Name,
      Sender: info as unknown as I,
      Timestamp: info.LastTriggerTime,
      Count: info.Count,
      Metadata: {},
    };
    // Called synchronously so a plain (non-async) script has finished before the next due time
    // is even considered; only a pending promise marks the job as busy.
    let result: unknown;
    try {
      result = this.runner(event, () => slot.script(...info.ArgumentList));
    } catch (err) {
      this.logFailure(info.Name, err);
      return;
    }
    if (!isThenable(result)) return;
    const run = Promise.resolve(result).then(
      () => undefined,
      (err: unknown) => this.logFailure(info.Name, err),
    );
    slot.running = run;
    this.inFlight.add(run);
    void run.then(() => {
      slot.running = undefined;
      this.inFlight.delete(run);
    });
  }

  // A failing run is logged with its stack; the job keeps its schedule.
  private logFailure(name: string, err: unknown): void {
    logException(`${this.kind} '${name}' failed`, err);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
