import { expect } from 'chai';
import { PodeError } from '../../../host/errors/error.ts';
import { emptyBody, hasBody, mediaType, parseBody } from '../../../host/http/body.ts';
import { json } from '../../../host/http/respond.ts';
import { captureLog, rawRequest, startServer, type TestServer } from './helpers.ts';

const buf = (s: string) => Buffer.from(s, 'utf8');

function parseError(fn: () => unknown): PodeError {
  try {
    fn();
  } catch (err) {
    return err as PodeError;
  }
  throw new Error('expected a parse error');
}

describe('http/body', () => {
  describe('parseBody', () => {
    it('parses JSON (including +json types and a BOM)', () => {
      expect(parseBody(buf('{"a":1,"b":[true,null]}'), 'application/json')).to.deep.equal({ a: 1, b: [true, null] });
      expect(parseBody(buf('{"x":"y"}'), 'Application/JSON; charset=UTF-8')).to.deep.equal({ x: 'y' });
      expect(parseBody(buf('{"t":"about:blank"}'), 'application/problem+json')).to.deep.equal({ t: 'about:blank' });
      expect(parseBody(buf('\ufeff[1,2]'), 'application/json')).to.deep.equal([1, 2]);
    });

    it('rejects invalid JSON with a 400 PodeError', () => {
      const err = parseError(() => parseBody(buf('{"a":'), 'application/json'));
      expect(err).to.be.instanceOf(PodeError);
      expect(err.StatusCode).to.equal(400);
      expect(err.message).to.match(/^The request body is not valid JSON/);
    });

    it('parses urlencoded forms, repeated keys becoming arrays', () => {
      const data = parseBody(buf('name=Bob+Smith&tag=a&tag=b&tag=c&note=caf%C3%A9&empty='), 'application/x-www-form-urlencoded');
      expect(data).to.deep.equal({ name: 'Bob Smith', tag: ['a', 'b', 'c'], note: 'café', empty: '' });
    });

    it('keeps a __proto__ form key as plain data', () => {
      const data = parseBody(buf('__proto__=x&__proto__=y'), 'application/x-www-form-urlencoded') as Record<string, unknown>;
      expect(Object.getPrototypeOf(data)).to.equal(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).to.deep.equal(['x', 'y']);
    });

    it('decodes text/* as a string in its charset', () => {
      expect(parseBody(buf('hello'), 'text/plain')).to.equal('hello');
      expect(parseBody(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'text/plain; charset=iso-8859-1')).to.equal('café');
      expect(parseBody(buf('<p>x</p>'), 'text/html; charset=nonsense')).to.equal('<p>x</p>');
    });

    it('leaves other types as the raw Buffer', () => {
      const raw = Buffer.from([1, 2, 3]);
      expect(parseBody(raw, 'application/octet-stream')).to.equal(raw);
      expect(parseBody(raw, undefined)).to.equal(raw);
    });

    it('gives {} or "" for an empty body', () => {
      expect(parseBody(Buffer.alloc(0), 'application/json')).to.deep.equal({});
      expect(parseBody(Buffer.alloc(0), 'application/x-www-form-urlencoded')).to.deep.equal({});
      expect(parseBody(Buffer.alloc(0), 'text/plain')).to.equal('');
      expect(emptyBody(undefined)).to.deep.equal({});
    });

    it('reads media types without parameters', () => {
      expect(mediaType(' Text/HTML ; charset=utf-8')).to.equal('text/html');
      expect(mediaType(undefined)).to.equal('');
    });

    it('knows when a request has a body', () => {
      const req = (headers: Record<string, string>) => ({ headers }) as unknown as Parameters<typeof hasBody>[0];
      expect(hasBody(req({}))).to.equal(false);
      expect(hasBody(req({ 'content-length': '0' }))).to.equal(false);
      expect(hasBody(req({ 'content-length': '3' }))).to.equal(true);
      expect(hasBody(req({ 'transfer-encoding': 'chunked' }))).to.equal(true);
    });
  });

  describe('through the server', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer({ bodyLimit: 1024 });
      srv.router.add({ method: 'POST', path: '/echo', handler: (e) => json(e, { data: Buffer.isBuffer(e.Data) ? `<${e.Data.length} bytes>` : e.Data }) });
    });
    after(() => srv.close());

    const post = (body: BodyInit, type?: string) =>
      fetch(`${srv.url}/echo`, { method: 'POST', body, headers: type ? { 'content-type': type } : {} });

    it('puts the parsed JSON in Data', async () => {
      const res = await post('{"name":"pode"}', 'application/json');
      expect(await res.json()).to.deep.equal({ data: { name: 'pode' } });
    });

    it('puts a parsed form in Data', async () => {
      const res = await post('a=1&a=2&b=x', 'application/x-www-form-urlencoded');
      expect(await res.json()).to.deep.equal({ data: { a: ['1', '2'], b: 'x' } });
    });

    it('puts text in Data', async () => {
      const res = await post('plain words', 'text/plain');
      expect(await res.json()).to.deep.equal({ data: 'plain words' });
    });

    it('puts other bodies in Data as a Buffer', async () => {
      const res = await post(new Blob([new Uint8Array([1, 2, 3, 4])]), 'application/octet-stream');
      expect(await res.json()).to.deep.equal({ data: '<4 bytes>' });
    });

    it('gives {} when there is no body', async () => {
      const res = await fetch(`${srv.url}/echo`, { method: 'POST' });
      expect(await res.json()).to.deep.equal({ data: {} });
    });

    it('answers invalid JSON with 400 and a short message, before the handler runs', async () => {
      const log = captureLog();
      try {
        const res = await post('{"oops"', 'application/json');
        expect(res.status).to.equal(400);
        const text = await res.text();
        expect(text).to.match(/^400 The request body is not valid JSON/);
        expect(text).not.to.match(/\n\s+at /); // no stack trace
      } finally {
        log.restore();
      }
    });

    it('answers 400 in JSON when the client accepts JSON', async () => {
      const log = captureLog();
      try {
        const res = await fetch(`${srv.url}/echo`, { method: 'POST', body: 'nope', headers: { 'content-type': 'application/json', accept: 'application/json' } });
        expect(res.status).to.equal(400);
        const body = (await res.json()) as { status: number; message: string };
        expect(body.status).to.equal(400);
        expect(body.message).to.match(/not valid JSON/);
      } finally {
        log.restore();
      }
    });

    it('refuses a declared body over the limit with 413', async () => {
      const log = captureLog();
      try {
        const res = await post('x'.repeat(2048), 'text/plain');
        expect(res.status).to.equal(413);
        expect(await res.text()).to.equal('413 Payload too large: the limit is 1024 bytes.'); // Pode's listener text, then the limit
      } finally {
        log.restore();
      }
    });

    it('refuses a chunked body that grows over the limit with 413', async () => {
      const log = captureLog();
      try {
        const res = await rawRequest(srv.port, '/echo', {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
          body: 'y'.repeat(4096),
        });
        expect(res.status).to.equal(413);
      } finally {
        log.restore();
      }
    });

    it('still serves requests after a rejected body', async () => {
      const res = await post('{"ok":true}', 'application/json');
      expect(res.status).to.equal(200);
    });
  });
});
