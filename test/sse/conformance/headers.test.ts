// Rule: the X-PODE-SSE-* request headers as Pode's listener reads them.
//   PodeHttpRequestStrategy.cs@a278dc8:358-377 (ParseHeaders): `$"{Headers["X-Pode-Sse-Client-Id"]}"` empty is no
//   reference (360); no X-Pode-Sse-Name is a 400 (366-369); the Group header is Split(',', RemoveEmptyEntries),
//   untrimmed (363); no such connection is a 404 (371-374); else ServerEvent is that connection (376).
//   WebServer.ps1:191-199 (Start-PodeWebServer): then Test-PodeSseClientIdValid, or a 400 (193-195), and
//   `$WebEvent.Sse = $WebEvent.Request.ServerEvent` (198), the connection itself.
import { expect } from 'chai';
import { AddPodeRoute, ConvertToPodeSseConnection, pode, SendPodeSseEvent, WritePodeJsonResponse } from '../../../index.ts';
import { attempt, call, frame, serve, stream, type App } from './helpers.ts';

describe('conformance: X-PODE-SSE-* request headers (Pode: PodeHttpRequestStrategy.cs, WebServer.ps1)', function () {
  this.timeout(20000);
  let app: App;
  const converted = new Map<string, unknown>();
  before(async () => {
    app = await serve(() => {
      AddPodeRoute({
        Method: 'Get',
        Path: '/sse',
        ScriptBlock: (e) => {
          const q = e.Query as Record<string, string>;
          ConvertToPodeSseConnection({ Name: q.name!, Group: q.group, ClientId: q.id });
          converted.set(q.id!, e.Sse);
        },
      });
      // -FromEvent in the form the query names: a splat, positional Data with a trailing splat, a command line.
      AddPodeRoute({
        Method: 'Post',
        Path: '/ask',
        ScriptBlock: (e) => {
          const form = (e.Query as Record<string, string>).form;
          const result = attempt(() => {
            if (form === 'splat') return SendPodeSseEvent({ Data: 'splat', FromEvent: true });
            if (form === 'positional') return SendPodeSseEvent('positional', { FromEvent: true });
            return pode`Send-PodeSseEvent -FromEvent -Data template`;
          });
          const sse = e.Sse as { ClientId?: string } | null;
          WritePodeJsonResponse({ Value: { result, attached: sse !== null, same: sse !== null && converted.get(sse.ClientId!) === sse } });
        },
      });
    });
  });
  after(() => app?.close());

  const ask = (headers: Record<string, string>, form = 'splat') => call(app, 'POST', `/ask?form=${form}`, headers);

  it('a named connection is $WebEvent.Sse itself, and -FromEvent reaches it in every call form', async () => {
    const mine = await stream(app, '/sse?name=feed&group=blue&id=c1');
    for (const form of ['splat', 'positional', 'template']) {
      const r = await ask({ 'X-PODE-SSE-CLIENT-ID': 'c1', 'X-PODE-SSE-NAME': 'feed', 'X-PODE-SSE-GROUP': 'blue' }, form);
      expect(r.status, form).to.equal(200);
      expect(r.json, form).to.deep.equal({ result: { ok: true, value: null }, attached: true, same: true });
      await mine.until(frame({ data: form }));
    }
  });

  it('an empty client id is no reference at all, even with a Name (PodeHttpRequestStrategy.cs:360)', async () => {
    const r = await ask({ 'X-PODE-SSE-CLIENT-ID': '', 'X-PODE-SSE-NAME': 'feed' });
    expect(r.status).to.equal(200);
    expect(r.json.attached).to.equal(false);
    expect(r.json.result.message).to.equal('An SSE connection Name is required, either from -Name or $WebEvent.Sse.Name');
  });

  it('a client id without X-PODE-SSE-NAME is a 400 with Pode\'s text, before any lookup (:366-369)', async () => {
    for (const headers of [{ 'X-PODE-SSE-CLIENT-ID': 'c1' }, { 'X-PODE-SSE-CLIENT-ID': 'c1', 'X-PODE-SSE-NAME': '' }] as Record<string, string>[]) {
      const r = await ask(headers);
      expect(r.status).to.equal(400);
      expect(r.text).to.equal('400 Invalid SSE headers supplied, missing required X-Pode-Sse-Name HTTP header');
    }
  });

  it('an unknown client id, Name or Group is a 404 naming what was asked for (:371-374)', async () => {
    await stream(app, '/sse?name=feed&group=blue&id=c2');
    const cases: [Record<string, string>, string][] = [
      [{ 'X-PODE-SSE-CLIENT-ID': 'nobody', 'X-PODE-SSE-NAME': 'feed' }, 'Name: feed, Group: , ClientId: nobody'],
      // Names are case-sensitive in the listener's map.
      [{ 'X-PODE-SSE-CLIENT-ID': 'c2', 'X-PODE-SSE-NAME': 'FEED' }, 'Name: FEED, Group: , ClientId: c2'],
      [{ 'X-PODE-SSE-CLIENT-ID': 'c2', 'X-PODE-SSE-NAME': 'feed', 'X-PODE-SSE-GROUP': 'red' }, 'Name: feed, Group: red, ClientId: c2'],
      // Split on commas, not trimmed: ' blue' is not 'blue'; empty parts are dropped from the list.
      [{ 'X-PODE-SSE-CLIENT-ID': 'c2', 'X-PODE-SSE-NAME': 'feed', 'X-PODE-SSE-GROUP': 'red,, blue' }, 'Name: feed, Group: red, blue, ClientId: c2'],
    ];
    for (const [headers, named] of cases) {
      const r = await ask(headers);
      expect(r.status, named).to.equal(404);
      expect(r.text).to.equal(`404 The SSE client connection being referenced does not exist, ${named}`);
    }
  });

  it('the Group header is split on commas: any one group matches, case-insensitively (:363)', async () => {
    const c = await stream(app, '/sse?name=feed&group=blue&id=c3');
    const r = await ask({ 'X-PODE-SSE-CLIENT-ID': 'c3', 'X-PODE-SSE-NAME': 'feed', 'X-PODE-SSE-GROUP': 'red,BLUE' });
    expect(r.json).to.include({ attached: true, same: true });
    await c.until(frame({ data: 'splat' }));
  });

  it('a named connection whose id is not valid is a 400 with Pode\'s text (WebServer.ps1:193-195)', async () => {
    // Signing is off: an `s:` id cannot be checked, so it is not valid (SSE.ps1@46abfd9:414-417), but a
    // connection may still hold one (New-PodeSseClientId returns it as it is, :517-520).
    await stream(app, '/sse?name=feed&id=s%3Aold.c2ln');
    const r = await ask({ 'X-PODE-SSE-CLIENT-ID': 's:old.c2ln', 'X-PODE-SSE-NAME': 'feed' });
    expect(r.status).to.equal(400);
    expect(r.text).to.equal('400 The X-PODE-SSE-CLIENT-ID value is not valid: s:old.c2ln');
    // Not found comes first: the same id under another Name is a 404.
    expect((await ask({ 'X-PODE-SSE-CLIENT-ID': 's:old.c2ln', 'X-PODE-SSE-NAME': 'other' })).status).to.equal(404);
  });
});
