// The README's ```ts blocks type-check under the settings `tsc --init` writes (strict, exactOptionalPropertyTypes,
// noUncheckedIndexedAccess, …), so the first thing a newcomer copies cannot drift from the types.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, initOptions, repoRoot } from '../helpers/tsc.ts';

/** The ```ts blocks of a Markdown text, in order. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/**
 * A block as a file beside the repo's test files. `podets/globals` is the package's name for globals.d.ts, which the
 * repo has no node_modules entry for: the reference points at the file itself.
 */
function asSource(block: string): string {
  return block.replace('/// <reference types="podets/globals" />', '/// <reference path="../../globals.d.ts" />');
}

describe("README's TypeScript blocks type-check under `tsc --init` defaults", function () {
  this.timeout(180_000);
  const blocks = tsBlocks(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
  const sources: Record<string, string> = {};
  blocks.forEach((b, i) => (sources[`test/types/readme-block-${i + 1}.ts`] = asSource(b)));
  // The README's example before it was fixed: the check must refuse it.
  sources['test/types/readme-old.ts'] = asSource(
    [
      '/// <reference types="podets/globals" />',
      "AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => {",
      "  ConvertToPodeSseConnection({ Name: 'Events', Group: $WebEvent.Query.group });",
      '} });',
      '',
    ].join('\n'),
  );
  let diags: Map<string, string[]>;
  before(() => {
    const options = initOptions();
    expect(options.exactOptionalPropertyTypes, 'tsc --init settings').to.equal(true);
    // The repo's own sources import with .ts extensions (the package ships .d.ts instead); only the blocks' own
    // diagnostics are looked at, the package's are test:package's.
    diags = check(sources, { ...options, allowImportingTsExtensions: true, declaration: false, declarationMap: false, sourceMap: false });
  });

  it('finds the blocks', () => {
    expect(blocks.length).to.be.greaterThan(0);
    expect(blocks[0]).to.include('ConvertToPodeSseConnection');
  });

  it('each block compiles', () => {
    for (let i = 1; i <= blocks.length; i++) expect(diags.get(`test/types/readme-block-${i}.ts`), `block ${i}`).to.deep.equal([]);
  });

  it('an array-valued query string passed to a String parameter is refused (the example the README had)', () => {
    const list = diags.get('test/types/readme-old.ts')!;
    expect(list).to.have.length(1);
    expect(list[0]).to.match(/^line 3: TS2322: Type 'string \| string\[\] \| undefined' is not assignable to type /);
  });
});
