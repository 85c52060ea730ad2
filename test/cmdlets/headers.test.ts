// Get-/Set-/Add-/Test-PodeHeader end to end, against test/fixtures/scripts/headers.ts.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';

const secret = 'sup3r-s3cret';
const sign = (value: string, key: string) => `s:${value}.${createHmac('sha256', key).update(value).digest('base64')}`;

describe('Headers cmdlets', () => {
  let server: EmbeddedScript;
  const get = (path: string, headers?: Record<string, string>) => fetch(new URL(path, server.url), { headers });

  before(async () => {
    server = await serveEmbedded(fixtureScript('headers.ts'));
  });
  after(() => server.close());

  it('Get-PodeHeader and Test-PodeHeader read request headers, case-insensitively', async () => {
    const res = await get('/read', { 'X-Test': 'hello', 'X-Blank': '  ' });
    expect(await res.json()).to.deep.equal({ value: 'hello', missing: null, present: true, blank: false, absent: false });
  });

  it('Set-PodeHeader replaces, Add-PodeHeader appends', async () => {
    const res = await get('/write');
    expect(res.headers.get('x-replaced')).to.equal('new');
    expect(res.headers.getSetCookie()).to.deep.equal(['a=1', 'b=2']);
    expect(await res.text()).to.equal('ok');
  });

  it('headers set before an error status are sent with the error body', async () => {
    const res = await get('/write-then-404');
    expect(res.status).to.equal(404);
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
  });

  it('-Secret signs as s:<value>.<HMAC-SHA256>; -Strict binds it to the User-Agent and IP', async () => {
    const res = await get('/sign', { 'User-Agent': 'podets-test' });
    expect(res.headers.get('x-signed')).to.equal(sign('user-42', secret));
    expect(res.headers.get('x-strict')).to.equal(sign('user-42', `${secret};podets-test;127.0.0.1`));
  });

  it('Get-PodeHeader -Secret unsigns, $null when the signature does not match', async () => {
    const signed = sign('user-42', secret);
    const strict = sign('user-42', `${secret};podets-test;127.0.0.1`);
    const ok = await get('/unsign', { 'X-Signed': signed, 'X-Strict': strict, 'User-Agent': 'podets-test' });
    expect(await ok.json()).to.deep.equal({ signed: 'user-42', strict: 'user-42', wrongSecret: null });
    // Another User-Agent breaks the strict signature only.
    const moved = await get('/unsign', { 'X-Signed': signed, 'X-Strict': strict, 'User-Agent': 'someone-else' });
    expect(await moved.json()).to.deep.equal({ signed: 'user-42', strict: null, wrongSecret: null });
    const tampered = await get('/unsign', { 'X-Signed': signed.replace('user-42', 'user-43') });
    expect((await tampered.json()).signed).to.equal(null);
  });
});
