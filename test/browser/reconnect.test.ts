// Reconnect in Chromium: the server cuts a connection; the browser reconnects after the `retry:` the
// connection announced, sending Last-Event-ID; with --sse-history the page gets what it missed, in order and
// once, and with an id the history no longer holds it gets pode.gap.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { ServedScript } from '../helpers/serve.ts';
import { clientIdsOf, closePages, entriesOf, eventsOf, getJson, launchChromium, openHarness, post, requireChromium, serveFixture, watch } from './helpers.ts';
import { expectPositions } from '../sse/helpers.ts';

const HISTORY = 5;
// Longer than the browsers' default (about 3 s): a reconnect that waited at least this long honoured `retry:`.
// (A lower bound holds on a busy machine; an upper bound would not.)
const RETRY_MS = 4000;

describe('browser: reconnect with Last-Event-ID and history', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let page: Page | undefined;

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), serveFixture(['--sse-history', String(HISTORY)])]);
  });
  afterEach(async () => {
    await closePages(page);
    page = undefined;
  });
  after(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  const lastEventIds = async (name: string) => (await getJson<{ lastEventIds: (string | null)[] }>(server!.url, `/rc/${name}/last-event-ids`)).lastEventIds;
  const messages = async (p: Page, source: string) => (await p.evaluate((s) => window.eventsOf(s, 'message'), source)).map((e) => [e.lastEventId, e.data]);

  it('replays the events sent while the connection was down, in order, with no duplicates', async () => {
    ({ page } = await openHarness(browser!, server!.url));
    const first = await watch(page, 'rc', `/sse/rc/replay?retry=${RETRY_MS}`);

    // Three live events; history gives them increasing positions as ids.
    expect((await post(server!.url, '/send', { name: 'replay', prefix: 'live', count: 3 })).status).to.equal(200);
    await eventsOf(page, 'rc', 'message', 3);
    const live = await messages(page, 'rc');
    expect(live.map(([, data]) => data)).to.deep.equal(['live1', 'live2', 'live3']);
    expectPositions(live.map(([id]) => id!));

    // The server destroys the socket, then sends three more: no connection can take them but the history.
    expect((await post(server!.url, `/drop/${encodeURIComponent(first)}`, { name: 'replay', prefix: 'missed', count: 3 })).status).to.equal(200);

    // Chromium notices (error, CONNECTING), waits `retry:` and reconnects with the third id as Last-Event-ID.
    const [error] = await entriesOf(page, 'rc', 'error', 1);
    expect(error!.readyState).to.equal(0);
    const opens = await entriesOf(page, 'rc', 'open', 2);
    const waited = opens[1]!.at - error!.at;
    expect(waited, 'reconnect delay (ms)').to.be.at.least(RETRY_MS - 200);
    expect(await lastEventIds('replay')).to.deep.equal([null, live[2]![0]]);

    const reopened = (await eventsOf(page, 'rc', 'pode.open', 2))[1]!;
    const second = (JSON.parse(reopened.data!) as { clientId: string }).clientId;
    expect(second).to.not.equal(first);
    expect(await clientIdsOf(server!.url, 'replay')).to.deep.equal([second]);

    // Then a live one after the replay.
    expect((await post(server!.url, '/send', { name: 'replay', prefix: 'after', count: 1 })).status).to.equal(200);
    await eventsOf(page, 'rc', 'message', 7);
    const all = await messages(page, 'rc');
    expect(all.map(([, data]) => data)).to.deep.equal(['live1', 'live2', 'live3', 'missed1', 'missed2', 'missed3', 'after1']);
    expect(all.slice(0, 3)).to.deep.equal(live);
    expectPositions(all.map(([id]) => id!));
    expect(await page.evaluate(() => window.eventsOf('rc', 'pode.gap'))).to.deep.equal([]);
  });

  it('sends pode.gap when Last-Event-ID is older than the history holds', async () => {
    ({ page } = await openHarness(browser!, server!.url));
    const first = await watch(page, 'gap', `/sse/rc/gapped?retry=${RETRY_MS}`);
    expect((await post(server!.url, '/send', { name: 'gapped', prefix: 'live', count: 2 })).status).to.equal(200);
    const had = (await eventsOf(page, 'gap', 'message', 2)).map((e) => e.lastEventId!);
    expectPositions(had);

    // More events than the history keeps go out while the page is away: the second id is evicted.
    const missed = HISTORY + 3;
    expect((await post(server!.url, `/drop/${encodeURIComponent(first)}`, { name: 'gapped', prefix: 'missed', count: missed })).status).to.equal(200);
    const [gap] = await eventsOf(page, 'gap', 'pode.gap', 1);
    expect(gap!.data, 'pode.gap names the last id the page had').to.equal(had[1]);
    expect(await lastEventIds('gapped')).to.deep.equal([null, had[1]]);

    // Nothing was replayed (there is a hole); live events carry on after the gap.
    expect((await post(server!.url, '/send', { name: 'gapped', prefix: 'after', count: 1 })).status).to.equal(200);
    await eventsOf(page, 'gap', 'message', 3);
    const events = await page.evaluate(() => window.eventsOf('gap').map((e) => [e.type, e.data, e.lastEventId]));
    expect(events.slice(1, 5)).to.deep.equal([
      ['message', 'live1', had[0]],
      ['message', 'live2', had[1]],
      ['pode.open', events[3]![1], had[1]],
      ['pode.gap', had[1], had[1]],
    ]);
    expect(events.slice(5).map(([type, data]) => [type, data])).to.deep.equal([['message', 'after1']]);
    expectPositions([had[1]!, events[5]![2]!]);
  });
});
