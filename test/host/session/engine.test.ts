// The session engine's own parts (host/session/engine.ts, store.ts): the bounded in-memory store, the expiry
// schedule (one timer, stale entries skipped), regenerate, and the listeners. Time is a ManualClock.
import { expect } from 'chai';
import { AddPodeRoute, EnablePodeSessionMiddleware, WritePodeJsonResponse } from '../../../index.ts';
import type { WebEvent } from '../../../host/http/webevent.ts';
import { SessionEngine } from '../../../host/session/engine.ts';
import { MemoryStore, type SessionStore } from '../../../host/session/store.ts';
import { ManualClock } from '../../../host/timers/clock.ts';
import { PodeServer } from '../../../host/runtime/server.ts';
import { serveEmbedded } from '../../helpers/embedded.ts';

const record = (n: number) => ({ Version: 3, Metadata: { TimeStamp: new Date(0) }, Data: { n } });

describe('session engine', () => {
  it('the memory store keeps at most maxEntries sessions, evicting the least recently saved', () => {
    const evicted: string[] = [];
    const store = new MemoryStore(() => 0, (id) => evicted.push(id), 3);
    for (const id of ['a', 'b', 'c']) store.set(id, record(1), new Date(1000));
    store.set('a', record(2), new Date(1000)); // saved again: now the most recent
    store.set('d', record(1), new Date(1000));
    expect(evicted).to.deep.equal(['b']);
    expect(store.size).to.equal(3);
    expect(store.get('a')!.Data).to.deep.equal({ n: 2 });
    expect(store.get('b')).to.equal(undefined);
  });

  it('the memory store drops an entry read past its expiry, and gives back a copy (TimeStamp a Date)', () => {
    let now = 0;
    const store = new MemoryStore(() => now, () => {}, 10);
    store.set('a', record(1), new Date(100));
    const read = store.get('a')!;
    expect(read.Metadata.TimeStamp).to.be.instanceOf(Date);
    (read.Data as { n: number }).n = 99;
    expect(store.get('a')!.Data).to.deep.equal({ n: 1 });
    now = 101;
    expect(store.get('a')).to.equal(undefined);
    expect(store.size).to.equal(0);
  });

  it('one timer for all expiries: a re-saved session is not reported at its old expiry', () => {
    const server = new PodeServer();
    const clock = new ManualClock(0);
    const engine = new SessionEngine(server, 2);
    engine.clock = clock;
    const ends: string[] = [];
    engine.onEnd((id, why) => ends.push(`${id}:${why}`));
    engine.touched('a', 1000, false);
    engine.touched('b', 2000, false);
    engine.touched('a', 3000, false); // moved
    expect(clock.pending).to.equal(1);
    clock.advance(1500);
    expect(ends).to.deep.equal([]); // a's old 1000 is stale; the store (memory, empty) is asked only when due
    clock.advance(600);
    expect(ends).to.deep.equal(['b:expired']);
    clock.advance(1000);
    expect(ends).to.deep.equal(['b:expired', 'a:expired']);
    expect(engine.expiryOf('a')).to.equal(undefined);
  });

  it('Redis still holding a session when this clock says it expired: asked again, reported only once it is gone', async () => {
    const server = new PodeServer();
    const clock = new ManualClock(0);
    const engine = new SessionEngine(server, 2);
    engine.clock = clock;
    // What a Redis store answers (now + PTTL): first a PTTL of 0 (the key is about to go), then gone.
    const answers: Array<number | undefined> = [1000, undefined];
    const asked: number[] = [];
    const redisLike: SessionStore = {
      kind: 'redis',
      get: () => undefined,
      set: () => {},
      delete: () => {},
      expiresAt: async () => (asked.push(clock.now().getTime()), answers.shift()),
    };
    (engine as unknown as { custom: SessionStore }).custom = redisLike;
    const ends: string[] = [];
    engine.onEnd((id, why) => ends.push(`${id}:${why}`));
    engine.touched('a', 1000, false);
    clock.advance(1000);
    await engine.idle();
    expect(asked).to.deep.equal([1000]);
    expect(ends).to.deep.equal([]); // Redis still has it: not over for the other instances yet
    clock.advance(1);
    await engine.idle();
    expect(asked).to.deep.equal([1000, 1001]);
    expect(ends).to.deep.equal(['a:expired']);
  });

  it('a session the memory store evicts to keep its bound is reported "expired"', () => {
    const engine = new SessionEngine(new PodeServer(), 2);
    engine.clock = new ManualClock(0);
    const ends: string[] = [];
    engine.onEnd((id, why) => ends.push(`${id}:${why}`));
    const store = engine.store() as MemoryStore;
    for (const id of ['x', 'y', 'z']) {
      store.set(id, record(1), new Date(5000));
      engine.touched(id, 5000, false);
    }
    expect(ends).to.deep.equal(['x:expired']);
    expect(engine.expiryOf('x')).to.equal(undefined);
    expect(engine.expiryOf('z')).to.equal(5000);
  });

  it('server.sessions.regenerate: a new id with the data kept, the old id deleted, the new cookie sent; onRegenerate hears both', async () => {
    const server = await serveEmbedded(() => {
      EnablePodeSessionMiddleware({ Duration: 60, Secret: 'x' });
      AddPodeRoute({
        Method: 'Get',
        Path: '/login',
        ScriptBlock: async (e: WebEvent) => {
          e.Session!.Data.User = 'alice';
          const old = e.Session!.Id;
          const id = await server.pode.server.sessions.regenerate(e);
          WritePodeJsonResponse({ Value: { old, id } });
        },
      });
      AddPodeRoute({ Method: 'Get', Path: '/who', ScriptBlock: (e: WebEvent) => WritePodeJsonResponse({ Value: { user: e.Session!.Data.User ?? null, id: e.Session!.Id } }) });
    });
    try {
      const heard: [string, string][] = [];
      server.pode.server.sessions.onRegenerate((o, n) => heard.push([o, n]));
      // A first session with data, then a login that regenerates it.
      const res = await fetch(new URL('/login', server.url));
      const { old, id } = await res.json();
      expect(id).not.to.equal(old);
      expect(heard).to.deep.equal([[old, id]]);
      const cookies = res.headers.getSetCookie();
      expect(cookies).to.have.length(1); // the first cookie (old id) replaced by the new one
      const cookie = /^pode\.sid=([^;]+)/.exec(cookies[0]!)![1]!;
      expect(cookie.slice(2, cookie.lastIndexOf('.'))).to.equal(id);
      expect(await (await fetch(new URL('/who', server.url), { headers: { cookie: `pode.sid=${cookie}` } })).json()).to.deep.equal({ user: 'alice', id });
      expect(server.pode.server.sessions.expiryOf(old)).to.equal(undefined);
    } finally {
      await server.close();
    }
  });

  it('a listener that throws is logged, and the others still hear the event', async () => {
    const server = await serveEmbedded(() => {});
    try {
      const engine = server.pode.server.sessions;
      const clock = new ManualClock(0);
      engine.clock = clock;
      const heard: string[] = [];
      engine.onEnd(() => {
        throw new Error('listener broke');
      });
      const off = engine.onEnd((id) => heard.push(id));
      engine.touched('s1', 10, false);
      clock.advance(11);
      expect(heard).to.deep.equal(['s1']);
      off();
      engine.touched('s2', 20, false);
      clock.advance(10);
      expect(heard).to.deep.equal(['s1']);
      expect(server.stderr.some((l) => l.includes('listener broke'))).to.equal(true);
    } finally {
      await server.close();
    }
  });
});
