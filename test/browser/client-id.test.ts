// X-PODE-SSE-CLIENT-ID from a page: fetch() with the clientId from pode.open re-attaches the request to the
// page's own connection (the route answers with Send-PodeSseEvent -FromEvent); with signing on
// (PODETS_SSE_SECRET), a forged or tampered id is refused with 400 and the route does not run.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { ServedScript } from '../helpers/serve.ts';
import { closePages, eventsOf, getJson, launchChromium, openHarness, requireChromium, serveFixture, watch } from './helpers.ts';

describe('browser: X-PODE-SSE-CLIENT-ID from fetch()', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let pages: Page[] = [];

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), serveFixture([], { PODETS_SSE_SECRET: 'browser-test-secret' })]);
  });
  after(async () => {
    await closePages(...pages);
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  /** The page's fetch('/ask') with the given SSE headers: status and body text. */
  const ask = (page: Page, headers: Record<string, string>, question: string) =>
    page.evaluate(
      async ([h, q]) => {
        const res = await fetch('/ask', { method: 'POST', headers: { 'content-type': 'application/json', ...h }, body: JSON.stringify({ question: q }) });
        return { status: res.status, body: await res.text() };
      },
      [headers, question] as const,
    );
  const askHits = async () => (await getJson<Record<string, number>>(server!.url, '/hits')).ask ?? 0;

  it("streams the fetch()'s answer over the page's own EventSource, not the other page's", async () => {
    const [mine, other] = await Promise.all([openHarness(browser!, server!.url), openHarness(browser!, server!.url)]).then((o) => o.map((x) => x.page));
    pages.push(mine!, other!);
    const [myId, otherId] = await Promise.all([
      watch(mine!, 'feed', '/sse/feed', { types: ['answer'] }),
      watch(other!, 'feed', '/sse/feed', { types: ['answer'] }),
    ]);
    // Signing is on: the ids are s:<uuid>.<base64 HMAC>.
    expect(myId).to.match(/^s:[0-9a-f-]{36}\.[A-Za-z0-9+/]+=*$/);

    const res = await ask(mine!, { 'X-PODE-SSE-CLIENT-ID': myId, 'X-PODE-SSE-NAME': 'feed' }, 'life');
    expect(res.status).to.equal(202);
    expect(JSON.parse(res.body)).to.deep.equal({ accepted: true, clientId: myId });
    const [answer] = await eventsOf(mine!, 'feed', 'answer', 1);
    expect(answer!.data).to.equal('answer to life');

    // The other page asks in its turn; each page got only its own answer.
    expect((await ask(other!, { 'X-PODE-SSE-CLIENT-ID': otherId, 'X-PODE-SSE-NAME': 'feed' }, 'everything')).status).to.equal(202);
    const [otherAnswer] = await eventsOf(other!, 'feed', 'answer', 1);
    expect(otherAnswer!.data).to.equal('answer to everything');
    expect((await ask(mine!, { 'X-PODE-SSE-CLIENT-ID': myId, 'X-PODE-SSE-NAME': 'feed' }, 'again')).status).to.equal(202);
    expect((await eventsOf(mine!, 'feed', 'answer', 2)).map((e) => e.data)).to.deep.equal(['answer to life', 'answer to again']);
    expect((await eventsOf(other!, 'feed', 'answer', 1)).map((e) => e.data)).to.deep.equal(['answer to everything']);
  });

  it('answers 404 to a forged, tampered or unsigned id (no connection has it, as in Pode), without running the route', async () => {
    const { page } = await openHarness(browser!, server!.url);
    pages.push(page);
    const realId = await watch(page, 'feed', '/sse/feed', { types: ['answer'] });
    const before = await askHits();

    const uuid = realId.slice(2, realId.lastIndexOf('.'));
    const signature = realId.slice(realId.lastIndexOf('.') + 1);
    const forged = [
      // Signed with another secret.
      `s:${uuid}.${Buffer.from('not the right signature, 32 byte').toString('base64')}`,
      // The real signature on another id.
      `s:00000000-0000-4000-8000-000000000000.${signature}`,
      // The bare id, unsigned, while signing is on.
      uuid,
    ];
    for (const id of forged) {
      const res = await ask(page, { 'X-PODE-SSE-CLIENT-ID': id, 'X-PODE-SSE-NAME': 'feed' }, 'forged');
      expect(res.status, id).to.equal(404);
      expect(res.body, id).to.include(`Name: feed, Group: , ClientId: ${id}`);
    }
    expect(await askHits()).to.equal(before);

    // The real one still works, and nothing from the refused requests reached the stream before it.
    expect((await ask(page, { 'X-PODE-SSE-CLIENT-ID': realId, 'X-PODE-SSE-NAME': 'feed' }, 'real')).status).to.equal(202);
    expect((await eventsOf(page, 'feed', 'answer', 1)).map((e) => e.data)).to.deep.equal(['answer to real']);
  });
});
