// The task-progress example (test/fixtures/scripts/task-progress.ts): a route converts to SSE, starts a task
// with its ClientId, and the task's `progress` events 0..100 then `done` arrive in order on that stream only.
import { expect } from 'chai';
import { resolve } from 'node:path';
import { serveEmbedded, type EmbeddedScript } from '../../helpers/embedded.ts';
import { closeAllClients, frame, openFrame, RawHttp } from '../../sse/helpers.ts';

describe('example: a task sending SSE progress to the connection that started it', () => {
  let app: EmbeddedScript;
  before(async () => {
    app = await serveEmbedded(resolve('test/fixtures/scripts/task-progress.ts'));
  });
  after(async () => {
    closeAllClients();
    await app.close();
  });

  it('reads progress 0..100 then done, in order, on the raw stream', async () => {
    const client = await RawHttp.sse(app, '/progress');
    expect(client.status).to.equal(200);
    const body = await client.until('event: done\n');
    const expected =
      openFrame(client.clientId, '', 'progress') +
      [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((percent) => frame({ event: 'progress', data: JSON.stringify({ percent }) })).join('') +
      frame({ event: 'done', data: JSON.stringify({ task: 'progress' }) });
    expect(body).to.equal(expected);
  });

  it('two streams each get only their own task\'s events', async () => {
    const [a, b] = await Promise.all([RawHttp.sse(app, '/progress'), RawHttp.sse(app, '/progress')]);
    const [bodyA, bodyB] = await Promise.all([a.until('event: done\n'), b.until('event: done\n')]);
    expect(a.clientId).to.not.equal(b.clientId);
    for (const [client, body] of [[a, bodyA], [b, bodyB]] as const) {
      expect(body.startsWith(openFrame(client.clientId, '', 'progress'))).to.equal(true);
      expect(body.match(/^event: progress$/gm)?.length).to.equal(11);
      expect(body.match(/^event: done$/gm)?.length).to.equal(1);
    }
  });
});
