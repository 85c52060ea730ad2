// The task-progress example (examples/tasks/server.ts), served as a user would: a page's stream gets its own
// job's progress 0..100 and `done`, and nothing of another page's job; a third job waits in the queue behind
// the concurrency of 2; a failing job is reported to its page as `failed` and logged, and the server carries on;
// a POST without the stream's headers is a 400 that names what is missing.
import { resolve } from 'node:path';
import { expect } from 'chai';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';
import { closeAllClients, frame, openFrame, RawHttp } from '../sse/helpers.ts';

const progress = (job: number, percent: number) => frame({ event: 'progress', data: JSON.stringify({ job, percent, state: 'running' }) });

describe('examples/tasks', () => {
  let server: ServedScript;
  before(async () => {
    // Steps of 100 ms: a job lasts a second, so three POSTs sent together all arrive while the first two run.
    server = await start(resolve(repoRoot, 'examples/tasks/server.ts'), [], { env: { JOB_STEP_MS: '100' } });
  });
  afterEach(() => closeAllClients());
  after(async () => {
    expect(await server.stop()).to.equal(0);
  });

  const startJob = async (client: RawHttp, query = '') => {
    const res = await fetch(new URL(`/jobs${query}`, server.url), {
      method: 'POST',
      headers: { 'x-pode-sse-name': 'jobs', 'x-pode-sse-client-id': client.clientId },
    });
    expect(res.status).to.equal(202);
    return (await res.json()) as { job: number; id: string; state: string };
  };

  it("a job's progress reaches the page that started it, in order, and no other page", async () => {
    const [mine, other] = await Promise.all([RawHttp.sse(server, '/events'), RawHttp.sse(server, '/events')]);
    const { job, state } = await startJob(mine);
    expect(state).to.equal('Running');
    const body = await mine.until(`event: done\n`);
    const steps = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => progress(job, p)).join('');
    expect(body).to.equal(openFrame(mine.clientId, '', 'jobs') + steps + frame({ event: 'done', data: JSON.stringify({ job, percent: 100 }) }));
    // The other page's stream still has its pode.open only.
    expect(other.body()).to.equal(openFrame(other.clientId, '', 'jobs'));
  });

  it('two jobs run at once; a third waits, Pending, and runs when a slot frees', async () => {
    const client = await RawHttp.sse(server, '/events');
    const started = await Promise.all([startJob(client), startJob(client), startJob(client)]);
    const [a, b, c] = started.sort((x, y) => x.job - y.job);
    expect([a.state, b.state, c.state]).to.deep.equal(['Running', 'Running', 'Pending']);
    const body = await client.until(`data: {"job":${c.job},"percent":100}\n`);
    // The third one's first progress comes after one of the first two is done.
    const firstOfC = body.indexOf(`data: {"job":${c.job},"percent":0,`);
    const firstDone = body.indexOf('event: done\n');
    expect(firstDone).to.be.greaterThan(0);
    expect(firstOfC).to.be.greaterThan(firstDone);
  });

  it('a failing job is reported to its page as failed and logged; the server carries on', async () => {
    const client = await RawHttp.sse(server, '/events');
    const { job } = await startJob(client, '?fail=1');
    const body = await client.until('event: failed\n');
    expect(body).to.include(frame({ event: 'failed', data: JSON.stringify({ job, error: `job ${job} failed at step 6` }) }));
    expect(body).to.not.include('event: done\n');
    await server.waitForLine('stderr', new RegExp(`Message: Task 'render' failed: job ${job} failed at step 6`));
    const list = (await (await fetch(new URL('/jobs', server.url))).json()) as Array<{ id: string; state: string }>;
    expect(list.length).to.be.greaterThan(0);
  });

  it('POST /jobs without the stream headers is a 400 that says what to send', async () => {
    const res = await fetch(new URL('/jobs', server.url), { method: 'POST' });
    expect(res.status).to.equal(400);
    expect(await res.json()).to.deep.equal({ error: 'send the X-PODE-SSE-NAME and X-PODE-SSE-CLIENT-ID of your /events stream' });
  });

  it('serves its self-contained page with a progress bar per job', async () => {
    const res = await fetch(server.url);
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.include("new EventSource('/events')");
    expect(html).to.include("document.createElement('progress')");
    expect(html).to.not.match(/\b(src|href)="(https?:)?\/\//);
  });
});
