// Two servers in one process (createPodeServer) keep the rest of their state apart too: the variables
// -OutVariable writes (and `variables` reads), the log level, the error log (Enable-PodeErrorLogging), and
// the Redis backplane (a server without one never shares its space). Real sockets, a real Redis.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  AddPodeRoute,
  ConvertToPodeSseConnection,
  createPodeServer,
  EnablePodeErrorLogging,
  GetPodeSseClientIdList,
  NewPodeSseClientId,
  variables,
  type PodeApp,
} from '../../index.ts';
import { setLogSink, type LogSink } from '../../host/log.ts';

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const get = (url: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; res: http.IncomingMessage }>((done, fail) => {
    const req = http.get(url, { headers, agent: false }, (res) => done({ status: res.statusCode!, res }));
    req.on('error', fail);
  });

describe('createPodeServer: what each server owns', () => {
  const prefix = `podets-isolation-${randomUUID()}:`;
  const redis = `redis://127.0.0.1:6379/?prefix=${encodeURIComponent(prefix)}`;
  const apps: PodeApp[] = [];
  const listeners: http.Server[] = [];
  const errorsSeen: Record<string, string[]> = { a: [], b: [] };
  const lines: string[] = [];
  let oldSink: LogSink;
  const url: Record<string, string> = {};

  before(async () => {
    oldSink = setLogSink((_level, line) => lines.push(line));
    const make = (who: 'a' | 'b' | 'c', options: Record<string, unknown>) =>
      createPodeServer(() => {
        AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: (e) => ConvertToPodeSseConnection({ Name: 'Events', ClientId: String(e.Query.id) }) });
        AddPodeRoute({ Method: 'Get', Path: '/boom', ScriptBlock: () => { throw new Error(`boom on ${who}`); } });
        if (who !== 'c')
          EnablePodeErrorLogging({
            Method: { ScriptBlock: (item: unknown) => void errorsSeen[who]!.push(String(item)) },
            Levels: ['Error'],
          });
      }, options as never);
    // a and c share a backplane; b has none. a logs at verbose, b at the default (info).
    apps.push(await make('a', { redis, logLevel: 'verbose' }), await make('b', {}), await make('c', { redis }));
    for (const [i, who] of ['a', 'b', 'c'].entries()) {
      const { server, url: u } = await listen(apps[i]!.handler);
      listeners.push(server);
      url[who] = u;
    }
  });
  after(async () => {
    setLogSink(oldSink);
    await Promise.all(apps.map((app) => app.close()));
    for (const s of listeners) {
      s.closeAllConnections();
      await new Promise((done) => s.close(done));
    }
  });

  it('-OutVariable writes to the running server\'s variables, and `variables` reads them', () => {
    const [a, b] = apps;
    a!.run(() => NewPodeSseClientId({ ClientId: 'from-a', OutVariable: 'made' }));
    b!.run(() => NewPodeSseClientId({ ClientId: 'from-b', OutVariable: 'made' }));
    expect(a!.run(() => variables.get('made'))).to.deep.equal(['from-a']);
    expect(b!.run(() => variables.get('made'))).to.deep.equal(['from-b']);
    expect(a!.server.variables.get('made')).to.deep.equal(['from-a']);
    // Outside any server: the process's own, untouched by either.
    expect(variables.has('made')).to.equal(false);
  });

  it('logs at each server\'s own level: a verbose line on a, none on b', async () => {
    for (const who of ['a', 'b']) {
      const { res } = await get(`${url[who]}/events?id=log-${who}`, { accept: 'text/event-stream' });
      await new Promise((done) => res.once('data', done));
      res.destroy();
    }
    const opened = lines.filter((l) => l.includes('SSE Global connection opened'));
    expect(opened.some((l) => l.includes('log-a'))).to.equal(true);
    expect(opened.some((l) => l.includes('log-b'))).to.equal(false);
  });

  it('each error log sees its own server\'s failures, and a second server may enable one', async () => {
    expect((await get(`${url.a}/boom`)).status).to.equal(500);
    expect((await get(`${url.b}/boom`)).status).to.equal(500);
    expect(errorsSeen.a!.join('\n')).to.include('boom on a').and.not.include('boom on b');
    expect(errorsSeen.b!.join('\n')).to.include('boom on b').and.not.include('boom on a');
  });

  it('the backplane is the server\'s: a and c share a space through Redis, b is alone', async () => {
    expect(apps[0]!.server.backplane).to.not.equal(undefined);
    expect(apps[1]!.server.backplane).to.equal(undefined);
    const { res } = await get(`${url.c}/events?id=on-c`, { accept: 'text/event-stream' });
    await new Promise((done) => res.once('data', done));
    try {
      // c's connection reaches a through Redis (presence), never b.
      for (let i = 0; ; i++) {
        // Until c's presence arrives a has no Events connection at all, and says so.
        let seen: string[] = [];
        try { seen = apps[0]!.run(() => GetPodeSseClientIdList({ Name: 'Events' })); } catch (err) {
          if (!String(err).includes('SSE connection not found: Events')) throw err;
        }
        if (seen.includes('on-c')) break;
        if (i > 200) throw new Error('a never saw c\'s connection');
        await new Promise((r) => setTimeout(r, 10));
      }
      // b has no connection on Events, here or anywhere it can see.
      expect(() => apps[1]!.run(() => GetPodeSseClientIdList({ Name: 'Events' }))).to.throw('SSE connection not found: Events');
    } finally {
      res.destroy();
    }
  });
});
