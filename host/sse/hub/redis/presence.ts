// Presence through Redis: each instance keeps a hash `<prefix>presence:<instance>` (field `name\0clientId`
// -> group) with an expiry it refreshes; joins and leaves also go out on the bus. The mirror of the other
// instances is rebuilt from SCAN + HGETALL at start and on every refresh tick, so a dead instance's
// connections vanish within the expiry. While Redis is unreachable changes are dropped, and the whole own
// presence is rewritten when it is back.
import type { Redis } from 'ioredis';
import { describeError, logDebug, logText, logWarn } from '../../../log.ts';
import { JoinEchoes } from '../join-echoes.ts';
import { PresenceMirror, presenceKey } from '../presence.ts';
import type { PresenceEntry } from '../types.ts';
import type { SpaceKeys } from './scripts.ts';
import { keysWithPrefix } from './scan.ts';
import type { WirePresence } from './wire.ts';

/** A connection's field in the presence hash: its cross-instance key. */
const field = presenceKey;

function entryOf(fieldName: string, group: string): PresenceEntry | undefined {
  const cut = fieldName.indexOf('\u0000');
  if (cut < 0) return undefined;
  return { name: fieldName.slice(0, cut), clientId: fieldName.slice(cut + 1), group: group || undefined };
}

export interface PresenceSyncOptions {
  cmd: Redis;
  keys: SpaceKeys;
  instance: string;
  ttlMs: number;
  /** Whether commands can be sent now (the command connection is ready and the hub not closing). */
  usable(): boolean;
  onRemoteJoin(entry: PresenceEntry): void;
}

export class PresenceSync {
  readonly mirror = new PresenceMirror();
  /** This instance's own connections, rewritten to Redis whenever Redis may have lost them. */
  private readonly own = new Map<string, PresenceEntry>();
  private readonly key: string;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** Presence messages heard while the mirror is being rebuilt, replayed on top of the snapshot. */
  private heardDuringRefresh: WirePresence[] | undefined;
  /** Own joins not yet heard back on the channel: a remote join heard meanwhile is the older one. */
  private readonly echoes: JoinEchoes;

  constructor(private readonly o: PresenceSyncOptions) {
    this.key = o.keys.presence(o.instance);
    this.echoes = new JoinEchoes(o.ttlMs);
  }

  join(entry: PresenceEntry): void {
    this.own.set(field(entry), entry);
    this.announce('j', entry);
  }

  leave(entry: PresenceEntry): void {
    this.own.delete(field(entry));
    this.announce('l', entry);
  }

  private announce(op: 'j' | 'l', entry: PresenceEntry): void {
    if (!this.o.usable()) return;
    const w: WirePresence = { t: op, o: this.o.instance, n: entry.name, c: entry.clientId, g: entry.group || undefined };
    const f = field(entry);
    const p = this.o.cmd.pipeline();
    if (op === 'j') {
      p.hset(this.key, f, entry.group ?? '').pexpire(this.key, this.o.ttlMs);
      this.echoes.joined(entry);
    } else p.hdel(this.key, f);
    p.publish(this.o.keys.channel, JSON.stringify(w));
    p.exec().catch((err) => {
      if (op === 'j') this.echoes.echoed(entry); // never published: nothing will come back
      logDebug(`Redis backplane: presence update dropped: ${(err as Error).message}`);
    });
  }

  /** Rewrites this instance's whole presence hash and tells the others to read it again. */
  async republish(): Promise<void> {
    this.echoes.clear(); // joins sent before an outage may never come back
    try {
      const p = this.o.cmd.multi().del(this.key);
      const flat: string[] = [];
      for (const [f, e] of this.own) flat.push(f, e.group ?? '');
      if (flat.length > 0) p.hset(this.key, ...flat).pexpire(this.key, this.o.ttlMs);
      p.publish(this.o.keys.channel, JSON.stringify({ t: 'r', o: this.o.instance } satisfies WirePresence));
      await p.exec();
    } catch (err) {
      logDebug(`Redis backplane: republishing presence failed: ${(err as Error).message}`);
    }
  }

  /** The refresh tick: keep the own hash alive (rewrite it if it is gone), then rebuild the mirror. */
  async tick(): Promise<void> {
    if (!this.o.usable()) return;
    if (this.own.size > 0) {
      try {
        // 0: the hash is gone (Redis restarted, or this process stalled past the expiry): write it again.
        if ((await this.o.cmd.pexpire(this.key, this.o.ttlMs)) === 0) await this.republish();
      } catch (err) {
        logDebug(`Redis backplane: presence refresh failed: ${(err as Error).message}`);
      }
    }
    await this.refresh();
  }

  /** A presence message from another instance. */
  heard(w: WirePresence): void {
    if (w.o === this.o.instance) {
      if (w.t === 'j') this.echoes.echoed({ name: w.n!, clientId: w.c! });
      return;
    }
    this.heardDuringRefresh?.push(w);
    this.apply(w, true);
  }

  private apply(w: WirePresence, live: boolean): void {
    switch (w.t) {
      case 'j': {
        const e: PresenceEntry = { name: w.n!, clientId: w.c!, group: w.g || undefined };
        this.mirror.add(w.o, e);
        if (live && !this.echoes.awaiting(e)) {
          try {
            this.o.onRemoteJoin(e);
          } catch (err) {
            logWarn(logText('Redis backplane: remote join failed: ', describeError(err)));
          }
        }
        return;
      }
      case 'l':
        this.mirror.remove(w.o, { name: w.n!, clientId: w.c! });
        return;
      case 'x':
        this.mirror.dropInstance(w.o);
        return;
      case 'r':
        if (live) void this.refresh();
        return;
    }
  }

  /** Rebuilds the mirror of the other instances from Redis (one at a time; a request meanwhile reruns it). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.rebuild();
      } while (this.refreshAgain && this.o.usable());
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async rebuild(): Promise<void> {
    if (!this.o.usable()) return;
    this.heardDuringRefresh = [];
    try {
      const keyPrefix = this.o.keys.presencePrefix;
      const others = (await keysWithPrefix(this.o.cmd, keyPrefix)).filter((k) => k !== this.key);
      const hashes = others.length > 0 ? await this.o.cmd.pipeline(others.map((k) => ['hgetall', k])).exec() : [];
      const snapshot = new Map<string, PresenceEntry[]>();
      others.forEach((key, i) => {
        const [err, hash] = hashes?.[i] ?? [null, {}];
        if (err) throw err;
        const entries: PresenceEntry[] = [];
        for (const [f, g] of Object.entries((hash ?? {}) as Record<string, string>)) {
          const e = entryOf(f, g);
          if (e) entries.push(e);
        }
        if (entries.length > 0) snapshot.set(key.slice(keyPrefix.length), entries);
      });
      for (const instance of this.mirror.instances()) if (!snapshot.has(instance)) this.mirror.dropInstance(instance);
      for (const [instance, entries] of snapshot) this.mirror.replaceInstance(instance, entries);
      // What was heard while reading is at least as new as the snapshot: apply it again, in order.
      for (const w of this.heardDuringRefresh) this.apply(w, false);
    } catch (err) {
      logDebug(`Redis backplane: presence rebuild failed: ${(err as Error).message}`);
    } finally {
      this.heardDuringRefresh = undefined;
    }
  }

  /** Leaving for good: the own hash goes, and the others hear it. */
  async remove(): Promise<void> {
    await this.o.cmd
      .multi()
      .del(this.key)
      .publish(this.o.keys.channel, JSON.stringify({ t: 'x', o: this.o.instance } satisfies WirePresence))
      .exec();
  }
}
