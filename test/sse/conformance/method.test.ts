// Rule: only GET and POST requests become SSE connections.
//   PodeHttpContext.UpgradeToSSE (PodeHttpContext.cs@f19a460:173-177): any other method throws
//   PodeHttpRequestException("SSE upgrade requests must use the GET or POST HTTP method", 405); ConvertTo-
//   PodeSseConnection checks the Accept header first (SSE.ps1@46abfd9:81-85).
import { expect } from 'chai';
import { AddPodeRoute, ConvertToPodeSseConnection, pode } from '../../../index.ts';
import { call, FORMS, openFrame, serve, stream, type App } from './helpers.ts';

describe('conformance: SSE conversion only for GET and POST (Pode: PodeHttpContext.UpgradeToSSE)', function () {
  this.timeout(20000);
  let app: App;
  before(async () => {
    app = await serve(() => {
      const methods = ['Get', 'Post', 'Put', 'Delete', 'Patch', 'Options'] as const;
      AddPodeRoute({ Method: [...methods], Path: '/positional', ScriptBlock: () => ConvertToPodeSseConnection('M', '', 'Global', 0, 'positional') });
      AddPodeRoute({ Method: [...methods], Path: '/splat', ScriptBlock: () => ConvertToPodeSseConnection('M', { ClientId: 'splat' }) });
      AddPodeRoute({ Method: [...methods], Path: '/template', ScriptBlock: () => pode`ConvertTo-PodeSseConnection -Name M -ClientId template` });
    });
  });
  after(() => app?.close());

  for (const form of FORMS) {
    it(`${form}: GET and POST convert; PUT, DELETE, PATCH and OPTIONS are a 405 with Pode's text`, async () => {
      for (const method of ['GET', 'POST']) {
        const c = await stream(app, `/${form}`, {}, method);
        expect(c.status, method).to.equal(200);
        expect(c.body()).to.equal(openFrame(form, '', 'M'));
        c.close();
      }
      for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const r = await call(app, method, `/${form}`, { accept: 'text/event-stream' });
        expect(r.status, method).to.equal(405);
        expect(r.text).to.equal('405 SSE upgrade requests must use the GET or POST HTTP method');
      }
    });
  }

  it('the Accept check comes first: a PUT without text/event-stream is refused for that', async () => {
    const r = await call(app, 'PUT', '/splat', { accept: 'text/html' });
    expect(r.status).to.equal(406);
    expect(r.text).to.match(/^406 SSE can only be configured on requests with an Accept header value of text\/event-stream/);
  });
});
