import { expect } from 'chai';
import type { CmdletDecl, ParamDecl } from '../../../host/cmdlet/declare.ts';
import { syntaxBlocks, syntaxLines, wrapSyntax } from '../../../host/help/syntax.ts';
import { entry } from './helpers.ts';

const TAIL = '[-ProgressAction <ActionPreference>] [<CommonParameters>]';
const decl = (parameters: ParamDecl[], extra: Partial<CmdletDecl<readonly ParamDecl[], unknown>> = {}) =>
  ({ name: 'Test-PodeThing', synopsis: '', description: '', parameters, run: () => undefined, ...extra }) as CmdletDecl<
    readonly ParamDecl[],
    unknown
  >;
const flat = (s: string) => s.replace(/\n/g, '');

describe('help: SYNTAX lines', () => {
  it('shows Send-PodeSseEvent as two lines, the default WebEvent set first', () => {
    const lines = syntaxLines(entry('Send-PodeSseEvent').decl);
    expect(lines.map(flat)).to.deep.equal([
      `Send-PodeSseEvent [-Data] <Object> [-Id <String>] [-EventType <String>] [-Depth <Int32>] [-FromEvent] ${TAIL}`,
      `Send-PodeSseEvent [-Data] <Object> -Name <String[]> [-Group <String[]>] [-ClientId <String[]>] [-Id <String>] [-EventType <String>] [-Depth <Int32>] ${TAIL}`,
    ]);
    expect(syntaxBlocks(entry('Send-PodeSseEvent').decl).map((b) => [b.set, b.isDefault])).to.deep.equal([
      ['WebEvent', true],
      ['Name', false],
    ]);
  });

  it('prints one line for a cmdlet without sets, and for one without parameters', () => {
    expect(syntaxLines(entry('Close-PodeSseConnection').decl)).to.deep.equal([
      `Close-PodeSseConnection [-Name] <String> [[-Group] <String[]>] [[-ClientId] <String[]>]\n ${TAIL}`,
    ]);
    expect(syntaxLines(entry('Get-PodeSseNameList').decl)).to.deep.equal([`Get-PodeSseNameList ${TAIL}`]);
  });

  it('numbers non-switches in declaration order when no Position is declared', () => {
    expect(flat(syntaxLines(entry('Register-PodeSseEvent').decl)[0]!)).to.equal(
      `Register-PodeSseEvent [-Name] <String[]> [-Type] <PodeClientConnectionEventType> [-EventName] <String> [-ScriptBlock] <ScriptBlock> [[-ArgumentList] <Object[]>] ${TAIL}`,
    );
    expect(flat(syntaxLines(entry('Enable-PodeSseSigning').decl)[0]!)).to.equal(`Enable-PodeSseSigning [-Secret] <String> [-Strict] ${TAIL}`);
  });

  it('uses all four forms and a mandatory switch without brackets', () => {
    const d = decl([
      { name: 'A', type: 'String', mandatory: true, position: 0, help: '' },
      { name: 'B', type: 'Int32', position: 1, help: '' },
      { name: 'C', type: 'String[]', mandatory: true, help: '' },
      { name: 'D', type: 'Hashtable', help: '' },
      { name: 'E', type: 'SwitchParameter', help: '' },
      { name: 'F', type: 'SwitchParameter', mandatory: true, help: '' },
    ]);
    expect(flat(syntaxLines(d)[0]!)).to.equal(`Test-PodeThing [-A] <String> [[-B] <Int32>] -C <String[]> [-D <Hashtable>] [-E] -F ${TAIL}`);
  });

  // Named, not numbered: a cmdlet whose parameters have a ParameterSetName gets no automatic positions
  // (Compiler.GetParameterMetaData, engine/parser/Compiler.cs: `automaticPositions && !customParameterSet`).
  it('orders sets default first, then by first appearance', () => {
    const d = decl(
      [
        { name: 'X', type: 'String', sets: ['One'], help: '' },
        { name: 'Y', type: 'String', sets: ['Two', 'Three'], help: '' },
      ],
      { defaultParameterSet: 'Three' },
    );
    expect(syntaxBlocks(d).map((b) => b.set)).to.deep.equal(['Three', 'One', 'Two']);
    expect(syntaxLines(d).map(flat)).to.deep.equal([
      `Test-PodeThing [-Y <String>] ${TAIL}`,
      `Test-PodeThing [-X <String>] ${TAIL}`,
      `Test-PodeThing [-Y <String>] ${TAIL}`,
    ]);
  });

  it("wraps like platyPS: break when line + token (without its space) exceeds 110", () => {
    const head = 'x'.repeat(85);
    expect(wrapSyntax(head, ['y'.repeat(25)])).to.equal(`${head} ${'y'.repeat(25)}`); // 85 + 25 = 110: no break, 111 long
    expect(wrapSyntax(head, ['y'.repeat(26)])).to.equal(`${head}\n ${'y'.repeat(26)}`);
    for (const line of syntaxLines(entry('ConvertTo-PodeSseConnection').decl)[0]!.split('\n')) expect(line.length).to.be.at.most(111);
  });
});
