// Time as timers and schedules see it. Production uses the system clock; tests inject a ManualClock so
// interval counts and cron minutes can be asserted exactly, without sleeping.

/** Whatever a clock's setTimeout hands back; only ever passed to the same clock's clearTimeout. */
export type ClockHandle = unknown;

export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): ClockHandle;
  clearTimeout(handle: ClockHandle): void;
}

/** Node clamps longer delays to 1ms (and warns), so long waits are taken in chunks. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The real clock. Its timers are deliberately not unref'd: a running server's timers keep the
 * process alive, and stop() clears them.
 */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

interface Pending {
  id: number;
  due: number;
  fn: () => void;
}

/** A clock that only moves when told to. advance(ms) fires every callback falling due, in time order. */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private queue: Pending[] = [];

  constructor(start: Date | number = 0) {
    this.time = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  setTimeout(fn: () => void, ms: number): ClockHandle {
    const entry: Pending = { id: ++this.seq, due: this.time + Math.max(0, ms), fn };
    this.queue.push(entry);
    return entry.id;
  }

  clearTimeout(handle: ClockHandle): void {
    this.queue = this.queue.filter((p) => p.id !== handle);
  }

  /** Callbacks still waiting to fire. */
  get pending(): number {
    return this.queue.length;
  }

  /** Move time forward, firing due callbacks (including ones they schedule inside the window). */
  advance(ms: number): void {
    const target = this.time + ms;
    // A callback that keeps re-arming itself at 0ms would otherwise hang the test run.
    for (let fired = 0; ; fired++) {
      if (fired > 1_000_000) throw new Error('ManualClock.advance: runaway callbacks (a 0ms re-arm loop?)');
      let next: Pending | undefined;
      // Earliest due first; ties go to whichever was scheduled first, as with real timers.
      for (const p of this.queue) if (p.due <= target && (!next || p.due < next.due || (p.due === next.due && p.id < next.id))) next = p;
      if (!next) break;
      const fire = next;
      this.queue = this.queue.filter((p) => p !== fire);
      this.time = Math.max(this.time, fire.due);
      fire.fn();
    }
    this.time = target;
  }

  /**
   * advance(), but letting the event loop turn after each callback, so async runs that settle
   * straight away are finished before the next one falls due (as they would be in real time).
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next > target) break;
      this.advance(next - this.time);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.time = target;
  }

  /** When the earliest pending callback is due, if any. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const p of this.queue) if (due === undefined || p.due < due) due = p.due;
    return due;
  }

  /** Jump to an absolute time (never backwards), firing what falls due on the way. */
  advanceTo(at: Date | number): void {
    const t = typeof at === 'number' ? at : at.getTime();
    this.advance(Math.max(0, t - this.time));
  }
}

/**
 * Call fn once the clock reads `at` or later. Re-arms when woken early (a real timer may fire a
 * millisecond early, and long waits are chunked) so a cron instant can never fire twice.
 * Returns a cancel function.
 */
export function wakeAt(clock: Clock, at: number, fn: () => void): () => void {
  let handle: ClockHandle;
  const arm = (): void => {
    const wait = Math.min(Math.max(0, at - clock.now().getTime()), MAX_TIMEOUT_MS);
    handle = clock.setTimeout(check, wait);
  };
  const check = (): void => {
    if (clock.now().getTime() < at) arm();
    else fn();
  };
  arm();
  return () => clock.clearTimeout(handle);
}

/**
 * The one sleep of the engine (Start-PodeSleep, a job's stop timeout): resolves after `ms` on the given
 * clock. Waits past setTimeout's limit are taken in chunks (wakeAt), so Start-PodeSleep -Seconds 2147483
 * really waits. The returned cancel stops the wait from holding the process.
 */
export function sleep(clock: Clock, ms: number): { done: Promise<void>; cancel: () => void } {
  let cancel: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    cancel = wakeAt(clock, clock.now().getTime() + Math.max(0, ms), resolve);
  });
  return { done, cancel };
}
