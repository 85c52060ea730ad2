// Rule: a group narrowing never reaches a connection without a Group.
//   PodeClientConnection.IsForGroup (PodeClientConnection.cs@f19a460:81-94): no groups given is every
//   connection (83-86); a connection whose Group is empty is in none (88-91); else any one group, ignoring case
//   (93). Sends, closes, Get-PodeSseClientIdList and Test-PodeSseClientId all narrow with it
//   (PodeClientConnectionNestedMap.cs@46abfd9: Get 26-37, Send 68-117, Close 119-161, Exists 163-181, GetClientIds
//   197-215).
import { expect } from 'chai';
import { AddPodeRoute, ConvertToPodeSseConnection, GetPodeSseClientIdList, pode, SendPodeSseEvent, TestPodeSseClientId } from '../../../index.ts';
import { FORMS, frame, openFrame, serve, stream, type App, type Form } from './helpers.ts';

function send(form: Form, groups: string[], data: string): void {
  if (form === 'positional') SendPodeSseEvent(data, { Name: 'G', Group: groups });
  else if (form === 'splat') SendPodeSseEvent({ Name: 'G', Group: groups, Data: data });
  else pode`Send-PodeSseEvent -Name G -Group ${groups} -Data ${data}`;
}

describe("conformance: group narrowing (Pode: PodeClientConnection.IsForGroup)", function () {
  this.timeout(20000);
  let app: App;
  before(async () => {
    app = await serve(() => {
      AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: (e) => ConvertToPodeSseConnection({ Name: 'G', Group: e.Query.group as string | undefined, ClientId: String(e.Query.id) }) });
    });
  });
  after(() => app?.close());
  const run = <R>(fn: () => R): R => app.pode.run(fn);

  for (const form of FORMS) {
    it(`${form}: -Group '' reaches no connection, not even those without a Group; a Group matches ignoring case`, async () => {
      const none = await stream(app, `/sse?id=none-${form}`);
      const blue = await stream(app, `/sse?id=blue-${form}&group=Blue`);
      run(() => {
        send(form, [''], 'empty group');
        send(form, ['', 'BLUE'], 'blue');
        SendPodeSseEvent({ Name: 'G', Data: 'everyone' });
      });
      await none.until(frame({ data: 'everyone' }));
      await blue.until(frame({ data: 'everyone' }));
      expect(none.body()).to.equal(openFrame(`none-${form}`, '', 'G') + frame({ data: 'everyone' }));
      expect(blue.body()).to.equal(openFrame(`blue-${form}`, 'Blue', 'G') + frame({ data: 'blue' }) + frame({ data: 'everyone' }));
      run(() => {
        expect(GetPodeSseClientIdList('G', [''])).to.deep.equal([]);
        expect(TestPodeSseClientId('G', [''], `none-${form}`)).to.equal(false);
        expect(TestPodeSseClientId({ Name: 'G', ClientId: `none-${form}` })).to.equal(true);
      });
      none.close();
      blue.close();
    });
  }
});
