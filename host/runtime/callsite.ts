// Where a script called a cmdlet from, e.g. `server.ts:12`: the first stack frame outside podets
// itself. Duplicate-route errors quote it for both registrations, so the user sees which two lines clash.
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is host/runtime/callsite.ts (or dist/host/runtime/callsite.js): two folders up is the root of
// the source or of the compiled package.
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const ownDirs = ['host', 'cmdlets'].map((d) => packageRoot + d + sep);
const ownFiles = [packageRoot + 'index.ts', packageRoot + 'index.js'];

/** `at fn (file:///a/b.ts:3:5)` or `at file:///a/b.ts:3:5` → [file, line]. */
const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?$/;

/** `relativeTo` (the server root) shortens the path when the file lies inside it. */
export function callerSource(relativeTo?: string): string | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('node:') || file.includes(`${sep}node_modules${sep}`)) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (!isAbsolute(file)) continue;
    if (ownFiles.includes(file) || ownDirs.some((d) => file.startsWith(d))) continue;
    return `${shorten(file, relativeTo)}:${m[2]}`;
  }
  return undefined;
}

function shorten(file: string, root: string | undefined): string {
  for (const base of [root, process.cwd()]) {
    if (base === undefined) continue;
    const rel = relative(base, file);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
  }
  return file;
}
