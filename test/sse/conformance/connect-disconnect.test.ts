// Rule: Connect and Disconnect as Pode fires them.
//   Invoke-PodeSseEvent (Private/SSE.ps1@75fba42:25) looks the connection's Name up in a hashtable, so a
//   registration made as 'EVENTS' runs for a connection named 'events'; $TriggeredEvent (:32-39) has Lockable,
//   Name (the connection's), Type, Timestamp, Connection and Metadata, and Connection is the connection's
//   ToHashtable() (PodeClientConnection.cs@f19a460:133-147, PodeServerEvent.cs@f19a460:169-176): '' for a Group
//   not given and for no Last-Event-ID (PodeServerEvent.cs:20).
//   A connection replaced by one with the same Name and ClientId is disposed before the new one is added
//   (PodeItemNestedMap.cs@8c6bba2:52-57, in Add), so its Disconnect is queued
//   (PodeClientConnectionNestedMap.cs@46abfd9:56-66) ahead of the new one's Connect (:39-54), and the one events
//   runspace runs them in that order.
import { expect } from 'chai';
import { AddPodeRoute, ConvertToPodeSseConnection, pode, RegisterPodeSseEvent } from '../../../index.ts';
import { currentTriggeredEvent } from '../../../host/sse/events.ts';
import { CLOSE_FRAME, FORMS, openFrame, serve, stream, type App, type Form } from './helpers.ts';

const HASHTABLE_KEYS = ['ConnectionType', 'Name', 'Group', 'ClientId', 'Scope', 'Timestamp', 'LastActivity', 'IsDisposed', 'IsClosed', 'RetryDuration', 'AllowAllOrigins', 'LastEventId'];

describe('conformance: Connect and Disconnect events (Pode: Private/SSE.ps1, PodeClientConnection.cs)', function () {
  this.timeout(20000);

  for (const form of FORMS) {
    describe(`registered ${form}`, () => {
      let app: App;
      const seen: Record<string, unknown>[] = [];
      let wake: (() => void) | undefined;
      /** Resolves once `n` events have been recorded (scripts run on the server, after the client saw its bytes). */
      const recorded = (n: number) => new Promise<void>((done) => (seen.length >= n ? done() : (wake = () => seen.length >= n && done())));
      before(async () => {
        app = await serve(() => {
          const record = (tag: string) => {
            const e = currentTriggeredEvent()!;
            seen.push({ tag, Name: e.Name, Type: e.Type, keys: Object.keys(e), Connection: e.Connection });
            wake?.();
          };
          // Registered under another casing than the connections' Name.
          if (form === 'positional') {
            RegisterPodeSseEvent('EVENTS', 'Connect', 'rec', record, ['connect']);
            RegisterPodeSseEvent('EVENTS', 'Disconnect', 'rec', record, ['disconnect']);
          } else if (form === 'splat') {
            RegisterPodeSseEvent('EVENTS', { Type: 'Connect', EventName: 'rec', ScriptBlock: record, ArgumentList: ['connect'] });
            RegisterPodeSseEvent('EVENTS', { Type: 'Disconnect', EventName: 'rec', ScriptBlock: record, ArgumentList: ['disconnect'] });
          } else {
            pode`Register-PodeSseEvent -Name EVENTS -Type Connect -EventName rec -ScriptBlock ${record} -ArgumentList connect`;
            pode`Register-PodeSseEvent -Name EVENTS -Type Disconnect -EventName rec -ScriptBlock ${record} -ArgumentList disconnect`;
          }
          AddPodeRoute({
            Method: 'Get',
            Path: '/sse',
            ScriptBlock: (e) => ConvertToPodeSseConnection({ Name: 'events', ClientId: 'dup', RetryDuration: Number(e.Query.retry) }),
          });
        });
      });
      after(() => app?.close());

      it("runs for the connection's Name in any casing, with Pode's $TriggeredEvent and Connection fields", async () => {
        seen.length = 0;
        const c = await stream(app, '/sse?retry=1000');
        expect(seen).to.have.length(1);
        const connect = seen[0] as { tag: string; Name: string; Type: string; keys: string[]; Connection: Record<string, unknown> };
        expect(connect).to.include({ tag: 'connect', Name: 'events', Type: 'Connect' });
        // Pode's six, and podets' Auth (the opening request's $WebEvent.Auth; empty here: no -Authentication).
        expect(connect.keys).to.have.members(['Lockable', 'Name', 'Type', 'Timestamp', 'Connection', 'Metadata', 'Auth']);
        expect(Object.keys(connect.Connection)).to.deep.equal(HASHTABLE_KEYS);
        expect(connect.Connection).to.include({ ConnectionType: 'SSE', Name: 'events', Group: '', ClientId: 'dup', Scope: 'Global' });
        expect(connect.Connection).to.include({ IsDisposed: false, IsClosed: false, RetryDuration: 1000, AllowAllOrigins: false, LastEventId: '' });
        c.close();
        await recorded(2); // its Disconnect, before the next test counts
        expect(seen[1]).to.include({ tag: 'disconnect', Type: 'Disconnect' });
      });

      it("a replaced connection's Disconnect runs before the new one's Connect", async () => {
        const old = await stream(app, '/sse?retry=1000');
        seen.length = 0;
        const fresh = await stream(app, '/sse?retry=2000');
        expect(await old.ended()).to.equal('retry: 1000\n\n' + openFrame('dup', '', 'events') + CLOSE_FRAME);
        const order = seen.map((s) => `${s.Type} ${(s.Connection as { RetryDuration: number }).RetryDuration}`);
        expect(order).to.deep.equal(['Disconnect 1000', 'Connect 2000']);
        expect((seen[0]!.Connection as { IsClosed: boolean }).IsClosed).to.equal(true);
        fresh.close();
      });
    });
  }
});
