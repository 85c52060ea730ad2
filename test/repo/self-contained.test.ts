// A clone has nothing beside it: no test, script, bench or source file may reach into ../shared (the
// project's notes folder), by a relative path or by joining 'shared' onto the repo root's parent.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../host/help/helpers.ts';

const FOLDERS = ['test', 'scripts', 'bench', 'host', 'cmdlets', 'examples'];
const SKIP = /(^|\/)(node_modules|\.git)$/;
// `../shared`, `..\shared`, `'shared', 'seeds'`-style joins, and `shared/seeds` / `shared/spec` written out.
const INTO_SHARED = [/\.\.[/\\]+shared\b/, /['"`]shared['"`]\s*,/, /\bshared[/\\](seeds|spec|hooks)\b/];

const SELF = join(repoRoot, 'test', 'repo', 'self-contained.test.ts');
// Lines that must be found, for the test that shows the check can fail; skipped when scanning the repo.
const EXAMPLES = join(repoRoot, 'test', 'fixtures', 'repo');

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (SKIP.test(path)) continue;
    if (e.isDirectory()) yield* files(path);
    else if (e.isFile()) yield path;
  }
}

/** `file:line: text` for every line that points into ../shared. */
export function pathsIntoShared(root: string, folders: readonly string[], skip = [SELF, EXAMPLES]): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    for (const file of files(join(root, folder))) {
      if (skip.some((s) => file === s || file.startsWith(s + '/'))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (INTO_SHARED.some((re) => re.test(line))) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
    }
  }
  return found;
}

describe('the repository is self-contained', () => {
  it('no file under test/, scripts/, bench/, host/, cmdlets/ or examples/ mentions a path into ../shared', () => {
    expect(pathsIntoShared(repoRoot, FOLDERS)).to.deep.equal([]);
  });

  it('the check finds such a path (it can fail)', () => {
    const found = pathsIntoShared(repoRoot, ['test/fixtures/repo'], []);
    expect(found).to.deep.equal([
      "test/fixtures/repo/reads-shared.txt:1: readFileSync('../shared/seeds/page.txt')",
      "test/fixtures/repo/reads-shared.txt:2: join(root, '..', 'shared', 'spec')",
    ]);
  });
});
