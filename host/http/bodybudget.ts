// The bytes of request bodies the server holds at once, across all requests. Each body takes its share
// as it is read (its whole declared Content-Length up front) and gives it back when its response is
// over, since the body, parsed or not, lives as long as the request. A body that would go over the
// budget is refused (503), so many clients sending big bodies together cannot exhaust the memory.

/** One request's share of the budget. */
export interface BodyHold {
  bytes: number;
}

export class BodyBudget {
  private used = 0;

  constructor(readonly total: number) {}

  /** Bytes held right now. */
  get inUse(): number {
    return this.used;
  }

  /** Adds `bytes` to `hold`; false, taking nothing, when the budget cannot spare them. */
  take(hold: BodyHold, bytes: number): boolean {
    if (this.used + bytes > this.total) return false;
    this.used += bytes;
    hold.bytes += bytes;
    return true;
  }

  /** Gives back everything `hold` took (once: a second call gives back nothing). */
  release(hold: BodyHold): void {
    this.used -= hold.bytes;
    hold.bytes = 0;
  }
}
