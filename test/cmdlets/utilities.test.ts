// Get-PodeServerDefaultSecret, Start-PodeSleep, Write-PodeHost and $WebEvent across awaits, end to end, with
// test/fixtures/scripts/utilities.ts served in this process; --quiet is the CLI's flag, so that test runs it.
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript, start } from '../helpers/serve.ts';

describe('Utilities cmdlets', () => {
  let server: EmbeddedScript;
  const get = (path: string) => fetch(new URL(path, server.url));

  before(async () => {
    server = await serveEmbedded(fixtureScript('utilities.ts'));
  });
  after(() => server.close());

  it('Get-PodeServerDefaultSecret is one random 32-byte secret per server', async () => {
    const first = await (await get('/secret')).text();
    expect(Buffer.from(first, 'base64')).to.have.length(32);
    expect(await (await get('/secret')).text()).to.equal(first);
    const other = await serveEmbedded(fixtureScript('utilities.ts'));
    try {
      expect(await (await fetch(new URL('/secret', other.url))).text()).not.to.equal(first);
    } finally {
      await other.close();
    }
  });

  it('Start-PodeSleep -Milliseconds is awaitable and keeps $WebEvent', async () => {
    const body = await (await get('/sleep/ms')).json();
    expect(body.path).to.equal('/sleep/ms');
    expect(body.elapsed).to.be.at.least(145);
  });

  it('Start-PodeSleep takes -Seconds positionally', async () => {
    const body = await (await get('/sleep/seconds')).json();
    // At least the second asked for; the upper bound only tells seconds from minutes (a busy machine is slow).
    expect(body.elapsed).to.be.within(995, 30_000);
  });

  it('a sleeping request does not hold up others', async () => {
    const order: string[] = [];
    const slow = get('/sleep/seconds').then(() => order.push('slow'));
    expect((await get('/secret')).status).to.equal(200);
    order.push('fast');
    await slow;
    expect(order).to.deep.equal(['fast', 'slow']);
  });

  it('$WebEvent stays each request\'s own across awaits, for 50 concurrent requests', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `req-${i}`);
    const bodies = await Promise.all(ids.map(async (id) => (await get(`/whoami?id=${id}`)).json()));
    bodies.forEach((body, i) => expect(body).to.deep.equal({ before: ids[i], middle: ids[i], after: ids[i] }));
  });

  it('Write-PodeHost writes to stdout: arrays spaced, objects as JSON, -NoNewLine, -Explode', async () => {
    expect(await (await get('/host?tag=t1')).text()).to.equal('written');
    const last = await server.waitForLine('stdout', /^\{ nested: /);
    const from = server.stdout.indexOf('plain t1');
    expect(from).to.be.at.least(0);
    expect(server.stdout.slice(from, server.stdout.indexOf(last, from) + 1)).to.deep.equal([
      'plain t1',
      'piped t1 3',
      '{"a":1,"tag":"t1"}',
      'part1 t1 part2', // NO_COLOR: no escape codes around part2
      '\tName: exploded-t1 \tTypeName: System.Collections.Hashtable',
      '{ nested: { deep: [ 1, 2 ] } }',
    ]);
  });
});

describe('Utilities cmdlets (podets serve)', () => {
  it('Write-PodeHost is silent under --quiet', async () => {
    const quiet = await start(fixtureScript('utilities.ts'), ['--quiet']);
    try {
      expect(await (await fetch(new URL('/host?tag=q', quiet.url))).text()).to.equal('written');
      expect(quiet.stdout).to.deep.equal([`Listening on ${quiet.url}`]);
    } finally {
      await quiet.stop();
    }
  });
});
