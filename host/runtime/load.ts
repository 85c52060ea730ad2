// Loads a user's script with no build step (tsx's loader is registered by the CLI) and turns whatever
// goes wrong into one line that names the file, line and column.
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPodeError, type PodeError } from '../errors/error.ts';
import { closestParameter } from '../cmdlet/registry.ts';

/** What tsx's loader runs (TypeScript and JavaScript, ES module or CommonJS); anything else is refused first. */
export const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export class ScriptLoadError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'ScriptLoadError';
  }
}

/**
 * Imports the script, once per process as any module is. `instance` makes this load a module of its own
 * (`?podets-instance=<instance>` on its URL), so its top level runs again: tests serve one fixture to
 * several in-process servers (test/helpers/embedded.ts). Its own imports, podets included, stay shared.
 */
export async function loadScript(file: string, instance?: string): Promise<void> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new ScriptLoadError(`Script not found: ${path}`);
  if (!SCRIPT_EXTENSIONS.includes(extname(path).toLowerCase()))
    throw new ScriptLoadError(`Cannot serve ${path}: podets serves scripts ending in ${SCRIPT_EXTENSIONS.join(' ')}.`);
  try {
    const url = pathToFileURL(path);
    if (instance !== undefined) url.searchParams.set('podets-instance', instance);
    await import(url.href);
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
  // A cmdlet's refusal is expected, not a crash: its text and id say it all, so no stack.
  if (isPodeError(err)) return new ScriptLoadError(`${where}: ${describePodeError(err)}`, `FullyQualifiedErrorId: ${err.ErrorId}`);
  return new ScriptLoadError(`${where}: ${e?.name ?? 'Error'}: ${message}`, stack);
}

/**
 * `Add-PodeRoute: <message> Did you mean 'Name'?`, as `podets bind` prints it (its FullyQualifiedErrorId
 * goes on a line of its own). The cmdlet is named once: a message that already starts with it is kept.
 */
export function describePodeError(err: PodeError): string {
  const command = err.ErrorId.split(',')[1];
  let text = command && !err.message.startsWith(`${command}:`) ? `${command}: ${err.message}` : err.message;
  if (command && err.Id === 'NamedParameterNotFound' && err.ParameterName) {
    const meant = closestParameter(command, err.ParameterName);
    if (meant) text += ` Did you mean '${meant}'?`;
  }
  return text;
}
