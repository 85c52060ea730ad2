// Rule: Test-PodeSseClientIdSigned/Valid without -ClientId, or with -ClientId '', test the request's SSE client
// id as Pode resolves it: `if ([string]::IsNullOrEmpty($ClientId)) { $ClientId = $WebEvent.Request.ServerEvent.ClientId }`
// (SSE.ps1@46abfd9:369-372 and 404-407), where ServerEvent is the connection the X-PODE-SSE-* headers named, else
// the one this request converted to (PodeHttpRequestStrategy.cs@a278dc8:51-66, PodeHttpContext.SSE).
import { expect } from 'chai';
import { AddPodeRoute, ConvertToPodeSseConnection, pode, SendPodeSseEvent, TestPodeSseClientIdSigned, TestPodeSseClientIdValid, WritePodeJsonResponse } from '../../../index.ts';
import { call, FORMS, frame, serve, stream, type App, type Form } from './helpers.ts';

/** Both cmdlets, without -ClientId and with -ClientId '', in one call form. */
function checks(form: Form) {
  if (form === 'positional')
    return { signed: [TestPodeSseClientIdSigned(), TestPodeSseClientIdSigned('')], valid: [TestPodeSseClientIdValid(), TestPodeSseClientIdValid('')] };
  if (form === 'splat')
    return {
      signed: [TestPodeSseClientIdSigned({}), TestPodeSseClientIdSigned({ ClientId: '' })],
      valid: [TestPodeSseClientIdValid({}), TestPodeSseClientIdValid({ ClientId: '' })],
    };
  return {
    signed: [pode`Test-PodeSseClientIdSigned`, pode`Test-PodeSseClientIdSigned -ClientId ''`],
    valid: [pode`Test-PodeSseClientIdValid`, pode`Test-PodeSseClientIdValid -ClientId ${''}`],
  };
}

function routes() {
  AddPodeRoute({ Method: 'Post', Path: '/check', ScriptBlock: (e) => WritePodeJsonResponse({ Value: checks((e.Query as { form: Form }).form) }) });
  // The connection this request converted to: the answers go out on it.
  AddPodeRoute({
    Method: 'Get',
    Path: '/sse',
    ScriptBlock: (e) => {
      const q = e.Query as { id: string; form: Form };
      ConvertToPodeSseConnection({ Name: 'feed', ClientId: q.id });
      SendPodeSseEvent({ FromEvent: true, EventType: 'checks', Data: checks(q.form) });
    },
  });
}

describe('conformance: Test-PodeSseClientIdSigned/Valid default to the request\'s connection (Pode: SSE.ps1)', function () {
  this.timeout(20000);

  describe('signing off', () => {
    let app: App;
    before(async () => (app = await serve(routes)));
    after(() => app?.close());

    for (const form of FORMS) {
      it(`${form}: the id the headers name is valid; with no connection there is no id, so not valid`, async () => {
        await stream(app, `/sse?id=plain-${form}&form=${form}`);
        const named = await call(app, 'POST', `/check?form=${form}`, { 'X-PODE-SSE-CLIENT-ID': `plain-${form}`, 'X-PODE-SSE-NAME': 'feed' });
        // Signing off: nothing is validly signed (see docs/sse.md's differences: Pode fails on the missing secret).
        expect(named.json).to.deep.equal({ signed: [false, false], valid: [true, true] });
        const none = await call(app, 'POST', `/check?form=${form}`);
        expect(none.json).to.deep.equal({ signed: [false, false], valid: [false, false] });
      });
    }
  });

  describe('signing on', () => {
    let app: App;
    before(async () => (app = await serve(routes, { sseSecret: 'conformance-secret' })));
    after(() => app?.close());

    for (const form of FORMS) {
      it(`${form}: the connection just converted, then the one the headers name, is validly signed`, async () => {
        const c = await stream(app, `/sse?id=mine-${form}&form=${form}`);
        await c.until(frame({ event: 'checks', data: JSON.stringify({ signed: [true, true], valid: [true, true] }) }));
        const named = await call(app, 'POST', `/check?form=${form}`, { 'X-PODE-SSE-CLIENT-ID': c.clientId, 'X-PODE-SSE-NAME': 'feed' });
        expect(named.json).to.deep.equal({ signed: [true, true], valid: [true, true] });
        expect((await call(app, 'POST', `/check?form=${form}`)).json).to.deep.equal({ signed: [false, false], valid: [false, false] });
      });
    }
  });
});
