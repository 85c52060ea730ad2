// Shared by test/browser: finds Debian's Chromium, launches it headless through playwright-core, serves the
// browser fixture, and waits on what the page recorded in window.received (see
// test/fixtures/browser/public/harness.js) with page.waitForFunction instead of sleeping.
//
// Without Chromium the suite is skipped, with the reason printed; under CI (CI=true) it fails instead,
// since .ci/run installs Chromium and the browser tests must run there.
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';

/** One entry of window.received. */
export interface Received {
  source: string;
  kind: 'open' | 'error' | 'event' | 'closed';
  type: string;
  data: string | null;
  lastEventId: string | null;
  readyState: number | null;
  at: number;
  via?: 'onmessage' | 'addEventListener';
}

declare global {
  interface Window {
    received: Received[];
    sources: Record<string, EventSource>;
    watch(source: string, url: string, options?: { types?: string[]; closeOn?: string[]; withCredentials?: boolean }): string;
    eventsOf(source: string, type?: string): Received[];
    clientIdOf(source: string): string | null;
    closeAll(): number[];
  }
}

export const browserFixture = resolve(repoRoot, 'test/fixtures/browser/sse.ts');

/** Debian's `chromium` package, unless PODETS_CHROMIUM names another binary. */
export const chromiumPath = process.env.PODETS_CHROMIUM || '/usr/bin/chromium';

const inCI = (): boolean => {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
};

function chromiumMissing(): string | null {
  try {
    accessSync(chromiumPath, constants.X_OK);
    return null;
  } catch (err) {
    return `Chromium not found at ${chromiumPath} (${(err as NodeJS.ErrnoException).code}); install it with ` +
      '`apt-get install chromium` or set PODETS_CHROMIUM';
  }
}

let announced = false;

/**
 * Call first in a suite's `before` hook: skips the suite (saying why) when Chromium is missing outside CI,
 * and fails it under CI.
 */
export function requireChromium(ctx: Mocha.Context): void {
  const missing = chromiumMissing();
  if (!missing) return;
  if (inCI()) throw new Error(`${missing}. CI=${process.env.CI}: the browser tests must run in CI (.ci/run installs Chromium).`);
  if (!announced) {
    announced = true;
    console.log(`      [browser tests skipped] ${missing}.`);
  }
  ctx.skip();
}

/** The flags of the issue and the machine notes; playwright adds a fresh temporary --user-data-dir itself. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Every *.podets.test name is loopback: a second origin that never leaves the machine.
  '--host-resolver-rules=MAP *.podets.test 127.0.0.1',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
}

const pageErrorsOf = new WeakMap<Page, string[]>();

/** A page on the harness, in a context of its own (its own connection pool); page errors fail the test. */
export async function openHarness(browser: Browser, origin: string, path = '/harness.html'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(new URL(path, origin).toString());
  await page.waitForFunction(() => typeof window.watch === 'function');
  pageErrorsOf.set(page, errors);
  return { context, page };
}

/** Waits until `source` has at least `count` events of `type` (any type when undefined), then returns them. */
export async function eventsOf(page: Page, source: string, type: string | undefined, count: number, timeout = 10_000): Promise<Received[]> {
  await page.waitForFunction(([s, t, n]) => window.eventsOf(s as string, (t ?? undefined) as string | undefined).length >= (n as number), [source, type ?? null, count] as const, {
    timeout,
  });
  return page.evaluate(([s, t]) => window.eventsOf(s as string, (t ?? undefined) as string | undefined), [source, type ?? null] as const);
}

/** Waits for a source's Nth entry of `kind` ('open', 'error', 'closed'). */
export async function entriesOf(page: Page, source: string, kind: Received['kind'], count: number, timeout = 10_000): Promise<Received[]> {
  await page.waitForFunction(([s, k, n]) => window.received.filter((r) => r.source === s && r.kind === k).length >= (n as number), [source, kind, count] as const, {
    timeout,
  });
  return page.evaluate(([s, k]) => window.received.filter((r) => r.source === s && r.kind === k), [source, kind] as const);
}

/** Opens an EventSource on the page; resolves once its pode.open arrived, with the clientId it carries. */
export async function watch(page: Page, source: string, url: string, options: { types?: string[]; closeOn?: string[] } = {}): Promise<string> {
  await page.evaluate(([s, u, o]) => window.watch(s, u, o), [source, url, options] as const);
  const [open] = await eventsOf(page, source, 'pode.open', 1);
  return (JSON.parse(open!.data!) as { clientId: string }).clientId;
}

/** Closes every EventSource on each page (asserting they are CLOSED), then the contexts. */
export async function closePages(...pages: (Page | undefined)[]): Promise<void> {
  for (const page of pages) {
    if (!page || page.isClosed()) continue;
    const states = await page.evaluate(() => (typeof window.closeAll === 'function' ? window.closeAll() : []));
    if (states.some((s) => s !== 2)) throw new Error(`EventSources still open after close(): ${states.join(',')}`);
    const errors = pageErrorsOf.get(page) ?? [];
    await page.context().close();
    if (errors.length) throw new Error(`Page errors: ${errors.join('; ')}`);
  }
}

/** Serves the browser fixture; `args` are extra `podets serve` flags. */
export function serveFixture(args: string[] = [], env: Record<string, string> = {}): Promise<ServedScript> {
  return start(browserFixture, args, { env });
}

/** JSON POST from Node (the test), to drive the server without the page. */
export async function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(new URL(path, base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/**
 * For state only the server can report (no page to waitForFunction on): re-checks `check` every 50 ms until
 * it passes, and throws its last failure after `timeout` ms.
 */
export async function eventually<T>(check: () => Promise<T>, timeout = 5_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The global connections of a Name, as the server lists them (Get-PodeSseClientIdList). */
export async function clientIdsOf(base: string, name: string): Promise<string[]> {
  return (await getJson<{ clientIds: string[] }>(base, `/clients/${encodeURIComponent(name)}`)).clientIds;
}

export async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(new URL(path, base));
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as T;
}
