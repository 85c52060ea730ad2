// A real client: the `eventsource` package (v4, the WHATWG EventSource on fetch) against
// test/fixtures/sse/eventsource.ts served in this process with sseHistory (--sse-history). It must see pode.open, typed and untyped
// events, multi-line and non-ASCII data intact, and after its connection breaks reconnect with
// Last-Event-ID and receive, from the history, exactly the events it missed.
import { expect } from 'chai';
import { EventSource } from 'eventsource';
import { expectPositions, get, post, serveSseEmbedded, type EmbeddedScript } from './helpers.ts';

interface Seen {
  type: string;
  data: string;
  lastEventId: string;
}

/** Records every event an EventSource dispatches, in order, and lets a test await one. */
class Recorder {
  readonly seen: Seen[] = [];
  errors = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly es: EventSource, types: string[]) {
    const record = (e: MessageEvent) => {
      this.seen.push({ type: e.type, data: e.data, lastEventId: e.lastEventId });
      this.wake();
    };
    es.onmessage = record;
    for (const type of types) es.addEventListener(type, record);
    es.onerror = () => {
      this.errors++;
      this.wake();
    };
  }

  of(type: string): Seen[] {
    return this.seen.filter((s) => s.type === type);
  }

  /** Resolves once `test` holds (checked after every event or error). */
  until(test: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (test()) {
          clearTimeout(timer);
          return resolve();
        }
        this.waiters.push(check);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no ${what} within ${timeoutMs}ms; seen: ${JSON.stringify(this.seen)}`));
      }, timeoutMs);
      check();
    });
  }

  untilData(data: string, type = 'message'): Promise<void> {
    return this.until(() => this.seen.some((s) => s.type === type && s.data === data), `${type} ${JSON.stringify(data)}`);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

describe('SSE with the eventsource package', function () {
  this.timeout(20000);
  let server: EmbeddedScript;
  const sources: EventSource[] = [];

  const open = (clientId: string, types: string[] = []) => {
    const es = new EventSource(new URL(`/sse?clientId=${encodeURIComponent(clientId)}`, server.url).href);
    sources.push(es);
    return new Recorder(es, ['pode.open', 'pode.close', 'pode.gap', ...types]);
  };
  const send = async (body: Record<string, unknown>) => expect((await post(server, '/send', body)).json).to.deep.equal({ sent: true });

  before(async () => {
    server = await serveSseEmbedded('eventsource.ts', { sseHistory: 50 });
  });
  afterEach(() => {
    for (const es of sources.splice(0)) es.close();
  });
  after(() => server?.close());

  it('receives pode.open, typed events, untyped messages, multi-line and UTF-8 data intact', async () => {
    const rec = open('es-1', ['greeting']);
    await rec.until(() => rec.of('pode.open').length === 1, 'pode.open');
    expect(JSON.parse(rec.of('pode.open')[0]!.data)).to.deep.equal({ clientId: 'es-1', group: '', name: 'live' });
    expect(rec.es.readyState).to.equal(EventSource.OPEN);

    await send({ Data: 'hello there', EventType: 'greeting' });
    await send({ Data: 'plain message' });
    await send({ Data: 'one\ntwo\r\nthree\rfour\n\nsix' });
    await send({ Data: 'emoji 😀🎉, CJK 漢字かな한글, accents naïve café ✓' });
    await send({ Data: { list: [1, 2], text: 'Grüße 👋' } });
    await rec.until(() => rec.of('message').length === 4, 'four messages');

    expect(rec.of('greeting').map((s) => s.data)).to.deep.equal(['hello there']);
    const messages = rec.of('message').map((s) => s.data);
    expect(messages).to.deep.equal([
      'plain message',
      // The standard joins data: lines with LF, so every kind of line break comes back as LF.
      'one\ntwo\nthree\nfour\n\nsix',
      'emoji 😀🎉, CJK 漢字かな한글, accents naïve café ✓',
      '{"list":[1,2],"text":"Grüße 👋"}',
    ]);
    expect(JSON.parse(messages[3]!)).to.deep.equal({ list: [1, 2], text: 'Grüße 👋' });
    // History is on: every event carried an increasing id (a position, see host/sse/seq.ts), and lastEventId follows it.
    expectPositions(rec.seen.filter((s) => s.type !== 'pode.open').map((s) => s.lastEventId));
  });

  it('reconnects after a dropped connection with Last-Event-ID and gets the missed events in order, without duplicates', async () => {
    const rec = open('es-2');
    await rec.until(() => rec.of('pode.open').length === 1, 'pode.open');
    await send({ Data: 'a' });
    await send({ Data: 'b' });
    await rec.untilData('b');
    const lastBeforeDrop = rec.of('message').at(-1)!.lastEventId;

    // Cut the connection (no pode.close) and hold the reconnection while events go out.
    expect((await post(server, '/drop', { clientId: 'es-2' })).json).to.deep.equal({ dropped: true });
    await rec.until(() => rec.errors >= 1, 'an error event for the broken connection');
    await server.waitForLine('stdout', /^disconnected es-2$/);
    await send({ Data: 'c' });
    await send({ Data: 'd' });
    expect((await post(server, '/reopen')).json).to.deep.equal({ reopened: true });

    await rec.until(() => rec.of('pode.open').length === 2, 'a second pode.open');
    await rec.untilData('d');
    await send({ Data: 'e' });
    await rec.untilData('e');

    const messages = rec.of('message');
    expect(messages.map((m) => m.data)).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expectPositions(messages.map((m) => m.lastEventId));
    expect(rec.seen.map((s) => s.type)).to.deep.equal(['pode.open', 'message', 'message', 'pode.open', 'message', 'message', 'message']);
    expect(rec.of('pode.gap')).to.deep.equal([]);

    const state = (await get(server, '/state')).json;
    expect(state.lastEventIds.at(-1)).to.equal(lastBeforeDrop); // the reconnect said where it had got to
    expect(state.clientIds).to.include('es-2');
  });
});
