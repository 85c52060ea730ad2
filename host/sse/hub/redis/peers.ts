// Each instance's figures (host/metrics/peers.ts) through Redis: the snapshot is written to a key of its own,
// `<prefix>peer:<instance>`, that expires after a few intervals, and published on `<prefix>peers:<db>` (a
// channel of its own, apart from the bus). A new instance reads the keys once when it starts listening, so
// it knows the others at once instead of after an interval; then it hears the channel. Leaving, an instance
// deletes its key and says so on the channel. While Redis is unreachable nothing is written or read: the
// others forget this instance after the expiry, and hear it again once Redis is back.
import type { Redis } from 'ioredis';
import { logDebug } from '../../../log.ts';
import { MAX_SNAPSHOT_BYTES, PEER_EXPIRY_INTERVALS, PEER_INTERVAL_MS } from '../../../metrics/peers.ts';
import type { PeerLink, PeerListener } from '../types.ts';
import { keysWithPrefix } from './scan.ts';

/** What travels on the peers channel: a snapshot (`s`) from instance `o`, or `x` when it leaves. */
interface WirePeer {
  o: string;
  s?: unknown;
  x?: 1;
}

/** A received text this long is refused unread: a snapshot is bounded well below it. */
const MAX_TEXT = 2 * MAX_SNAPSHOT_BYTES;

export interface RedisPeersOptions {
  cmd: Redis;
  prefix: string;
  db: number;
  instance: string;
  /** Whether commands can be sent now (the command connection is ready and the hub not closing). */
  usable(): boolean;
}

export class RedisPeers implements PeerLink {
  /** Pub/sub ignores the database number: the channel carries it, as the bus' does. */
  readonly channel: string;
  private readonly keyPrefix: string;
  private readonly key: string;
  private readonly ttlMs = PEER_INTERVAL_MS * PEER_EXPIRY_INTERVALS;
  private listener: PeerListener | undefined;

  constructor(private readonly o: RedisPeersOptions) {
    this.channel = `${o.prefix}peers:${o.db}`;
    this.keyPrefix = `${o.prefix}peer:`;
    this.key = `${this.keyPrefix}${o.instance}`;
  }

  publish(snapshot: object): void {
    if (!this.o.usable()) return;
    const text = JSON.stringify({ o: this.o.instance, s: snapshot } satisfies WirePeer);
    this.o.cmd
      .pipeline()
      .set(this.key, JSON.stringify(snapshot), 'PX', this.ttlMs)
      .publish(this.channel, text)
      .exec()
      .catch((err) => logDebug(`Redis backplane: publishing this instance's figures failed: ${(err as Error).message}`));
  }

  listen(listener: PeerListener): void {
    this.listener = listener;
    void this.readAll();
  }

  /** A message on the peers channel. */
  heard(text: string): void {
    if (!this.listener || text.length > MAX_TEXT) return;
    let w: WirePeer;
    try {
      w = JSON.parse(text) as WirePeer;
    } catch {
      return; // not podets': the channel is Redis', not ours alone
    }
    if (typeof w?.o !== 'string' || w.o === this.o.instance) return;
    if (w.x === 1) this.listener.gone(w.o);
    else this.listener.heard(w.s);
  }

  /** The others' keys, once: what they last published, still within its expiry. */
  private async readAll(): Promise<void> {
    if (!this.o.usable()) return;
    try {
      const keys = (await keysWithPrefix(this.o.cmd, this.keyPrefix)).filter((k) => k !== this.key);
      if (keys.length === 0) return;
      const values = await this.o.cmd.mget(...keys);
      for (const text of values) {
        if (text === null || text.length > MAX_TEXT) continue;
        try {
          this.listener?.heard(JSON.parse(text));
        } catch {
          // a foreign value: skipped
        }
      }
    } catch (err) {
      logDebug(`Redis backplane: reading the other instances' figures failed: ${(err as Error).message}`);
    }
  }

  /** Leaving for good: the key goes, and the others hear it at once. */
  async remove(): Promise<void> {
    await this.o.cmd
      .multi()
      .del(this.key)
      .publish(this.channel, JSON.stringify({ o: this.o.instance, x: 1 } satisfies WirePeer))
      .exec();
  }
}
