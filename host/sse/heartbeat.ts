// The ping sender: ONE timer for every connection (a timer per connection would not scale), pinging only
// the connections that have been idle for a whole interval. A ping that cannot be written is how a
// vanished client is noticed; the writer then reports its own close, so nothing else is needed here.
import { PODE_PING } from './framing.ts';
import { logException } from '../log.ts';

/** What the heartbeat needs from a connection (SseWriter satisfies it). */
export interface HeartbeatTarget {
  readonly lastActivity: number;
  readonly closed: boolean;
  write(buf: Buffer): boolean;
}

export interface HeartbeatOptions {
  /** Clock (ms), the same one the writers use for lastActivity; injectable for tests. */
  now?: () => number;
  /** The frame to send; PODE_PING unless a caller prefers e.g. a comment line. */
  frame?: Buffer;
  /** Told after each round how many targets were pinged, and the frame's size (the engine's counters). */
  onPinged?: (count: number, frameBytes: number) => void;
}

export class Heartbeat {
  private readonly targets: () => Iterable<HeartbeatTarget>;
  private readonly now: () => number;
  private readonly frame: Buffer;
  private readonly onPinged: HeartbeatOptions['onPinged'];
  private ms: number;
  private timer: NodeJS.Timeout | undefined;

  /** `intervalMs` <= 0 means no pings (no timer). */
  constructor(intervalMs: number, targets: () => Iterable<HeartbeatTarget>, options: HeartbeatOptions = {}) {
    this.targets = targets;
    this.now = options.now ?? Date.now;
    this.frame = options.frame ?? PODE_PING;
    this.onPinged = options.onPinged;
    this.ms = 0;
    this.interval = intervalMs;
  }

  get interval(): number {
    return this.ms;
  }

  /** Changing the interval restarts the timer with the new period. */
  set interval(ms: number) {
    if (!Number.isFinite(ms)) throw new RangeError(`SSE ping interval must be a number of milliseconds, got ${ms}`);
    this.stop();
    this.ms = ms > 0 ? ms : 0;
    if (this.ms > 0) {
      this.timer = setInterval(() => this.tick(), this.ms);
      // Pings must never be what keeps the process alive.
      this.timer.unref();
    }
  }

  /** Pings every target idle for at least the interval; returns how many were pinged. */
  tick(): number {
    if (this.ms <= 0) return 0;
    let pinged = 0;
    // A timer callback that throws would take the whole server down, so errors are logged instead.
    try {
      const now = this.now();
      for (const target of this.targets()) {
        if (target.closed || now - target.lastActivity < this.ms) continue;
        try {
          if (target.write(this.frame)) pinged++;
        } catch (err) {
          logException('SSE heartbeat ping', err); // one bad target must not starve the others
        }
      }
    } catch (err) {
      logException('SSE heartbeat', err);
    }
    if (pinged > 0) this.onPinged?.(pinged, this.frame.length);
    return pinged;
  }

  /** Stops the timer (the interval is kept; setting it again restarts the timer). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
