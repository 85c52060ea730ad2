// podets' generated page for ConvertTo-PodeSseConnection against Pode's own platyPS page (the seed).
import { expect } from 'chai';
import { renderMarkdown } from '../../../host/help/markdown.ts';
import { entry, readPodePage } from './helpers.ts';

const SEED = 'ConvertTo-PodeSseConnection.help.txt';

/** The text between `start` and the next occurrence of `end`. */
function between(text: string, start: string, end: string): string {
  const i = text.indexOf(start);
  if (i < 0) throw new Error(`'${start}' not found`);
  const j = text.indexOf(end, i + start.length);
  if (j < 0) throw new Error(`'${end}' not found after '${start}'`);
  return text.slice(i + start.length, j);
}

/** `### -Name` / `### CommonParameters` blocks of the PARAMETERS section, keyed by heading. */
function parameterBlocks(page: string): Map<string, string> {
  const section = between(page, '## PARAMETERS\n\n', '## INPUTS');
  const blocks = new Map<string, string>();
  for (const chunk of section.split(/^(?=### )/m)) blocks.set(chunk.slice(4, chunk.indexOf('\n')), chunk);
  return blocks;
}

describe('help: seed page for ConvertTo-PodeSseConnection', () => {
  const seed = readPodePage(SEED);
  const page = renderMarkdown(entry('ConvertTo-PodeSseConnection'));

  it('reproduces the SYNTAX block byte for byte', () => {
    expect(between(page, '## SYNTAX\n\n', '## DESCRIPTION')).to.equal(between(seed, '## SYNTAX\n\n', '## DESCRIPTION'));
  });

  it('reproduces the seven parameter blocks, ProgressAction and CommonParameters byte for byte', () => {
    const want = parameterBlocks(seed);
    const got = parameterBlocks(page);
    expect([...want.keys()]).to.deep.equal([
      '-AllowAllOrigins',
      '-ClientId',
      '-Force',
      '-Group',
      '-Name',
      '-ProgressAction',
      '-RetryDuration',
      '-Scope',
      'CommonParameters',
    ]);
    expect([...got.keys()]).to.deep.equal([...want.keys()]);
    for (const [name, block] of want) expect(got.get(name), name).to.equal(block);
  });

  it('reproduces the whole page from the command heading on', () => {
    const from = (text: string) => text.slice(text.indexOf('# ConvertTo-PodeSseConnection\n'));
    expect(from(page)).to.equal(from(seed));
  });

  it('writes the podets front matter with the group as PodeType', () => {
    expect(page.slice(0, page.indexOf('# '))).to.equal(
      '---\nexternal help file: podets-help.xml\nModule Name: podets\nonline version:\nPodeType: SSE\nschema: 2.0.0\n---\n\n',
    );
  });
});
