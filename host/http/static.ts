// Add-PodeStaticRoute: URL prefixes mapped to folders. As in Pode, a static route is tried before the
// normal routes, and a path under its prefix with no file behind it falls through to them. Only what
// lies in the folder is served: no `..` (403), no dotfiles (`.env`, `.git/`: as if absent, so 404
// unless a route takes the path), and no symlink that leads out of the folder (as if absent).
import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { errors } from '../errors/catalog.ts';
import { logWarn } from '../log.ts';
import { normaliseRoutePath } from './routepath.ts';
import type { StaticRoute } from './types.ts';

/** Pode's server-wide defaults, used when a static route names none. */
export const DEFAULT_INDEX_FILES = ['index.html', 'index.htm', 'default.html', 'default.htm'];

export interface StaticMatch {
  route: StaticRoute;
  /** The request path after the prefix, percent-decoded. */
  rest: string;
  /** The path had a malformed percent escape (answered with 400). */
  malformed: boolean;
}

export type StaticResolution =
  /** `file` is the real path (symlinks resolved), checked to be inside the folder. */
  | { kind: 'file'; file: string; stats: Stats }
  /** Traversal (403) or a malformed path (400): answered at once, never passed on to the routes. */
  | { kind: 'refused'; status: 400 | 403 }
  /** Nothing there: let the normal routes have the request. */
  | { kind: 'missing' };

interface Entry {
  prefix: string;
  route: StaticRoute;
  root: string;
}

export class StaticRoutes {
  /** Longest prefix first, so `/assets/img` wins over `/assets`. */
  private entries: Entry[] = [];

  add(route: StaticRoute): void {
    const prefix = normaliseRoutePath(route.path).toLowerCase();
    const existing = this.entries.find((e) => e.prefix === prefix);
    if (existing) {
      throw errors.StaticPathAlreadyDefined('', {
        path: route.path,
        source: route.source,
        earlierPath: existing.route.path,
        earlierSource: existing.route.source,
      });
    }
    this.entries.push({ prefix, route, root: resolve(route.folder) });
    this.entries.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  remove(path: string): boolean {
    const prefix = normaliseRoutePath(path).toLowerCase();
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.prefix !== prefix);
    return this.entries.length !== before;
  }

  list(): StaticRoute[] {
    return this.entries.map((e) => e.route);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The static route whose prefix covers this raw request path (case-insensitive, like Pode). */
  find(rawPath: string): StaticMatch | null {
    if (this.entries.length === 0) return null;
    let path = rawPath;
    let malformed = false;
    if (rawPath.indexOf('%') >= 0) {
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        malformed = true; // resolve() answers 400
      }
    }
    const lower = path.toLowerCase();
    for (const e of this.entries) {
      const p = e.prefix;
      if (p === '/' || (lower.startsWith(p) && (lower.length === p.length || lower.charCodeAt(p.length) === 47))) {
        return { route: e.route, rest: path.slice(p === '/' ? 0 : p.length), malformed };
      }
    }
    return null;
  }

  /** The file a match points at: the file itself, or a folder's first existing default file. */
  async resolve(match: StaticMatch): Promise<StaticResolution> {
    const entry = this.entries.find((e) => e.route === match.route);
    if (!entry) return { kind: 'missing' };
    if (match.malformed) return { kind: 'refused', status: 400 };
    const target = safeJoin(entry.root, match.rest);
    if (typeof target === 'number') return { kind: 'refused', status: target };
    // Pode's file browser lists no hidden files (Get-ChildItem without -Force, src/Private/Responses.ps1);
    // here they are not served at all: .env, .git/, .htpasswd hold what a site must never give away.
    if (hasDotSegment(match.rest)) return { kind: 'missing' };

    const stats = await statOrNull(target);
    if (!stats) return { kind: 'missing' };
    if (stats.isFile()) return this.inside(entry, target, stats);
    if (stats.isDirectory() && !match.route.download) {
      for (const name of match.route.defaults ?? DEFAULT_INDEX_FILES) {
        const file = join(target, name);
        const s = await statOrNull(file);
        if (s?.isFile()) return this.inside(entry, file, s);
      }
    }
    return { kind: 'missing' };
  }

  /** The file's real path when it is inside the folder's real path; else (a symlink out) as if absent. */
  private async inside(entry: Entry, file: string, stats: Stats): Promise<StaticResolution> {
    const [real, root] = await Promise.all([realpathOrNull(file), realpathOrNull(entry.root)]);
    if (real === null || root === null) return { kind: 'missing' };
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      logWarn(`Static route ${entry.route.path}: ${file} is not served: it leads out of ${entry.root} (to ${real})`);
      return { kind: 'missing' };
    }
    return { kind: 'file', file: real, stats };
  }
}

/** A segment of the request path that names a dotfile or dot-folder (`.env`, `.git`), not `.` or `..`. */
export function hasDotSegment(rest: string): boolean {
  for (const part of rest.split(/[\\/]/)) if (part.length > 1 && part.charCodeAt(0) === 46 && part !== '..') return true;
  return false;
}

/**
 * `root` + the decoded request remainder, or a status when the remainder tries to leave the folder:
 * a `..` segment (however it was encoded), an absolute or drive path, or a NUL byte.
 */
export function safeJoin(root: string, rest: string): string | 400 | 403 {
  if (rest.includes('\0')) return 400;
  const parts = rest.split(/[\\/]+/).filter((p) => p !== '');
  for (const part of parts) if (part === '..' || isAbsolute(part) || /^[a-z]:/i.test(part)) return 403;
  const target = join(root, ...parts);
  if (target !== root && !target.startsWith(root.endsWith(sep) ? root : root + sep)) return 403;
  return target;
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
