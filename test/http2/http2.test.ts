// HTTP/2 on https endpoints (host/http/endpoints.ts): `-Protocol Https -SelfSigned` makes a certificate at
// start, the endpoint offers h2 then http/1.1 by ALPN. Real node:http2 and node:https clients against
// `podets serve test/fixtures/browser/h2.ts`. HTTP/2 forbids connection-specific headers and reason phrases
// (RFC 9113 §8.2.2, §8.3.2): none are sent, and node prints no warning about them.
import { expect } from 'chai';
import http2, { type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import https from 'node:https';
import { resolve } from 'node:path';
import { TLSSocket } from 'node:tls';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';

const fixture = resolve(repoRoot, 'test/fixtures/browser/h2.ts');

/** One HTTP/2 request: status, headers and the body so far, once `until` is in it (or the stream ended). */
function h2request(session: ClientHttp2Session, headers: Record<string, string>, body?: string, until?: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; text: string; stream: http2.ClientHttp2Stream }>((done, fail) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let head: IncomingHttpHeaders = {};
    let text = '';
    const finish = () => done({ status: Number(head[':status']), headers: head, text, stream });
    stream.on('response', (h) => (head = h));
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (until !== undefined && text.includes(until)) finish();
    });
    stream.on('end', finish);
    stream.on('error', fail);
    if (body !== undefined) stream.end(body);
  });
}

describe('HTTP/2 on an https endpoint (-SelfSigned)', function () {
  this.timeout(30000);
  let server: ServedScript;
  let session: ClientHttp2Session;
  let origin: string;

  before(async () => {
    server = await start(fixture);
    await server.waitForLine('stdout', /^Listening on https:/);
    origin = server.urls.find((u) => u.startsWith('https:'))!;
    session = http2.connect(origin, { rejectUnauthorized: false });
    await new Promise<void>((done, fail) => session.once('connect', () => done()).once('error', fail));
  });
  after(async () => {
    session?.close();
    if (server) await server.stop();
  });

  it('negotiates h2 by ALPN with a certificate made for 127.0.0.1 and localhost', () => {
    expect(session.alpnProtocol).to.equal('h2');
    const cert = (session.socket as TLSSocket).getPeerCertificate();
    expect(cert.subject.CN).to.equal('localhost'); // the endpoint's address is an IP: it is in the SANs instead
    expect(cert.subjectaltname).to.include('DNS:localhost').and.include('IP Address:127.0.0.1');
  });

  it('streams SSE over an HTTP/2 stream: Pode\'s head without Connection, the frames as on HTTP/1.1', async () => {
    const r = await h2request(session, { ':path': '/sse/basic', accept: 'text/event-stream' }, undefined, 'event: json\n');
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('text/event-stream');
    expect(r.headers['cache-control']).to.equal('no-cache');
    expect(r.headers['x-pode-sse-name']).to.equal('basic');
    expect(r.headers).to.not.have.property('connection');
    const clientId = r.headers['x-pode-sse-client-id'];
    expect(r.text.startsWith(`event: pode.open\ndata: {"clientId":"${clientId}","group":"","name":"basic"}\n\nevent: greeting\ndata: hello, browser\n\n`)).to.equal(true);
    expect(r.text).to.include('event: multi\ndata: line one\ndata: line two\ndata: line three\ndata: line four\n\n');
    r.stream.close();
  });

  it('takes request bodies, and a send from one stream reaches another on the same session', async () => {
    const feed = session.request({ ':path': '/sse/feed?group=h2', accept: 'text/event-stream' });
    let text = '';
    // Appended first, so each check below sees the chunk that woke it.
    feed.setEncoding('utf8');
    feed.on('data', (c: string) => (text += c));
    const seen = (part: string) =>
      new Promise<void>((done) => {
        const look = () => (text.includes(part) ? done() : feed.once('data', look));
        look();
      });
    await seen('event: pode.open\n');
    const post = await h2request(session, { ':method': 'POST', ':path': '/feed', 'content-type': 'application/json' }, JSON.stringify({ data: 'over h2', group: 'h2' }));
    expect(post.status).to.equal(200);
    expect(JSON.parse(post.text)).to.deep.equal({ sent: true });
    await seen('\ndata: over h2\n\n');
    feed.close();
  });

  it('answers 404 over HTTP/2 with no reason phrase, and node warns of nothing', async () => {
    const r = await h2request(session, { ':path': '/nowhere', accept: 'application/json' });
    expect(r.status).to.equal(404);
    expect(JSON.parse(r.text)).to.deep.equal({ status: 404, message: 'Not Found' });
    expect(server.stderr.join('\n')).to.not.match(/UnsupportedWarning|connection header|Status message/);
  });

  it('still serves HTTP/1.1 clients on the same port (ALPN fallback), with Connection: keep-alive for SSE', async () => {
    const res = await new Promise<import('node:http').IncomingMessage>((done, fail) =>
      https.get(`${origin}sse/many?id=h1`, { rejectUnauthorized: false, headers: { accept: 'text/event-stream' } }, done).on('error', fail),
    );
    expect(res.httpVersion).to.equal('1.1');
    expect(res.statusCode).to.equal(200);
    expect(res.headers.connection).to.equal('keep-alive');
    const first = await new Promise<string>((done) => res.setEncoding('utf8').once('data', done));
    expect(first).to.equal('event: pode.open\ndata: {"clientId":"h1","group":"","name":"many"}\n\n');
    res.destroy();
    const versions = await h2request(session, { ':path': '/versions' });
    expect(JSON.parse(versions.text)).to.deep.include({ h1: '1.1' });
  });

  it('SIGTERM: every HTTP/2 stream gets pode.close, the session ends, the process exits 0', async () => {
    const other = await start(fixture);
    await other.waitForLine('stdout', /^Listening on https:/);
    const s = http2.connect(other.urls.find((u) => u.startsWith('https:'))!, { rejectUnauthorized: false });
    try {
      const open = await h2request(s, { ':path': '/sse/many?id=bye', accept: 'text/event-stream' }, undefined, 'event: pode.open');
      const ended = new Promise<string>((done) => {
        let text = open.text;
        open.stream.on('data', (c: string) => (text += c));
        open.stream.on('close', () => done(text));
      });
      const started = Date.now();
      expect(await other.stop()).to.equal(0);
      expect((await ended).endsWith('event: pode.close\ndata: \n\n')).to.equal(true);
      // Well inside the 5 s grace: the session was closed, not waited out.
      expect(Date.now() - started).to.be.below(4500);
    } finally {
      s.destroy();
    }
  });
});
