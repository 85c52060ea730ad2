// `npm run build` (run by prepare and prepack): the package's JavaScript and declarations in dist/.
// tsc compiles index.ts, cmdlets/ and host/ (tsconfig.build.json); then the pieces tsc does not emit are
// added: the launcher (host/cli/bin.js, as is) and globals.d.ts. Declarations must not name `.ts` files
// (a consumer's compiler would then check podets' source under the consumer's settings), so their relative
// specifiers are rewritten to `.js`, which tsc leaves as written in 5.9.
// npm runs both prepare and prepack on `npm pack`: a second build of unchanged sources is skipped.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stampFile = join(dist, '.build-stamp');
const INPUTS = ['index.ts', 'globals.d.ts', 'cmdlets', 'host', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.ts', 'package.json'];

function* files(path: string): Generator<string> {
  if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) yield* files(join(path, name));
  else yield path;
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS) for (const file of files(join(root, input))) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** `from './x.ts'` and `import('./x.ts')` → `.js`, for relative specifiers only. */
export function toJsSpecifiers(text: string): string {
  return text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
}

const stamp = inputsHash();
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.error('podets build: dist/ is up to date');
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
copyFileSync(join(root, 'host/cli/bin.js'), join(dist, 'host/cli/bin.js'));
chmodSync(join(dist, 'host/cli/bin.js'), 0o755);
writeFileSync(join(dist, 'globals.d.ts'), toJsSpecifiers(readFileSync(join(root, 'globals.d.ts'), 'utf8')));
// podets' types name Node's (IncomingMessage, Buffer): the two entry points pull them in themselves, so a
// consumer whose tsconfig says `"types": []` (tsc --init) still resolves them (@types/node is a dependency).
for (const entry of ['index.d.ts', 'globals.d.ts']) {
  const file = join(dist, entry);
  writeFileSync(file, '/// <reference types="node" />\n' + readFileSync(file, 'utf8'));
}

const problems: string[] = [];
for (const file of files(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = toJsSpecifiers(readFileSync(file, 'utf8'));
  writeFileSync(file, text);
  // Nothing a consumer does not have: no source files, no test-only types.
  for (const m of text.matchAll(/(?:from|import\(|reference types=)\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1]!;
    if (/\.(c|m)?ts$/.test(spec) && !spec.endsWith('.d.ts')) problems.push(`${relative(root, file)} imports ${spec}`);
    if (/^(mocha|chai|@types\/(mocha|chai))$/.test(spec)) problems.push(`${relative(root, file)} needs ${spec}`);
  }
  if (/\b(Mocha|Chai)\./.test(text)) problems.push(`${relative(root, file)} names mocha or chai types`);
}
if (problems.length) {
  console.error(`podets build: declarations a consumer could not use:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
mkdirSync(dist, { recursive: true });
writeFileSync(stampFile, stamp);
console.error('podets build: dist/ written');
