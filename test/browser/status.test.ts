// The status page (`podets serve --status`) in headless Chromium: the page loads under its own CSP, opens its
// stream, and shows what the server does as it happens: the connections of a Name go from 0 to N as the
// test opens N SSE connections, events per second move after sends, the chart draws its points, and a
// Group holding markup shows as text.
import { expect } from 'chai';
import { EventSource } from 'eventsource';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { launchChromium, requireChromium } from './helpers.ts';

const fixture = resolve(repoRoot, 'test/fixtures/status/server.ts');
const N = 3;

/** The text of the `feed` row's cell of class `cls` on the page, or null while there is no such row. */
const feedCell = (page: Page, cls: string) =>
  page.evaluate((c) => document.querySelector(`#names tr[data-name="feed"] td.${c}`)?.textContent ?? null, cls);

describe('browser: the status page', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  const sources: EventSource[] = [];

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), start(fixture, ['--status'])]);
  });
  after(async () => {
    for (const es of sources) es.close();
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  it('shows connections of a Name going from 0 to N, events per second moving after sends, and the chart drawn', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    await page.goto(new URL('/podets/status', server!.url).toString());

    // The script ran (its hash is in the CSP) and the stream's first event arrived.
    await page.waitForFunction(() => Number(document.body.dataset.ticks ?? 0) >= 1);
    expect(await page.textContent('#state')).to.equal('live');
    expect(await page.textContent('#self')).to.equal('local');
    expect(await page.textContent('#open')).to.equal('0');
    expect(await feedCell(page, 'open')).to.equal(null);
    expect(await page.textContent('#processes')).to.include('local (this page)');

    for (let i = 0; i < N; i++) {
      const es = new EventSource(new URL(`/feed?group=${i % 2 ? 'odd' : 'even'}`, server!.url).href);
      sources.push(es);
      await new Promise((done) => es.addEventListener('pode.open', done));
    }
    await page.waitForFunction((n) => document.querySelector('#names tr[data-name="feed"] td.open')?.textContent === String(n), N);
    expect(await page.textContent('#open')).to.equal(String(N));
    const groups = await page.$$eval('#groups tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(groups).to.deep.equal([
      ['feed', 'even', '2'],
      ['feed', 'odd', '1'],
    ]);

    const sent = await fetch(new URL('/send', server!.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 20 }) });
    expect(await sent.json()).to.deep.equal({ sent: 20 });
    // Events per second: a sample of the second the sends fell in is above 0.
    await page.waitForFunction(() => document.getElementById('rate')!.textContent !== '0');
    await page.waitForFunction((n) => document.querySelector('#names tr[data-name="feed"] td.events')?.textContent === String(n), 20 * N);
    expect(await page.textContent('#events')).to.equal(String(20 * N));

    // The chart: a point per sample, the line above its baseline where the sends were.
    const chart = await page.evaluate(() => {
      const svg = document.getElementById('chart')!;
      const points = (svg.querySelector('polyline.events')?.getAttribute('points') ?? '').split(' ').filter(Boolean).map((p) => p.split(',').map(Number));
      return { attr: Number(svg.getAttribute('data-points')), points };
    });
    expect(chart.attr).to.be.at.least(2);
    expect(chart.points).to.have.length(chart.attr);
    const ys = chart.points.map(([, y]) => y!);
    expect(Math.min(...ys)).to.be.below(Math.max(...ys));
    expect(problems).to.deep.equal([]);

    // A Group from a query is data, never markup: it shows as its text, and no element is made of it.
    const hostile = '<img src=x onerror="window.pwned=1">';
    const evil = new EventSource(new URL(`/feed?group=${encodeURIComponent(hostile)}`, server!.url).href);
    sources.push(evil);
    await new Promise((done) => evil.addEventListener('pode.open', done));
    await page.waitForFunction((g) => [...document.querySelectorAll('#groups td.group')].some((td) => td.textContent === g), hostile);
    expect(await page.evaluate(() => [document.querySelectorAll('main img').length, (window as { pwned?: number }).pwned ?? null])).to.deep.equal([0, null]);

    // Closing the connections: the page follows.
    for (const es of sources.splice(0)) es.close();
    await page.waitForFunction(() => document.getElementById('open')!.textContent === '0');
    await context.close();
  });
});
