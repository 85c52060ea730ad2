import { expect } from 'chai';
import { json } from '../../../host/http/respond.ts';
import { splitUrl, type WebEvent } from '../../../host/http/webevent.ts';
import { startServer, type TestServer } from './helpers.ts';

describe('http/webevent', () => {
  let srv: TestServer;
  let last: WebEvent | undefined;
  before(async () => {
    srv = await startServer();
    srv.router.add({
      method: '*',
      path: '/inspect/:name',
      handler: (e) => {
        last = e;
        json(e, {
          Method: e.Method,
          Path: e.Path,
          Endpoint: e.Endpoint,
          Query: e.Query,
          Parameters: e.Parameters,
          Data: e.Data,
          UserAgent: e.Request.UserAgent,
          RemoteIPAddress: e.Request.RemoteIPAddress,
          Header: e.Request.Headers['x-custom'],
          Url: e.Request.Url.href,
          ContentType: e.ContentType,
          Sse: e.Sse,
          RoutePath: e.Route?.path,
        });
      },
    });
  });
  after(() => srv.close());

  it("carries Pode's fields for a request", async () => {
    const started = Date.now();
    const res = await fetch(`${srv.url}/inspect/J%C3%BCrgen?a=1&b=x%20y&a=2`, {
      method: 'POST',
      body: '{"k":"v"}',
      headers: { 'content-type': 'application/json', 'user-agent': 'podets-test', 'X-Custom': 'yes' },
    });
    const body = await res.json();
    expect(body).to.deep.equal({
      Method: 'post',
      Path: '/inspect/Jürgen',
      // An endpoint with no name has Name $null, which JSON writes as null (as ConvertTo-Json does).
      Endpoint: { Address: `127.0.0.1:${srv.port}`, Protocol: 'http', Port: srv.port, Name: null },
      Query: { a: ['1', '2'], b: 'x y' },
      Parameters: { name: 'Jürgen' },
      Data: { k: 'v' },
      UserAgent: 'podets-test',
      RemoteIPAddress: '127.0.0.1',
      Header: 'yes',
      Url: `http://127.0.0.1:${srv.port}/inspect/J%C3%BCrgen?a=1&b=x%20y&a=2`,
      ContentType: 'application/json',
      Sse: null,
      RoutePath: '/inspect/:name',
    });
    expect(last!.Timestamp).to.be.instanceOf(Date);
    expect(last!.Timestamp.getTime()).to.be.within(started - 1000, Date.now());
    expect(last!.Response.StatusCode).to.equal(200);
    expect(last!.ended).to.equal(true);
    expect(last!.takenOver).to.equal(false);
  });

  it('gives an empty Query without a query string', async () => {
    const body = (await (await fetch(`${srv.url}/inspect/x`)).json()) as { Query: unknown; Data: unknown };
    expect(body.Query).to.deep.equal({});
    expect(body.Data).to.deep.equal({});
  });

  it('splits a raw URL into path and query', () => {
    expect(splitUrl('/a/b?x=1&y')).to.deep.equal(['/a/b', 'x=1&y']);
    expect(splitUrl('/a')).to.deep.equal(['/a', '']);
  });
});
