// Rule: the caller's casing is kept where Pode keeps it. Set-PodeSseDefaultScope stores -Scope as given
//   (SSE.ps1, Set-PodeSseDefaultScope: `$PodeContext.Server.Sse.DefaultScope = $Scope`; a [ValidateSet()] only
//   compares, ValidateSetAttribute.ValidateElement in PowerShell's engine/Attributes.cs) and
//   Get-PodeSseDefaultScope returns it as stored; a -Scope Default connection then takes that scope.
import { expect } from 'chai';
import { AddPodeRoute, ConvertToPodeSseConnection, GetPodeSseDefaultScope, pode, SetPodeSseDefaultScope } from '../../../index.ts';
import { CLOSE_FRAME, FORMS, openFrame, serve, stream, type App, type Form } from './helpers.ts';

const setScope: Record<Form, (scope: string) => unknown> = {
  positional: (scope) => SetPodeSseDefaultScope(scope as 'Local'),
  splat: (scope) => SetPodeSseDefaultScope({ Scope: scope as 'Local' }),
  template: (scope) => pode`Set-PodeSseDefaultScope -Scope ${scope}`,
};

describe('conformance: Set-/Get-PodeSseDefaultScope keep the caller\'s casing (Pode: SSE.ps1)', function () {
  this.timeout(20000);
  let app: App;
  before(async () => {
    app = await serve(() => {
      AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'S', ClientId: 'one' }) });
    });
  });
  after(() => app?.close());

  for (const form of FORMS) {
    it(`${form}: -Scope local reads back as 'local', and a Default connection is Local (ends with its route)`, async () => {
      expect(app.pode.run(() => (setScope[form]('local'), GetPodeSseDefaultScope()))).to.equal('local');
      const c = await stream(app, '/events');
      await c.ended();
      expect(c.body()).to.equal(openFrame('one', '', 'S') + CLOSE_FRAME);
      expect(app.pode.run(() => (setScope[form]('GLOBAL'), GetPodeSseDefaultScope()))).to.equal('GLOBAL');
    });
  }

  it('a value outside the set is still refused, with PowerShell\'s ValidateSet text', () => {
    expect(() => app.pode.run(() => pode`Set-PodeSseDefaultScope -Scope Loc`)).to.throw(
      'Cannot validate argument on parameter \'Scope\'. The argument "Loc" does not belong to the set "Local,Global" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.',
    );
  });
});
