// The status page's history: one sample per second of events sent and slow clients dropped across every
// process the page can see, in a bounded ring (5 minutes), so a page opened now draws the last minutes at once.
// A rate is a difference of running totals; the totals are kept per process, so a process that appears (with
// figures counted before it was seen) or leaves (its figures gone from the sum) moves no sample.

export interface RateSample {
  /** ms since the epoch, on the server's clock, when the second ended. */
  at: number;
  /** Events handed to connections during that second (one per connection per event, as the counters count). */
  events: number;
  /** Connections dropped as too slow during that second. */
  dropped: number;
}

/** One process's running totals, as its snapshot gives them. */
export interface ProcessTotals {
  instance: string;
  events: number;
  dropped: number;
}

/** Five minutes of one-second samples. */
export const RING_SIZE = 300;

export class RateRing {
  private readonly samples: RateSample[] = [];
  private readonly last = new Map<string, { events: number; dropped: number }>();

  constructor(readonly size = RING_SIZE) {}

  /** Records the second ending `at` from every process's totals now; returns its sample. */
  record(at: number, processes: readonly ProcessTotals[]): RateSample {
    let events = 0;
    let dropped = 0;
    const seen = new Set<string>();
    for (const p of processes) {
      if (seen.has(p.instance)) continue;
      seen.add(p.instance);
      const before = this.last.get(p.instance);
      // A process seen for the first time is a baseline; a restarted one (totals fell) starts again from 0.
      if (before) {
        events += p.events >= before.events ? p.events - before.events : p.events;
        dropped += p.dropped >= before.dropped ? p.dropped - before.dropped : p.dropped;
      }
      this.last.set(p.instance, { events: p.events, dropped: p.dropped });
    }
    for (const instance of this.last.keys()) if (!seen.has(instance)) this.last.delete(instance);
    const sample = { at, events, dropped };
    this.samples.push(sample);
    if (this.samples.length > this.size) this.samples.splice(0, this.samples.length - this.size);
    return sample;
  }

  /** The samples kept, oldest first (a copy). */
  history(): RateSample[] {
    return this.samples.slice();
  }

  get latest(): RateSample | undefined {
    return this.samples[this.samples.length - 1];
  }
}
