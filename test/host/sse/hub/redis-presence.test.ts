// PresenceSync against the real Redis on 127.0.0.1:6379 (database 5, a prefix unique to this run): which
// remote join replaces a local connection. Redis hands every subscriber the channel's messages in one order,
// so "the later join wins" is decided by that order. The channel is fed by hand here to put a join from the
// other instance before this instance's own echo — what a loaded machine did to
// test/scale/redis.test.ts "the same Name and ClientId connecting on B replaces the connection on A".
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { PresenceSync } from '../../../../host/sse/hub/redis/presence.ts';
import { SpaceKeys } from '../../../../host/sse/hub/redis/scripts.ts';
import type { PresenceEntry } from '../../../../host/sse/hub/types.ts';

const prefix = `podets-presence-test-${process.pid}-${randomBytes(3).toString('hex')}:`;

describe('Redis presence: which join replaces a connection', () => {
  let cmd: Redis;
  before(async () => {
    cmd = new Redis({ port: 6379, db: 5, maxRetriesPerRequest: 1 });
    await cmd.ping();
  });
  after(async () => {
    const keys = await cmd.keys(`${prefix}*`);
    if (keys.length > 0) await cmd.del(...keys);
    await cmd.quit();
  });

  function sync(instance: string, replaced: PresenceEntry[]): PresenceSync {
    return new PresenceSync({ cmd, keys: new SpaceKeys(prefix, 5), instance, ttlMs: 60_000, usable: () => true, onRemoteJoin: (e) => replaced.push(e) });
  }
  const entry = { name: 'dup', clientId: 'same' };

  it('a remote join published before our own (heard while ours is on its way) leaves our connection alone', () => {
    const replaced: PresenceEntry[] = [];
    const b = sync('b', replaced);
    b.join(entry);
    b.heard({ t: 'j', o: 'a', n: 'dup', c: 'same' }); // A's older join, late
    expect(replaced).to.deep.equal([]);
    expect(b.mirror.hasClientId('dup', 'same')).to.equal(true); // still listed: A closes its own when it hears ours
  });

  it('a remote join heard after our own echo replaces our connection', () => {
    const replaced: PresenceEntry[] = [];
    const b = sync('b', replaced);
    b.join(entry);
    b.heard({ t: 'j', o: 'b', n: 'dup', c: 'same' }); // ours, back from Redis
    b.heard({ t: 'j', o: 'a', n: 'dup', c: 'same' }); // A's, newer
    expect(replaced).to.deep.equal([{ name: 'dup', clientId: 'same', group: undefined }]);
  });

  it('a join for another key, or with no join of ours at all, replaces at once', () => {
    const replaced: PresenceEntry[] = [];
    const b = sync('b', replaced);
    b.join(entry);
    b.heard({ t: 'j', o: 'a', n: 'dup', c: 'other' });
    b.heard({ t: 'j', o: 'a', n: 'else', c: 'same' });
    expect(replaced.map((e) => `${e.name}/${e.clientId}`)).to.deep.equal(['dup/other', 'else/same']);
  });

  it('two joins of ours on their way need both echoes', () => {
    const replaced: PresenceEntry[] = [];
    const b = sync('b', replaced);
    b.join(entry);
    b.join(entry); // the client reconnected here
    b.heard({ t: 'j', o: 'b', n: 'dup', c: 'same' });
    b.heard({ t: 'j', o: 'a', n: 'dup', c: 'same' });
    expect(replaced).to.deep.equal([]);
    b.heard({ t: 'j', o: 'b', n: 'dup', c: 'same' });
    b.heard({ t: 'j', o: 'a', n: 'dup', c: 'same' });
    expect(replaced).to.have.length(1);
  });
});
