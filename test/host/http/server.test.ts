import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { PodeError } from '../../../host/errors/error.ts';
import { Router } from '../../../host/http/router.ts';
import { json, text } from '../../../host/http/respond.ts';
import { createPodeHttpServer } from '../../../host/http/server.ts';
import { StaticRoutes } from '../../../host/http/static.ts';
import type { RequestLogEntry } from '../../../host/http/requestlog.ts';
import type { Middleware } from '../../../host/http/types.ts';
import type { WebEvent } from '../../../host/http/webevent.ts';
import { takeOver } from '../../../host/http/takeover.ts';
import type { Transport } from '../../../host/http/transport/index.ts';
import { captureLog, delay, parseRaw, rawExchange, startServer, waitFor, type TestServer } from './helpers.ts';

describe('http/server', () => {
  describe('middleware', () => {
    let srv: TestServer;
    const calls: string[] = [];
    const middleware: Middleware[] = [];

    before(async () => {
      srv = await startServer({ middleware });
      middleware.push(
        (e) => void calls.push(`global1 ${e.Path}`),
        async (e) => {
          await delay(5);
          calls.push('global2 (async)');
          if (e.Query['stop'] === 'global') {
            json(e, { stoppedBy: 'global' }, 403);
            return false;
          }
          return true;
        },
        { name: 'args', logic: (_e, a: string, b: number) => void calls.push(`args ${a} ${b}`), argumentList: ['x', 2] },
        { name: 'api only', route: '/api/*', logic: () => void calls.push('api-only') },
      );
      srv.router.add({
        method: 'GET',
        path: '/mw',
        middleware: [
          (e) => {
            calls.push('route1');
            return e.Query['stop'] !== 'route';
          },
          async () => {
            calls.push('route2');
          },
        ],
        handler: (e) => {
          calls.push('handler');
          json(e, { ok: true });
        },
      });
      srv.router.add({ method: 'GET', path: '/api/thing', handler: (e) => text(e, 'thing') });
    });
    after(() => srv.close());
    beforeEach(() => (calls.length = 0));

    it('runs global middleware in order, then the route middleware, then the handler', async () => {
      const res = await fetch(`${srv.url}/mw`);
      expect(await res.json()).to.deep.equal({ ok: true });
      expect(calls).to.deep.equal(['global1 /mw', 'global2 (async)', 'args x 2', 'route1', 'route2', 'handler']);
    });

    it('stops the chain when a global middleware returns false', async () => {
      const res = await fetch(`${srv.url}/mw?stop=global`);
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.equal({ stoppedBy: 'global' });
      expect(calls).to.deep.equal(['global1 /mw', 'global2 (async)']);
    });

    it('stops the chain when a route middleware returns false, ending the response as it stands', async () => {
      const res = await fetch(`${srv.url}/mw?stop=route`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.equal('');
      expect(calls).to.deep.equal(['global1 /mw', 'global2 (async)', 'args x 2', 'route1']);
    });

    it('honours a middleware route filter', async () => {
      await (await fetch(`${srv.url}/api/thing`)).text();
      expect(calls).to.include('api-only');
      calls.length = 0;
      await (await fetch(`${srv.url}/mw`)).text();
      expect(calls).not.to.include('api-only');
    });

    it('does not run middleware for 404s (as Pode validates the route first)', async () => {
      const res = await fetch(`${srv.url}/nowhere`);
      expect(res.status).to.equal(404);
      expect(calls).to.deep.equal([]);
    });
  });

  describe('routing and errors', () => {
    let srv: TestServer;
    let seen: { err: unknown; path: string }[] = [];
    let logged: RequestLogEntry[] = [];

    before(async () => {
      srv = await startServer({
        onError: (err, e) => void seen.push({ err, path: e.Path }),
        onRequestLog: (entry) => void logged.push(entry),
      });
      const r = srv.router;
      r.add({ method: 'GET', path: '/boom', handler: () => { throw new Error('secret internals'); } });
      r.add({ method: 'GET', path: '/async-boom', handler: async () => { await delay(5); throw new Error('later'); } });
      r.add({ method: 'GET', path: '/teapot', handler: () => { throw new PodeError('Teapot', 'Get-Tea', 'I am a teapot', { status: 418 }); } });
      r.add({ method: 'GET', path: '/mw-boom', middleware: [() => { throw new Error('mw failed'); }], handler: (e) => json(e, {}) });
      r.add({ method: 'GET', path: '/async', handler: async (e) => { await delay(20); json(e, { late: true }, 201); } });
      r.add({ method: 'GET', path: '/nothing', handler: () => undefined });
      r.add({ method: 'GET', path: '/args/:id', argumentList: ['a', 'b'], handler: (e, a: string, b: string) => json(e, { id: e.Parameters['id'], a, b }) });
      r.add({ method: 'GET', path: '/users/:id', handler: (e) => json(e, { id: e.Parameters['id'] }) });
      r.add({ method: 'DELETE', path: '/users/:id', handler: (e) => json(e, {}) });
      r.add({ method: '*', path: '/any', handler: (e) => json(e, { method: e.Method }) });
      r.add({ method: 'GET', path: '/raw-after-end', handler: (e) => { json(e, { first: true }); e.Response.raw.write('more'); } });
      r.add({ method: 'GET', path: '/bad-header', handler: (e) => { e.Response.Headers['x-bad'] = 'line\nbreak'; json(e, {}); } });
      r.add({ method: 'GET', path: '/raw', handler: (e) => { e.Response.raw.writeHead(202, { 'content-type': 'text/plain' }); e.Response.raw.write('raw body'); } });
    });
    after(() => srv.close());
    beforeEach(() => {
      seen = [];
      logged = [];
    });

    it('answers a throwing handler with 500 and no details, logs the stack, and keeps serving', async () => {
      const log = captureLog();
      try {
        const res = await fetch(`${srv.url}/boom`);
        expect(res.status).to.equal(500);
        const body = await res.text();
        expect(body).to.equal('500 Internal Server Error');
        expect(log.text()).to.include('GET /boom: Error: secret internals');
        expect(log.text()).to.match(/\n\s+at /); // the stack went to the log
        expect(seen.map((s) => [(s.err as Error).message, s.path])).to.deep.equal([['secret internals', '/boom']]);
      } finally {
        log.restore();
      }
      const next = await fetch(`${srv.url}/users/1`);
      expect(await next.json()).to.deep.equal({ id: '1' });
    });

    it('answers an async handler that rejects with 500', async () => {
      const log = captureLog();
      try {
        const res = await fetch(`${srv.url}/async-boom`, { headers: { accept: 'application/json' } });
        expect(res.status).to.equal(500);
        expect(await res.json()).to.deep.equal({ status: 500, message: 'Internal Server Error' });
        expect(log.text()).to.include('GET /async-boom: Error: later');
      } finally {
        log.restore();
      }
    });

    it("uses a PodeError's status and message", async () => {
      const log = captureLog();
      try {
        const res = await fetch(`${srv.url}/teapot`);
        expect(res.status).to.equal(418);
        expect(await res.text()).to.equal('418 I am a teapot');
        expect(log.lines.map((l) => l.level)).to.deep.equal(['warn']); // a client error: no stack
      } finally {
        log.restore();
      }
    });

    it('answers a throwing middleware with 500', async () => {
      const log = captureLog();
      try {
        expect((await fetch(`${srv.url}/mw-boom`)).status).to.equal(500);
      } finally {
        log.restore();
      }
    });

    it('waits for async handlers', async () => {
      const res = await fetch(`${srv.url}/async`);
      expect(res.status).to.equal(201);
      expect(await res.json()).to.deep.equal({ late: true });
    });

    it('ends with 200 and an empty body when the handler writes nothing', async () => {
      const res = await fetch(`${srv.url}/nothing`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.equal('');
    });

    it('passes the argument list to the handler', async () => {
      expect(await (await fetch(`${srv.url}/args/9`)).json()).to.deep.equal({ id: '9', a: 'a', b: 'b' });
    });

    it('answers 404 for unknown paths and 405 with Allow for other methods', async () => {
      const missing = await fetch(`${srv.url}/missing`);
      expect(missing.status).to.equal(404);
      expect(await missing.text()).to.equal('404 Not Found');
      const wrong = await fetch(`${srv.url}/users/3`, { method: 'PUT' });
      expect(wrong.status).to.equal(405);
      expect(wrong.headers.get('allow')).to.equal('DELETE, GET, HEAD');
    });

    it('routes any method to a * route, with a lower-case Method', async () => {
      expect(await (await fetch(`${srv.url}/any`, { method: 'PATCH' })).json()).to.deep.equal({ method: 'patch' });
    });

    it('answers HEAD from the GET route without a body', async () => {
      const res = await fetch(`${srv.url}/users/5`, { method: 'HEAD' });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      expect(await res.text()).to.equal('');
    });

    it('logs a raw write after the end instead of crashing', async () => {
      const log = captureLog();
      try {
        const res = await fetch(`${srv.url}/raw-after-end`);
        expect(await res.json()).to.deep.equal({ first: true });
        await waitFor(() => /write after end/i.test(log.text()));
      } finally {
        log.restore();
      }
      expect((await fetch(`${srv.url}/users/2`)).status).to.equal(200);
    });

    it('still answers 500 when a queued header is invalid', async () => {
      const log = captureLog();
      try {
        const res = await fetch(`${srv.url}/bad-header`);
        expect(res.status).to.equal(500);
        expect(res.headers.get('x-bad')).to.equal(null);
        expect(log.text()).to.include('GET /bad-header');
      } finally {
        log.restore();
      }
    });

    it('sends the reason phrase of the error status after a refused head, not `500 OK`', async () => {
      const log = captureLog();
      try {
        const raw = await rawExchange(srv.port, 'GET /bad-header HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { end: false });
        expect(raw.startsWith('HTTP/1.1 500 Internal Server Error\r\n'), raw).to.equal(true);
        const { headers, body } = parseRaw(raw);
        expect(headers['x-bad']).to.equal(undefined);
        expect(body).to.equal('500 Internal Server Error');
      } finally {
        log.restore();
      }
    });

    it('sends X-Content-Type-Options: nosniff on the error pages it writes', async () => {
      const log = captureLog();
      try {
        for (const [path, method, statusLine] of [
          ['/missing', 'GET', 'HTTP/1.1 404 Not Found'],
          ['/users/3', 'PUT', 'HTTP/1.1 405 Method Not Allowed'],
          ['/boom', 'GET', 'HTTP/1.1 500 Internal Server Error'],
          ['/teapot', 'GET', "HTTP/1.1 418 I'm a Teapot"],
        ] as const) {
          const raw = await rawExchange(srv.port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { end: false });
          const res = parseRaw(raw);
          expect(res.statusLine, path).to.equal(statusLine);
          expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
          expect(res.headers['content-type'], path).to.equal('text/plain; charset=utf-8');
        }
        // A successful response is the script's own: no header added.
        const ok = parseRaw(await rawExchange(srv.port, 'GET /users/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { end: false }));
        expect(ok.statusLine).to.equal('HTTP/1.1 200 OK');
        expect(ok.headers['x-content-type-options']).to.equal(undefined);
      } finally {
        log.restore();
      }
    });

    it('ends a response the handler started through raw', async () => {
      const res = await fetch(`${srv.url}/raw`);
      expect(res.status).to.equal(202);
      expect(await res.text()).to.equal('raw body');
    });

    it('reports each finished request to the request log hook', async () => {
      await (await fetch(`${srv.url}/users/77`, { headers: { 'user-agent': 'podets-test' } })).text();
      await waitFor(() => logged.length > 0);
      expect(logged).to.have.length(1);
      const [entry] = logged;
      expect(entry).to.include({ method: 'GET', path: '/users/77', status: 200, remoteAddress: '127.0.0.1', protocol: 'http', userAgent: 'podets-test', size: 11 });
      expect(entry!.durationMs).to.be.a('number').and.at.least(0);
    });
  });

  describe('static content and middleware', () => {
    it('runs global middleware before serving a static file, and it can stop it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'podets-srv-'));
      writeFileSync(join(dir, 'a.txt'), 'file a');
      const statics = new StaticRoutes();
      statics.add({ path: '/s', folder: dir, middleware: [(e) => void (e.Response.Headers['x-static'] = 'yes')] });
      const seen: string[] = [];
      const srv = await startServer({
        statics,
        middleware: [(e) => { seen.push(e.StaticContent?.file ?? 'none'); return e.Query['deny'] === undefined; }],
      });
      try {
        const ok = await fetch(`${srv.url}/s/a.txt`);
        expect(await ok.text()).to.equal('file a');
        expect(ok.headers.get('x-static')).to.equal('yes');
        expect(seen).to.deep.equal([join(dir, 'a.txt')]);
        const denied = await fetch(`${srv.url}/s/a.txt?deny=1`);
        expect(await denied.text()).to.equal('');
      } finally {
        await srv.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('takeOver (the explicit hijack)', () => {
    it('leaves a taken-over response to its owner: open after the handler returns, no error page after a throw', async () => {
      let owned: Transport | undefined;
      let settled = 0;
      const srv = await startServer();
      srv.router.add({
        method: 'GET',
        path: '/stream',
        handler: (e) => {
          owned = takeOver(e, { headers: { 'content-type': 'text/plain' }, settled: () => settled++ });
          owned.write(Buffer.from('first;'));
          throw new Error('after the take-over');
        },
      });
      const lines = captureLog();
      try {
        const res = await fetch(`${srv.url}/stream`);
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.equal('text/plain');
        const reader = res.body!.getReader();
        const first = await reader.read();
        expect(Buffer.from(first.value!).toString()).to.equal('first;');
        expect(settled).to.equal(1);
        expect(owned!.kind).to.equal('h1');
        await delay(30);
        owned!.write(Buffer.from('second;'));
        owned!.end(Buffer.from('third'));
        let rest = '';
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += Buffer.from(chunk.value).toString();
        expect(rest).to.equal('second;third');
        expect(lines.text()).to.include('after the take-over');
      } finally {
        lines.restore();
        await srv.close();
      }
    });
    it('a client leaving a taken-over stream costs no error stack: node finds the request already destroyed', async () => {
      // node destroys a request whose response never finished with ECONNRESET when its socket closes
      // (_http_server.js abortIncoming), and destroy.js checkError reads that error's stack. takeOver
      // destroys the request first, without an error. Counted through Error.prepareStackTrace, which V8
      // calls each time a stack is formatted.
      const srv = await startServer();
      let closed = 0;
      srv.router.add({
        method: 'GET',
        path: '/stream',
        handler: (e) => {
          takeOver(e, { headers: { 'content-type': 'text/event-stream' } }).write(Buffer.from('data: x\n\n'));
          e.Response.raw.once('close', () => closed++);
        },
      });
      const formatted: string[] = [];
      const previous = Error.prepareStackTrace;
      const sockets: net.Socket[] = [];
      try {
        for (let i = 0; i < 5; i++) {
          const socket = net.connect(Number(new URL(srv.url).port), '127.0.0.1');
          sockets.push(socket);
          socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
          await new Promise((done) => socket.once('data', done));
        }
        Error.prepareStackTrace = (err, frames) => {
          formatted.push(String((err as Error).message));
          return previous ? previous(err, frames) : String(err);
        };
        for (const socket of sockets) socket.destroy();
        await waitFor(() => closed === 5);
        await delay(20);
        expect(formatted.filter((m) => m === 'aborted')).to.deep.equal([]);
      } finally {
        Error.prepareStackTrace = previous;
        await srv.close();
      }
    });

    it('hands the connection back when a taken-over stream ends: the client reuses it for its next request', async () => {
      const srv = await startServer();
      srv.router.add({ method: 'GET', path: '/stream', handler: (e) => void takeOver(e, { headers: { 'content-type': 'text/plain' } }).end(Buffer.from('done')) });
      srv.router.add({ method: 'GET', path: '/after', handler: (e) => text(e, 'after') });
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = (path: string) =>
        new Promise<{ body: string; reused: boolean }>((done, fail) => {
          const req = http.get(`${srv.url}${path}`, { agent }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => done({ body, reused: req.reusedSocket }));
          });
          req.on('error', fail);
        });
      try {
        expect(await get('/stream')).to.deep.equal({ body: 'done', reused: false });
        expect(await get('/after')).to.deep.equal({ body: 'after', reused: true });
      } finally {
        agent.destroy();
        await srv.close();
      }
    });
  });

  describe('endpoints', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'podets-tls-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('serves https with a certificate and key from files, next to http', async () => {
      const router = new Router();
      router.add({ method: 'GET', path: '/where', handler: (e) => json(e, { protocol: e.Endpoint.Protocol, port: e.Endpoint.Port, name: e.Endpoint.Name }) });
      const server = createPodeHttpServer({ router });
      const bound = await server.listen([
        { protocol: 'http', port: 0 },
        { protocol: 'https', port: 0, certificate: join(dir, 'cert.pem'), certificateKey: join(dir, 'key.pem'), name: 'secure' },
      ]);
      try {
        expect(bound.map((b) => b.protocol)).to.deep.equal(['http', 'https']);
        expect(bound[1]!.port).to.be.above(0);
        expect(bound[1]!.url).to.equal(`https://127.0.0.1:${bound[1]!.port}`);
        const body = await new Promise<string>((resolve, reject) => {
          https.get(`${bound[1]!.url}/where`, { rejectUnauthorized: false }, (res) => {
            let data = '';
            res.on('data', (c) => (data += c));
            res.on('end', () => resolve(data));
          }).on('error', reject);
        });
        expect(JSON.parse(body)).to.deep.equal({ protocol: 'https', port: bound[1]!.port, name: 'secure' });
        expect(await (await fetch(`${bound[0]!.url}/where`)).json()).to.include({ protocol: 'http' });
      } finally {
        await server.close();
      }
    });

    it('reports a port already in use and leaves nothing bound', async () => {
      const first = createPodeHttpServer({ router: new Router() });
      const [taken] = await first.listen([{ port: 0 }]);
      const second = createPodeHttpServer({ router: new Router() });
      try {
        await second.listen([{ port: 0 }, { port: taken!.port }]).then(
          () => expect.fail('should not bind'),
          (err: Error) => expect(err.message).to.equal(`Cannot listen on http://127.0.0.1:${taken!.port}: EADDRINUSE`),
        );
        expect(second.listening).to.equal(false);
      } finally {
        await first.close();
      }
    });

    it('refuses https without a certificate', async () => {
      const server = createPodeHttpServer({ router: new Router() });
      await server.listen([{ protocol: 'https', port: 0 }]).then(
        () => expect.fail('should not bind'),
        (err: Error) => expect(err.message).to.match(/needs a certificate/),
      );
    });
  });

  describe('close', () => {
    it('lets an in-flight request finish, then stops accepting', async () => {
      const srv = await startServer();
      srv.router.add({ method: 'GET', path: '/slow', handler: async (e) => { await delay(300); json(e, { done: true }); } });
      const inflight = fetch(`${srv.url}/slow`);
      await delay(50);
      const started = Date.now();
      await srv.server.close(5000);
      const took = Date.now() - started;
      const res = await inflight;
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ done: true });
      expect(took).to.be.below(4000); // closed soon after the last response, not at the 5 s grace limit
      expect(srv.server.listening).to.equal(false);
      await fetch(`${srv.url}/slow`).then(
        () => expect.fail('should be refused'),
        (err: Error) => expect(err).to.be.instanceOf(TypeError),
      );
    });

    it('cuts requests still running at the end of the grace period', async () => {
      const srv = await startServer();
      srv.router.add({ method: 'GET', path: '/forever', handler: (e) => void takeOver(e, { headers: {} }).write(Buffer.from('open')) });
      const res = await fetch(`${srv.url}/forever`);
      const reader = res.body!.getReader();
      await reader.read();
      const started = Date.now();
      await srv.server.close(200);
      expect(Date.now() - started).to.be.within(150, 4000);
      await reader.read().then(
        (r) => expect(r.done).to.equal(true),
        (err: Error) => expect(err).to.be.instanceOf(Error),
      );
    });
  });
});

describe('http/server close with a connection that never sent a request', () => {
  it('does not wait out the grace period for it', async function () {
    this.timeout(10_000);
    const server = createPodeHttpServer({ router: new Router() });
    const [endpoint] = await server.listen([{ address: '127.0.0.1', port: 0 }]);
    const { connect } = await import('node:net');
    const socket = connect(endpoint!.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // A 60 s grace would outlive this test's 10 s timeout if the quiet socket were waited for.
    await server.close(60_000);
    await closed;
  });
});
