// Headless Chromium's EventSource against `podets serve`: the open event, typed and untyped events,
// multi-line and UTF-8 data (1), a local connection's pode.close (2), and a global Name fed by a timer and
// by a POST route, narrowed by Group and ClientId, seen from two pages at once (3).
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { ServedScript } from '../helpers/serve.ts';
import { clientIdsOf, closePages, entriesOf, eventsOf, getJson, launchChromium, openHarness, requireChromium, serveFixture, watch } from './helpers.ts';

describe('browser: EventSource in Chromium', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let pages: Page[] = [];

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), serveFixture()]);
  });
  afterEach(async () => {
    await closePages(...pages);
    pages = [];
  });
  after(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  const newPage = async () => {
    const { page } = await openHarness(browser!, server!.url);
    pages.push(page);
    return page;
  };

  it('parses pode.open with the clientId the server reports, typed events, onmessage, multi-line and UTF-8 data', async () => {
    const page = await newPage();
    const responseSeen = page.waitForResponse((r) => r.url().endsWith('/sse/basic'));
    const clientId = await watch(page, 'basic', '/sse/basic', { types: ['greeting', 'multi', 'utf8', 'json'] });

    // The server's own view of the connection: its header, and the ClientId list of the Name.
    const response = await responseSeen;
    expect(response.headers()['content-type']).to.equal('text/event-stream');
    expect(response.headers()['x-pode-sse-client-id']).to.equal(clientId);
    expect(await clientIdsOf(server!.url, 'basic')).to.deep.equal([clientId]);
    expect(clientId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const events = await eventsOf(page, 'basic', undefined, 6);
    expect(events.map((e) => [e.type, e.via])).to.deep.equal([
      ['pode.open', 'addEventListener'],
      ['greeting', 'addEventListener'],
      ['message', 'onmessage'],
      ['multi', 'addEventListener'],
      ['utf8', 'addEventListener'],
      ['json', 'addEventListener'],
    ]);
    expect(JSON.parse(events[0]!.data!)).to.deep.equal({ clientId, group: '', name: 'basic' });
    expect(events[1]!.data).to.equal('hello, browser');
    expect(events[2]!.data).to.equal('an untyped message');
    // Every line break (LF, CRLF, CR) became its own data: line; the browser joins them with LF.
    expect(events[3]!.data).to.equal('line one\nline two\nline three\nline four');
    expect(events[4]!.data).to.equal('emoji 🎉🚀 CJK 漢字かなカナ한국어 accents é ü');
    expect(JSON.parse(events[5]!.data!)).to.deep.equal({ n: 1, items: ['a', 'b'], nested: { ok: true } });
    // No id was sent, so the page has none; the page saw exactly one open and no error.
    expect(events.every((e) => e.lastEventId === '')).to.equal(true);
    const all = await page.evaluate(() => window.received.map((r) => r.kind));
    expect(all.filter((k) => k === 'open')).to.have.length(1);
    expect(all).to.not.include('error');
  });

  it('local scope: two events, then pode.close, on which the page closes the source', async () => {
    const page = await newPage();
    const before = (await getJson<Record<string, number>>(server!.url, '/hits')).local ?? 0;
    await watch(page, 'local', '/sse/local', { types: ['step'], closeOn: ['pode.close'] });

    const [closed] = await entriesOf(page, 'local', 'closed', 1);
    const events = await page.evaluate(() => window.eventsOf('local'));
    expect(events.map((e) => [e.type, e.data])).to.deep.equal([
      ['pode.open', events[0]!.data],
      ['step', 'one'],
      ['step', 'two'],
      ['pode.close', ''],
    ]);
    // EventSource.CLOSED: the browser will not reconnect.
    expect(closed!.readyState).to.equal(2);
    expect(await page.evaluate(() => window.sources.local!.readyState)).to.equal(2);
    // The route ran once for this page, and a local connection never enters the registry.
    expect((await getJson<Record<string, number>>(server!.url, '/hits')).local).to.equal(before + 1);
    expect(await clientIdsOf(server!.url, 'local')).to.deep.equal([]);
    const kinds = await page.evaluate(() => window.received.filter((r) => r.source === 'local').map((r) => r.kind));
    expect(kinds).to.not.include('error');
  });

  it('global scope: a timer and a POST route feed two pages, narrowed by Group and by ClientId', async () => {
    const [red, blue] = await Promise.all([newPage(), newPage()]);
    const types = ['tick', 'news'];
    const [redId, blueId] = await Promise.all([
      watch(red, 'feed', '/sse/feed?group=Red', { types }),
      watch(blue, 'feed', '/sse/feed?group=blue', { types }),
    ]);
    expect(redId).to.not.equal(blueId);
    expect(JSON.parse((await eventsOf(red, 'feed', 'pode.open', 1))[0]!.data!)).to.deep.equal({ clientId: redId, group: 'Red', name: 'feed' });
    expect((await clientIdsOf(server!.url, 'feed')).sort()).to.deep.equal([redId, blueId].sort());

    // The timer (every second) reaches both pages.
    const [redTicks, blueTicks] = await Promise.all([eventsOf(red, 'feed', 'tick', 1, 5000), eventsOf(blue, 'feed', 'tick', 1, 5000)]);
    expect(Number(redTicks[0]!.data)).to.be.greaterThan(0);
    expect(Number(blueTicks[0]!.data)).to.be.greaterThan(0);

    // The red page POSTs to the route that calls Send-PodeSseEvent: to everyone, to a Group (matched
    // case-insensitively), to one ClientId, then a marker to everyone, after which nothing else can arrive.
    const send = (body: object) =>
      red.evaluate(async (b) => {
        const res = await fetch('/feed', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
        return res.status;
      }, body);
    expect(await send({ data: 'to all', eventType: 'news' })).to.equal(200);
    expect(await send({ data: 'to red', eventType: 'news', group: 'RED' })).to.equal(200);
    expect(await send({ data: 'to blue by id', eventType: 'news', clientId: blueId })).to.equal(200);
    expect(await send({ data: 'to both groups', eventType: 'news', group: ['red', 'Blue'] })).to.equal(200);
    expect(await send({ data: 'marker', eventType: 'news' })).to.equal(200);

    const [redNews, blueNews] = await Promise.all([eventsOf(red, 'feed', 'news', 4), eventsOf(blue, 'feed', 'news', 4)]);
    expect(redNews.map((e) => e.data)).to.deep.equal(['to all', 'to red', 'to both groups', 'marker']);
    expect(blueNews.map((e) => e.data)).to.deep.equal(['to all', 'to blue by id', 'to both groups', 'marker']);
  });
});
