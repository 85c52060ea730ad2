// `npm run docs:screenshot`: serves examples/status/server.ts with --status and --workers 2, opens some streams of its Names
// and Groups and queues a few jobs, lets the page's 5-minute chart fill for a while (STATUS_SCREENSHOT_SECONDS,
// default 90), and writes a screenshot of /podets/status in headless Chromium to docs/images/status-page.png
// (or the path given as the first argument). STATUS_SCREENSHOT_WORKERS=<n> serves it with --workers <n> instead (0: one
// process). Chromium: /usr/bin/chromium, or PODETS_CHROMIUM.
import { resolve } from 'node:path';
import { EventSource } from 'eventsource';
import { execa } from 'execa';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? resolve(root, 'docs/images/status-page.png'));
const seconds = Number(process.env.STATUS_SCREENSHOT_SECONDS ?? 90);
const workerCount = process.env.STATUS_SCREENSHOT_WORKERS ?? '2';
const workers = workerCount === '0' ? [] : ['--workers', workerCount];

const child = execa(process.execPath, [resolve(root, 'host/cli/bin.js'), 'serve', resolve(root, 'examples/status/server.ts'), '--status', '--port', '0', ...workers], {
  cwd: root,
  env: { NO_COLOR: '1' },
  reject: false,
  buffer: false,
});
const base = await new Promise<string>((done, fail) => {
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    const m = /^Listening on (\S+)$/m.exec(text);
    if (m) done(m[1]!);
  });
  void child.then((r) => fail(new Error(`podets serve exited (${r.exitCode}) before listening:\n${text}\n${String(r.stderr ?? '')}`)));
});

const sources: EventSource[] = [];
const streams: Array<[string, string | undefined, number]> = [
  ['prices', 'eu', 7],
  ['prices', 'us', 5],
  ['prices', 'apac', 2],
  ['chat', 'lobby', 4],
  ['chat', 'ops', 2],
  ['alerts', undefined, 3],
];
for (const [name, group, count] of streams) {
  for (let i = 0; i < count; i++) sources.push(new EventSource(new URL(`/live/${name}${group ? `?group=${group}` : ''}`, base).href));
}
console.log(`Serving the demo at ${base}; waiting ${seconds}s for the chart to fill…`);
await new Promise((done) => setTimeout(done, seconds * 1000));
// A job running and two queued when the picture is taken.
await fetch(new URL('/jobs', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 3, seconds: 5 }) });

const browser = await chromium.launch({ executablePath: process.env.PODETS_CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(new URL('/podets/status', base).toString());
  await page.waitForFunction(() => Number(document.body.dataset.ticks ?? 0) >= 2);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`Wrote ${out}`);
} finally {
  await browser.close();
  for (const es of sources) es.close();
  child.kill('SIGTERM');
  await child;
}
