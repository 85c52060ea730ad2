import { expect } from 'chai';
import { once } from 'node:events';
import { SseWriter } from '../../../host/sse/writer.ts';
import type { SseCloseReason } from '../../../host/sse/writer.ts';
import { frameEvent, PODE_CLOSE } from '../../../host/sse/framing.ts';
import { setLogSink } from '../../../host/log.ts';
import type { LogSink } from '../../../host/log.ts';
import { startServer, RawClient, tick, on } from './helpers.ts';
import type { TestServer } from './helpers.ts';

describe('sse writer', () => {
  let server: TestServer;
  const clients: RawClient[] = [];
  const connect = async (paused = false) => {
    const client = await RawClient.connect(server.port, paused);
    clients.push(client);
    const { res } = await server.next();
    return { client, res };
  };

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
  });

  it('writes frames intact and in order, including writes coalesced in one tick', async () => {
    const { client, res } = await connect();
    const transport = on(res);
    let writes = 0;
    const write = transport.write.bind(transport);
    transport.write = (data, shared) => {
      writes++;
      write(data, shared);
    };
    const writer = new SseWriter(transport);
    const a = frameEvent({ id: '1', data: 'first' });
    const b = frameEvent({ id: '2', event: 'x', data: 'second\nline' });
    const c = frameEvent({ data: 'ünïcode 🌍' });
    expect(writer.write(a)).to.equal(true);
    expect(writer.write(b)).to.equal(true);
    // Same tick: both wait for the end of the tick, and leave as one write.
    expect(writes).to.equal(0);
    await tick();
    expect(writes).to.equal(1);
    expect(writer.write(c)).to.equal(true);
    await tick();
    expect(writes).to.equal(2);
    const expected = Buffer.concat([a, b, c]).toString('utf8');
    expect(await client.waitForBody((body) => body.length >= expected.length)).to.equal(expected);
  });

  it('open() writes the opening frames at once; a frame queued after them follows them', async () => {
    const { client, res } = await connect();
    const transport = on(res);
    const written: string[] = [];
    const write = transport.write.bind(transport);
    transport.write = (data, shared) => {
      written.push(data.toString('utf8'));
      write(data, shared);
    };
    const writer = new SseWriter(transport);
    const opening = frameEvent({ event: 'pode.open', data: '{}' });
    const next = frameEvent({ data: 'after' });
    expect(writer.open(opening)).to.equal(true);
    // Written in the call, not at the end of the tick.
    expect(written).to.deep.equal([opening.toString('utf8')]);
    expect(writer.write(next)).to.equal(true);
    expect(written).to.have.length(1);
    await tick();
    expect(written).to.deep.equal([opening.toString('utf8'), next.toString('utf8')]);
    const expected = Buffer.concat([opening, next]).toString('utf8');
    expect(await client.waitForBody((body) => body.length >= expected.length)).to.equal(expected);
  });

  it('open() after a queued frame queues behind it (order is never changed)', async () => {
    const { client, res } = await connect();
    const writer = new SseWriter(on(res));
    const first = frameEvent({ data: 'queued' });
    const second = frameEvent({ data: 'opened' });
    writer.write(first);
    expect(writer.open(second)).to.equal(true);
    const expected = Buffer.concat([first, second]).toString('utf8');
    expect(await client.waitForBody((body) => body.length >= expected.length)).to.equal(expected);
  });

  it('open() on a closed writer writes nothing and says false', async () => {
    const { res } = await connect();
    const writer = new SseWriter(on(res));
    writer.close();
    expect(writer.open(frameEvent({ data: 'late' }))).to.equal(false);
  });

  it('uncorks even when nothing else happens (a single write arrives)', async () => {
    const { client, res } = await connect();
    new SseWriter(on(res)).write(frameEvent({ data: 'solo' }));
    expect(await client.waitForBody((b) => b.length > 0)).to.equal('data: solo\n\n');
  });

  it('close(finalFrame) ends the response once and reports server', async () => {
    const { client, res } = await connect();
    const reasons: SseCloseReason[] = [];
    const writer = new SseWriter(on(res), { onClose: (r) => reasons.push(r) });
    const resClosed = once(res, 'close');
    writer.write(frameEvent({ data: 'bye soon' }));
    writer.close(PODE_CLOSE);
    writer.close(PODE_CLOSE);
    expect(writer.closed).to.equal(true);
    expect(reasons).to.deep.equal(['server']);
    expect(writer.write(frameEvent({ data: 'late' }))).to.equal(false);
    const body = await client.waitForBody((b) => b.endsWith(PODE_CLOSE.toString()));
    expect(body).to.equal('data: bye soon\n\nevent: pode.close\ndata: \n\n');
    await resClosed;
    expect(res.writableFinished).to.equal(true); // node finished it: the connection can be reused
    expect(reasons).to.deep.equal(['server']); // the response's own 'close' does not count again
  });

  it('reports client when the peer goes away, exactly once', async () => {
    const { client, res } = await connect();
    const reasons: SseCloseReason[] = [];
    const writer = new SseWriter(on(res), { onClose: (r) => reasons.push(r) });
    const closed = once(res, 'close');
    client.destroy();
    await closed;
    expect(reasons).to.deep.equal(['client']);
    expect(writer.write(frameEvent({ data: 'x' }))).to.equal(false);
    writer.close(PODE_CLOSE);
    expect(reasons).to.deep.equal(['client']);
  });

  it('reports client, on the next tick, for a response whose client had already gone', async () => {
    const { client, res } = await connect();
    const closed = once(res, 'close');
    client.destroy();
    await closed;
    const reasons: SseCloseReason[] = [];
    const writer = new SseWriter(on(res), { onClose: (r) => reasons.push(r) });
    expect(reasons).to.deep.equal([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(reasons).to.deep.equal(['client']);
    expect(writer.closed).to.equal(true);
  });

  it('a write to a destroyed response fails and reports the close at once', async () => {
    const { res } = await connect();
    const reasons: SseCloseReason[] = [];
    const writer = new SseWriter(on(res), { onClose: (r) => reasons.push(r) });
    res.destroy(); // its 'close' event has not been delivered yet
    expect(writer.write(frameEvent({ data: 'x' }))).to.equal(false);
    expect(reasons).to.deep.equal(['client']);
  });

  it('drops a client that stops reading with overflow; another connection is unaffected', async () => {
    const slow = await connect(true);
    const fast = await connect();
    const slowReasons: SseCloseReason[] = [];
    const fastReasons: SseCloseReason[] = [];
    const maxBuffer = 64 * 1024;
    const slowWriter = new SseWriter(on(slow.res), { maxBuffer, onClose: (r) => slowReasons.push(r) });
    const fastWriter = new SseWriter(on(fast.res), { maxBuffer, onClose: (r) => fastReasons.push(r) });
    const frame = frameEvent({ data: 'x'.repeat(16 * 1024) });
    const slowClosed = once(slow.res, 'close');

    // One frame per tick so the socket can flush to the kernel: only a client that really stopped
    // reading lets the unsent bytes grow. The cap only guards against a broken test looping forever.
    let sent = 0;
    while (slowWriter.write(frame)) {
      expect(fastWriter.write(frame)).to.equal(true);
      sent += frame.length;
      expect(sent).to.be.below(512 * 1024 * 1024);
      await tick();
    }
    expect(slowReasons).to.deep.equal(['overflow']);
    expect(slowWriter.closed).to.equal(true);
    expect(slow.res.destroyed).to.equal(true);
    await slowClosed;
    // The client, reading again, finds its stream cut off.
    slow.client.socket.resume();
    await slow.client.waitForEnd();
    expect(slowReasons).to.deep.equal(['overflow']);

    // The reading client got everything, and its connection still works.
    const marker = frameEvent({ event: 'after', data: 'still here' });
    expect(fastWriter.write(marker)).to.equal(true);
    await fast.client.waitForBodyLength(sent + marker.length);
    const body = fast.client.body();
    expect(body.length).to.equal(sent + marker.length);
    expect(body.endsWith(marker.toString())).to.equal(true);
    expect(fastReasons).to.deep.equal([]);
    expect(fastWriter.closed).to.equal(false);
  });

  it('a frame bigger than maxBuffer is an overflow straight away', async () => {
    const { client, res } = await connect();
    const reasons: SseCloseReason[] = [];
    const writer = new SseWriter(on(res), { maxBuffer: 100, onClose: (r) => reasons.push(r) });
    expect(writer.write(frameEvent({ data: 'y'.repeat(200) }))).to.equal(false);
    expect(reasons).to.deep.equal(['overflow']);
    await client.waitForEnd();
    expect(client.body()).to.equal('');
  });

  it('tracks lastActivity on writes', async () => {
    const { res } = await connect();
    let now = 1000;
    const writer = new SseWriter(on(res), { now: () => now });
    expect(writer.lastActivity).to.equal(1000);
    now = 5000;
    writer.write(frameEvent({ data: 'x' }));
    expect(writer.lastActivity).to.equal(5000);
    now = 9000;
    writer.close();
    writer.write(frameEvent({ data: 'y' }));
    expect(writer.lastActivity).to.equal(5000);
  });

  it('an onClose handler that throws is logged, not thrown', async () => {
    const { res } = await connect();
    const lines: string[] = [];
    const old: LogSink = setLogSink((_level, line) => lines.push(line));
    try {
      const writer = new SseWriter(on(res), {
        onClose: () => {
          throw new Error('handler broke');
        },
      });
      expect(() => writer.close(PODE_CLOSE)).not.to.throw();
    } finally {
      setLogSink(old);
    }
    expect(lines.join('\n')).to.contain('handler broke');
  });
});
