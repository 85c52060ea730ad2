// Rule: broadcast levels as Pode keeps them.
//   Set-PodeSseBroadcastLevel (SSE.ps1@46abfd9:613-628): -Type is optional, and the level stored is
//   `$Type.ToLowerInvariant()`, '' without it (627); Get-PodeSseBroadcastLevel (:644-670) reads an empty level as
//   unset: the Name's, else '*''s, else 'name' (659-666). The levels are a hashtable (Context.ps1@f19a460:181),
//   so Names match whatever their case. A send past the level throws sseFailedToBroadcastExceptionMessage
//   (SSE.ps1:289-292; en locale: 'SSE failed to broadcast due to defined SSE broadcast level for {0}: {1}').
import { expect } from 'chai';
import { AddPodeRoute, ConvertToPodeSseConnection, GetPodeSseBroadcastLevel, pode, SendPodeSseEvent, SetPodeSseBroadcastLevel, TestPodeSseBroadcastLevel } from '../../../index.ts';
import { attempt, FORMS, frame, serve, stream, type App, type Form } from './helpers.ts';

/** Set-PodeSseBroadcastLevel -Name <name>, without -Type, in one call form. */
function unset(form: Form, name: string): void {
  if (form === 'positional') SetPodeSseBroadcastLevel(name);
  else if (form === 'splat') SetPodeSseBroadcastLevel({ Name: name });
  else pode`Set-PodeSseBroadcastLevel -Name ${name}`;
}

describe('conformance: broadcast levels (Pode: SSE.ps1 Set-/Get-/Test-PodeSseBroadcastLevel)', function () {
  this.timeout(20000);
  let app: App;
  before(async () => {
    app = await serve(() => {
      AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: (e) => ConvertToPodeSseConnection({ Name: String(e.Query.name), Group: 'g', ClientId: 'c' }) });
    });
  });
  after(() => app?.close());
  const run = <R>(fn: () => R): R => app.pode.run(fn);

  for (const form of FORMS) {
    it(`${form}: without -Type the Name's own level is cleared: it falls back to *, then to name`, () =>
      run(() => {
        const name = `Unset-${form}`;
        SetPodeSseBroadcastLevel({ Name: '*', Type: 'Group' });
        SetPodeSseBroadcastLevel(name, 'ClientId');
        expect(GetPodeSseBroadcastLevel(name)).to.equal('clientid');
        unset(form, name);
        expect(GetPodeSseBroadcastLevel(name)).to.equal('group');
        unset(form, '*');
        expect(GetPodeSseBroadcastLevel(name)).to.equal('name');
        expect(TestPodeSseBroadcastLevel(name)).to.equal(true);
      }));
  }

  it('Names match case-insensitively; levels come back lower-cased', () =>
    run(() => {
      pode`Set-PodeSseBroadcastLevel -Name Actions -Type ClientId`;
      expect(GetPodeSseBroadcastLevel('ACTIONS')).to.equal('clientid');
      expect(TestPodeSseBroadcastLevel({ Name: 'actions', Group: ['admins'] })).to.equal(false);
      expect(TestPodeSseBroadcastLevel('aCtIoNs', null, ['an-id'])).to.equal(true);
      SetPodeSseBroadcastLevel({ Name: 'ACTIONS', Type: 'Name' }); // the same entry
      expect(GetPodeSseBroadcastLevel('Actions')).to.equal('name');
    }));

  it("a send past the level fails with Pode's text and sends nothing", async () => {
    const c = await stream(app, '/sse?name=Levels');
    run(() => {
      SetPodeSseBroadcastLevel({ Name: 'levels', Type: 'Group' });
      expect(attempt(() => SendPodeSseEvent('too broad', { Name: 'Levels' }))).to.deep.equal({
        ok: false,
        errorId: 'SseBroadcastLevelExceeded,Send-PodeSseEvent',
        message: 'SSE failed to broadcast due to defined SSE broadcast level for Levels: group',
      });
      pode`Send-PodeSseEvent -Name Levels -Group g -Data ${'to the group'}`;
    });
    const body = await c.until(frame({ data: 'to the group' }));
    expect(body).not.to.include('too broad');
  });
});
