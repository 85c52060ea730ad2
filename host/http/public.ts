// Pode's default folders (Set-PodeDefaultFolder / Get-PodeDefaultFolder: Views, Public, Errors) and the
// public/ folder served as static content without any Add-PodeStaticRoute.
//
// Pode's order (its inbuilt middleware: __pode_mw_static_content__, Get-PodePublicMiddleware, runs before
// __pode_mw_route_validation__, which looks up static routes and then routes; both before the script's own
// middleware): a request whose path names a file (its last segment has an extension, Test-PodePathIsFile)
// that exists under the public folder (Find-PodePublicRoute) is answered with that file, whatever routes
// exist; anything else goes on to the static routes and the routes. So a route for `/page.html` is shadowed
// by public/page.html, and a route for `/data` is never shadowed (no extension: the public folder is not
// looked at). No folder is listed and no index file is tried (Pode's public lookup only takes files).
//
// The file lookup is host/http/static.ts's (a static route of prefix `/` over the folder): no `..`, no
// absolute or drive path, no NUL, no dotfile, no symlink out of the folder. Where a static route answers
// such a path with 403/400, the public folder just has no file for it: the request goes on (a 404 unless a
// route takes it), as in Pode, where a path that leads nowhere is simply not found there.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StaticRoutes } from './static.ts';
import type { StaticRoute } from './types.ts';

export const DEFAULT_FOLDER_TYPES = ['Views', 'Public', 'Errors'] as const;
export type DefaultFolderType = (typeof DEFAULT_FOLDER_TYPES)[number];

/** A server's default folders: the path set for each type (Pode's Server.DefaultFolders), and the public file lookup. */
export class DefaultFolders {
  private readonly paths = new Map<DefaultFolderType, string>([
    ['Views', 'views'],
    ['Public', 'public'],
    ['Errors', 'errors'],
  ]);
  /** The lookup for the current public folder, rebuilt when the folder changes. */
  private lookup: { root: string; statics: StaticRoutes; route: StaticRoute; exists: Promise<boolean> } | undefined;

  constructor(private readonly rootPath: string) {}

  /** The path as set (Pode's Get-PodeDefaultFolder gives back what it holds: 'views', 'public', 'errors' by default). */
  get(type: DefaultFolderType): string {
    return this.paths.get(type)!;
  }

  set(type: DefaultFolderType, path: string): void {
    this.paths.set(type, path);
  }

  /** The folder's absolute path: a relative one is from the server root. */
  resolve(type: DefaultFolderType): string {
    return resolve(this.rootPath, this.get(type));
  }

  /**
   * The public file this raw request path names, or null to let the static routes and routes have the request.
   * Only a path whose last segment has an extension is looked up, as Pode does.
   */
  async find(rawPath: string): Promise<{ file: string; route: StaticRoute } | null> {
    if (!namesFile(rawPath)) return null;
    const lookup = this.current();
    if (!(await lookup.exists)) return null;
    const match = lookup.statics.find(rawPath);
    if (match === null) return null;
    const found = await lookup.statics.resolve(match);
    return found.kind === 'file' ? { file: found.file, route: lookup.route } : null;
  }

  private current() {
    const root = this.resolve('Public');
    if (this.lookup?.root !== root) {
      const route: StaticRoute = { path: '/', folder: root, defaults: [] };
      const statics = new StaticRoutes();
      statics.add(route);
      // Whether the folder is there is asked once per folder (Pode maps it once, when the server starts).
      const exists = stat(root).then(
        (s) => s.isDirectory(),
        () => false,
      );
      this.lookup = { root, statics, route, exists };
    }
    return this.lookup;
  }
}

/** Test-PodePathIsFile: the last segment of the path has an extension (a '.' that is not its first character). */
export function namesFile(rawPath: string): boolean {
  if (rawPath.indexOf('.') < 0) return false; // most paths, found without a regular expression (every request asks)
  const q = rawPath.search(/[?#]/);
  const path = q < 0 ? rawPath : rawPath.slice(0, q);
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot > 0 && dot < last.length - 1;
}
