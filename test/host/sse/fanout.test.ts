import { expect } from 'chai';
import http2 from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { transportFor } from '../../../host/http/transport/index.ts';
import { SseConnection } from '../../../host/sse/connection.ts';
import { FanOut } from '../../../host/sse/fanout.ts';
import { frameEvent, PODE_CLOSE } from '../../../host/sse/framing.ts';
import { SseRegistry } from '../../../host/sse/registry.ts';
import { flushed, queuedWriters, setSliceBudget, SseWriter, type SseCloseReason } from '../../../host/sse/writer.ts';
import { on, RawClient, startServer, tick, type TestServer } from './helpers.ts';

// The fan-out path of the engine (SseEngine.send and the hub's deliveries use FanOut) over real sockets:
// a registry of connections, each with its writer on a raw HTTP/1.1 client whose reading the test controls.
describe('sse fan-out (one write per connection per tick)', () => {
  let server: TestServer;
  let registry: SseRegistry<SseConnection>;
  let fanOut: FanOut;
  const clients: RawClient[] = [];
  const closes = new Map<SseConnection, SseCloseReason[]>();
  /** Writes that reach the socket's own write (_write/_writev: one syscall each), per connection. */
  const writes = new Map<SseConnection, number>();

  beforeEach(async () => {
    server = await startServer();
    registry = new SseRegistry<SseConnection>();
    fanOut = new FanOut(registry);
  });
  afterEach(async () => {
    setSliceBudget(undefined);
    for (const c of clients.splice(0)) c.destroy();
    closes.clear();
    writes.clear();
    await server.close();
  });

  /** A registered connection, as the engine makes it (its close takes it out of the registry). */
  async function connect(clientId: string, group?: string, options: { paused?: boolean; maxBuffer?: number } = {}) {
    const client = await RawClient.connect(server.port, options.paused);
    clients.push(client);
    const { res } = await server.next();
    const conn = new SseConnection('fan', clientId, group, 'Global', 0, false, null);
    const transport = on(res);
    writes.set(conn, 0);
    const socket = res.socket! as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method]!.bind(socket);
      socket[method] = (...args: unknown[]) => {
        writes.set(conn, writes.get(conn)! + 1);
        original(...args);
      };
    }
    const reasons: SseCloseReason[] = [];
    closes.set(conn, reasons);
    conn.writer = new SseWriter(transport, {
      maxBuffer: options.maxBuffer,
      onClose: (reason) => {
        reasons.push(reason);
        registry.remove(conn);
      },
    });
    conn.membership = registry;
    registry.add(conn);
    return { conn, client };
  }

  const ev = (i: number | string) => frameEvent({ data: `e${i}` });
  const text = (frames: Buffer[]) => Buffer.concat(frames).toString('utf8');

  it('1,000 sends in one tick reach each of 200 connections exactly, in order, in one write per connection', async () => {
    const all = [];
    for (let i = 0; i < 200; i++) all.push(await connect(`c${i}`));
    const frames: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      frames.push(ev(i));
      expect(fanOut.send('fan', undefined, undefined, frames[i]!)).to.equal(200);
    }
    for (const { conn } of all) expect(writes.get(conn), 'nothing written inside the sends').to.equal(0);
    const expected = text(frames);
    for (const { client } of all) await client.waitForBodyLength(Buffer.byteLength(expected));
    for (const { conn, client } of all) {
      expect(client.body()).to.equal(expected);
      expect(writes.get(conn), 'writes for the tick').to.equal(1);
    }
  });

  it('interleaved narrowed and unnarrowed sends in one tick keep each connection\'s order', async () => {
    const a1 = await connect('a1', 'A');
    const a2 = await connect('a2', 'a');
    const b1 = await connect('b1', 'B');
    const none = await connect('n1');
    const got = new Map<SseConnection, Buffer[]>([a1, a2, b1, none].map((c) => [c.conn, []]));
    const send = (i: number, groups?: string[], ids?: string[]) => {
      const frame = ev(i);
      fanOut.send('fan', groups, ids, frame);
      registry.select('fan', groups, ids, (conn) => got.get(conn)!.push(frame));
    };
    let i = 0;
    for (let round = 0; round < 5; round++) {
      send(i++);
      send(i++);
      send(i++, ['A']);
      send(i++, ['A']);
      send(i++);
      send(i++, undefined, ['b1', 'n1']);
      send(i++, ['b'], ['b1']);
      send(i++, ['A', 'B']);
    }
    // An own frame (sendTo, a ping) in the middle of batches: in place too.
    const own = frameEvent({ event: 'own', data: 'x' });
    b1.conn.writer.write(own);
    got.get(b1.conn)!.push(own);
    send(i++);
    for (const { conn, client } of [a1, a2, b1, none]) {
      const expected = text(got.get(conn)!);
      await client.waitForBodyLength(Buffer.byteLength(expected));
      expect(client.body()).to.equal(expected);
      expect(writes.get(conn)).to.equal(1);
    }
  });

  it('a close right after sends in the same tick delivers the sends, then pode.close, and nothing sent after it', async () => {
    const closing = await connect('x');
    const staying = await connect('y');
    fanOut.send('fan', undefined, undefined, ev(1));
    fanOut.send('fan', undefined, undefined, ev(2));
    closing.conn.writer.close(PODE_CLOSE);
    expect(closes.get(closing.conn)).to.deep.equal(['server']);
    expect(fanOut.send('fan', undefined, undefined, ev(3))).to.equal(1);
    // The response ends after pode.close (the connection itself stays node's, kept alive).
    await closing.client.waitForBody((b) => b.endsWith(PODE_CLOSE.toString()));
    await staying.client.waitForBodyLength(Buffer.byteLength(text([ev(1), ev(2), ev(3)])));
    expect(closing.client.body()).to.equal(text([ev(1), ev(2), PODE_CLOSE]));
    expect(staying.client.body()).to.equal(text([ev(1), ev(2), ev(3)]));
  });

  it('the bound drops a reader that stopped, before anything more is written to it; the others get everything', async () => {
    const maxBuffer = 64 * 1024;
    const slow = await connect('slow', undefined, { paused: true, maxBuffer });
    const fast = await connect('fast', undefined, { maxBuffer });
    const frame = frameEvent({ data: 'z'.repeat(1024) });
    let sent = 0;
    // Four frames a tick, so the batch grows after the writers took it: the flush checks the bound again.
    while (!slow.conn.writer.closed) {
      for (let k = 0; k < 4; k++) fanOut.send('fan', undefined, undefined, frame);
      sent += 4 * frame.length;
      expect(sent).to.be.below(512 * 1024 * 1024);
      await tick();
    }
    expect(closes.get(slow.conn)).to.deep.equal(['overflow']);
    await fast.client.waitForBodyLength(sent);
    expect(fast.client.bodyLength).to.equal(sent);
    expect(closes.get(fast.conn)).to.deep.equal([]);
    slow.client.socket.resume();
    await slow.client.waitForEnd();
    // What it received is whole frames, at most the bound.
    expect(slow.client.bodyLength % frame.length).to.equal(0);
    expect(slow.client.bodyLength).to.be.at.most(sent);
  });

  it('a flush is sliced; a connection added while it runs gets none of the earlier events', async () => {
    setSliceBudget(0); // every slice yields after one group of writers
    const all = [];
    for (let i = 0; i < 200; i++) all.push(await connect(`c${i}`));
    const early = [ev('a'), ev('b')];
    for (const f of early) fanOut.send('fan', undefined, undefined, f);
    // The sends' visit runs in a turn of its own (the budget is spent), then the slices.
    for (let turn = 0; turn < 3 && queuedWriters() === 0; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(queuedWriters(), 'the flush is still going').to.be.above(0);
    // A send now queues behind the running flush; a connection registered now must get only what follows.
    const late = await connect('late');
    const after = ev('c');
    expect(fanOut.send('fan', undefined, undefined, after)).to.equal(201);
    await flushed();
    const expected = text([...early, after]);
    for (const { client } of all) await client.waitForBodyLength(Buffer.byteLength(expected));
    for (const { client } of all) expect(client.body()).to.equal(expected);
    await late.client.waitForBodyLength(after.length);
    expect(late.client.body()).to.equal(text([after]));
  });

  // A send to a whole Name with no position and no id leaves the visit of its targets to the flush
  // (host/sse/fanout.ts); each case below changes something between the send and the flush.
  describe('deferred visits', () => {
    it('the sending turn visits nobody: nothing is queued until the flush, then every connection has the burst', async () => {
      const all = [];
      for (let i = 0; i < 50; i++) all.push(await connect(`c${i}`));
      const frames = [1, 2, 3].map(ev);
      for (const f of frames) expect(fanOut.send('fan', undefined, undefined, f)).to.equal(50);
      expect(queuedWriters(), 'no writer was given anything in the sending turn').to.equal(0);
      await flushed();
      for (const { client } of all) await client.waitForBodyLength(Buffer.byteLength(text(frames)));
      for (const { conn, client } of all) {
        expect(client.body()).to.equal(text(frames));
        expect(writes.get(conn)).to.equal(1);
      }
    });

    it('a connection registered after the send, in the same turn, gets none of it and all that follows', async () => {
      const old = await connect('old');
      const client = await RawClient.connect(server.port);
      clients.push(client);
      const { res } = await server.next();
      fanOut.send('fan', undefined, undefined, ev(1));
      fanOut.send('fan', undefined, undefined, ev(2));
      // Registered now, before the flush: the deferred visit must not reach it.
      const late = new SseConnection('fan', 'late', undefined, 'Global', 0, false, null);
      late.writer = new SseWriter(on(res), { onClose: () => registry.remove(late) });
      late.membership = registry;
      registry.add(late);
      expect(fanOut.send('fan', undefined, undefined, ev(3))).to.equal(2);
      await old.client.waitForBodyLength(Buffer.byteLength(text([ev(1), ev(2), ev(3)])));
      expect(old.client.body()).to.equal(text([ev(1), ev(2), ev(3)]));
      await client.waitForBodyLength(ev(3).length);
      expect(client.body()).to.equal(text([ev(3)]));
    });

    it('an own frame and a narrowed send after the send come after it on the wire', async () => {
      const a = await connect('a', 'A');
      const b = await connect('b');
      const own = frameEvent({ event: 'own', data: 'x' });
      fanOut.send('fan', undefined, undefined, ev(1));
      a.conn.write(own);
      fanOut.send('fan', undefined, undefined, ev(2));
      fanOut.send('fan', ['a'], undefined, ev('A'));
      fanOut.send('fan', undefined, undefined, ev(3));
      const expectA = text([ev(1), own, ev(2), ev('A'), ev(3)]);
      const expectB = text([ev(1), ev(2), ev(3)]);
      await a.client.waitForBodyLength(Buffer.byteLength(expectA));
      await b.client.waitForBodyLength(Buffer.byteLength(expectB));
      expect(a.client.body()).to.equal(expectA);
      expect(b.client.body()).to.equal(expectB);
    });

    it('a narrowed set\'s batch takes no frame past a whole-Name send deferred after it', async () => {
      const a = await connect('a', 'A');
      const b = await connect('b');
      fanOut.send('fan', ['A'], undefined, ev('A1'));
      fanOut.send('fan', undefined, undefined, ev(1));
      fanOut.send('fan', ['A'], undefined, ev('A2'));
      const expectA = text([ev('A1'), ev(1), ev('A2')]);
      await a.client.waitForBodyLength(Buffer.byteLength(expectA));
      expect(a.client.body()).to.equal(expectA);
      await b.client.waitForBodyLength(ev(1).length);
      expect(b.client.body()).to.equal(text([ev(1)]));
    });

    it('a connection that starts a hold after the send gets the frames in its hold, in order, ', async () => {
      const holding = await connect('h');
      const live = await connect('l');
      fanOut.send('fan', undefined, undefined, ev(1));
      fanOut.send('fan', undefined, undefined, ev(2));
      holding.conn.pending = []; // a replay starts: what was sent before it is written first
      fanOut.send('fan', undefined, undefined, ev(3));
      await flushed();
      expect(holding.conn.pending!.map((h) => h.frame!.toString())).to.deep.equal([ev(3).toString()]);
      holding.conn.replayed([ev('r')], ['r'], 0);
      await holding.client.waitForBodyLength(Buffer.byteLength(text([ev(1), ev(2), ev('r'), ev(3)])));
      expect(holding.client.body()).to.equal(text([ev(1), ev(2), ev('r'), ev(3)]));
      await live.client.waitForBodyLength(Buffer.byteLength(text([ev(1), ev(2), ev(3)])));
      expect(live.client.body()).to.equal(text([ev(1), ev(2), ev(3)]));
    });

    it('a connection already holding when the burst is sent holds every frame of it', async () => {
      const holding = await connect('h');
      const live = await connect('l');
      holding.conn.pending = [];
      for (let i = 1; i <= 4; i++) fanOut.send('fan', undefined, undefined, ev(i));
      await flushed();
      expect(holding.conn.pending!.map((h) => h.frame!.toString())).to.deep.equal([1, 2, 3, 4].map((i) => ev(i).toString()));
      holding.conn.release(0);
      const all = text([1, 2, 3, 4].map(ev));
      await holding.client.waitForBodyLength(Buffer.byteLength(all));
      expect(holding.client.body()).to.equal(all);
      await live.client.waitForBodyLength(Buffer.byteLength(all));
      expect(live.client.body()).to.equal(all);
    });

    it('a connection whose client left before the flush is dropped; the rest get the burst', async () => {
      const gone = await connect('gone');
      const stays = await connect('stays');
      fanOut.send('fan', undefined, undefined, ev(1));
      gone.client.destroy();
      await new Promise((resolve) => gone.conn.writer.transport.gone ? resolve(undefined) : setTimeout(resolve, 50));
      fanOut.send('fan', undefined, undefined, ev(2));
      await stays.client.waitForBodyLength(Buffer.byteLength(text([ev(1), ev(2)])));
      expect(stays.client.body()).to.equal(text([ev(1), ev(2)]));
      await flushed();
      expect(closes.get(gone.conn)).to.deep.equal(['client']);
      expect(registry.get('fan', 'gone')).to.equal(undefined);
    });
  });

  it('history positions: a held connection keeps the live events for after its replay, the others share the batch', async () => {
    const held = await connect('h');
    const live = await connect('l');
    held.conn.pending = [];
    for (let s = 1; s <= 3; s++) fanOut.send('fan', undefined, undefined, ev(s), s, String(s));
    expect(live.conn.floor).to.equal(3);
    expect(held.conn.pending!.map((h) => h.seq)).to.deep.equal([1, 2, 3]);
    // The replay covered up to 2: only 3 follows it.
    held.conn.replayed([ev('r1'), ev('r2')], ['1', '2'], 2);
    fanOut.send('fan', undefined, undefined, ev(4), 4, '4');
    await held.client.waitForBodyLength(Buffer.byteLength(text([ev('r1'), ev('r2'), ev(3), ev(4)])));
    expect(held.client.body()).to.equal(text([ev('r1'), ev('r2'), ev(3), ev(4)]));
    await live.client.waitForBodyLength(Buffer.byteLength(text([ev(1), ev(2), ev(3), ev(4)])));
    expect(live.client.body()).to.equal(text([ev(1), ev(2), ev(3), ev(4)]));
    expect(held.conn.lastId).to.equal('4');
  });

  it('HTTP/2: a stream gets one DATA write per tick with the batched bytes', async () => {
    const h2 = http2.createServer();
    const streams: { conn: SseConnection; writes: number }[] = [];
    let bothArrived!: () => void;
    const arrived = new Promise<void>((done) => (bothArrived = done));
    h2.on('request', (req, res) => {
      const conn = new SseConnection('fan', `h2-${streams.length}`, undefined, 'Global', 0, false, null);
      const transport = transportFor(req as unknown as IncomingMessage, res as unknown as ServerResponse);
      transport.open(200, { 'content-type': 'text/event-stream' });
      const entry = { conn, writes: 0 };
      const write = res.stream.write.bind(res.stream) as (...args: unknown[]) => boolean;
      (res.stream as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
        entry.writes++;
        return write(...args);
      };
      conn.writer = new SseWriter(transport);
      conn.membership = registry;
      registry.add(conn);
      if (streams.push(entry) === 2) bothArrived();
    });
    await new Promise<void>((done) => h2.listen(0, '127.0.0.1', done));
    const session = http2.connect(`http://127.0.0.1:${(h2.address() as AddressInfo).port}`);
    try {
      const frames: Buffer[] = [];
      for (let i = 0; i < 100; i++) frames.push(ev(i));
      const expected = text(frames);
      const bodies = [0, 1].map(
        () =>
          new Promise<string>((done) => {
            const req = session.request({ ':path': '/events' });
            req.setEncoding('utf8');
            let body = '';
            req.on('data', (c: string) => {
              body += c;
              if (body.length >= expected.length) done(body);
            });
          }),
      );
      await arrived;
      for (const frame of frames) fanOut.send('fan', undefined, undefined, frame);
      await flushed();
      for (const s of streams) expect(s.writes).to.equal(1);
      for (const body of await Promise.all(bodies)) expect(body).to.equal(expected);
    } finally {
      session.destroy();
      await new Promise((done) => h2.close(done));
    }
  });
});
