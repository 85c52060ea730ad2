// SSE end to end, byte for byte: test/fixtures/sse/wire.ts is served in this process (createPodeServer with
// the options of `podets serve`, test/helpers/embedded.ts) and a raw HTTP client on node:net writes the
// requests and checks the exact response bytes (head, retry:, pode.open, events, pode.close, pode.ping,
// pode.gap), while JSON control routes drive the SSE cmdlets. What only the CLI does (PODETS_SSE_SECRET,
// SIGTERM) runs the real CLI.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import {
  CLOSE_FRAME,
  expectPositions,
  idsOf,
  closeAllClients,
  frame,
  get,
  openFrame,
  PING_FRAME,
  post,
  RawHttp,
  serveSse,
  serveSseEmbedded,
  type EmbeddedScript,
  type Served,
  type ServedScript,
} from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const hmac = (key: string, message: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(message, 'utf8')).digest('base64');
const maskDate = (head: string) => head.replace(/\r\nDate: [^\r]+\r\n/, '\r\nDate: <date>\r\n');

/** The head podets must send: exactly these SSE headers, then what node:http adds (Date, chunked). */
function sseHead(headers: [string, string][]): string {
  const lines = [
    ['content-type', 'text/event-stream'],
    ['cache-control', 'no-cache'],
    ['connection', 'keep-alive'],
    ['x-accel-buffering', 'no'],
    ...headers,
  ];
  return `HTTP/1.1 200 OK\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Date: <date>\r\nTransfer-Encoding: chunked\r\n\r\n`;
}

/** GET /sse?<params> as an SSE client; resolves once its pode.open has arrived. */
async function connect(server: Served, params: Record<string, string> = {}, headers: Record<string, string | null> = {}): Promise<RawHttp> {
  const qs = new URLSearchParams(params).toString();
  const client = await RawHttp.sse(server, `/sse${qs ? `?${qs}` : ''}`, headers);
  expect(client.status, client.head + client.body()).to.equal(200);
  await client.until(openFrame(client.clientId, params.group ?? '', params.name ?? 'wire'));
  return client;
}

/** POST /send; the cmdlet must succeed. */
async function send(server: Served, body: Record<string, unknown>): Promise<void> {
  const reply = await post(server, '/send', body);
  expect(reply.json, reply.text).to.deep.equal({ ok: true, value: null });
}

/** Sends one event and waits until every client has it: its body is then known to be complete up to here. */
async function sentinel(server: Served, name: string, clients: RawHttp[], data = 'sentinel'): Promise<string> {
  const before = clients.map((c) => c.body().length);
  await send(server, { Name: name, Data: data });
  const bytes = frame({ data });
  await Promise.all(clients.map((c, i) => c.until(bytes, before[i])));
  return bytes;
}

const lists = (server: Served, body: Record<string, unknown>) => post(server, '/lists', body).then((r) => r.json);

/** The signed id's parts; the signature must be Base64(HMAC-SHA256(key, id)). */
function expectSigned(value: string, key: string, id?: string): string {
  const m = /^s:(.+)\.([^.]+)$/.exec(value);
  expect(m, value).to.not.equal(null);
  if (id !== undefined) expect(m![1]).to.equal(id);
  expect(m![2]).to.equal(hmac(key, m![1]!));
  return m![1]!;
}

describe('SSE on the wire (raw HTTP)', function () {
  this.timeout(20000);
  afterEach(closeAllClients);

  describe('a server with default settings', () => {
    let server: EmbeddedScript;
    before(async () => {
      server = await serveSseEmbedded('wire.ts');
    });
    after(async () => {
      closeAllClients();
      await server?.close();
    });

    it('answers with exactly the SSE head and pode.open; headers the route set before are dropped', async () => {
      const c = await connect(server);
      expect(c.clientId).to.match(UUID);
      expect(maskDate(c.head)).to.equal(sseHead([['x-pode-sse-client-id', c.clientId], ['x-pode-sse-name', 'wire']]));
      expect(c.head).to.not.match(/x-set-before|x-raw-before|x-pode-sse-group|access-control-allow-origin/i);
      // No retry: line without a RetryDuration: the open event is the first thing in the body.
      expect(c.body()).to.equal(`event: pode.open\ndata: {"clientId":"${c.clientId}","group":"","name":"wire"}\n\n`);
    });

    it('adds X-Pode-Sse-Group only with a group, Access-Control-Allow-Origin only with -AllowAllOrigins, retry: only when RetryDuration > 0', async () => {
      const full = await connect(server, { name: 'wire', group: 'Admins "A"', retry: '3000', allowAll: '', clientId: 'client-1' });
      expect(maskDate(full.head)).to.equal(
        sseHead([
          ['x-pode-sse-client-id', 'client-1'],
          ['x-pode-sse-name', 'wire'],
          ['x-pode-sse-group', 'Admins "A"'],
          ['access-control-allow-origin', '*'],
        ]),
      );
      expect(full.body()).to.equal('retry: 3000\n\n' + 'event: pode.open\ndata: {"clientId":"client-1","group":"Admins \\"A\\"","name":"wire"}\n\n');

      const zero = await connect(server, { name: 'wire', retry: '0', clientId: 'client-2' });
      expect(maskDate(zero.head)).to.equal(sseHead([['x-pode-sse-client-id', 'client-2'], ['x-pode-sse-name', 'wire']]));
      expect(zero.body()).to.equal(openFrame('client-2', '', 'wire'));
    });

    it('frames ids, event types, multi-line data, JSON data with -Depth and pipeline values exactly', async () => {
      const c = await connect(server, { name: 'fmt' });
      const expected: string[] = [openFrame(c.clientId, '', 'fmt')];
      const step = async (body: Record<string, unknown>, bytes: string) => {
        await send(server, { Name: 'fmt', ...body });
        expected.push(bytes);
        await c.until(expected.join(''));
      };
      await step({ Data: 'plain', Id: '7', EventType: 'update' }, 'id: 7\nevent: update\ndata: plain\n\n');
      await step({ Data: 'no id, no type' }, 'data: no id, no type\n\n');
      await step({ Data: 'typed', EventType: 'only-type' }, 'event: only-type\ndata: typed\n\n');
      // CRLF, CR and LF each end a line: one data: line per line, so the client rebuilds the text intact.
      await step({ Data: 'a\r\nb\rc\nd', Id: 'ml' }, 'id: ml\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
      await step({ Data: 'trailing\n' }, 'data: trailing\ndata: \n\n');
      await step({ Data: 'ünïcödé ✓ 😀 漢字' }, 'data: ünïcödé ✓ 😀 漢字\n\n');
      // Anything but a string is compact JSON, nested up to -Depth (default 10).
      const nested = { msg: 'hi', list: [1, 'two', null], a: { b: { c: { d: 1 } } } };
      await step({ Data: nested }, `data: ${JSON.stringify(nested)}\n\n`);
      await step({ Data: nested, Depth: 2 }, 'data: {"msg":"hi","list":[1,"two",null],"a":{"b":{"c":"[object Object]"}}}\n\n');
      await step({ Data: { list: [[1, 2]] }, Depth: 1 }, 'data: {"list":["1 2"]}\n\n');
      await step({ Data: 42 }, 'data: 42\n\n');
      // Several pipeline values: one event whose data is one JSON array.
      await step({ Pipe: [1, 2, 3] }, 'data: [1,2,3]\n\n');
      await step({ Pipe: ['x', { y: 1 }], EventType: 'piped' }, 'event: piped\ndata: ["x",{"y":1}]\n\n');
      expect(c.body()).to.equal(expected.join(''));
    });

    it('refuses an id or event type with CR/LF (and an id with NUL): the call fails and nothing reaches any client', async () => {
      const a = await connect(server, { name: 'inject' });
      const b = await connect(server, { name: 'inject', group: 'g' });
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ Id: '1\nevent: evil' }, 'SseInvalidEventId,Send-PodeSseEvent', /line feed/],
        [{ Id: '1\rdata: evil' }, 'SseInvalidEventId,Send-PodeSseEvent', /carriage return/],
        [{ Id: '1\r\n' }, 'SseInvalidEventId,Send-PodeSseEvent', /carriage return/],
        [{ Id: 'a\u0000b' }, 'SseInvalidEventId,Send-PodeSseEvent', /NUL/],
        [{ EventType: 'x\r\ndata: evil' }, 'SseInvalidEventType,Send-PodeSseEvent', /carriage return/],
        [{ EventType: 'x\nid: 666' }, 'SseInvalidEventType,Send-PodeSseEvent', /line feed/],
        [{ Id: 'ok', EventType: 'bad\r' }, 'SseInvalidEventType,Send-PodeSseEvent', /carriage return/],
      ];
      for (const [fields, errorId, message] of cases) {
        const reply = await post(server, '/send', { Name: 'inject', Data: 'evil', ...fields });
        expect(reply.json.ok, JSON.stringify(fields)).to.equal(false);
        expect(reply.json.errorId).to.equal(errorId);
        expect(reply.json.message).to.match(message);
      }
      const fence = await sentinel(server, 'inject', [a, b]);
      expect(a.body()).to.equal(openFrame(a.clientId, '', 'inject') + fence);
      expect(b.body()).to.equal(openFrame(b.clientId, 'g', 'inject') + fence);
    });

    it('narrows a send to Groups (case-insensitive) and ClientIds', async () => {
      const red = await connect(server, { name: 'narrow', group: 'Red', clientId: 'n1' });
      const blue = await connect(server, { name: 'narrow', group: 'Blue', clientId: 'n2' });
      const none = await connect(server, { name: 'narrow', clientId: 'n3' });
      await send(server, { Name: 'narrow', Group: ['bLUE'], Data: 'to blue' });
      await send(server, { Name: 'narrow', ClientId: ['n1', 'n3', 'n1', 'unknown'], Data: 'to n1 and n3' });
      await send(server, { Name: 'narrow', Group: ['red'], ClientId: ['n2'], Data: 'to nobody' });
      await send(server, { Name: ['narrow', 'no-such-name'], Group: ['RED', 'blue'], Data: 'to red and blue' });
      const fence = await sentinel(server, 'narrow', [red, blue, none]);
      expect(red.body()).to.equal(openFrame('n1', 'Red', 'narrow') + frame({ data: 'to n1 and n3' }) + frame({ data: 'to red and blue' }) + fence);
      expect(blue.body()).to.equal(openFrame('n2', 'Blue', 'narrow') + frame({ data: 'to blue' }) + frame({ data: 'to red and blue' }) + fence);
      expect(none.body()).to.equal(openFrame('n3', '', 'narrow') + frame({ data: 'to n1 and n3' }) + fence);
    });

    it('Close-PodeSseConnection sends pode.close and ends the stream, narrowed by Group and ClientId', async () => {
      const a = await connect(server, { name: 'closing', group: 'gA', clientId: 'c1' });
      const b = await connect(server, { name: 'closing', group: 'gB', clientId: 'c2' });
      const c = await connect(server, { name: 'closing', group: 'gA', clientId: 'c3' });
      expect((await post(server, '/close', { Name: 'closing', Group: ['GB'] })).json).to.deep.equal({ ok: true, value: null });
      expect(await b.ended()).to.equal(openFrame('c2', 'gB', 'closing') + CLOSE_FRAME);
      expect(b.complete).to.equal(true); // the terminating chunk: a clean end, not a reset
      expect((await lists(server, { Name: 'closing' })).clientIds.value).to.have.members(['c1', 'c3']);

      await post(server, '/close', { Name: 'closing', ClientId: ['c3'] });
      expect(await c.ended()).to.equal(openFrame('c3', 'gA', 'closing') + CLOSE_FRAME);
      const fence = await sentinel(server, 'closing', [a]);
      expect(a.body()).to.equal(openFrame('c1', 'gA', 'closing') + fence);

      // An event sent in the same tick as the close still arrives, before pode.close.
      await post(server, '/close', { Name: 'closing', SendFirst: 'last words' });
      expect(await a.ended()).to.equal(openFrame('c1', 'gA', 'closing') + fence + frame({ data: 'last words' }) + CLOSE_FRAME);
      expect((await lists(server, { Name: 'closing' })).names).to.not.include('closing');
    });

    it('answers 406 with a message without Accept: text/event-stream, and converts anyway with -Force', async () => {
      const bare = await RawHttp.open(server, { path: '/sse', headers: { Accept: null } });
      const text = await bare.ended();
      expect(bare.status).to.equal(406);
      expect(text).to.equal(
        "406 SSE can only be configured on requests with an Accept header value of text/event-stream (got ''). Use -Force to convert anyway.",
      );
      expect(bare.headers).to.not.have.property('x-pode-sse-client-id');

      const html = await RawHttp.open(server, { path: '/sse', headers: { Accept: 'text/html' } });
      expect(await html.ended()).to.match(/^406 .*\(got 'text\/html'\)/);
      expect(html.status).to.equal(406);

      // An Accept list that contains text/event-stream is accepted.
      await connect(server, {}, { Accept: 'text/html, TEXT/EVENT-STREAM;q=0.9' });

      const forced = await connect(server, { force: '' }, { Accept: null });
      expect(maskDate(forced.head)).to.equal(sseHead([['x-pode-sse-client-id', forced.clientId], ['x-pode-sse-name', 'wire']]));
    });

    it('a Local connection gets its events, then pode.close when its route ends, and is never in the registry', async () => {
      const c = await connect(server, { name: 'loc', scope: 'Local', send: '', hold: 'loc-1' });
      const events = frame({ id: 'l1', event: 'step', data: 'first' }) + frame({ data: '{"n":2,"scope":"Local"}' });
      await c.until(events);
      await server.waitForLine('stdout', new RegExp(`^sse-event Connect loc ${c.clientId}$`));
      const seen = await lists(server, { Name: 'loc', ClientId: c.clientId });
      expect(seen.names).to.not.include('loc');
      expect(seen.testName.value).to.equal(false);
      expect(seen.testClientId.value).to.equal(false);
      // Sending by Name does not reach a local connection.
      await send(server, { Name: 'loc', Data: 'by name' });

      expect((await post(server, '/release', { key: 'loc-1' })).json).to.deep.equal({ released: true });
      expect(await c.ended()).to.equal(openFrame(c.clientId, '', 'loc') + events + CLOSE_FRAME);
      expect(c.complete).to.equal(true);
      await server.waitForLine('stdout', new RegExp(`^sse-event Disconnect loc ${c.clientId}$`));
    });

    it('a Global connection outlives its route and is reached by Name from other requests', async () => {
      const c = await connect(server, { name: 'glob', scope: 'Global', send: '' });
      const events = frame({ id: 'l1', event: 'step', data: 'first' }) + frame({ data: '{"n":2,"scope":"Global"}' });
      await c.until(events);
      expect((await lists(server, { Name: 'glob' })).clientIds.value).to.deep.equal([c.clientId]);
      const fence = await sentinel(server, 'glob', [c]);
      expect(c.body()).to.equal(openFrame(c.clientId, '', 'glob') + events + fence);
      expect(c.closed).to.equal(false);
    });

    it('lists Names, Groups and ClientIds and tests them; an unknown Name is an error for the lists', async () => {
      await connect(server, { name: 'lists', group: 'Red', clientId: 'l1' });
      await connect(server, { name: 'lists', group: 'blue', clientId: 'l2' });
      await connect(server, { name: 'lists', clientId: 'l3' });
      await connect(server, { name: 'lists', group: 'RED', clientId: 'l4' });

      const all = await lists(server, { Name: 'lists', ClientId: 'l2' });
      expect(all.names).to.include('lists');
      expect(all.groups).to.deep.equal({ ok: true, value: ['Red', 'blue'] });
      expect(all.clientIds.value).to.have.members(['l1', 'l2', 'l3', 'l4']);
      expect(all.testName).to.deep.equal({ ok: true, value: true });
      expect(all.testClientId).to.deep.equal({ ok: true, value: true });

      const red = await lists(server, { Name: 'lists', Group: ['red'], ClientId: 'l2' });
      expect(red.clientIds.value).to.have.members(['l1', 'l4']);
      expect(red.testClientId.value).to.equal(false);
      expect((await lists(server, { Name: 'lists', Group: ['Blue', 'x'], ClientId: 'l2' })).testClientId.value).to.equal(true);
      expect((await lists(server, { Name: 'lists', ClientId: 'l9' })).testClientId.value).to.equal(false);

      const unknown = await lists(server, { Name: 'nope', ClientId: 'l1' });
      expect(unknown.names).to.not.include('nope');
      expect(unknown.groups).to.deep.equal({ ok: false, errorId: 'SseConnectionNotFound,Get-PodeSseGroupList', message: 'SSE connection not found: nope' });
      expect(unknown.clientIds).to.deep.equal({ ok: false, errorId: 'SseConnectionNotFound,Get-PodeSseClientIdList', message: 'SSE connection not found: nope' });
      expect(unknown.testName.value).to.equal(false);
      expect(unknown.testClientId.value).to.equal(false);

      await post(server, '/close', { Name: 'lists' });
      expect((await lists(server, { Name: 'lists' })).names).to.not.include('lists');
    });

    it('runs Connect and Disconnect events with $TriggeredEvent and their ArgumentList', async () => {
      const c = await connect(server, { name: 'events', group: 'g1', clientId: 'ev-1', retry: '1500' }, { 'Last-Event-ID': '  le-9 ' });
      await server.waitForLine('stdout', /^sse-event Connect events ev-1$/);
      c.close(); // the client goes away
      await server.waitForLine('stdout', /^sse-event Disconnect events ev-1$/);

      const recorded = (await get(server, '/events')).json.filter((e: any) => e.Connection.ClientId === 'ev-1');
      expect(recorded.map((e: any) => e.Type)).to.deep.equal(['Connect', 'Disconnect']);
      for (const e of recorded) {
        expect(e).to.include({ tag: 'audit', Name: 'events', Lockable: 'object' });
        expect(e.Metadata).to.deep.equal({});
        expect(new Date(e.Timestamp).toISOString()).to.equal(e.Timestamp);
        // Pode's ToHashtable() keys (PodeClientConnection.cs, PodeServerEvent.cs).
        expect(e.Connection).to.include({
          ConnectionType: 'SSE',
          Name: 'events',
          Group: 'g1',
          ClientId: 'ev-1',
          Scope: 'Global',
          RetryDuration: 1500,
          AllowAllOrigins: false,
          LastEventId: 'le-9',
        });
      }
      expect(recorded[0].Connection).to.include({ IsClosed: false, IsDisposed: false });
      expect(recorded[1].Connection).to.include({ IsClosed: true, IsDisposed: true });
      expect((await lists(server, { Name: 'events' })).names).to.not.include('events');
    });

    it('a second connection with the same Name and ClientId replaces the first: pode.close and Disconnect for the old one', async () => {
      const old = await connect(server, { name: 'replace', clientId: 'dup' });
      await server.waitForLine('stdout', /^sse-event Connect replace dup$/);
      const fresh = await connect(server, { name: 'replace', clientId: 'dup' });
      expect(await old.ended()).to.equal(openFrame('dup', '', 'replace') + CLOSE_FRAME);
      await server.waitForLine('stdout', /^sse-event Disconnect replace dup$/);

      const fence = await sentinel(server, 'replace', [fresh], 'still here');
      expect(fresh.body()).to.equal(openFrame('dup', '', 'replace') + fence);
      expect(fresh.closed).to.equal(false);
      expect((await lists(server, { Name: 'replace' })).clientIds.value).to.deep.equal(['dup']);
      const types = (await get(server, '/events')).json.filter((e: any) => e.Name === 'replace').map((e: any) => e.Type);
      expect(types.filter((t: string) => t === 'Connect')).to.have.length(2);
      expect(types.filter((t: string) => t === 'Disconnect')).to.have.length(1);
    });

    it('X-PODE-SSE-* headers let a POST send to its own connection with -FromEvent; an invalid id is a 400 naming it', async () => {
      const mine = await connect(server, { name: 'attach', group: 'gg', clientId: 'att-1' });
      const other = await connect(server, { name: 'attach', group: 'gg', clientId: 'att-2' });
      const headers = { 'X-PODE-SSE-CLIENT-ID': 'att-1', 'X-PODE-SSE-NAME': 'attach', 'X-PODE-SSE-GROUP': 'gg' };
      const reply = await post(server, '/from-event', { Data: 'via headers', EventType: 'direct' }, headers);
      expect(reply.status).to.equal(200);
      expect(reply.json.result).to.deep.equal({ ok: true, value: null });
      // $WebEvent.Sse is the connection itself (its JSON: Pode's ToHashtable() keys).
      expect(reply.json.sse).to.include({ ConnectionType: 'SSE', Name: 'attach', Group: 'gg', ClientId: 'att-1', Scope: 'Global', LastEventId: '', IsClosed: false });
      await mine.until(frame({ event: 'direct', data: 'via headers' }));
      const fence = await sentinel(server, 'attach', [mine, other]);
      expect(other.body()).to.equal(openFrame('att-2', 'gg', 'attach') + fence);

      // An id no connection has is a 404 naming what was asked for (test/sse/conformance/ has every case).
      const refused = await post(server, '/from-event', { Data: 'never' }, { ...headers, 'X-PODE-SSE-CLIENT-ID': 's:att-1.c2lnbmF0dXJl' });
      expect(refused.status).to.equal(404);
      expect(refused.text).to.equal('404 The SSE client connection being referenced does not exist, Name: attach, Group: gg, ClientId: s:att-1.c2lnbmF0dXJl');
      // A Name (or Group) alone, or an empty id, re-attaches nothing.
      for (const only of [{ 'X-PODE-SSE-NAME': 'attach' }, { ...headers, 'X-PODE-SSE-CLIENT-ID': '' }]) {
        const nameOnly = await post(server, '/from-event', { Data: 'never' }, only);
        expect(nameOnly.json.sse).to.equal(null);
        expect(nameOnly.json.result).to.deep.equal({
          ok: false,
          errorId: 'SseNameRequired,Send-PodeSseEvent',
          message: 'An SSE connection Name is required, either from -Name or $WebEvent.Sse.Name',
        });
      }
      const fence2 = await sentinel(server, 'attach', [mine], 'after');
      expect(mine.body()).to.equal(openFrame('att-1', 'gg', 'attach') + frame({ event: 'direct', data: 'via headers' }) + fence + fence2);
    });

    it('Test-PodeSseClientIdSigned/Valid and New-PodeSseClientId without signing', async () => {
      const plain = (await post(server, '/signed', { ClientId: 'abc' })).json;
      expect(plain).to.deep.equal({ signed: { ok: true, value: false }, valid: { ok: true, value: true }, newId: { ok: true, value: 'abc' } });
      const signedLooking = (await post(server, '/signed', { ClientId: 's:abc.def' })).json;
      expect(signedLooking.valid.value).to.equal(false);
      expect(signedLooking.signed.value).to.equal(false);
      // No ClientId: the connection the request's X-PODE-SSE-* headers name; New- makes a UUID.
      await connect(server, { name: 'hdr', clientId: 'hdr-id' });
      const fromHeader = (await post(server, '/signed', {}, { 'X-PODE-SSE-CLIENT-ID': 'hdr-id', 'X-PODE-SSE-NAME': 'hdr' })).json;
      expect(fromHeader.valid.value).to.equal(true);
      expect(fromHeader.newId.value).to.match(UUID);
      expect((await post(server, '/signed', {})).json.valid.value).to.equal(false);
    });

    it('Set-PodeSseBroadcastLevel refuses sends broader than the level, with an error naming the Name and level', async () => {
      const c = await connect(server, { name: 'lvl', group: 'g', clientId: 'lv-1' });
      expect((await post(server, '/config', { level: { Name: 'lvl', Type: 'Group' } })).json.level.ok).to.equal(true);
      expect((await post(server, '/level', { Name: 'lvl' })).json).to.deep.equal({ level: { ok: true, value: 'group' }, allowed: { ok: true, value: false } });
      expect((await post(server, '/level', { Name: 'lvl', ClientId: ['x'] })).json.allowed.value).to.equal(true);
      expect((await post(server, '/level', { Name: 'other' })).json.level.value).to.equal('name');

      const refused = (await post(server, '/send', { Name: 'lvl', Data: 'too broad' })).json;
      expect(refused).to.deep.equal({
        ok: false,
        errorId: 'SseBroadcastLevelExceeded,Send-PodeSseEvent',
        message: "SSE failed to broadcast due to defined SSE broadcast level for lvl: group",
      });
      await send(server, { Name: 'lvl', Group: ['G'], Data: 'to the group' });

      await post(server, '/config', { level: { Name: 'lvl', Type: 'ClientId' } });
      const byGroup = (await post(server, '/send', { Name: 'lvl', Group: ['g'], Data: 'still too broad' })).json;
      expect(byGroup.message).to.equal('SSE failed to broadcast due to defined SSE broadcast level for lvl: clientid');
      await send(server, { Name: 'lvl', ClientId: ['lv-1'], Data: 'to the client' });
      await c.until(frame({ data: 'to the client' }));
      expect(c.body()).to.equal(openFrame('lv-1', 'g', 'lvl') + frame({ data: 'to the group' }) + frame({ data: 'to the client' }));
    });

    it('Set-PodeSseHistory keeps one Name\'s events for replay (auto ids), others stay without ids', async () => {
      expect((await post(server, '/config', { history: { Name: 'hist', Count: 2 } })).json.history.ok).to.equal(true);
      const c = await connect(server, { name: 'hist', clientId: 'h-1' });
      const other = await connect(server, { name: 'plain', clientId: 'p-1' });
      for (const data of ['a', 'b', 'c']) await send(server, { Name: 'hist', Data: data });
      await c.until('data: c\n\n');
      const [a, b, cId] = idsOf(c.body());
      expectPositions([a!, b!, cId!]);
      expect(c.body()).to.equal(openFrame('h-1', '', 'hist') + frame({ id: a, data: 'a' }) + frame({ id: b, data: 'b' }) + frame({ id: cId, data: 'c' }));
      await sentinel(server, 'plain', [other], 'no id here');
      expect(other.body()).to.equal(openFrame('p-1', '', 'plain') + frame({ data: 'no id here' }));

      const again = await connect(server, { name: 'hist', clientId: 'h-2' }, { 'Last-Event-ID': b! });
      expect(again.body()).to.equal(openFrame('h-2', '', 'hist') + frame({ id: cId, data: 'c' }));
      const gap = await connect(server, { name: 'hist', clientId: 'h-3' }, { 'Last-Event-ID': a! });
      expect(gap.body()).to.equal(openFrame('h-3', '', 'hist') + `event: pode.gap\ndata: ${a}\n\n`);
    });
  });

  describe('heartbeat', () => {
    let server: EmbeddedScript | undefined;
    afterEach(async () => {
      closeAllClients();
      await server?.close();
      server = undefined;
    });

    it('sends pode.ping to an idle connection with ssePingInterval 1 (--sse-ping-interval 1)', async () => {
      server = await serveSseEmbedded('wire.ts', { ssePingInterval: 1 });
      const c = await connect(server, { name: 'idle' });
      await c.until(PING_FRAME);
      expect(c.body().startsWith(openFrame(c.clientId, '', 'idle') + PING_FRAME)).to.equal(true);
    });

    it('sends pode.ping after Set-PodeSseHeartbeat -Interval 1', async () => {
      server = await serveSseEmbedded('wire.ts');
      expect((await post(server, '/config', { heartbeat: 1 })).json).to.deep.equal({ heartbeat: { ok: true, value: null } });
      const c = await connect(server, { name: 'idle' });
      await c.until(PING_FRAME);
      expect(c.body().startsWith(openFrame(c.clientId, '', 'idle') + PING_FRAME)).to.equal(true);
    });
  });

  describe('default scope', () => {
    let server: EmbeddedScript | undefined;
    afterEach(async () => {
      closeAllClients();
      await server?.close();
      server = undefined;
    });

    /** GET /sse without a -Scope: resolves with whether the connection turned out Local or Global. */
    async function scopeOfNewConnection(s: Served, name: string): Promise<'Local' | 'Global'> {
      const c = await connect(s, { name, send: '' });
      await c.until('"scope":');
      const scope = /"scope":"(\w+)"/.exec(c.body())![1] as 'Local' | 'Global';
      const listed = (await lists(s, { Name: name, ClientId: c.clientId })).testClientId.value;
      if (scope === 'Local') {
        expect(await c.ended()).to.match(new RegExp(`${CLOSE_FRAME}$`));
        expect(listed).to.equal(false);
      } else {
        expect(listed).to.equal(true);
        expect(c.closed).to.equal(false);
      }
      return scope;
    }

    it('is Global, and Set-PodeSseDefaultScope changes it', async () => {
      server = await serveSseEmbedded('wire.ts');
      expect((await get(server, '/scope')).json).to.deep.equal({ scope: 'Global' });
      expect(await scopeOfNewConnection(server, 'ds')).to.equal('Global');
      expect((await post(server, '/config', { defaultScope: 'local' })).json.defaultScope.ok).to.equal(true);
      // Given back as given, as Pode's Get-PodeSseDefaultScope does (test/sse/conformance/default-scope.test.ts).
      expect((await get(server, '/scope')).json).to.deep.equal({ scope: 'local' });
      expect(await scopeOfNewConnection(server, 'ds')).to.equal('Local');
      expect(server.stdout.join('\n')).to.not.include('overrides --sse-default-scope');
    });

    it('comes from sseDefaultScope Local (--sse-default-scope); a later Set-PodeSseDefaultScope wins and says so', async () => {
      server = await serveSseEmbedded('wire.ts', { sseDefaultScope: 'Local' });
      expect((await get(server, '/scope')).json).to.deep.equal({ scope: 'Local' });
      expect(await scopeOfNewConnection(server, 'ds')).to.equal('Local');
      await post(server, '/config', { defaultScope: 'Global' });
      await server.waitForLine('stdout', /^Set-PodeSseDefaultScope Global in the script overrides --sse-default-scope Local\.$/);
      expect(await scopeOfNewConnection(server, 'ds')).to.equal('Global');
    });

    it("the script's own Set-PodeSseDefaultScope beats sseDefaultScope (--sse-default-scope), with a notice", async () => {
      server = await serveSseEmbedded('wire.ts', { sseDefaultScope: 'Global', env: { SSE_FIXTURE_SCOPE: 'Local' } });
      await server.waitForLine('stdout', /^Set-PodeSseDefaultScope Local in the script overrides --sse-default-scope Global\.$/);
      expect((await get(server, '/scope')).json).to.deep.equal({ scope: 'Local' });
      expect(await scopeOfNewConnection(server, 'ds')).to.equal('Local');
    });
  });

  describe('signing', () => {
    let server: EmbeddedScript | undefined;
    afterEach(async () => {
      closeAllClients();
      await server?.close();
      server = undefined;
    });

    it('sseSecret (--sse-secret) signs ids as s:<id>.<HMAC>; only validly signed ids re-attach; Enable-/Disable-PodeSseSigning change it', async () => {
      server = await serveSseEmbedded('wire.ts', { sseSecret: 'S1-secret' });
      const c = await connect(server, { name: 'signed' });
      expect(expectSigned(c.clientId, 'S1-secret')).to.match(UUID);
      expect(c.body()).to.equal(openFrame(c.clientId, '', 'signed'));

      const given = await connect(server, { name: 'signed', clientId: 'mine' });
      expect(given.clientId).to.equal(`s:mine.${hmac('S1-secret', 'mine')}`);
      // An id that is already validly signed is kept as it is (not signed twice).
      const kept = await connect(server, { name: 'signed', clientId: given.clientId });
      expect(kept.clientId).to.equal(given.clientId);
      await given.ended(); // ...and so it replaced the connection that had it

      // Test-PodeSseClientIdSigned/Valid: from the connection the request's headers name, and given.
      const viaHeader = (await post(server, '/signed', {}, { 'X-PODE-SSE-CLIENT-ID': c.clientId, 'X-PODE-SSE-NAME': 'signed' })).json;
      expect(viaHeader.signed.value).to.equal(true);
      expect(viaHeader.valid.value).to.equal(true);
      // New-PodeSseClientId without -ClientId is a new UUID, signed.
      expect(expectSigned(viaHeader.newId.value, 'S1-secret')).to.match(UUID);
      const forged = `s:mine.${hmac('another secret', 'mine')}`;
      for (const bad of [forged, 'mine', `s:yours.${hmac('S1-secret', 'mine')}`]) {
        const r = (await post(server, '/signed', { ClientId: bad })).json;
        expect(r.signed.value, bad).to.equal(false);
        expect(r.valid.value, bad).to.equal(false);
      }
      expect((await post(server, '/signed', { ClientId: 'mine' })).json.newId.value).to.equal(given.clientId);

      // X-PODE-SSE-CLIENT-ID: the signed id reaches its connection; forged or unsigned ones name no connection: 404s.
      const ok = await post(server, '/from-event', { Data: 'signed hello' }, { 'X-PODE-SSE-CLIENT-ID': c.clientId, 'X-PODE-SSE-NAME': 'signed' });
      expect(ok.json.result.ok).to.equal(true);
      await c.until(frame({ data: 'signed hello' }));
      for (const bad of [forged, 'mine', c.clientId.slice(0, -2) + 'AA']) {
        const r = await post(server, '/from-event', { Data: 'never' }, { 'X-PODE-SSE-CLIENT-ID': bad, 'X-PODE-SSE-NAME': 'signed' });
        expect(r.status, bad).to.equal(404);
        expect(r.text).to.equal(`404 The SSE client connection being referenced does not exist, Name: signed, Group: , ClientId: ${bad}`);
      }

      // Enable-PodeSseSigning with another secret: new ids use it, ids signed with the old one are invalid.
      expect((await post(server, '/config', { signing: { Secret: 'S3-secret' } })).json.signing.ok).to.equal(true);
      const next = await connect(server, { name: 'signed' });
      expectSigned(next.clientId, 'S3-secret');
      const stale = await post(server, '/from-event', { Data: 'never' }, { 'X-PODE-SSE-CLIENT-ID': c.clientId, 'X-PODE-SSE-NAME': 'signed' });
      // Still connected, but signed with the old secret: found, and not valid.
      expect(stale.status).to.equal(400);
      expect(stale.text).to.equal(`400 The X-PODE-SSE-CLIENT-ID value is not valid: ${c.clientId}`);
      await sentinel(server, 'signed', [c, next], 'fence');
      expect(c.body()).to.equal(openFrame(c.clientId, '', 'signed') + frame({ data: 'signed hello' }) + frame({ data: 'fence' }));

      // Disable-PodeSseSigning: plain UUIDs again, and a signed id is no longer valid.
      await post(server, '/config', { signing: false });
      const plain = await connect(server, { name: 'signed' });
      expect(plain.clientId).to.match(UUID);
      expect((await post(server, '/signed', { ClientId: next.clientId })).json.valid.value).to.equal(false);
    });
  });

  // The secret from the environment is the CLI's (commander reads PODETS_SSE_SECRET): served by `podets serve`.
  describe('signing with PODETS_SSE_SECRET (podets serve)', () => {
    let server: ServedScript | undefined;
    afterEach(async () => {
      closeAllClients();
      if (server) expect(await server.stop()).to.equal(0);
      server = undefined;
    });

    it('PODETS_SSE_SECRET signs ids too', async () => {
      server = await serveSse('wire.ts', [], { env: { PODETS_SSE_SECRET: 'S2-from-env' } });
      const c = await connect(server, { name: 'signed' });
      expect(expectSigned(c.clientId, 'S2-from-env')).to.match(UUID);
      const r = await post(server, '/from-event', { Data: 'env hello' }, { 'X-PODE-SSE-CLIENT-ID': c.clientId, 'X-PODE-SSE-NAME': 'signed' });
      expect(r.status).to.equal(200);
      await c.until(frame({ data: 'env hello' }));
    });

    it('Strict binds the signature to the User-Agent and IP: another User-Agent fails validation', async () => {
      server = await serveSse('wire.ts', ['--sse-strict'], { env: { PODETS_SSE_SECRET: 'S2-from-env' } });
      const c = await connect(server, { name: 'strict' }, { 'User-Agent': 'agent-A' });
      expectSigned(c.clientId, 'S2-from-env;agent-A;127.0.0.1');

      const as = (ua: string) => ({ 'X-PODE-SSE-CLIENT-ID': c.clientId, 'X-PODE-SSE-NAME': 'strict', 'User-Agent': ua });
      const same = await post(server, '/from-event', { Data: 'same agent' }, as('agent-A'));
      expect(same.status).to.equal(200);
      await c.until(frame({ data: 'same agent' }));
      const other = await post(server, '/from-event', { Data: 'never' }, as('agent-B'));
      expect(other.status).to.equal(400);
      expect(other.text).to.equal(`400 The X-PODE-SSE-CLIENT-ID value is not valid: ${c.clientId}`);

      expect((await post(server, '/signed', { ClientId: c.clientId }, { 'User-Agent': 'agent-A' })).json.signed.value).to.equal(true);
      expect((await post(server, '/signed', { ClientId: c.clientId }, { 'User-Agent': 'agent-B' })).json.signed.value).to.equal(false);

      // Enable-PodeSseSigning -Strict from the script does the same with its own secret.
      await post(server, '/config', { signing: { Secret: 'S4', Strict: true } });
      const d = await connect(server, { name: 'strict' }, { 'User-Agent': 'agent-C' });
      expectSigned(d.clientId, 'S4;agent-C;127.0.0.1');
      await sentinel(server, 'strict', [c], 'fence');
      expect(c.body()).to.equal(openFrame(c.clientId, '', 'strict') + frame({ data: 'same agent' }) + frame({ data: 'fence' }));
    });
  });

  describe('sseBroadcastLevel (--sse-broadcast-level)', () => {
    let server: EmbeddedScript;
    before(async () => {
      server = await serveSseEmbedded('wire.ts', { sseBroadcastLevel: 'Group' });
    });
    after(async () => {
      closeAllClients();
      await server?.close();
    });

    it('sets the level of every Name; a Name of its own overrides it', async () => {
      const c = await connect(server, { name: 'any', group: 'g', clientId: 'b-1' });
      expect((await post(server, '/level', { Name: 'any' })).json.level.value).to.equal('group');
      expect((await post(server, '/send', { Name: 'any', Data: 'too broad' })).json).to.deep.equal({
        ok: false,
        errorId: 'SseBroadcastLevelExceeded,Send-PodeSseEvent',
        message: 'SSE failed to broadcast due to defined SSE broadcast level for any: group',
      });
      await send(server, { Name: 'any', Group: ['g'], Data: 'group' });
      await send(server, { Name: 'any', ClientId: ['b-1'], Data: 'client' });
      await post(server, '/config', { level: { Name: 'any', Type: 'Name' } });
      await send(server, { Name: 'any', Data: 'everyone' });
      await c.until(frame({ data: 'everyone' }));
      expect(c.body()).to.equal(openFrame('b-1', 'g', 'any') + frame({ data: 'group' }) + frame({ data: 'client' }) + frame({ data: 'everyone' }));
      expect((await post(server, '/level', { Name: 'else' })).json.level.value).to.equal('group');
    });
  });

  describe('replay larger than sseMaxBuffer (--sse-max-buffer)', () => {
    it('still reaches the reconnecting client (the bound is for live events)', async () => {
      const server = await serveSseEmbedded('wire.ts', { sseHistory: 20, sseMaxBuffer: 4096 });
      try {
        const first = await connect(server, { name: 'big', clientId: 'b1' });
        const data = 'x'.repeat(1000);
        for (let i = 0; i < 3; i++) await send(server, { Name: 'big', Data: data });
        await first.untilState(() => idsOf(first.body()).length === 3, 'three events');
        const last = idsOf(first.body())[2]!;
        await post(server, '/close', { Name: 'big', ClientId: ['b1'] });
        await first.ended();
        for (let i = 0; i < 10; i++) await send(server, { Name: 'big', Data: data });
        // 10 missed events of about 1 KB each: more than the 4 KiB bound, all replayed.
        const back = await connect(server, { name: 'big', clientId: 'b1' }, { 'Last-Event-ID': last });
        await back.untilState(() => idsOf(back.body()).length === 10, 'ten replayed events');
        expectPositions([last, ...idsOf(back.body())]);
        expect(back.closed).to.equal(false);
      } finally {
        closeAllClients();
        await server.close();
      }
    });
  });

  describe('replay with sseHistory 10 (--sse-history 10)', () => {
    let server: EmbeddedScript;
    before(async () => {
      server = await serveSseEmbedded('wire.ts', { sseHistory: 10 });
    });
    after(async () => {
      closeAllClients();
      await server?.close();
    });

    it('numbers events with increasing positions; a reconnect with Last-Event-ID gets what it missed, in order, narrowed to it', async () => {
      const r1 = await connect(server, { name: 'feed', group: 'ga', clientId: 'r1' });
      const r2 = await connect(server, { name: 'feed', group: 'gb', clientId: 'r2' });
      for (const data of ['e1', 'e2', 'e3']) await send(server, { Name: 'feed', Data: data });
      await r1.until('data: e3\n\n');
      const id: Record<string, string> = {};
      idsOf(r1.body()).forEach((v, i) => (id[`e${i + 1}`] = v));
      const f = (data: string) => frame({ id: id[data], data });
      const first = f('e1') + f('e2') + f('e3');
      expect(r1.body()).to.equal(openFrame('r1', 'ga', 'feed') + first);

      await post(server, '/close', { Name: 'feed', ClientId: ['r1'] });
      await r1.ended();
      await send(server, { Name: 'feed', Data: 'e4' });
      await send(server, { Name: 'feed', Group: ['gb'], Data: 'e5' });
      await send(server, { Name: 'feed', ClientId: ['r1'], Data: 'e6' });
      await send(server, { Name: 'feed', Group: ['GA'], Data: 'e7' });
      await send(server, { Name: 'feed', ClientId: ['r2'], Data: 'e8' });

      const back = await connect(server, { name: 'feed', group: 'ga', clientId: 'r1' }, { 'Last-Event-ID': id.e3! });
      await send(server, { Name: 'feed', Data: 'e9' });
      await back.until('data: e9\n\n');
      await r2.until('data: e9\n\n');
      // r2 saw every event that was not narrowed away from it: their ids are the positions of all nine.
      const r2Ids = idsOf(r2.body());
      [id.e4, id.e5, id.e8, id.e9] = r2Ids.slice(3);
      [id.e6, id.e7] = idsOf(back.body()).slice(1, 3);
      expectPositions([id.e1!, id.e2!, id.e3!, id.e4!, id.e5!, id.e6!, id.e7!, id.e8!, id.e9!]);
      expect(back.body()).to.equal(openFrame('r1', 'ga', 'feed') + f('e4') + f('e6') + f('e7') + f('e9'));
      expect(r2.body()).to.equal(openFrame('r2', 'gb', 'feed') + first + f('e4') + f('e5') + f('e8') + f('e9'));

      // An explicit -Id is kept; automatic ids carry on past it.
      await send(server, { Name: 'feed', Data: 'mine', Id: 'custom' });
      await send(server, { Name: 'feed', Data: 'e10' });
      await back.until('data: e10\n\n');
      id.e10 = idsOf(back.body()).at(-1)!;
      expectPositions([id.e9!, id.e10]);
      expect(back.body().endsWith(frame({ id: 'custom', data: 'mine' }) + f('e10'))).to.equal(true);
      const afterCustom = await connect(server, { name: 'feed', clientId: 'r3' }, { 'Last-Event-ID': 'custom' });
      expect(afterCustom.body()).to.equal(openFrame('r3', '', 'feed') + f('e10'));
    });

    it('answers an evicted or unknown Last-Event-ID with pode.gap carrying that id; the id header is trimmed', async () => {
      const watcher = await connect(server, { name: 'gaps', clientId: 'x0' });
      for (let i = 1; i <= 12; i++) await send(server, { Name: 'gaps', Data: `g${i}` });
      await watcher.until('data: g12\n\n');
      const ids = idsOf(watcher.body());
      expectPositions(ids);
      // Ten are kept: the 3rd to the 12th.
      const evicted = await connect(server, { name: 'gaps', clientId: 'x1' }, { 'Last-Event-ID': ids[1]! });
      expect(evicted.body()).to.equal(openFrame('x1', '', 'gaps') + `event: pode.gap\ndata: ${ids[1]}\n\n`);
      const unknown = await connect(server, { name: 'gaps', clientId: 'x2' }, { 'Last-Event-ID': 'never-sent' });
      expect(unknown.body()).to.equal(openFrame('x2', '', 'gaps') + 'event: pode.gap\ndata: never-sent\n\n');
      const kept = await connect(server, { name: 'gaps', clientId: 'x3' }, { 'Last-Event-ID': ` ${ids[9]} ` });
      const tail = frame({ id: ids[10], data: 'g11' }) + frame({ id: ids[11], data: 'g12' });
      expect(kept.body()).to.equal(openFrame('x3', '', 'gaps') + tail);
      const latest = await connect(server, { name: 'gaps', clientId: 'x4' }, { 'Last-Event-ID': ids[11]! });
      expect(latest.body()).to.equal(openFrame('x4', '', 'gaps'));
      // A fresh client (no Last-Event-ID) gets no replay at all.
      const fresh = await connect(server, { name: 'gaps', clientId: 'x5' });
      await sentinel(server, 'gaps', [fresh], 'now');
      const now = idsOf(fresh.body())[0]!;
      expectPositions([ids[11]!, now]);
      expect(fresh.body()).to.equal(openFrame('x5', '', 'gaps') + frame({ id: now, data: 'now' }));
    });
  });

  describe('shutdown (podets serve)', () => {
    it('SIGTERM sends pode.close to every open stream, global and local, then exits 0', async () => {
      const server = await serveSse('wire.ts');
      try {
        const a = await connect(server, { name: 'bye', clientId: 'g-1' });
        const b = await connect(server, { name: 'bye', group: 'g', clientId: 'g-2' });
        const c = await connect(server, { name: 'bye-local', scope: 'Local', hold: 'forever' });
        const exit = server.stop();
        expect(await a.ended()).to.equal(openFrame('g-1', '', 'bye') + CLOSE_FRAME);
        expect(await b.ended()).to.equal(openFrame('g-2', 'g', 'bye') + CLOSE_FRAME);
        expect(await c.ended()).to.equal(openFrame(c.clientId, '', 'bye-local') + CLOSE_FRAME);
        expect(await exit).to.equal(0);
        // Disconnect fired for each before the process exited.
        for (const id of ['g-1', 'g-2', c.clientId]) expect(server.stdout).to.include(`sse-event Disconnect ${id.startsWith('g-') ? 'bye' : 'bye-local'} ${id}`);
      } finally {
        closeAllClients();
        await server.stop();
      }
    });
  });
});
