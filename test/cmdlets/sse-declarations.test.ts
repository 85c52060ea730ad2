// The 22 SSE cmdlets against spec/sse.md: names, parameter order, types, Mandatory and parameter sets,
// plus the attributes the spec spells out (Position, pipeline, ValidateSet, defaults).
import { expect } from 'chai';
import '../../cmdlets/index.ts';
import type { ParamDecl } from '../../host/cmdlet/declare.ts';
import { allCmdlets, findCmdlet } from '../../host/cmdlet/registry.ts';

/** `Name:Type`, `!` after the type = Mandatory, `@A,B` = ParameterSetName(s). */
const SPEC: Record<string, string[]> = {
  'ConvertTo-PodeSseConnection': ['Name:String!', 'Group:String', 'Scope:String', 'RetryDuration:Int32', 'ClientId:String', 'AllowAllOrigins:SwitchParameter', 'Force:SwitchParameter'],
  'Set-PodeSseDefaultScope': ['Scope:String!'],
  'Get-PodeSseDefaultScope': [],
  'Send-PodeSseEvent': ['Data:Object!', 'Name:String[]!@Name', 'Group:String[]@Name', 'ClientId:String[]@Name', 'Id:String', 'EventType:String', 'Depth:Int32', 'FromEvent:SwitchParameter@WebEvent'],
  'Close-PodeSseConnection': ['Name:String!', 'Group:String[]', 'ClientId:String[]'],
  'Test-PodeSseName': ['Name:String!'],
  'Test-PodeSseClientId': ['Name:String!', 'Group:String[]', 'ClientId:String!'],
  'New-PodeSseClientId': ['ClientId:String'],
  'Enable-PodeSseSigning': ['Secret:String!', 'Strict:SwitchParameter'],
  'Disable-PodeSseSigning': [],
  'Test-PodeSseClientIdSigned': ['ClientId:String'],
  'Test-PodeSseClientIdValid': ['ClientId:String'],
  'Set-PodeSseBroadcastLevel': ['Name:String', 'Type:String'],
  'Get-PodeSseBroadcastLevel': ['Name:String!'],
  'Test-PodeSseBroadcastLevel': ['Name:String!', 'Group:String[]', 'ClientId:String[]'],
  'Get-PodeSseNameList': [],
  'Get-PodeSseGroupList': ['Name:String!'],
  'Get-PodeSseClientIdList': ['Name:String!', 'Group:String[]'],
  // Pode types -Type as [Pode.PodeClientConnectionEventType] (src/Public/SSE.ps1@1d26fae:863, 943, 995 and 1039, the
  // version test/fixtures/pode/declarations.ts names): an enum, not a String with a ValidateSet.
  'Register-PodeSseEvent': ['Name:String[]!', 'Type:PodeClientConnectionEventType!', 'EventName:String!', 'ScriptBlock:ScriptBlock!', 'ArgumentList:Object[]'],
  'Unregister-PodeSseEvent': ['Name:String[]!', 'Type:PodeClientConnectionEventType!', 'EventName:String!'],
  'Test-PodeSseEvent': ['Name:String[]', 'Type:PodeClientConnectionEventType[]!', 'EventName:String[]'],
  'Get-PodeSseEvent': ['Name:String[]', 'Type:PodeClientConnectionEventType[]!', 'EventName:String[]'],
};

/** Beyond Pode: replay, heartbeat and the scale-out backplane, in the same group. */
const BEYOND = ['Set-PodeSseHistory', 'Set-PodeSseHeartbeat', 'Set-PodeSseBackplane'];

const shape = (p: ParamDecl) => `${p.name}:${p.type}${p.mandatory ? '!' : ''}${p.sets ? `@${p.sets.join(',')}` : ''}`;
const decl = (name: string) => findCmdlet(name)!.decl;
const param = (cmdlet: string, name: string) => decl(cmdlet).parameters.find((p) => p.name === name)!;

describe('cmdlets/sse.ts declarations', () => {
  it('declares the 22 SSE cmdlets of the spec, and only podets additions besides, in the SSE group', () => {
    const sse = allCmdlets().filter((e) => e.group === 'SSE').map((e) => e.decl.name);
    expect(sse.filter((n) => !BEYOND.includes(n)).sort()).to.deep.equal(Object.keys(SPEC).sort());
  });

  for (const [name, params] of Object.entries(SPEC)) {
    it(`${name}: parameters, types, Mandatory and sets as in the spec`, () => {
      const d = decl(name);
      expect(d.parameters.map(shape)).to.deep.equal(params);
      expect(d.synopsis, 'synopsis').to.not.equal('');
      expect(d.description, 'description').to.not.equal('');
      expect(d.examples ?? [], 'examples').to.not.be.empty;
      for (const ex of d.examples ?? []) expect(ex.code).to.include(name);
      for (const p of d.parameters) expect(p.help, `${name} -${p.name} help`).to.not.equal('');
    });
  }

  it('is exported to scripts as VerbPodeNoun', () => {
    for (const name of Object.keys(SPEC)) expect(findCmdlet(name.replace('-', ''))?.decl.name).to.equal(name);
  });

  it('Send-PodeSseEvent: Data at Position 0 from the pipeline, WebEvent by default, Depth 10', () => {
    expect(decl('Send-PodeSseEvent').defaultParameterSet).to.equal('WebEvent');
    expect(param('Send-PodeSseEvent', 'Data')).to.include({ position: 0, pipeline: true });
    expect(param('Send-PodeSseEvent', 'Depth').default).to.equal(10);
    expect(decl('Send-PodeSseEvent').parameters.filter((p) => p.position !== undefined).map((p) => p.name)).to.deep.equal(['Data']);
  });

  it('ValidateSets and defaults', () => {
    expect(param('ConvertTo-PodeSseConnection', 'Scope')).to.deep.include({ validateSet: ['Default', 'Local', 'Global'], default: 'Default' });
    expect(param('ConvertTo-PodeSseConnection', 'RetryDuration').default).to.equal(0);
    expect(param('Set-PodeSseDefaultScope', 'Scope').validateSet).to.deep.equal(['Local', 'Global']);
    expect(param('Set-PodeSseBroadcastLevel', 'Name')).to.deep.include({ validateNotNullOrEmpty: true, default: '*' });
    expect(param('Set-PodeSseBroadcastLevel', 'Type').validateSet).to.deep.equal(['Name', 'Group', 'ClientId']);
    for (const c of ['Register-PodeSseEvent', 'Unregister-PodeSseEvent', 'Test-PodeSseEvent', 'Get-PodeSseEvent'])
      expect(param(c, 'Type').validateSet, c).to.equal(undefined);
  });

  it('Register-PodeSseEvent takes its ScriptBlock from the pipeline', () => {
    expect(param('Register-PodeSseEvent', 'ScriptBlock')).to.include({ pipeline: true, mandatory: true });
  });

  it('call-time defaults carry a defaultText for the docs', () => {
    for (const c of ['Test-PodeSseClientIdSigned', 'Test-PodeSseClientIdValid']) expect(param(c, 'ClientId').defaultText, c).to.be.a('string');
  });

  it('no cmdlet other than Send-PodeSseEvent has parameter sets or explicit positions', () => {
    for (const e of allCmdlets().filter((x) => x.group === 'SSE' && x.decl.name !== 'Send-PodeSseEvent')) {
      expect(e.decl.defaultParameterSet, e.decl.name).to.equal(undefined);
      for (const p of e.decl.parameters) expect([p.sets, p.position], `${e.decl.name} -${p.name}`).to.deep.equal([undefined, undefined]);
    }
  });
});
