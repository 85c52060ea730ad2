// The README's example, served as a user would (`podets serve examples/hello/server.ts`, here with
// --port 0): its static page, JSON API, view and middleware.
import { resolve } from 'node:path';
import { expect } from 'chai';
import { repoRoot, start, type ServedScript } from '../helpers/serve.ts';

describe('examples/hello', () => {
  let server: ServedScript;
  const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);
  const postJson = (path: string, body: string) => get(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  before(async () => {
    server = await start(resolve(repoRoot, 'examples/hello/server.ts'));
  });
  after(async () => {
    expect(await server.stop()).to.equal(0);
  });

  it('serves the static page at /, through the middleware', async () => {
    const res = await get('/');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(res.headers.get('x-powered-by')).to.equal('podets');
    expect(await res.text()).to.include('<h1>Hello from podets</h1>');
  });

  it('has a JSON API with a :id placeholder and a POST that parses JSON', async () => {
    expect(await (await get('/api/users')).json()).to.deep.equal([
      { id: 1, name: 'Rick' },
      { id: 2, name: 'Morty' },
    ]);
    expect(await (await get('/api/users/2')).json()).to.deep.equal({ id: 2, name: 'Morty' });
    const missing = await get('/api/users/99');
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.deep.equal({ error: 'No such user' });

    const created = await postJson('/api/users', '{"name":" Summer "}');
    expect(created.status).to.equal(201);
    expect(await created.json()).to.deep.equal({ id: 3, name: 'Summer' });
    expect(await server.waitForLine('stdout', /^Added user 3: Summer$/)).to.equal('Added user 3: Summer');

    const invalid = await postJson('/api/users', '{}');
    expect(invalid.status).to.equal(400);
    expect(await invalid.json()).to.deep.equal({ error: 'A name is required' });
    expect((await postJson('/api/users', '{oops')).status).to.equal(400);
  });

  it('answers async routes and the dynamic view', async () => {
    expect(await (await get('/api/stats')).json()).to.deep.equal({ users: 3, ticks: 0, path: '/api/stats' });
    expect(await (await get('/about')).text()).to.include('there are 3 users, and the timer has ticked 0 times.');
  });

  it('logs each request', async () => {
    expect(await server.waitForLine('stdout', /"GET \/about HTTP\/1\.1" 200 /)).to.match(/^127\.0\.0\.1 - - \[/);
  });
});
