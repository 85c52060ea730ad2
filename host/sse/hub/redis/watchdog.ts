// Notices a Redis that hangs instead of closing (SIGSTOP, a network that drops packets): the TCP
// connection stays up, so nothing fails, and without this every send would wait for an answer that never
// comes while the queue grows without bound. Each tick pings both connections when nothing else is
// waiting; a reply outstanding for longer than the stall timeout is a stall.
//
// Our own event loop may be what is late (a big broadcast, a busy machine): a reply could then be sitting
// unread in our socket. So a tick only judges when it ran on time, and the one before it did too: the
// replies that came meanwhile have then been read.

export interface WatchdogOptions {
  /** A reply outstanding this long (ms) is a stall. */
  stallMs: number;
  /** Sends a PING on one connection; resolves with its reply. */
  ping(which: 'command' | 'subscriber'): Promise<unknown>;
  /** When the oldest thing still waiting for Redis was sent (ms), if anything is. */
  oldestWaiting(): number | undefined;
  onStall(waitedMs: number): void;
}

export class Watchdog {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private expected = 0;
  private lastOnTime = false;
  private readonly pings = new Map<'command' | 'subscriber', number>();

  constructor(private readonly o: WatchdogOptions) {
    this.intervalMs = Math.max(50, Math.floor(o.stallMs / 4));
  }

  start(): void {
    this.stop();
    this.lastOnTime = false;
    this.expected = Date.now() + this.intervalMs;
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pings.clear();
  }

  private tick(): void {
    const now = Date.now();
    const onTime = now - this.expected < this.o.stallMs / 4;
    const judge = onTime && this.lastOnTime;
    this.lastOnTime = onTime;
    let oldest = this.o.oldestWaiting();
    for (const sent of this.pings.values()) if (oldest === undefined || sent < oldest) oldest = sent;
    if (judge && oldest !== undefined && now - oldest > this.o.stallMs) {
      this.stop();
      this.o.onStall(now - oldest);
      return;
    }
    for (const which of ['command', 'subscriber'] as const) {
      if (this.pings.has(which)) continue;
      this.pings.set(which, now);
      // A failed ping is the connection's own news (its close handler has it), not a stall.
      const answered = () => {
        if (this.pings.get(which) === now) this.pings.delete(which);
      };
      this.o.ping(which).then(answered, answered);
    }
    this.expected = now + this.intervalMs;
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }
}
