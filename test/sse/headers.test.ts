// X-Pode-Sse-* response headers carry the Name, Group and ClientId, which may hold any character (a query
// string chose them here). A header value can only carry bytes: podets sends a value that is not plain
// printable ASCII as percent-encoded UTF-8 (host/sse/head.ts), and reads the X-PODE-SSE-* request headers
// back the same way. Before, `?group=日本` was a 500 with a stack and `café` went out as a raw 0xE9 byte.
import { expect } from 'chai';
import { closeAllClients, frame, openFrame, post, RawHttp, serveSseEmbedded, type EmbeddedScript } from './helpers.ts';

const q = (params: Record<string, string>) => `/sse?${new URLSearchParams(params).toString()}`;

describe('SSE header values outside printable ASCII', function () {
  this.timeout(20000);
  let server: EmbeddedScript;
  before(async () => {
    server = await serveSseEmbedded('wire.ts'); // in this process (test/helpers/embedded.ts)
  });
  after(async () => {
    closeAllClients();
    await server?.close();
  });
  afterEach(closeAllClients);

  it('answers 200 with the values percent-encoded in the head and as they are in pode.open', async () => {
    const c = await RawHttp.sse(server, q({ name: 'événements', group: '日本', clientId: 'café 1' }));
    expect(c.status, c.head).to.equal(200);
    expect(c.headers['x-pode-sse-name']).to.equal('%C3%A9v%C3%A9nements');
    expect(c.headers['x-pode-sse-group']).to.equal('%E6%97%A5%E6%9C%AC');
    expect(c.headers['x-pode-sse-client-id']).to.equal('caf%C3%A9 1');
    expect(/[^\x20-\x7e\r\n]/.test(c.head), 'only printable ASCII in the head').to.equal(false);
    await c.until(openFrame('café 1', '日本', 'événements'));
    expect(decodeURIComponent(c.headers['x-pode-sse-group']!)).to.equal('日本');
  });

  it('sends plain values as they are, and encodes `%`, control characters and spaces at the edges', async () => {
    const plain = await RawHttp.sse(server, q({ name: 'plain', group: 'Admins "A" (1)', clientId: 'id-1' }));
    expect(plain.headers['x-pode-sse-group']).to.equal('Admins "A" (1)');
    const odd = await RawHttp.sse(server, q({ name: 'plain', group: ' 50%\tdone ', clientId: 'id-2' }));
    expect(odd.status).to.equal(200);
    expect(odd.headers['x-pode-sse-group']).to.equal('%2050%25%09done%20');
    await odd.until(openFrame('id-2', ' 50%\tdone ', 'plain'));
    // A lone surrogate cannot be UTF-8: it goes as U+FFFD rather than failing the request.
    const broken = await RawHttp.sse(server, `/sse?name=plain&clientId=id-3&group=${encodeURIComponent('a')}%ED%A0%80`);
    expect(broken.status).to.equal(200);
  });

  it('reads the X-PODE-SSE-* request headers percent-decoded: a page sends back what it got', async () => {
    const c = await RawHttp.sse(server, q({ name: 'événements', group: '日本', clientId: 'café 1' }));
    await c.until('pode.open');
    const reply = await post(server, '/from-event', { Data: 'to you' }, {
      'X-PODE-SSE-CLIENT-ID': c.headers['x-pode-sse-client-id']!,
      'X-PODE-SSE-NAME': c.headers['x-pode-sse-name']!,
      'X-PODE-SSE-GROUP': c.headers['x-pode-sse-group']!,
    });
    expect(reply.json.result).to.deep.equal({ ok: true, value: null });
    expect(reply.json.sse).to.deep.include({ Name: 'événements', Group: '日本', ClientId: 'café 1' });
    await c.until(frame({ data: 'to you' }));
    // encodeURIComponent of the raw value (what pode.open said) works the same.
    const again = await post(server, '/from-event', { Data: 'again' }, {
      'X-PODE-SSE-CLIENT-ID': encodeURIComponent('café 1'),
      'X-PODE-SSE-NAME': encodeURIComponent('événements'),
    });
    expect(again.json.result).to.deep.equal({ ok: true, value: null });
    await c.until(frame({ data: 'again' }));
  });
});
