import { expect } from 'chai';
import { allCmdlets } from '../../../host/cmdlet/registry.ts';
import { renderHelp, renderHelpList } from '../../../host/help/render.ts';
import { entry } from './helpers.ts';

describe('help: terminal rendering', () => {
  const text = renderHelp(entry('Send-PodeSseEvent'));

  it('has the Get-Help sections in order', () => {
    const order = ['NAME', 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'RELATED LINKS'].map((s) =>
      text.indexOf(`\n${s}\n`),
    );
    expect(order.every((i) => i >= 0)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect(text).to.include('\n    Send-PodeSseEvent\n');
  });

  it('numbers the examples', () => {
    const bars = text.match(/-{26} EXAMPLE (\d+) -{26}/g) ?? [];
    expect(bars).to.have.length(6);
    expect(bars[0]).to.equal('-------------------------- EXAMPLE 1 --------------------------');
    expect(bars[5]).to.include('EXAMPLE 6');
    expect(text).to.include("    PS > Send-PodeSseEvent -FromEvent -Data 'This is an event'\n");
  });

  it('prints each parameter with its help and attribute table', () => {
    expect(text).to.include('    -Data <Object>\n        The Data for the Event being sent');
    expect(text).to.match(/-Data <Object>\n[^]*?Required\?\s+true\n\s+Position\?\s+1\n\s+Default value\s+None\n\s+Accept pipeline input\?\s+true \(ByValue\)\n\s+Parameter set name\s+\(All\)\n\s+Aliases\s+None\n\s+Accept wildcard characters\?\s+false\n/);
    expect(text).to.match(/-Name <String\[\]>\n[^]*?Position\?\s+named\n[^]*?Parameter set name\s+Name\n/);
    expect(text).to.match(/-FromEvent \[<SwitchParameter>\]\n[^]*?Default value\s+False\n[^]*?Parameter set name\s+WebEvent\n/);
    expect(text).to.match(/-Depth <Int32>\n[^]*?Default value\s+10\n/);
    expect(text).to.include('    <CommonParameters>\n');
  });

  it('shows both syntax lines and the output type', () => {
    expect(text.match(/^ {4}Send-PodeSseEvent \[-Data\]/gm)).to.have.length(2);
    expect(renderHelp(entry('Test-PodeSseName'))).to.match(/\nOUTPUTS\n {4}System\.Boolean\n/);
  });

  it('has no colour codes', () => {
    expect(text).not.to.match(/\x1b\[/);
    expect(renderHelpList(allCmdlets())).not.to.match(/\x1b\[/);
  });

  it('lists every cmdlet with its synopsis, sorted by name', () => {
    const list = renderHelpList(allCmdlets()).trimEnd().split('\n');
    expect(list[0]).to.match(/^Name\s+Group\s+Synopsis$/);
    const names = list.slice(2).map((l) => l.split(/\s+/)[0]!);
    expect(names).to.have.length(allCmdlets().length);
    expect(names).to.deep.equal([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(list.some((l) => /^Send-PodeSseEvent +SSE +Send an Event to one or more SSE connections\.$/.test(l))).to.equal(true);
  });
});
