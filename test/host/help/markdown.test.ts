import { expect } from 'chai';
import { renderMarkdown } from '../../../host/help/markdown.ts';
import { entry } from './helpers.ts';

const block = (page: string, param: string) => {
  const i = page.indexOf(`### -${param}\n`);
  return page.slice(i, page.indexOf('```\n\n', page.indexOf('```yaml', i)) + 5);
};

describe('help: markdown pages', () => {
  const send = renderMarkdown(entry('Send-PodeSseEvent'));

  it('gives each parameter set its own SYNTAX heading, the default marked', () => {
    expect(send).to.include('## SYNTAX\n\n### WebEvent (Default)\n```\nSend-PodeSseEvent [-Data] <Object>');
    expect(send).to.include('### Name\n```\nSend-PodeSseEvent [-Data] <Object> -Name <String[]>');
  });

  it('names the sets of set-bound parameters and (All) for the rest', () => {
    expect(block(send, 'Name')).to.include('Type: String[]\nParameter Sets: Name\nAliases:\n\nRequired: True\nPosition: Named\n');
    expect(block(send, 'FromEvent')).to.include('Type: SwitchParameter\nParameter Sets: WebEvent\n');
    expect(block(send, 'Data')).to.include(
      'Type: Object\nParameter Sets: (All)\nAliases:\n\nRequired: True\nPosition: 1\nDefault value: None\nAccept pipeline input: True (ByValue)\n',
    );
    expect(block(send, 'Depth')).to.include('Default value: 10\n');
  });

  it('sorts parameters alphabetically, ProgressAction included', () => {
    const names = [...send.matchAll(/^### -(\w+)$/gm)].map((m) => m[1]);
    expect(names).to.deep.equal(['ClientId', 'Data', 'Depth', 'EventType', 'FromEvent', 'Group', 'Id', 'Name', 'ProgressAction']);
  });

  it('shows computed defaults with their text, and the output type as platyPS does', () => {
    const page = renderMarkdown(entry('Test-PodeSseClientIdSigned'));
    expect(block(page, 'ClientId')).to.include("Default value: the request's SSE connection's ClientId\n");
    expect(page).to.include('## OUTPUTS\n\n### System.Boolean\n## NOTES\n\n## RELATED LINKS\n');
    expect(block(renderMarkdown(entry('Set-PodeSseBroadcastLevel')), 'Name')).to.include('Default value: *\n');
    expect(block(renderMarkdown(entry('Register-PodeSseEvent')), 'ScriptBlock')).to.include(
      'Type: ScriptBlock\nParameter Sets: (All)\nAliases:\n\nRequired: True\nPosition: 4\nDefault value: None\nAccept pipeline input: True (ByValue)\n',
    );
  });

  it('numbers examples and keeps an example note after its code', () => {
    expect(send).to.include("### EXAMPLE 6\n```\n1, 2, 3 | Send-PodeSseEvent -Name 'Actions'\n```\n\nSeveral piped values");
  });
});
