// A clone has nothing beside it: no test, script, bench or source file may reach into the project's notes
// folder that sits next to the repo in the developers' workspace, by a relative path or by joining its name
// onto the repo root's parent.
import { expect } from 'chai';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../host/help/helpers.ts';

const FOLDERS = ['test', 'scripts', 'bench', 'host', 'cmdlets', 'examples'];
const SKIP = /(^|\/)(node_modules|\.git)$/;
/** The notes folder's name; kept in one place so no line of this file is itself a path into it. */
const OUTSIDE = 'shared';
// A relative path up and into it (either slash), a `'<name>',` path join, and its sub-folders written out.
const INTO_OUTSIDE = [
  new RegExp(String.raw`\.\.[/\\]+${OUTSIDE}\b`),
  new RegExp(String.raw`['"\x60]${OUTSIDE}['"\x60]\s*,`),
  new RegExp(String.raw`\b${OUTSIDE}[/\\](seeds|spec|hooks)\b`),
];

const SELF = join(repoRoot, 'test', 'repo', 'self-contained.test.ts');

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (SKIP.test(path)) continue;
    if (e.isDirectory()) yield* files(path);
    else if (e.isFile()) yield path;
  }
}

/** `file:line: text` for every line that points into the folder outside the repo. */
function pathsOutside(root: string, folders: readonly string[], skip: readonly string[]): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    for (const file of files(join(root, folder))) {
      if (skip.includes(file)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (INTO_OUTSIDE.some((re) => re.test(line))) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
    }
  }
  return found;
}

describe('the repository is self-contained', () => {
  it('no file under test/, scripts/, bench/, host/, cmdlets/ or examples/ mentions a path outside the repo', () => {
    expect(pathsOutside(repoRoot, FOLDERS, [SELF])).to.deep.equal([]);
  });

  it('the check finds such a path (it can fail)', () => {
    // Written at run time into a temporary tree, so the repo itself holds no such line.
    const root = mkdtempSync(join(tmpdir(), 'podets-self-contained-'));
    try {
      mkdirSync(join(root, 'test'));
      const lines = [`readFileSync('../${OUTSIDE}/seeds/page.txt')`, `join(root, '..', '${OUTSIDE}', 'spec')`, `the ${OUTSIDE} history (not a path)`];
      writeFileSync(join(root, 'test', 'reads-outside.ts'), lines.join('\n') + '\n');
      expect(pathsOutside(root, ['test'], [])).to.deep.equal([`test/reads-outside.ts:1: ${lines[0]}`, `test/reads-outside.ts:2: ${lines[1]}`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
