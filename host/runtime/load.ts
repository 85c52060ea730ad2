// Loads a user's script with no build step (tsx's loader is registered by the CLI) and turns whatever
// goes wrong into one line that names the file, line and column.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export class ScriptLoadError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'ScriptLoadError';
  }
}

export async function loadScript(file: string): Promise<void> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new ScriptLoadError(`Script not found: ${path}`);
  try {
    await import(pathToFileURL(path).href);
  } catch (err) {
    throw describeLoadError(err, path);
  }
}

/** `file:line:column: message`, from esbuild's transform errors, V8's syntax errors or a thrown error's stack. */
export function describeLoadError(err: unknown, script: string): ScriptLoadError {
  const e = err as Error & { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> };
  const first = e?.errors?.[0];
  if (first?.location) {
    const { file, line, column } = first.location;
    return new ScriptLoadError(`${resolve(file)}:${line}:${column + 1}: SyntaxError: ${first.text}`);
  }
  const message = String(e?.message ?? e);
  const esbuild = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  if (esbuild) return new ScriptLoadError(`${esbuild[1]}:${esbuild[2]}:${Number(esbuild[3]) + 1}: SyntaxError: ${esbuild[4]}`);
  const stack = String(e?.stack ?? '');
  if (e instanceof SyntaxError) {
    // V8: "file:line\n<source line>\n   ^\n\nSyntaxError: message"
    const head = /^(.+?):(\d+)\n(.*)\n(\s*)\^/.exec(stack);
    if (head) return new ScriptLoadError(`${head[1]}:${head[2]}:${head[4]!.length + 1}: SyntaxError: ${message}`);
  }
  // The script's own line wins over podets' frames above it (a cmdlet that refused its arguments).
  const frames = [...stack.split('\n').slice(1).join('\n').matchAll(/\(?((?:file:\/\/)?\/[^\s()]+?):(\d+):(\d+)\)?$/gm)];
  const frame = frames.find((f) => f[1]!.replace(/^file:\/\//, '') === script) ?? frames[0];
  const where = frame ? `${frame[1]!.replace(/^file:\/\//, '')}:${frame[2]}:${frame[3]}` : script;
  return new ScriptLoadError(`${where}: ${e?.name ?? 'Error'}: ${message}`, stack);
}
