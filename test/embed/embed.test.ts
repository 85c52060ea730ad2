// createPodeServer (host/runtime/embed.ts), in this process: the recipes of examples/embed/ (node:http,
// Express 5, Fastify 5) with real sockets, two servers side by side, pode.close, and the options check.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  AddPodeRoute,
  AddPodeTimer,
  ConvertToPodeSseConnection,
  createPodeServer,
  GetPodeSseClientIdList,
  SendPodeSseEvent,
  StartPodeServer,
  WritePodeJsonResponse,
  type PodeApp,
} from '../../index.ts';
import { main as nodeRecipe } from '../../examples/embed/node-http.ts';
import { main as expressRecipe } from '../../examples/embed/express.ts';
import { main as fastifyRecipe } from '../../examples/embed/fastify.ts';

const CLOSE_FRAME = 'event: pode.close\ndata: \n\n';

/** An SSE stream read as raw text. */
class Stream {
  text = '';
  ended = false;
  private waiters: (() => void)[] = [];
  constructor(readonly res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.text += chunk;
      this.wake();
    });
    res.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }
  static open(url: string): Promise<Stream> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => resolve(new Stream(res)));
      req.on('error', reject);
    });
  }
  until(part: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(part)} within ${timeoutMs}ms; got ${JSON.stringify(this.text)}`)), timeoutMs);
      const check = () => {
        if (this.text.includes(part)) {
          clearTimeout(timer);
          resolve();
        } else if (this.ended) {
          clearTimeout(timer);
          reject(new Error(`ended without ${JSON.stringify(part)}; got ${JSON.stringify(this.text)}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }
  end(): Promise<string> {
    return new Promise((resolve) => {
      const check = () => (this.ended ? resolve(this.text) : this.waiters.push(check));
      check();
    });
  }
  destroy(): void {
    this.res.destroy();
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

async function request(url: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; text: string; type: string | null }> {
  const r = await fetch(url, {
    method: init.method ?? 'GET',
    ...(init.body !== undefined && { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: r.status, text: await r.text(), type: r.headers.get('content-type') };
}

const listen = async (handler: http.RequestListener) => {
  const server = http.createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describe('createPodeServer: podets inside an app of your own', function () {
  this.timeout(20000);

  describe('the recipes (examples/embed/)', () => {
    /**
     * Starts a recipe, opens its SSE stream at `path` (200, text/event-stream, pode.open), runs `checks`,
     * then closes the app: the stream ends with pode.close.
     */
    async function withRecipe(main: (port: number) => Promise<{ url: string; close(): Promise<unknown> }>, path: string, checks: (url: string, events: Stream) => Promise<void>) {
      const app = await main(0);
      let closed = false;
      try {
        const events = await Stream.open(`${app.url}${path}`);
        expect(events.res.statusCode).to.equal(200);
        expect(events.res.headers['content-type']).to.equal('text/event-stream');
        await events.until('event: pode.open\n');
        await checks(app.url, events);
        await app.close();
        closed = true;
        expect((await events.end()).endsWith(CLOSE_FRAME)).to.equal(true);
      } finally {
        if (!closed) await app.close();
      }
    }

    it('node:http: the SSE route, a route of the app that sends through pode.run, and 404 for what neither has', () =>
      withRecipe(nodeRecipe, '/events', async (url, events) => {
        expect(await request(`${url}/status`)).to.deep.equal({ status: 200, text: '{"ok":true}', type: 'application/json; charset=utf-8' });
        expect((await request(`${url}/hello`, { method: 'POST' })).status).to.equal(202);
        // --sse-history 100 as sseHistory: the event is numbered.
        await events.until('\ndata: hello from node:http\n\n');
        expect(events.text).to.match(/\nid: \d+\ndata: hello from node:http\n\n$/);
        expect((await request(`${url}/nowhere`)).status).to.equal(404);
      }));

    it('Express 5: podets routes (with their bodies), Express routes beside them, SendPodeSseEvent from an Express route', () =>
      withRecipe(expressRecipe, '/events', async (url, events) => {
        expect(await request(`${url}/api/hello`)).to.deep.include({ status: 200, text: '{"from":"express"}' });
        expect(await request(`${url}/pode/echo`, { method: 'POST', body: { a: 1 } })).to.deep.include({ status: 200, text: '{"got":{"a":1}}' });
        expect(await request(`${url}/api/notify`, { method: 'POST', body: { text: 'hi' } })).to.deep.include({ status: 202, text: '{"sent":true}' });
        await events.until('data: {"text":"hi"}\n\n');
        // Neither has it: Express' own 404.
        const missing = await request(`${url}/nowhere`);
        expect(missing.status).to.equal(404);
        expect(missing.text).to.include('Cannot GET /nowhere');
      }));

    it('Fastify 5: podets under /sse/ (hijacked replies, bodies left to podets), Fastify routes beside it', () =>
      withRecipe(fastifyRecipe, '/sse/events', async (url, events) => {
        expect(await request(`${url}/api/hello`)).to.deep.include({ status: 200, text: '{"from":"fastify"}' });
        expect(await request(`${url}/sse/echo`, { method: 'POST', body: { b: [1, 2] } })).to.deep.include({ status: 200, text: '{"got":{"b":[1,2]}}' });
        expect(await request(`${url}/api/notify`, { method: 'POST', body: { text: 'from fastify' } })).to.deep.include({ status: 202 });
        await events.until('data: {"text":"from fastify"}\n\n');
        expect((await request(`${url}/sse/nowhere`)).status).to.equal(404); // podets' 404 inside its scope
      }));
  });

  it('node:https: the same handler behind TLS; $WebEvent.Endpoint says https and the port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podets-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const pode = await createPodeServer(() => {
      AddPodeRoute({ Method: 'Get', Path: '/where', ScriptBlock: (e) => WritePodeJsonResponse({ Value: { protocol: e.Endpoint.Protocol, port: e.Endpoint.Port } }) });
      AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'Events' }) });
    });
    const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, pode.handler);
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const get = (path: string, accept = '*/*') =>
      new Promise<IncomingMessage>((resolve, reject) => https.get({ host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: { accept } }, resolve).on('error', reject));
    try {
      const where = await get('/where');
      const body = await new Promise<string>((done) => {
        let text = '';
        where.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => done(text));
      });
      expect(JSON.parse(body)).to.deep.equal({ protocol: 'https', port });
      const events = new Stream(await get('/events', 'text/event-stream'));
      await events.until('event: pode.open\n');
      pode.run(() => SendPodeSseEvent({ Name: 'Events', Data: 'over tls' }));
      await events.until('data: over tls\n\n');
      await pode.close();
      expect((await events.end()).endsWith(CLOSE_FRAME)).to.equal(true);
    } finally {
      await pode.close();
      await new Promise((done) => server.close(done));
    }
  });

  describe('two servers in one process', () => {
    let a: PodeApp;
    let b: PodeApp;
    const servers: http.Server[] = [];
    let urlA = '';
    let urlB = '';
    let ticksA = 0;
    before(async () => {
      const make = (who: string, history: number) =>
        createPodeServer(
          () => {
            AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: (e) => ConvertToPodeSseConnection({ Name: 'Events', ClientId: String(e.Query.id ?? who) }) });
            AddPodeRoute({ Method: 'Get', Path: `/only-${who}`, ScriptBlock: () => WritePodeJsonResponse({ Value: { who, clients: GetPodeSseClientIdList({ Name: 'Events' }) } }) });
            // An async handler: after the await it still belongs to its own server.
            AddPodeRoute({
              Method: 'Post',
              Path: '/send',
              ScriptBlock: async (e) => {
                await new Promise((r) => setTimeout(r, 5));
                SendPodeSseEvent({ Name: 'Events', Data: `${who}: ${(e.Data as { text: string }).text}` });
                WritePodeJsonResponse({ Value: { who } });
              },
            });
            if (who === 'a') AddPodeTimer({ Name: 'tick', Interval: 1, ScriptBlock: () => void ticksA++ });
          },
          { sseHistory: history },
        );
      [a, b] = await Promise.all([make('a', 5), make('b', 0)]);
      for (const [app, set] of [
        [a, (u: string) => (urlA = u)],
        [b, (u: string) => (urlB = u)],
      ] as const) {
        const { server, url } = await listen(app.handler);
        servers.push(server);
        set(url);
      }
    });
    after(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    });

    it('keeps routes, connections, history and sends apart', async () => {
      const onA = await Stream.open(`${urlA}/events?id=x`);
      const onB = await Stream.open(`${urlB}/events?id=y`);
      await Promise.all([onA.until('event: pode.open\n'), onB.until('event: pode.open\n')]);
      expect(JSON.parse((await request(`${urlA}/only-a`)).text)).to.deep.equal({ who: 'a', clients: ['x'] });
      expect(JSON.parse((await request(`${urlB}/only-b`)).text)).to.deep.equal({ who: 'b', clients: ['y'] });
      expect((await request(`${urlA}/only-b`)).status).to.equal(404);
      expect((await request(`${urlB}/only-a`)).status).to.equal(404);

      a.run(() => SendPodeSseEvent({ Name: 'Events', Data: 'to a' }));
      b.run(() => SendPodeSseEvent({ Name: 'Events', Data: 'to b' }));
      await request(`${urlA}/send`, { method: 'POST', body: { text: 'routed' } });
      await request(`${urlB}/send`, { method: 'POST', body: { text: 'routed' } });
      await Promise.all([onA.until('data: a: routed\n\n'), onB.until('data: b: routed\n\n')]);
      // A keeps history (ids), B does not; neither sees the other's events.
      expect(onA.text).to.match(/\nid: \d+\ndata: to a\n\n/);
      expect(onA.text).to.not.include('to b');
      expect(onA.text).to.not.include('b: routed');
      expect(onB.text).to.include('\ndata: to b\n\n');
      expect(onB.text).to.not.match(/\nid: /);
      expect(onB.text).to.not.include('to a');
      onA.destroy();
      onB.destroy();
    });

    it("runs each server's timers in that server", async () => {
      // AddPodeTimer registered on A only: B has no timer named tick.
      expect(a.server.timers.has('tick')).to.equal(true);
      expect(b.server.timers.has('tick')).to.equal(false);
    });

    it('a cmdlet outside any server (not in a block, a handler or pode.run) says how to reach one', () => {
      expect(() => SendPodeSseEvent({ Name: 'Events', Data: 'x' })).to.throw(/No podets server is being configured/);
    });
  });

  describe('a script written for podets serve', () => {
    it("a Pode-style script's StartPodeServer block configures this server, as under podets serve", async () => {
      // Before, it made a server of its own listening on 8080, and createPodeServer waited for it to stop.
      const app = await createPodeServer(() =>
        StartPodeServer(() => AddPodeRoute({ Method: 'Get', Path: '/inner', ScriptBlock: () => WritePodeJsonResponse({ Value: { from: 'inner' } }) })),
      );
      const { server, url } = await listen(app.handler);
      try {
        expect(await request(`${url}/inner`)).to.deep.equal({ status: 200, text: '{"from":"inner"}', type: 'application/json; charset=utf-8' });
        expect(app.server.running).to.equal(false); // podets listens on nothing: the app does
        expect('$WebEvent' in globalThis).to.equal(false); // nor installs the globals
      } finally {
        await app.close();
        await new Promise((done) => server.close(done));
      }
    });
  });

  describe('options', () => {
    it('are checked as the CLI checks its flags, with the same texts', async () => {
      const refused = async (options: Record<string, unknown>) => {
        try {
          await createPodeServer(() => {}, options as never);
        } catch (err) {
          return { id: (err as { ErrorId?: string }).ErrorId, message: (err as Error).message };
        }
        throw new Error('not refused');
      };
      expect(await refused({ sseHistory: -1 })).to.deep.equal({
        id: 'InvalidServerOption,createPodeServer',
        message: "'sseHistory': The history count must be a whole number from 0 to 1000000.",
      });
      expect(await refused({ sseBroadcastLevel: 'Everyone' })).to.deep.equal({
        id: 'InvalidServerOption,createPodeServer',
        message: "'sseBroadcastLevel': Allowed choices are Name, Group, ClientId.",
      });
      expect((await refused({ workers: 2 })).message).to.match(/^'workers' is not an option; valid options are sseDefaultScope, sseSecret,/);
      expect(await refused({ sseStrict: true })).to.deep.equal({ id: 'SseStrictWithoutSecret', message: '--sse-strict needs a secret: set PODETS_SSE_SECRET (or --sse-secret).' });
    });

    it('a value given in the PowerShell casing of the CLI is bound in the declared casing', async () => {
      const app = await createPodeServer(() => {}, { sseDefaultScope: 'local' as never, bodyLimit: '2mb' as never });
      try {
        expect(app.server.sse.settings.defaultScope).to.equal('Local');
        expect(app.server.limits.bodyLimit).to.equal(2 * 1024 * 1024);
      } finally {
        await app.close();
      }
    });

    it('a block that throws: the error comes out of createPodeServer', async () => {
      let caught: unknown;
      try {
        await createPodeServer(() => {
          throw new Error('broken script');
        });
      } catch (err) {
        caught = err;
      }
      expect((caught as Error).message).to.equal('broken script');
    });
  });
});
