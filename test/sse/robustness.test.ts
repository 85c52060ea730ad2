// SSE under churn and under a client that stops reading, against the real CLI serving
// test/fixtures/sse/robust.ts with --expose-gc: thousands of connections that come and go must leave
// nothing behind, and a stalled client must cost a bounded amount of memory and be dropped, while a
// client that reads keeps receiving every event.
import { expect } from 'chai';
import { closeAllClients, get, post, RawHttp, serveSse, type ServedScript } from './helpers.ts';

const MB = 1024 * 1024;

describe('SSE robustness', function () {
  this.timeout(60000);
  let server: ServedScript;

  before(async () => {
    server = await serveSse('robust.ts', [], { env: { NODE_OPTIONS: '--expose-gc' } });
  });
  afterEach(closeAllClients);
  after(async () => {
    closeAllClients();
    expect(await server?.stop()).to.equal(0);
  });

  /** The server's memory right after a full GC. */
  const memory = async () => (await get(server, '/mem?gc')).json as { heapUsed: number; rss: number };
  const waitFor = (name: string, type: 'Connect' | 'Disconnect', count: number) =>
    get(server, `/wait?name=${name}&type=${type}&count=${count}`).then((r) => r.json.count as number);

  /** Opens `n` SSE connections at once, waits until each has its pode.open, then drops them all. */
  async function connectAndDrop(n: number): Promise<void> {
    const clients = await Promise.all(Array.from({ length: n }, () => RawHttp.open(server, { path: '/sse?name=crowd' })));
    await Promise.all(clients.map((c) => c.until('event: pode.open\n', 0, 20000)));
    for (const c of clients) c.close();
  }

  it('2,000 clients connecting and dropping leave the registry empty and the heap back near its start', async () => {
    const BATCH = 200;
    // A first round warms up the code paths (JIT, lazily built structures) before the baseline is taken.
    await connectAndDrop(BATCH);
    await waitFor('crowd', 'Disconnect', BATCH);
    const start = await memory();

    for (let round = 1; round <= 10; round++) {
      await connectAndDrop(BATCH);
      // Every Disconnect has run: the server has seen each client go.
      expect(await waitFor('crowd', 'Disconnect', BATCH * (round + 1))).to.equal(BATCH * (round + 1));
    }
    expect(await waitFor('crowd', 'Connect', 11 * BATCH)).to.equal(11 * BATCH);

    const lists = (await get(server, '/lists?name=crowd')).json;
    expect(lists.names).to.not.include('crowd');
    expect(lists.clientIds).to.deep.equal([]);

    const end = await memory();
    expect(end.heapUsed - start.heapUsed, `heap ${(start.heapUsed / MB).toFixed(1)} MB -> ${(end.heapUsed / MB).toFixed(1)} MB`).to.be.at.most(20 * MB);
  });

  it('a stalled client is dropped while 50 MB are broadcast; memory stays bounded and a reading client gets every event', async () => {
    const PER_BATCH = 8; // about 512 KiB per POST: the reader drains each batch before the next
    const BATCHES = 101; // 808 events, just over 50 MiB
    // Batches alternate 64 KiB events with ones 64 bytes smaller, so that frames fall on both sides of
    // the writer's cutoff for pre-framed chunks (written straight to the socket) vs res.write.
    const sizeOfBatch = (b: number) => (b % 2 === 0 ? 64 * 1024 : 64 * 1024 - 64);
    const sizeOfEvent = (id: number) => sizeOfBatch(Math.floor((id - 1) / PER_BATCH));

    // The reader parses as bytes arrive and keeps nothing: counts, the last id, and any anomaly.
    const seen = { opened: false, events: 0, lastId: '', wrongSize: 0, outOfOrder: 0 };
    let carry = '';
    let field = { id: '', event: '', dataLength: -1 };
    const onLine = (line: string) => {
      if (line === '') {
        if (field.event === 'pode.open') seen.opened = true;
        else if (field.dataLength >= 0) {
          seen.events++;
          if (field.dataLength !== sizeOfEvent(seen.events)) seen.wrongSize++;
          if (field.id !== String(seen.events)) seen.outOfOrder++;
          seen.lastId = field.id;
        }
        field = { id: '', event: '', dataLength: -1 };
      } else if (line.startsWith('id: ')) field.id = line.slice(4);
      else if (line.startsWith('event: ')) field.event = line.slice(7);
      else if (line.startsWith('data: ')) field.dataLength = line.length - 6;
    };
    const reader = await RawHttp.open(server, {
      path: '/sse?name=flood&clientId=reader',
      keepBody: false,
      onBody: (chunk) => {
        const text = carry + chunk.toString('latin1');
        let from = 0;
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
          onLine(text.slice(from, nl));
          from = nl + 1;
        }
        carry = text.slice(from);
      },
    });
    await server.waitForLine('stdout', /^flood Connect reader$/);
    // Never reads a byte: the kernel's buffers fill, then the server's, up to the per-connection bound.
    await RawHttp.open(server, { path: '/sse?name=flood&clientId=stalled', paused: true });
    await server.waitForLine('stdout', /^flood Connect stalled$/);
    expect(seen.opened).to.equal(true);

    const base = await memory();
    let peakRss = base.rss;
    for (let b = 0; b < BATCHES; b++) {
      const from = b * PER_BATCH + 1;
      const last = String(from + PER_BATCH - 1);
      expect((await post(server, '/broadcast', { count: PER_BATCH, size: sizeOfBatch(b), from })).json).to.deep.equal({ sent: PER_BATCH });
      await reader.untilState(() => seen.lastId === last, `event ${last} at the reader`, 20000);
      // Sampled after a full GC: what the server still holds (buffered for the stalled client, above all),
      // not the garbage of 64 KiB frames already written, which V8 collects on its own schedule.
      peakRss = Math.max(peakRss, (await memory()).rss);
    }

    expect(seen).to.deep.equal({ opened: true, events: PER_BATCH * BATCHES, lastId: String(PER_BATCH * BATCHES), wrongSize: 0, outOfOrder: 0 });
    expect(reader.closed).to.equal(false);

    // The stalled client was disconnected (its Disconnect ran) and left the registry; the reader is still there.
    await server.waitForLine('stdout', /^flood Disconnect stalled$/);
    expect((await get(server, '/lists?name=flood')).json.clientIds).to.deep.equal(['reader']);

    const growth = peakRss - base.rss;
    expect(growth, `RSS ${(base.rss / MB).toFixed(1)} MB, peak ${(peakRss / MB).toFixed(1)} MB`).to.be.below(30 * MB);
  });
});
