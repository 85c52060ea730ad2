import { expect } from 'chai';
import { MAX_TIMEOUT_MS, ManualClock, sleep, systemClock, wakeAt } from '../../../host/timers/clock.ts';
import type { Clock } from '../../../host/timers/clock.ts';

/** The clock, with every delay asked of its setTimeout recorded. */
function recordingDelays(clock: ManualClock): { recording: Clock; delays: number[] } {
  const delays: number[] = [];
  const recording: Clock = {
    now: () => clock.now(),
    setTimeout: (fn, ms) => (delays.push(ms), clock.setTimeout(fn, ms)),
    clearTimeout: (h) => clock.clearTimeout(h),
  };
  return { recording, delays };
}

describe('timers/clock', () => {
  describe('ManualClock', () => {
    it('starts where told and only moves on advance', () => {
      const clock = new ManualClock(new Date(2024, 0, 15, 10, 0, 0));
      expect(clock.now().getTime()).to.equal(new Date(2024, 0, 15, 10, 0, 0).getTime());
      clock.advance(1500);
      expect(clock.now().getTime()).to.equal(new Date(2024, 0, 15, 10, 0, 1, 500).getTime());
    });

    it('fires due callbacks in time order, ties in scheduling order, with now() at their due time', () => {
      const clock = new ManualClock(0);
      const seen: string[] = [];
      clock.setTimeout(() => seen.push(`b@${clock.now().getTime()}`), 20);
      clock.setTimeout(() => seen.push(`a@${clock.now().getTime()}`), 10);
      clock.setTimeout(() => seen.push(`c@${clock.now().getTime()}`), 20);
      clock.setTimeout(() => seen.push('late'), 31);
      clock.advance(30);
      expect(seen).to.deep.equal(['a@10', 'b@20', 'c@20']);
      expect(clock.now().getTime()).to.equal(30);
      expect(clock.pending).to.equal(1);
    });

    it('fires callbacks scheduled by callbacks when they fall inside the window', () => {
      const clock = new ManualClock(0);
      const seen: number[] = [];
      const tick = (): void => {
        seen.push(clock.now().getTime());
        clock.setTimeout(tick, 100);
      };
      clock.setTimeout(tick, 100);
      clock.advance(350);
      expect(seen).to.deep.equal([100, 200, 300]);
    });

    it('clearTimeout cancels', () => {
      const clock = new ManualClock(0);
      let fired = false;
      const h = clock.setTimeout(() => (fired = true), 5);
      clock.clearTimeout(h);
      clock.advance(10);
      expect(fired).to.equal(false);
      expect(clock.pending).to.equal(0);
    });

    it('advanceAsync lets promise chains settle between callbacks', async () => {
      const clock = new ManualClock(0);
      const seen: string[] = [];
      clock.setTimeout(() => void Promise.resolve().then(() => seen.push('settled 1')), 10);
      clock.setTimeout(() => seen.push('fired 2'), 20);
      await clock.advanceAsync(30);
      expect(seen).to.deep.equal(['settled 1', 'fired 2']);
      expect(clock.now().getTime()).to.equal(30);
    });
  });

  describe('wakeAt', () => {
    it('re-arms when woken before the target time', () => {
      // A clock whose timers fire 1ms early, as real timers occasionally do.
      const inner = new ManualClock(0);
      const early: Clock = {
        now: () => inner.now(),
        setTimeout: (fn, ms) => inner.setTimeout(fn, ms > 1 ? ms - 1 : ms),
        clearTimeout: (h) => inner.clearTimeout(h),
      };
      const fired: number[] = [];
      wakeAt(early, 1000, () => fired.push(inner.now().getTime()));
      inner.advance(999);
      expect(fired).to.deep.equal([]);
      inner.advance(1);
      expect(fired).to.deep.equal([1000]);
    });

    it('waits in chunks no longer than the platform maximum', () => {
      const clock = new ManualClock(0);
      const { recording, delays } = recordingDelays(clock);
      let fired = false;
      const at = MAX_TIMEOUT_MS * 2 + 5;
      wakeAt(recording, at, () => (fired = true));
      clock.advance(at);
      expect(fired).to.equal(true);
      expect(delays).to.deep.equal([MAX_TIMEOUT_MS, MAX_TIMEOUT_MS, 5]);
    });

    it('cancel stops it', () => {
      const clock = new ManualClock(0);
      let fired = false;
      const cancel = wakeAt(clock, 50, () => (fired = true));
      cancel();
      clock.advance(100);
      expect(fired).to.equal(false);
      expect(clock.pending).to.equal(0);
    });
  });

  describe('sleep, the engine\'s only one (Start-PodeSleep, job stop timeouts)', () => {
    it('resolves once the clock has moved ms on, in chunks past the timer limit', async () => {
      const clock = new ManualClock(0);
      const { recording, delays } = recordingDelays(clock);
      let done = false;
      const wait = sleep(recording, MAX_TIMEOUT_MS + 10);
      void wait.done.then(() => (done = true));
      clock.advance(MAX_TIMEOUT_MS);
      await Promise.resolve();
      expect(done).to.equal(false);
      clock.advance(10);
      await wait.done;
      expect(done).to.equal(true);
      expect(delays).to.deep.equal([MAX_TIMEOUT_MS, 10]); // node would clamp one longer delay to 1 ms
      expect(clock.pending).to.equal(0);
    });

    it('cancel leaves nothing pending and never resolves', async () => {
      const clock = new ManualClock(0);
      let done = false;
      const wait = sleep(clock, 50);
      void wait.done.then(() => (done = true));
      wait.cancel();
      clock.advance(100);
      await Promise.resolve();
      expect(done).to.equal(false);
      expect(clock.pending).to.equal(0);
    });
  });

  it('the system clock really waits (no timing assertion, just that it fires)', async () => {
    await sleep(systemClock, 1).done;
  });
});
