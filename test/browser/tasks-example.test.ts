// The task-progress example (examples/tasks/server.ts) in Chromium: a click on "Start a job" makes a progress
// bar that the task's SSE events fill to 100 and mark done; a failing job's row says why it failed.
import { resolve } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { launchChromium, requireChromium } from './helpers.ts';

describe('browser: examples/tasks in Chromium', function () {
  let browser: Browser | undefined;
  let server: ServedScript | undefined;
  let page: Page | undefined;

  before(async function () {
    requireChromium(this);
    [browser, server] = await Promise.all([launchChromium(), start(resolve(repoRoot, 'examples/tasks/server.ts'), [], { env: { JOB_STEP_MS: '30' } })]);
    page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'open');
  });
  after(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).to.equal(0);
  });

  it('a job fills its progress bar to 100 and is marked done', async () => {
    await page!.click('#start');
    await page!.waitForSelector('#job-1.done');
    expect(await page!.$eval('#job-1 progress', (bar) => (bar as HTMLProgressElement).value)).to.equal(100);
    expect(await page!.textContent('#job-1 .state')).to.equal('done');
  });

  it('a failing job says why, and the page carries on', async () => {
    await page!.click('#start-failing');
    await page!.waitForSelector('#job-2.failed');
    expect(await page!.textContent('#job-2 .state')).to.equal('failed: job 2 failed at step 6');
    expect(await page!.$eval('#job-2 progress', (bar) => (bar as HTMLProgressElement).value)).to.equal(50);
    await page!.click('#start');
    await page!.waitForSelector('#job-3.done');
  });
});
