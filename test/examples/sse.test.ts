// The SSE example, served as a user would (`podets serve examples/sse/server.ts`, here with --port 0): its
// page, the global stream fed by the timer, the local stream, POST /api/message with and without a group,
// Connect/Disconnect logging, replay on reconnect and pode.close on shutdown.
import http from 'node:http';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A streaming GET that keeps the raw body and parses it into events as it arrives. */
class Stream {
  body = '';
  ended = false;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly res: http.IncomingMessage,
    private readonly req: http.ClientRequest,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.body += chunk;
      this.wake();
    });
    res.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static open(base: string, path: string, headers: Record<string, string> = {}): Promise<Stream> {
    return new Promise((resolve, reject) => {
      const req = http.get(new URL(path, base), { headers: { accept: 'text/event-stream', ...headers } }, (res) => resolve(new Stream(res, req)));
      req.on('error', reject);
    });
  }

  /** Complete events so far (the blank line seen), parsed the way an EventSource reads them. */
  events(): SseEvent[] {
    const blocks = this.body.split('\n\n');
    blocks.pop(); // incomplete (or empty) tail
    const out: SseEvent[] = [];
    for (const block of blocks) {
      const e: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      let any = false;
      for (const line of block.split('\n')) {
        const m = /^([a-z]+): ?(.*)$/.exec(line);
        if (!m) continue;
        if (m[1] === 'data') data.push(m[2]!), (any = true);
        else if (m[1] === 'event') e.event = m[2]!;
        else if (m[1] === 'id') e.id = m[2]!;
      }
      if (!any) continue; // retry: only
      e.data = data.join('\n');
      out.push(e);
    }
    return out;
  }

  /** Resolves with the first event (existing or future) that matches. */
  next(match: (e: SseEvent) => boolean, what: string, timeoutMs = 6000): Promise<SseEvent> {
    return this.wait(() => this.events().find(match), what, timeoutMs);
  }

  /** Resolves once the server has ended the response. */
  end(timeoutMs = 6000): Promise<string> {
    return this.wait(() => (this.ended ? this.body : undefined), 'the end of the stream', timeoutMs);
  }

  close(): void {
    this.req.destroy();
  }

  private wait<T>(test: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = test();
        if (found === undefined) return false;
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`No ${what} within ${timeoutMs}ms. Body so far:\n${this.body}`));
      }, timeoutMs);
      const waiter = () => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (!check()) this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

describe('examples/sse', () => {
  let server: ServedScript;
  const streams: Stream[] = [];
  const open = async (path: string, headers?: Record<string, string>) => {
    const s = await Stream.open(server.url, path, headers);
    streams.push(s);
    return s;
  };
  const postJson = (body: unknown) =>
    fetch(new URL('/api/message', server.url), { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const isOpen = (e: SseEvent) => e.event === 'pode.open';

  before(async () => {
    server = await start(resolve(repoRoot, 'examples/sse/server.ts'));
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  after(async () => {
    // Shutdown: an open global stream gets pode.close, then the server exits 0.
    const s = await open('/sse');
    await s.next(isOpen, 'pode.open');
    const stopped = server.stop();
    expect(await s.end()).to.match(/event: pode\.close\ndata: \n\n$/);
    expect(await stopped).to.equal(0);
  });

  it('serves a self-contained page that uses EventSource', async () => {
    const res = await fetch(server.url);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).to.include("new EventSource('/sse/local')");
    expect(html).to.include("addEventListener('pode.close'");
    expect(html).to.not.match(/\b(src|href)="(https?:)?\/\//); // nothing from another origin or a CDN
  });

  it('streams the global Events stream, fed by the timer, and logs Connect/Disconnect', async () => {
    const s = await open('/sse');
    expect(s.res.statusCode).to.equal(200);
    expect(s.res.headers['content-type']).to.equal('text/event-stream');
    expect(s.res.headers['x-pode-sse-name']).to.equal('Events');
    const clientId = s.res.headers['x-pode-sse-client-id'] as string;
    expect(clientId).to.match(/^[0-9a-f-]{36}$/);

    const opened = await s.next(isOpen, 'pode.open');
    expect(s.body.startsWith('retry: 2000\n\n')).to.equal(true);
    expect(JSON.parse(opened.data)).to.deep.equal({ clientId, group: '', name: 'Events' });
    await server.waitForLine('stdout', new RegExp(`^SSE connected: ${clientId}$`));

    // History is on in the example, so the timer's events are numbered.
    const tick = await s.next((e) => e.event === 'tick', 'a tick');
    expect(tick.id).to.match(/^\d+$/);
    const data = JSON.parse(tick.data);
    expect(data.count).to.be.a('number');
    expect(new Date(data.time).toISOString()).to.equal(data.time);

    s.close();
    await server.waitForLine('stdout', new RegExp(`^SSE disconnected \\(bye\\): ${clientId}$`));
  });

  it('sends the local stream its two events, then closes it with pode.close', async () => {
    const s = await open('/sse/local');
    expect(s.res.headers['x-pode-sse-name']).to.equal('Data');
    const clientId = s.res.headers['x-pode-sse-client-id'] as string;
    expect(await s.end()).to.equal(
      `event: pode.open\ndata: ${JSON.stringify({ clientId, group: '', name: 'Data' })}\n\n` +
        'id: 1234\nevent: Action\ndata: hello, there!\n\n' +
        'id: 1337\nevent: BoldOne\ndata: general kenobi\n\n' +
        'event: pode.close\ndata: \n\n',
    );
  });

  it('POST /api/message reaches every connection, or only the given group (case-insensitive)', async () => {
    const [plain, blue] = await Promise.all([open('/sse'), open('/sse?group=blue')]);
    await Promise.all([plain.next(isOpen, 'pode.open'), blue.next(isOpen, 'pode.open')]);
    expect(JSON.parse(blue.events()[0]!.data).group).to.equal('blue');

    const connections = await (await fetch(new URL('/api/connections', server.url))).json();
    expect(connections.clients).to.include.members([plain.res.headers['x-pode-sse-client-id'], blue.res.headers['x-pode-sse-client-id']]);
    expect(connections.groups).to.deep.equal(['blue']);

    const toBlue = await postJson({ message: 'blue only', group: 'BLUE' });
    expect(toBlue.status).to.equal(202);
    const toAll = await postJson({ message: 'everyone' });
    expect(toAll.status).to.equal(202);

    const isMessage = (text: string) => (e: SseEvent) => e.event === 'message' && JSON.parse(e.data).message === text;
    await blue.next(isMessage('blue only'), 'the group message');
    await blue.next(isMessage('everyone'), 'the broadcast');
    await plain.next(isMessage('everyone'), 'the broadcast');
    expect(plain.events().some(isMessage('blue only'))).to.equal(false);

    // A form post works too; no message is a 400.
    const form = await fetch(new URL('/api/message', server.url), { method: 'POST', body: new URLSearchParams({ message: 'from a form' }) });
    expect(form.status).to.equal(202);
    await plain.next(isMessage('from a form'), 'the form message');
    const empty = await postJson({ message: '  ' });
    expect(empty.status).to.equal(400);
    expect(await empty.json()).to.deep.equal({ error: 'A message is required' });
  });

  it('replays what a reconnecting client missed (Last-Event-ID)', async () => {
    const first = await open('/sse');
    const seen = await first.next((e) => e.event === 'tick', 'a tick');
    first.close();
    await postJson({ message: 'while you were away' });
    const again = await open('/sse', { 'last-event-id': seen.id! });
    const missed = await again.next((e) => e.event === 'message' && JSON.parse(e.data).message === 'while you were away', 'the missed message');
    expect(Number(missed.id)).to.be.greaterThan(Number(seen.id));

    const gap = await open('/sse', { 'last-event-id': 'not-an-id-we-sent' });
    expect(await gap.next((e) => e.event === 'pode.gap', 'pode.gap')).to.deep.equal({ event: 'pode.gap', data: 'not-an-id-we-sent' });
  });

  it('refuses a request that does not accept text/event-stream (406)', async () => {
    const res = await fetch(new URL('/sse', server.url), { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(406);
    expect(await res.text()).to.include('text/event-stream');
  });
});
