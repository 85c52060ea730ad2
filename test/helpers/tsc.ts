// Type-checks small TypeScript sources with the compiler API, in one program (one load of the repo's types per
// suite), and returns each source's diagnostics as the text tsc prints: what a user would read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The repo's own settings (tsconfig.json). */
export function repoOptions(): ts.CompilerOptions {
  const file = join(repoRoot, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, repoRoot);
  return parsed.options;
}

/** What `tsc --init` writes today, read from a scratch folder, so a TypeScript upgrade's new defaults count. */
export function initOptions(): ts.CompilerOptions {
  const dir = mkdtempSync(join(tmpdir(), 'podets-init-'));
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '--init'], { cwd: dir, stdio: 'ignore' });
    const config = ts.parseConfigFileTextToJson('tsconfig.json', readFileSync(join(dir, 'tsconfig.json'), 'utf8')).config;
    return ts.convertCompilerOptionsFromJson(config.compilerOptions, dir).options;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Checks `sources` (file name under the repo → text, not written to disk) and returns the flattened diagnostic
 * text of each, keyed by the same name. Only the sources' own diagnostics are returned.
 */
export function check(sources: Readonly<Record<string, string>>, options: ts.CompilerOptions): Map<string, string[]> {
  const byPath = new Map(Object.entries(sources).map(([name, text]) => [join(repoRoot, name), text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, ...rest) => {
    const text = byPath.get(resolve(file));
    return text !== undefined ? ts.createSourceFile(file, text, lang) : getSourceFile(file, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => byPath.has(resolve(file)) || fileExists(file);
  const program = ts.createProgram([...byPath.keys()], { ...options, noEmit: true }, host);
  const out = new Map<string, string[]>();
  for (const [path] of byPath) {
    const file = program.getSourceFile(path)!;
    const diags = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    out.set(
      path.slice(repoRoot.length + 1),
      diags.map((d) => {
        const line = d.start === undefined ? 0 : file.getLineAndCharacterOfPosition(d.start).line + 1;
        return `line ${line}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return out;
}
