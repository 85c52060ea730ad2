// Pode's tasks (src/Public/Tasks.ps1, src/Private/Tasks.ps1): named scripts a route (or anything) starts on
// demand with Invoke-PodeTask, each start a "task process" the caller may wait on. Pode runs them in a
// runspace pool of Threads.Tasks runspaces (2 by default, Set-PodeTaskConcurrency); here at most `maximum`
// scripts run at once and the rest wait in a FIFO queue, Pending, as they would for a free runspace.
//
// A JS function cannot be stopped from outside. So a process that times out (its -Timeout from Create or
// Start), is closed (Close-PodeTask) or is still queued at shutdown is *reported* over: Failed, its Result
// rejected, its concurrency slot given to the next in the queue; a script still running then finishes on its
// own and what it returns is ignored. The server's stop waits for running scripts up to the grace period.
import { randomUUID } from 'node:crypto';
import { errors } from '../errors/catalog.ts';
import { logException, logWarn } from '../log.ts';
import { sleep, systemClock, type Clock, type ClockHandle } from '../timers/clock.ts';

export type TaskScript = (args: Record<string, unknown>) => unknown;
export type TimeoutFrom = 'Create' | 'Start';
export type TaskState = 'Pending' | 'Running' | 'Completed' | 'Failed';

/** A task as Add-PodeTask defines it ($PodeContext.Tasks.Items[Name]). */
export interface TaskDefinition {
  readonly Name: string;
  /** The script; Edit-PodeTask replaces it (a process already started keeps the one it started with). */
  Script: TaskScript;
  /** Default arguments, merged under each invocation's own (-ArgumentList). */
  Arguments: Record<string, unknown>;
  /** Seconds before a process is reported timed out (-1: never), counted from its creation or its start. */
  readonly Timeout: { readonly Value: number; readonly From: TimeoutFrom };
  /** -MaxRetries, -RetryDelay (minutes), -AutoRetry: a failed process is run again, up to Max times, Delay minutes after it failed. */
  readonly Retry: { readonly Max: number; readonly Delay: number; readonly Auto: boolean };
}

/** Pode's $TaskEvent, also passed to the script as its `Event` argument, as Pode splats it. */
export interface TaskEvent {
  /** An object to lock on, as Pode's $TaskEvent.Lockable. */
  readonly Lockable: object;
  /** The task (its definition). */
  readonly Sender: TaskDefinition;
  /** When this process started running. */
  readonly Timestamp: Date;
  /** The process's id (the ID of Invoke-PodeTask's result). */
  readonly ProcessId: string;
  /** Scratch space for this run; fresh each time. */
  readonly Metadata: Record<string, unknown>;
}

/**
 * A task process: what Invoke-PodeTask returns, with Pode's fields. `Result` is what a script awaits: it
 * resolves with the script's return value, or rejects with its error (or the timeout, closing, shutdown).
 */
export interface TaskProcess {
  readonly ID: string;
  /** The task's name. */
  readonly Task: string;
  /** Pode's runspace handle, reduced to what Test-PodeTaskCompleted reads. */
  readonly Runspace: { readonly Handler: { IsCompleted: boolean } };
  /** Replaced when Restart-PodeTaskProcess runs a failed process again. */
  Result: Promise<unknown>;
  readonly CreateTime: Date;
  StartTime: Date | undefined;
  CompletedTime: Date | undefined;
  /** When it is reported timed out; undefined for never (Pode's [datetime]::MaxValue) or not yet known (From Start, not started). */
  ExpireTime: Date | undefined;
  Timeout: { readonly Value: number; readonly From: TimeoutFrom };
  State: TaskState;
  /** How many times it was run again (Count), and the task's MaxRetries (Max). */
  readonly Retry: { Count: number; readonly Max: number };
  /** podets: why it failed (the script's error, or the timeout); undefined otherwise. */
  Error: unknown;
}

interface Internal {
  readonly process: TaskProcess;
  /** Invoke-PodeTask's -ArgumentList; the task's own arguments (and script) are read when it starts, as Pode's are. */
  readonly args: Record<string, unknown>;
  settle(ok: boolean, value: unknown): void;
  /** An automatic retry waiting for its RetryDelay. */
  retry?: ClockHandle;
  expiry?: ClockHandle;
  /** It holds a concurrency slot (running, not yet reported over). */
  holding: boolean;
  /** Pode's housekeeper forgets a completed process a minute after it completed. */
  forget?: ClockHandle;
}

export interface TasksOptions {
  clock?: Clock;
  /** Runs a script in the server's ambient context with its $TaskEvent. */
  runner?: <R>(event: TaskEvent, run: () => R) => R;
  /** How long stop() waits for running scripts (default 10 s, as timers and schedules). */
  stopTimeoutMs?: number;
  /** Processes that may wait for a slot at once (default DEFAULT_TASK_QUEUE_LIMIT); one more is refused. */
  queueLimit?: number;
}

/**
 * Pode's queue has no bound; podets refuses an invocation past this many waiting processes (TaskQueueFull),
 * so a route invoked faster than its tasks finish fails its own requests instead of growing memory for ever.
 */
export const DEFAULT_TASK_QUEUE_LIMIT = 10_000;

/** Pode's $PodeContext.Threads.Tasks default (src/Private/Context.ps1). */
export const DEFAULT_TASK_CONCURRENCY = 2;
export const TASK_STOP_TIMEOUT_MS = 10_000;
/** Pode's housekeeper (src/Private/Tasks.ps1) closes a process a minute after it completed. */
export const TASK_RETENTION_MS = 60_000;

const lockable = {};

export class Tasks {
  private readonly items = new Map<string, TaskDefinition>();
  private readonly processes = new Map<string, Internal>();
  private readonly queue: Internal[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly clock: Clock;
  private readonly runner: <R>(event: TaskEvent, run: () => R) => R;
  private readonly stopTimeoutMs: number;
  private runningCount = 0;
  private stopped = false;
  /** Set-PodeTaskConcurrency -Maximum. */
  maximum = DEFAULT_TASK_CONCURRENCY;
  /** `--task-queue-limit`: how many processes may wait for a slot. */
  queueLimit: number;

  constructor(options: TasksOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.runner = options.runner ?? ((_e, run) => run());
    this.stopTimeoutMs = options.stopTimeoutMs ?? TASK_STOP_TIMEOUT_MS;
    this.queueLimit = options.queueLimit ?? DEFAULT_TASK_QUEUE_LIMIT;
  }

  // ---- definitions --------------------------------------------------------------------------------

  add(
    command: string,
    def: {
      Name: string;
      Script: TaskScript;
      Arguments?: Record<string, unknown>;
      Timeout?: number;
      TimeoutFrom?: TimeoutFrom;
      MaxRetries?: number;
      RetryDelay?: number;
      AutoRetry?: boolean;
    },
  ): TaskDefinition {
    const key = def.Name.toLowerCase();
    if (this.items.has(key)) throw errors.TaskAlreadyDefined(command, { name: def.Name });
    const task: TaskDefinition = {
      Name: def.Name,
      Script: def.Script,
      Arguments: { ...(def.Arguments ?? {}) },
      Timeout: { Value: def.Timeout ?? -1, From: def.TimeoutFrom ?? 'Create' },
      Retry: { Max: Math.max(0, def.MaxRetries ?? 0), Delay: Math.max(0, def.RetryDelay ?? 0), Auto: def.AutoRetry ?? false },
    };
    this.items.set(key, task);
    return task;
  }

  has(name: string): boolean {
    return this.items.has(name.toLowerCase());
  }

  /** The task named so (case-insensitive, as Pode's hashtable), or the TaskDoesNotExist error. */
  get(command: string, name: string): TaskDefinition {
    const task = this.items.get(name.toLowerCase());
    if (!task) throw errors.TaskDoesNotExist(command, { name });
    return task;
  }

  /** Get-PodeTask: all, or those named (in the order of the names, as Pode's loop gives them). */
  list(names?: readonly string[]): TaskDefinition[] {
    const all = [...this.items.values()];
    if (!names || names.length === 0) return all;
    return names.flatMap((n) => all.filter((t) => t.Name.toLowerCase() === n.toLowerCase()));
  }

  remove(name: string): boolean {
    return this.items.delete(name.toLowerCase());
  }

  clear(): void {
    this.items.clear();
  }

  setMaximum(command: string, maximum: number): void {
    if (!(maximum >= 1)) throw errors.MaximumConcurrentTasksInvalid(command, { maximum });
    this.maximum = maximum;
    this.pump();
  }

  // ---- processes ----------------------------------------------------------------------------------

  /** Invoke-PodeTask: a new process, started now or queued behind the concurrency limit. */
  invoke(command: string, name: string, argumentList?: Record<string, unknown> | null, timeout = -1, timeoutFrom: 'Default' | TimeoutFrom = 'Default'): TaskProcess {
    const task = this.get(command, name);
    // Full only when nothing can start now: a free slot takes the process at once, whatever waits.
    if (this.queue.length >= this.queueLimit && this.runningCount >= this.maximum) {
      throw errors.TaskQueueFull(command, { name: task.Name, limit: this.queueLimit });
    }
    const from = timeoutFrom === 'Default' ? task.Timeout.From : timeoutFrom;
    const value = timeout === -1 ? task.Timeout.Value : timeout;
    const now = this.clock.now();
    const { result, settle } = outcome();
    const process: TaskProcess = {
      ID: randomUUID(),
      Task: task.Name,
      Runspace: { Handler: { IsCompleted: false } },
      Result: result,
      CreateTime: now,
      StartTime: undefined,
      CompletedTime: undefined,
      ExpireTime: undefined,
      Timeout: { Value: value, From: from },
      State: 'Pending',
      Retry: { Count: 0, Max: task.Retry.Max },
      Error: undefined,
    };
    const entry: Internal = {
      process,
      args: { ...(argumentList ?? {}) },
      settle,
      holding: false,
    };
    this.processes.set(process.ID, entry);
    if (this.stopped) {
      this.finish(entry, false, errors.TaskCancelled(command, { name: task.Name, id: process.ID }));
      return process;
    }
    if (from === 'Create' && value >= 0) this.arm(entry, now.getTime());
    this.queue.push(entry);
    this.pump();
    return process;
  }

  /** Get-PodeTaskProcess. */
  listProcesses(filter: { Name?: readonly string[]; Id?: readonly string[]; State?: readonly string[] } = {}): TaskProcess[] {
    let all = [...this.processes.values()].map((e) => e.process);
    const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
    if (filter.Name?.length) {
      const names = lower(filter.Name);
      all = names.flatMap((n) => all.filter((p) => p.Task.toLowerCase() === n));
    }
    if (filter.Id?.length) {
      const ids = lower(filter.Id);
      all = ids.flatMap((id) => all.filter((p) => p.ID.toLowerCase() === id));
    }
    const states = lower(filter.State ?? ['All']);
    if (!states.includes('all')) all = all.filter((p) => states.includes(p.State.toLowerCase()));
    return all;
  }

  /**
   * Wait-PodeTask on a process: its result, or its failure. `timeoutMs` > 0 bounds the wait: past it the
   * process is reported timed out (TaskTimedOut). As Pode's, the process is closed after the wait.
   */
  async wait(command: string, process: TaskProcess, timeoutMs = -1): Promise<unknown> {
    const entry = this.processes.get(process.ID);
    try {
      if (timeoutMs > 0 && entry && !process.Runspace.Handler.IsCompleted) {
        const timer = sleep(this.clock, timeoutMs);
        const raced = await Promise.race([process.Result.then(() => false, () => false), timer.done.then(() => true)]);
        timer.cancel();
        if (raced) this.finish(entry, false, errors.TaskTimedOut(command, { ms: timeoutMs }));
      }
      return await process.Result;
    } finally {
      this.close(command, process);
    }
  }

  /**
   * Restart-PodeTaskProcess: a Failed process runs again (same ID, the task's current script, its arguments), queued
   * as a new invocation would be; `timeout` (seconds, -1 = the process's own) applies from now. Any other state: as it is.
   */
  restart(command: string, process: TaskProcess, timeout = -1): TaskProcess {
    const entry = this.processes.get(process.ID);
    if (!entry) throw errors.TaskProcessDoesNotExist(command, { id: process.ID });
    if (process.State !== 'Failed' || this.stopped) return process;
    if (entry.retry !== undefined) this.clock.clearTimeout(entry.retry);
    entry.retry = undefined;
    if (process.Runspace.Handler.IsCompleted) {
      const { result, settle } = outcome();
      process.Result = result;
      entry.settle = settle;
    }
    if (timeout !== -1) process.Timeout = { Value: timeout, From: process.Timeout.From };
    this.requeue(entry);
    return process;
  }

  private requeue(entry: Internal): void {
    const { process } = entry;
    if (entry.forget !== undefined) this.clock.clearTimeout(entry.forget);
    entry.forget = undefined;
    process.Retry.Count++;
    process.Runspace.Handler.IsCompleted = false;
    process.State = 'Pending';
    process.StartTime = undefined;
    process.CompletedTime = undefined;
    process.ExpireTime = undefined;
    process.Error = undefined;
    if (process.Timeout.From === 'Create' && process.Timeout.Value >= 0) this.arm(entry, this.clock.now().getTime());
    this.queue.push(entry);
    this.pump();
  }

  /** Wait-PodeTask on any other Promise (Pode's .NET Task): its value; past `timeoutMs` (> 0), TaskTimedOut. */
  async waitPromise(command: string, promise: PromiseLike<unknown>, timeoutMs = -1): Promise<unknown> {
    if (!(timeoutMs > 0)) return await promise;
    const timer = sleep(this.clock, timeoutMs);
    const settled = Promise.resolve(promise).then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    const first = await Promise.race([settled, timer.done.then(() => undefined)]);
    timer.cancel();
    if (first === undefined) throw errors.TaskTimedOut(command, { ms: timeoutMs });
    if (!first.ok) throw first.err;
    return first.value;
  }

  /** Close-PodeTask: forget the process; one not yet over is reported Failed (TaskClosed), its result ignored. */
  close(command: string, process: TaskProcess): void {
    const entry = this.processes.get(process.ID);
    if (!entry) return;
    if (!process.Runspace.Handler.IsCompleted) this.finish(entry, false, errors.TaskClosed(command, { name: process.Task, id: process.ID }));
    if (entry.forget !== undefined) this.clock.clearTimeout(entry.forget);
    this.processes.delete(process.ID);
  }

  /** Running scripts and queued processes. */
  get running(): number {
    return this.runningCount;
  }
  get queued(): number {
    return this.queue.length;
  }

  /** Server stop: queued processes are cancelled, running scripts awaited up to stopTimeoutMs. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.queue.splice(0)) this.finish(entry, false, errors.TaskCancelled('', { name: entry.process.Task, id: entry.process.ID }));
    for (const entry of this.processes.values()) {
      if (entry.forget !== undefined) this.clock.clearTimeout(entry.forget);
      if (entry.retry !== undefined) this.finish(entry, false, errors.TaskCancelled('', { name: entry.process.Task, id: entry.process.ID }));
    }
    if (this.inFlight.size > 0) {
      const pending = this.inFlight.size;
      const timeout = sleep(this.clock, this.stopTimeoutMs);
      const finished = await Promise.race([Promise.all([...this.inFlight]).then(() => true), timeout.done.then(() => false)]);
      timeout.cancel();
      if (!finished) {
        this.inFlight.clear();
        logWarn(`Gave up waiting for ${pending} task run(s) to finish after ${this.stopTimeoutMs}ms`);
      }
    }
    // No clock callback of ours outlives the stop (a real clock's would keep the process alive).
    for (const entry of this.processes.values()) {
      if (entry.expiry !== undefined) this.clock.clearTimeout(entry.expiry);
      if (entry.forget !== undefined) this.clock.clearTimeout(entry.forget);
      entry.expiry = entry.forget = undefined;
    }
  }

  // ---- internals ----------------------------------------------------------------------------------

  private arm(entry: Internal, from: number): void {
    const { process } = entry;
    const ms = process.Timeout.Value * 1000;
    process.ExpireTime = new Date(from + ms);
    entry.expiry = this.clock.setTimeout(() => {
      entry.expiry = undefined;
      if (process.Runspace.Handler.IsCompleted) return;
      const err = errors.TaskTimedOut('Invoke-PodeTask', { ms });
      logException(`Task '${process.Task}' (process ${process.ID}) timed out`, err);
      this.finish(entry, false, err, true);
    }, ms);
  }

  /** Start queued processes while there is room, oldest first. */
  private pump(): void {
    while (this.runningCount < this.maximum && this.queue.length > 0) this.start(this.queue.shift()!);
  }

  private start(entry: Internal): void {
    const { process } = entry;
    if (process.Runspace.Handler.IsCompleted) return;
    const now = this.clock.now();
    process.StartTime = now;
    process.State = 'Running';
    entry.holding = true;
    this.runningCount++;
    if (process.Timeout.From === 'Start' && process.Timeout.Value >= 0) this.arm(entry, now.getTime());
    // As Pode's task runspace: the task is looked up when the process starts (Edit-PodeTask applies to
    // processes still queued; one whose task was removed meanwhile fails with taskDoesNotExist).
    const task = this.items.get(process.Task.toLowerCase());
    const attempt = process.Retry.Count;
    let run: Promise<unknown>;
    if (!task) run = Promise.reject(errors.TaskDoesNotExist('Invoke-PodeTask', { name: process.Task }));
    else {
      const event: TaskEvent = { Lockable: lockable, Sender: task, Timestamp: now, ProcessId: process.ID, Metadata: {} };
      try {
        run = Promise.resolve(this.runner(event, () => task.Script({ ...task.Arguments, ...entry.args, Event: event })));
      } catch (err) {
        run = Promise.reject(err);
      }
    }
    // A run that was reported over (timed out, closed) or superseded by a retry no longer speaks for the process.
    const current = () => process.Retry.Count === attempt && process.State === 'Running';
    const tracked = run.then(
      (value) => current() && this.finish(entry, true, value),
      (err: unknown) => {
        if (!current()) return;
        logException(`Task '${process.Task}' failed`, err);
        this.finish(entry, false, err, true);
      },
    );
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
  }

  /** Reports a process over (once): its state, its Result, its slot given to the next queued one. */
  private finish(entry: Internal, ok: boolean, value: unknown, retryable = false): void {
    const { process } = entry;
    if (process.Runspace.Handler.IsCompleted) return;
    const task = this.items.get(process.Task.toLowerCase());
    if (!ok && retryable && !this.stopped && task?.Retry.Auto && process.Retry.Count < process.Retry.Max) {
      // -AutoRetry: reported Failed while it waits RetryDelay minutes, then queued again; its Result waits on.
      process.State = 'Failed';
      process.Error = value;
      if (entry.expiry !== undefined) this.clock.clearTimeout(entry.expiry);
      entry.expiry = undefined;
      this.release(entry);
      const delay = task.Retry.Delay * 60_000;
      if (delay === 0) this.requeue(entry);
      else
        entry.retry = this.clock.setTimeout(() => {
          entry.retry = undefined;
          if (this.processes.get(process.ID) === entry && process.State === 'Failed' && !this.stopped) this.requeue(entry);
        }, delay);
      return;
    }
    if (entry.retry !== undefined) this.clock.clearTimeout(entry.retry);
    entry.retry = undefined;
    process.Runspace.Handler.IsCompleted = true;
    process.CompletedTime = this.clock.now();
    process.State = ok ? 'Completed' : 'Failed';
    if (!ok) process.Error = value;
    if (entry.expiry !== undefined) this.clock.clearTimeout(entry.expiry);
    entry.expiry = undefined;
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) this.queue.splice(queued, 1);
    entry.settle(ok, value);
    if (!this.stopped) entry.forget = this.clock.setTimeout(() => this.processes.get(process.ID) === entry && this.processes.delete(process.ID), TASK_RETENTION_MS);
    this.release(entry);
  }

  private release(entry: Internal): void {
    if (!entry.holding) return;
    entry.holding = false;
    this.runningCount--;
    if (!this.stopped) this.pump();
  }
}

/** A Result promise and its settle; nobody awaiting a failed one is not an unhandled rejection (it was logged). */
function outcome(): { result: Promise<unknown>; settle: (ok: boolean, value: unknown) => void } {
  let settle!: (ok: boolean, value: unknown) => void;
  const result = new Promise<unknown>((resolve, reject) => {
    settle = (ok, v) => (ok ? resolve(v) : reject(v));
  });
  result.catch(() => undefined);
  return { result, settle };
}
