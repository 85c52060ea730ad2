// Generates docs/Functions from the cmdlet declarations (and globals.d.ts and docs/globals.md, see globalsState): `npm run docs` writes it, `npm run docs:check`
// (or `--check`) writes nothing and exits 1 when the tree differs. `--out <dir>` targets another folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../cmdlets/index.ts';
import { allCmdlets } from '../host/cmdlet/registry.ts';
import { renderGlobals } from '../host/help/globals.ts';
import { diffDocs, docsFiles } from '../host/help/pages.ts';
import { renderGlobalsPage } from './global-fields.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv: readonly string[]): { check: boolean; out: string } {
  let check = false;
  let out = join(repoRoot, 'docs', 'Functions');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check') check = true;
    else if (a === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i]!);
    else if (a.startsWith('--out=')) out = resolve(a.slice('--out='.length));
    else throw new Error(`docs: unknown argument '${a}' (expected --check, --out <dir>)`);
  }
  return { check, out };
}

/** Removes directories left empty once stale pages are gone (a group whose cmdlets all went away). */
function pruneEmpty(dir: string, isRoot = true): void {
  for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) pruneEmpty(join(dir, d.name), false);
  if (!isRoot && readdirSync(dir).length === 0) rmdirSync(dir);
}

interface Generated {
  /** Relative to the docs tree, as diffDocs names its files. */
  rel: string;
  path: string;
  text: string;
  stale: boolean;
}

/**
 * globals.d.ts at the repo root and docs/globals.md are generated with the default docs tree (not with --out), from
 * the cmdlets and host/runtime/global-table.ts.
 */
function globalsState(out: string): Generated[] {
  if (out !== join(repoRoot, 'docs', 'Functions')) return [];
  const made: [string, string][] = [
    ['../../globals.d.ts', renderGlobals(allCmdlets())],
    ['../globals.md', renderGlobalsPage(repoRoot)],
  ];
  return made.map(([rel, text]) => {
    const path = join(out, rel);
    return { rel, path, text, stale: !existsSync(path) || readFileSync(path, 'utf8') !== text };
  });
}

function main(): number {
  const { check, out } = parseArgs(process.argv.slice(2));
  const files = docsFiles(allCmdlets());
  const diff = diffDocs(out, files);
  const generated = globalsState(out);
  for (const g of generated) if (g.stale) diff.stale.push(g.rel);
  const changed = diff.missing.length + diff.stale.length + diff.extra.length;

  if (check) {
    if (changed === 0) {
      console.log(`docs: ${files.size} files in ${out} are up to date`);
      return 0;
    }
    for (const [label, list] of [['missing', diff.missing], ['stale', diff.stale], ['extra', diff.extra]] as const)
      for (const rel of list) console.error(`${label}: ${rel}`);
    console.error(`docs: ${out} is out of date; run \`npm run docs\``);
    return 1;
  }

  for (const g of generated) if (g.stale) writeFileSync(g.path, g.text);
  for (const rel of [...diff.missing, ...diff.stale]) {
    if (generated.some((g) => g.rel === rel)) continue;
    const target = join(out, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, files.get(rel)!);
  }
  for (const rel of diff.extra) rmSync(join(out, rel));
  mkdirSync(out, { recursive: true });
  pruneEmpty(out);
  console.log(`docs: ${files.size} files in ${out} (${diff.missing.length} added, ${diff.stale.length} updated, ${diff.extra.length} removed)`);
  return 0;
}

process.exitCode = main();
