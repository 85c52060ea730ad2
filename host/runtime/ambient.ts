// The one ambient context: which server, request, timer or schedule run and SSE event the running code
// belongs to, kept across awaits by a single AsyncLocalStorage. One store, not one per kind: every enabled
// AsyncLocalStorage adds work to every async resource the process creates (docs/benchmarks.md). Cmdlets
// find their server here, so several servers can live in one process (createPodeServer).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WebEvent } from '../http/webevent.ts';
import type { TriggeredEvent } from '../sse/events.ts';
import type { ReadSet } from '../state/cluster-locks.ts';
import type { TaskEvent } from '../tasks/tasks.ts';
import type { ScheduleEvent } from '../timers/schedules.ts';
import type { TimerEvent } from '../timers/timers.ts';
import type { PodeServer } from './server.ts';

export interface Ambient {
  /** The server the code runs for; undefined for an engine part used without one (unit tests). */
  readonly server: PodeServer | undefined;
  /** $WebEvent. */
  readonly webEvent?: WebEvent;
  /** $TimerEvent or $ScheduleEvent (the Sender tells them apart). */
  readonly trigger?: TimerEvent | ScheduleEvent;
  /** $TriggeredEvent. */
  readonly triggered?: TriggeredEvent;
  /** $TaskEvent (host/tasks/tasks.ts). */
  readonly task?: TaskEvent;
  /** Inside Lock-PodeObject on a cluster-wide lock: the state entries its script reads (host/state/cluster-locks.ts). */
  readonly lockReads?: ReadSet;
}

const store = new AsyncLocalStorage<Ambient>();

/** Runs `fn(...args)` inside `ambient` (extra args spare the caller a closure). */
export function runAmbient<A extends unknown[], R>(ambient: Ambient, fn: (...args: A) => R, ...args: A): R {
  return store.run(ambient, fn, ...args);
}

/** The ambient context of the running code, if any. */
export function ambient(): Ambient | undefined {
  return store.getStore();
}
