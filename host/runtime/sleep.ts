// Start-PodeSleep's wait: a promise, so `await StartPodeSleep(2)` pauses only the calling handler,
// never the event loop (Pode's reason for the cmdlet: Start-Sleep would block its runspace).
import { MAX_TIMEOUT_MS } from '../timers/clock.ts';

/** Resolves after `ms` milliseconds; waits longer than setTimeout's limit are taken in chunks. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => {
      if (left <= 0) return resolve();
      const chunk = Math.min(left, MAX_TIMEOUT_MS);
      setTimeout(() => step(left - chunk), chunk);
    };
    step(ms);
  });
}
