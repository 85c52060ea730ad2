// Which of two joins of the same (Name, ClientId) on two instances is the later one. Joins go through a
// channel that hands every instance its messages in one order (Redis' bus, the cluster primary), and each
// instance hears its own joins back on it. A remote join heard while an own join of that key is still on its
// way was ordered before it: the own connection is the newer one and stays, and the other instance closes
// its connection when it hears ours. Without this, a join delayed on a busy machine closed the connection
// that had replaced it, and both clients were cut off.
import { presenceKey } from './presence.ts';
import type { PresenceEntry } from './types.ts';

type Key = Pick<PresenceEntry, 'name' | 'clientId'>;

export class JoinEchoes {
  /** Per key, when each own join still on its way was sent. */
  private readonly sent = new Map<string, number[]>();

  /** `maxAgeMs`: an own join not heard back within it is taken as lost, so a key never stays unreplaceable. */
  constructor(private readonly maxAgeMs = Infinity) {}

  /** An own join of `entry` went out. */
  joined(entry: Key): void {
    const key = presenceKey(entry);
    const times = this.sent.get(key);
    if (times) times.push(Date.now());
    else this.sent.set(key, [Date.now()]);
  }

  /** One own join of `entry` is accounted for: heard back, or known never to arrive. */
  echoed(entry: Key): void {
    const key = presenceKey(entry);
    const times = this.sent.get(key);
    if (!times) return;
    times.shift();
    if (times.length === 0) this.sent.delete(key);
  }

  /** Whether an own join of `entry` is still on its way, i.e. a remote join heard now is the older one. */
  awaiting(entry: Key): boolean {
    const key = presenceKey(entry);
    const times = this.sent.get(key);
    if (!times) return false;
    const cutoff = Date.now() - this.maxAgeMs;
    while (times.length > 0 && times[0]! < cutoff) times.shift();
    if (times.length === 0) this.sent.delete(key);
    return times.length > 0;
  }

  /** Forget every own join on its way (the channel was cut: they may never come back). */
  clear(): void {
    this.sent.clear();
  }
}
