// What one client may cost while its request arrives, on real sockets: body size (413), the budget of
// bodies held at once (503), and the request and headers timeouts (408) that cut a trickling client.
// Pode's defaults (Server.Request.Timeout = 30, BodySize = 100MB) are in src/Private/Context.ps1.
import { expect } from 'chai';
import { PodeError } from '../../../host/errors/error.ts';
import { DEFAULT_BODY_BUDGET, DEFAULT_BODY_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, checkingIntervalMs, resolveLimits } from '../../../host/http/limits.ts';
import { json } from '../../../host/http/respond.ts';
import type { WebEvent } from '../../../host/http/webevent.ts';
import { captureLog, parseRaw, rawConnection, rawExchange, startServer, type CapturedLog, type TestServer } from './helpers.ts';

const echo = (e: WebEvent) => json(e, { bytes: Buffer.isBuffer(e.Data) ? e.Data.length : String(e.Data).length });

/** Writes one byte every `ms` until the connection closes: a client trickling its request. */
function trickle(socket: import('node:net').Socket, ms: number): void {
  const timer = setInterval(() => (socket.writable ? socket.write('x') : clearInterval(timer)), ms);
  socket.once('close', () => clearInterval(timer));
}

describe('http/limits', () => {
  describe('request bodies', () => {
    let srv: TestServer;
    let log: CapturedLog;
    beforeEach(() => (log = captureLog()));
    afterEach(() => log.restore());
    afterEach(() => srv?.close());

    it('refuses a huge Content-Length with 413 and Connection: close before reading any of it', async () => {
      srv = await startServer();
      srv.router.add({ method: 'POST', path: '/echo', handler: echo });
      // Our side stays open: only the server can end this exchange.
      const raw = await rawExchange(srv.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 10737418240\r\n\r\n', { end: false });
      const res = parseRaw(raw);
      expect(res.statusLine).to.equal('HTTP/1.1 413 Payload Too Large');
      expect(res.headers['connection']).to.equal('close');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      // Pode's listener text ('Payload too large', PodeHttpRequestStrategy.cs), then the limit.
      expect(res.body).to.equal(`413 Payload too large: the limit is ${DEFAULT_BODY_LIMIT} bytes.`);
      expect(log.lines).to.deep.equal([{ level: 'warn', line: `WARNING: POST /echo: 413 Payload too large: the limit is ${DEFAULT_BODY_LIMIT} bytes.` }]);
    });

    it('closes the connection after a 404 to a request whose body it did not read', async () => {
      srv = await startServer();
      const res = parseRaw(await rawExchange(srv.port, 'POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\nfirst bytes', { end: false }));
      expect(res.statusLine).to.equal('HTTP/1.1 404 Not Found');
      expect(res.headers['connection']).to.equal('close');
    });

    it('takes the body limit from the options', async () => {
      srv = await startServer({ bodyLimit: 100 });
      srv.router.add({ method: 'POST', path: '/echo', handler: echo });
      const at = await fetch(`${srv.url}/echo`, { method: 'POST', body: 'a'.repeat(100), headers: { 'content-type': 'text/plain' } });
      expect(await at.json()).to.deep.equal({ bytes: 100 });
      const over = await fetch(`${srv.url}/echo`, { method: 'POST', body: 'a'.repeat(101), headers: { 'content-type': 'text/plain' } });
      expect(over.status).to.equal(413);
      expect(await over.text()).to.equal('413 Payload too large: the limit is 100 bytes.');
    });

    it('invites a body with 100 Continue only once it is accepted (Expect: 100-continue)', async () => {
      srv = await startServer({ bodyLimit: 100 });
      srv.router.add({ method: 'POST', path: '/echo', handler: echo });
      const head = (length: number) => `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;
      const refused = await rawExchange(srv.port, head(101), { end: false });
      expect(refused.startsWith('HTTP/1.1 413 Payload Too Large\r\n'), refused).to.equal(true); // no 100 Continue before it

      const c = await rawConnection(srv.port);
      c.socket.write(head(5));
      await c.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
      c.socket.write('hello');
      await c.waitFor(/\{"bytes":5\}$/);
      c.socket.destroy();
      // And a 404 needs no body either: the final answer comes without an invitation.
      expect((await rawExchange(srv.port, head(5).replace('/echo', '/nowhere'), { end: false })).startsWith('HTTP/1.1 404 Not Found\r\n')).to.equal(true);
    });

    it('refuses a body the budget cannot hold with 503 and Retry-After, and takes it once the budget is free', async () => {
      srv = await startServer({ bodyLimit: 1000, bodyBudget: 1500 });
      srv.router.add({ method: 'POST', path: '/echo', handler: echo });
      // A holds 1000 bytes of the budget from its head on: 100 Continue comes once its share is taken.
      const a = await rawConnection(srv.port);
      a.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n');
      await a.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);

      const refused = parseRaw(await rawExchange(srv.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n', { end: false }));
      expect(refused.statusLine).to.equal('HTTP/1.1 503 Service Unavailable');
      expect(refused.headers['retry-after']).to.equal('1');
      expect(refused.headers['connection']).to.equal('close');
      expect(refused.body).to.equal('503 The server is holding as many request bodies as it can right now: try again shortly.');

      // A chunked body takes its share as it arrives, and is refused the same way.
      const chunked = parseRaw(
        await rawExchange(srv.port, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n258\r\n${'c'.repeat(600)}\r\n0\r\n\r\n`),
      );
      expect(chunked.statusLine).to.equal('HTTP/1.1 503 Service Unavailable');

      a.socket.write('a'.repeat(1000));
      await a.waitFor(/\{"bytes":1000\}$/);
      expect(parseRaw(a.received().slice(a.received().indexOf('HTTP/1.1 200'))).statusLine).to.equal('HTTP/1.1 200 OK');
      a.socket.destroy();

      // Both shares are back: a body of the whole budget's size minus nothing but the limit fits.
      for (const size of [1000, 500]) {
        const ok = await fetch(`${srv.url}/echo`, { method: 'POST', body: 'b'.repeat(size), headers: { 'content-type': 'text/plain' } });
        expect(await ok.json()).to.deep.equal({ bytes: size });
      }
      expect(log.lines.map((l) => l.line)).to.deep.equal([
        'WARNING: POST /echo: 503 The server is holding as many request bodies as it can right now: try again shortly.',
        'WARNING: POST /echo: 503 The server is holding as many request bodies as it can right now: try again shortly.',
      ]);
    });
  });

  describe('timeouts', () => {
    let srv: TestServer;
    let log: CapturedLog;
    let release: () => void;
    const released = new Promise<void>((r) => (release = r));

    before(async () => {
      srv = await startServer({ requestTimeoutMs: 400, headersTimeoutMs: 300 });
      srv.router.add({ method: 'POST', path: '/echo', handler: echo });
      srv.router.add({ method: 'GET', path: '/slow', handler: async (e) => (await released, json(e, { late: true })) });
    });
    after(() => srv.close());
    beforeEach(() => (log = captureLog()));
    afterEach(() => log.restore());

    it('cuts a client trickling its body with 408 and one warning', async () => {
      const c = await rawConnection(srv.port);
      c.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n');
      trickle(c.socket, 40);
      const res = parseRaw(await c.closed);
      expect(res.statusLine).to.equal('HTTP/1.1 408 Request Timeout');
      expect(res.headers).to.include({ connection: 'close', 'x-content-type-options': 'nosniff', 'content-type': 'text/plain; charset=utf-8' });
      expect(res.body).to.equal('408 Request Timeout');
      expect(log.lines).to.deep.equal([
        { level: 'warn', line: 'WARNING: POST /echo: 408 Request Timeout: the request did not arrive in time (request timeout 0.4 s, headers timeout 0.3 s)' },
      ]);
    });

    it('cuts a client trickling its head with 408', async () => {
      const c = await rawConnection(srv.port);
      c.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      trickle(c.socket, 40);
      expect(parseRaw(await c.closed).statusLine).to.equal('HTTP/1.1 408 Request Timeout');
      expect(log.lines).to.have.length(1);
      expect(log.lines[0]!.line).to.equal('WARNING: 127.0.0.1: 408 Request Timeout: the request did not arrive in time (request timeout 0.4 s, headers timeout 0.3 s)');
    });

    it('closes a connection that never sends a request, without a warning', async () => {
      const c = await rawConnection(srv.port);
      expect(parseRaw(await c.closed).statusLine).to.equal('HTTP/1.1 408 Request Timeout');
      expect(log.lines).to.deep.equal([]); // logged at verbose only: browsers open spare connections
    });

    it('does not cut a slow handler: the timeout is for receiving the request', async () => {
      const slow = fetch(`${srv.url}/slow`);
      // Another client's cut proves the timeout has passed while /slow was in its handler.
      const c = await rawConnection(srv.port);
      c.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n');
      await c.closed;
      release();
      const res = await slow;
      expect(await res.json()).to.deep.equal({ late: true });
    });
  });

  describe('malformed requests', () => {
    let srv: TestServer;
    let log: CapturedLog;
    before(async () => (srv = await startServer()));
    after(() => srv.close());
    beforeEach(() => (log = captureLog()));
    afterEach(() => log.restore());

    it('answers a head that is not HTTP with 400 and a warning naming the fault', async () => {
      const res = parseRaw(await rawExchange(srv.port, 'NOT HTTP AT ALL\r\n\r\n', { end: false }));
      expect(res.statusLine).to.equal('HTTP/1.1 400 Bad Request');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.body).to.equal('400 Bad Request');
      expect(log.lines).to.have.length(1);
      expect(log.lines[0]!.line).to.match(/^WARNING: 127\.0\.0\.1: 400 Bad Request: HPE_INVALID_\w+: /);
    });

    it('answers a head over 16 KiB with 431', async () => {
      const res = parseRaw(await rawExchange(srv.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, { end: false }));
      expect(res.statusLine).to.equal('HTTP/1.1 431 Request Header Fields Too Large');
      expect(log.lines[0]!.line).to.match(/^WARNING: 127\.0\.0\.1: 431 Request Header Fields Too Large: HPE_HEADER_OVERFLOW: /);
    });
  });

  describe('resolveLimits', () => {
    it("has Pode's 30 s timeout, a 10 MiB body limit and a 100 MiB budget by default", () => {
      expect(resolveLimits()).to.deep.equal({ bodyLimit: 10 * 1024 * 1024, bodyBudget: 100 * 1024 * 1024, requestTimeoutMs: 30_000, headersTimeoutMs: 30_000 });
      expect([DEFAULT_BODY_LIMIT, DEFAULT_BODY_BUDGET, DEFAULT_REQUEST_TIMEOUT_MS]).to.deep.equal([10485760, 104857600, 30000]);
    });

    it('derives the budget from a larger body limit, and the headers timeout from the request timeout', () => {
      expect(resolveLimits({ bodyLimit: 200 * 1024 * 1024 }).bodyBudget).to.equal(200 * 1024 * 1024);
      expect(resolveLimits({ requestTimeoutMs: 5000 }).headersTimeoutMs).to.equal(5000);
      // No limit on the whole request (long uploads): the head keeps one.
      expect(resolveLimits({ requestTimeoutMs: 0 }).headersTimeoutMs).to.equal(30_000);
    });

    it('refuses limits that cannot work', () => {
      const refusal = (given: Parameters<typeof resolveLimits>[0]) => {
        try {
          resolveLimits(given);
        } catch (err) {
          expect(err).to.be.instanceOf(PodeError);
          return [(err as PodeError).ErrorId, (err as PodeError).message];
        }
        throw new Error('not refused');
      };
      expect(refusal({ bodyLimit: 2000, bodyBudget: 1000 })).to.deep.equal([
        'BodyLimitAboveBudget',
        'The body limit (2000 bytes) is larger than the body budget (1000 bytes): no body that large could ever be accepted.',
      ]);
      expect(refusal({ requestTimeoutMs: 1000, headersTimeoutMs: 2000 })).to.deep.equal([
        'HeadersTimeoutAboveRequestTimeout',
        'The headers timeout (2 s) is longer than the request timeout (1 s), which already covers the headers.',
      ]);
      expect(refusal({ bodyLimit: -1 })[0]).to.equal('InvalidRequestLimit');
    });

    it('looks for expired requests often enough to cut them within a tenth of their timeout', () => {
      expect(checkingIntervalMs(resolveLimits())).to.equal(1000);
      expect(checkingIntervalMs(resolveLimits({ requestTimeoutMs: 400, headersTimeoutMs: 300 }))).to.equal(100);
      expect(checkingIntervalMs(resolveLimits({ requestTimeoutMs: 0, headersTimeoutMs: 0 }))).to.equal(30_000);
    });
  });
});
