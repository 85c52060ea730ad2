// Rule: SSE event registrations as Pode keeps them (SSE.ps1@46abfd9).
//   Register-PodeSseEvent (:857-916) checks every Name (881-895) before registering any (897-915), in
//   hashtables ($PodeContext.Server.Sse.Connections, Context.ps1@f19a460:182; Events[$Type] = [ordered]@{}, :904),
//   so Names and EventNames match whatever their case; each registration is @{ Name = $n; EventName; Type;
//   ScriptBlock; UsingVariables; Arguments } (907-914), the Name as the caller wrote it. Unregister-PodeSseEvent
//   (:937-964) checks and removes Name by Name. Get-PodeSseEvent (:1031-1088) gives them Type by Type (1072-1074).
//   Texts: "$Type event already registered for SSE connection $n: $EventName" (892), "... not registered ..." (957).
import { expect } from 'chai';
import { GetPodeSseEvent, pode, RegisterPodeSseEvent, TestPodeSseEvent, UnregisterPodeSseEvent } from '../../../index.ts';
import { attempt, FORMS, serve, type App, type Form } from './helpers.ts';

const script = () => undefined;

/** Register-PodeSseEvent -Name <names> -Type Connect -EventName <eventName>, in one call form. */
function register(form: Form, names: string[], eventName: string): unknown {
  return attempt(() => {
    if (form === 'positional') return RegisterPodeSseEvent(names, 'Connect', eventName, script);
    if (form === 'splat') return RegisterPodeSseEvent(names, { Type: 'Connect', EventName: eventName, ScriptBlock: script });
    return pode`Register-PodeSseEvent -Name ${names} -Type Connect -EventName ${eventName} -ScriptBlock ${script}`;
  });
}

function unregister(form: Form, name: string, eventName: string): unknown {
  return attempt(() => {
    if (form === 'positional') return UnregisterPodeSseEvent(name, 'Connect', eventName);
    if (form === 'splat') return UnregisterPodeSseEvent(name, { Type: 'Connect', EventName: eventName });
    return pode`Unregister-PodeSseEvent -Name ${name} -Type Connect -EventName ${eventName}`;
  });
}

describe('conformance: Register/Unregister/Test/Get-PodeSseEvent (Pode: SSE.ps1)', function () {
  this.timeout(20000);
  let app: App;
  beforeEach(async () => (app = await serve(() => undefined)));
  afterEach(() => app?.close());
  const run = <R>(fn: () => R): R => app.pode.run(fn);

  for (const form of FORMS) {
    it(`${form}: Names and EventNames match case-insensitively, with Pode's texts`, () =>
      run(() => {
        expect(register(form, ['Events'], 'Log')).to.deep.equal({ ok: true, value: null });
        expect(register(form, ['EVENTS'], 'log')).to.deep.equal({
          ok: false,
          errorId: 'SseEventAlreadyRegistered,Register-PodeSseEvent',
          message: 'Connect event already registered for SSE connection EVENTS: log',
        });
        expect(TestPodeSseEvent({ Name: ['events'], Type: ['Connect'], EventName: ['LOG'] })).to.equal(true);
        expect(unregister(form, 'eVeNtS', 'LOG')).to.deep.equal({ ok: true, value: null });
        expect(unregister(form, 'events', 'Log')).to.deep.equal({
          ok: false,
          errorId: 'SseEventNotRegistered,Unregister-PodeSseEvent',
          message: 'Connect event not registered for SSE connection events: Log',
        });
      }));

    it(`${form}: every Name is checked before any is registered`, () =>
      run(() => {
        register(form, ['Taken'], 'Log');
        const failed = register(form, ['Fresh', 'taken'], 'LOG') as { ok: boolean; message: string };
        expect(failed.message).to.equal('Connect event already registered for SSE connection taken: LOG');
        expect(TestPodeSseEvent({ Name: ['Fresh'], Type: ['Connect'] })).to.equal(false);
      }));
  }

  it("Get-PodeSseEvent: Pode's fields, the Name as written, Type by Type; Names and EventNames filter case-insensitively", () =>
    run(() => {
      const args = ['audit'];
      RegisterPodeSseEvent({ Name: ['Alpha', 'Beta'], Type: 'Disconnect', EventName: 'Bye', ScriptBlock: script, ArgumentList: args });
      RegisterPodeSseEvent('alpha', 'Connect', 'Hello', script); // the same Name as 'Alpha'
      const all = pode`Get-PodeSseEvent -Type Connect,Disconnect` as Record<string, unknown>[];
      // A hashtable in Pode: the keys, in no particular order.
      expect(all.map((r) => Object.keys(r).sort())).to.deep.equal(Array(3).fill(['Arguments', 'EventName', 'Name', 'ScriptBlock', 'Type', 'UsingVariables']));
      expect(all.map((r) => `${r.Type} ${r.Name} ${r.EventName}`)).to.deep.equal(['Connect alpha Hello', 'Disconnect Alpha Bye', 'Disconnect Beta Bye']);
      expect(all[0]).to.include({ ScriptBlock: script, UsingVariables: null, Arguments: null });
      expect(all[1]!.Arguments).to.deep.equal(['audit']);
      const some = GetPodeSseEvent(['BETA', 'ALPHA'], ['Disconnect', 'Connect'], ['bye']) as unknown as Record<string, unknown>[];
      expect(some.map((r) => `${r.Type} ${r.Name} ${r.EventName}`)).to.deep.equal(['Disconnect Beta Bye', 'Disconnect Alpha Bye']);
      expect(GetPodeSseEvent({ Name: ['gamma'], Type: ['Connect'] })).to.deep.equal([]);
    }));
});
