// Route table: method + Pode-style path (`/users/:id`). Paths are compiled once into a segment tree;
// requests for exact static paths are answered from a Map without walking the tree. Matching is
// case-insensitive like Pode's (`-imatch`), but parameter values keep the case the client sent.
import { errors } from '../errors/catalog.ts';
import type { PodeError } from '../errors/error.ts';
import { compileRoutePath, decodeSegment, splitRequestPath, type CompiledPath } from './routepath.ts';
import { matchSegmentPattern, type SegmentPattern } from './segmentpattern.ts';
import type { Route, RouteMethod } from './types.ts';
import { HTTP_METHODS } from './types.ts';

export type RouteParams = Record<string, string>;
export interface RouteFound {
  route: Route;
  params: RouteParams;
}
/** The path exists but not for this method: answer 405 with these in `Allow`. */
export interface RouteNotAllowed {
  notAllowed: string[];
}
export type RouteMatch = RouteFound | RouteNotAllowed | null;

/** A tree node: one per distinct path prefix. */
interface Node {
  statics: Map<string, Node>;
  /** Segments mixing text and placeholders (`:name.json`), matched in linear time (segmentpattern.ts). */
  patterns: Map<string, { pattern: SegmentPattern; node: Node }> | null;
  param: Node | null;
  /** A `*` segment in the middle of a path: any one segment. */
  wild: Node | null;
  /** A trailing `*`: any remaining segments, including none. */
  rest: Node | null;
  /** Routes ending here, by method. */
  routes: Map<string, Entry> | null;
}

interface Entry {
  route: Route;
  compiled: CompiledPath;
}

const newNode = (): Node => ({ statics: new Map(), patterns: null, param: null, wild: null, rest: null, routes: null });
const VALID_METHODS = new Set<string>([...HTTP_METHODS, '*']);

export class Router {
  private readonly root = newNode();
  /** `METHOD key` → entry; the key ignores placeholder names, so it also detects duplicates. */
  private readonly entries = new Map<string, Entry>();
  /** Fast path: lower-cased static path → routes by method. */
  private readonly exact = new Map<string, Map<string, Entry>>();

  add(route: Route): void {
    const method = route.method.toUpperCase();
    if (!VALID_METHODS.has(method)) {
      throw errors.InvalidRouteMethod('', { method: route.method, path: route.path });
    }
    const compiled = compileRoutePath(route.path);
    const id = `${method} ${compiled.key}`;
    const existing = this.entries.get(id);
    if (existing) throw duplicateError(method, existing.route, route);

    const stored: Route = method === route.method ? route : { ...route, method: method as RouteMethod };
    const entry: Entry = { route: stored, compiled };
    this.entries.set(id, entry);
    const node = this.nodeFor(compiled, true)!;
    (node.routes ??= new Map()).set(method, entry);
    if (compiled.isStatic) {
      let byMethod = this.exact.get(compiled.key);
      if (!byMethod) this.exact.set(compiled.key, (byMethod = new Map()));
      byMethod.set(method, entry);
    }
  }

  /** Removes the route for this method and path (placeholder names ignored); false if there was none. */
  remove(method: string, path: string): boolean {
    const m = method.toUpperCase();
    const compiled = compileRoutePath(path);
    const id = `${m} ${compiled.key}`;
    if (!this.entries.delete(id)) return false;
    this.nodeFor(compiled, false)?.routes?.delete(m);
    const byMethod = this.exact.get(compiled.key);
    if (byMethod) {
      byMethod.delete(m);
      if (byMethod.size === 0) this.exact.delete(compiled.key);
    }
    return true;
  }

  /** The registered route for this method and path, if any (placeholder names ignored). */
  get(method: string, path: string): Route | undefined {
    return this.entries.get(`${method.toUpperCase()} ${compileRoutePath(path).key}`)?.route;
  }

  list(): Route[] {
    return [...this.entries.values()].map((e) => e.route);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * `path` is the request's raw path (no query string, still percent-encoded). A specific method
   * wins over `*`; HEAD falls back to GET.
   */
  match(requestMethod: string, path: string): RouteMatch {
    const method = requestMethod.toUpperCase(); // node's are already upper-case; cmdlets may not be
    // Fast path: an exact static route. Encoded paths take the slow path, which decodes per segment.
    if (path.indexOf('%') < 0) {
      const key = path.length > 1 && path.charCodeAt(path.length - 1) === 47 ? path.slice(0, -1) : path;
      const byMethod = this.exact.get(key) ?? this.exact.get(key.toLowerCase());
      const entry = byMethod && pick(byMethod, method);
      if (entry) return { route: entry.route, params: {} };
    }

    // The tree walk reads segments straight from the path string: no split arrays per request.
    const start = path.charCodeAt(0) === 47 ? 1 : 0;
    const end = path.length > start && path.charCodeAt(path.length - 1) === 47 ? path.length - 1 : path.length;
    const values: string[] = [];
    const entry = find(this.root, path, start, end, method, values);
    if (entry) return { route: entry.route, params: bindParams(entry.compiled.paramNames, values) };

    // Not found for this method: gather what the path allows (rare, so clarity over speed here).
    const segs = splitRequestPath(path);
    const lower = segs.map((s) => s.toLowerCase());
    const allowed = new Set<string>();
    collect(this.root, segs, lower, 0, allowed);
    if (allowed.size === 0) return null;
    if (allowed.has('GET')) allowed.add('HEAD');
    return { notAllowed: [...allowed].sort() };
  }

  /** Walks (and with `create`, builds) the tree along a compiled path. */
  private nodeFor(compiled: CompiledPath, create: boolean): Node | undefined {
    let node = this.root;
    for (const seg of compiled.segments) {
      let next: Node | null | undefined;
      switch (seg.kind) {
        case 'static':
          next = node.statics.get(seg.text);
          if (!next && create) node.statics.set(seg.text, (next = newNode()));
          break;
        case 'param':
          next = node.param ?? (create ? (node.param = newNode()) : undefined);
          break;
        case 'wild':
          next = node.wild ?? (create ? (node.wild = newNode()) : undefined);
          break;
        case 'rest':
          next = node.rest ?? (create ? (node.rest = newNode()) : undefined);
          break;
        case 'pattern': {
          let p = node.patterns?.get(seg.key);
          if (!p && create) (node.patterns ??= new Map()).set(seg.key, (p = { pattern: seg.pattern, node: newNode() }));
          next = p?.node;
          break;
        }
      }
      if (!next) return undefined;
      node = next;
    }
    return node;
  }
}

function pick(routes: Map<string, Entry>, method: string): Entry | undefined {
  return routes.get(method) ?? (method === 'HEAD' ? routes.get('GET') : undefined) ?? routes.get('*');
}

/**
 * Depth-first, most specific first: static text, then patterns, then `:param`, then wildcards.
 * The segment being matched is `path[start, next '/' or end)`, percent-decoded on its own.
 */
function find(node: Node, path: string, start: number, end: number, method: string, values: string[]): Entry | undefined {
  if (start >= end) {
    const here = node.routes && pick(node.routes, method);
    if (here) return here;
    return node.rest?.routes ? pick(node.rest.routes, method) : undefined;
  }
  let slash = path.indexOf('/', start);
  if (slash < 0 || slash > end) slash = end;
  const seg = decodeSegment(path.slice(start, slash));
  const after = slash + 1;

  // Route text is stored lower-case; most requests already are, so try the segment as sent first.
  let child = node.statics.get(seg);
  if (child === undefined && node.statics.size > 0) {
    const lower = seg.toLowerCase();
    if (lower !== seg) child = node.statics.get(lower);
  }
  if (child) {
    const r = find(child, path, after, end, method, values);
    if (r) return r;
  }
  if (seg !== '') {
    if (node.patterns) {
      for (const { pattern, node: next } of node.patterns.values()) {
        const m = matchSegmentPattern(pattern, seg);
        if (m === null) continue;
        const mark = values.length;
        for (const v of m) values.push(v);
        const r = find(next, path, after, end, method, values);
        if (r) return r;
        values.length = mark;
      }
    }
    if (node.param) {
      values.push(seg);
      const r = find(node.param, path, after, end, method, values);
      if (r) return r;
      values.pop();
    }
    if (node.wild) {
      const r = find(node.wild, path, after, end, method, values);
      if (r) return r;
    }
  }
  return node.rest?.routes ? pick(node.rest.routes, method) : undefined;
}

/** Every method registered on any node the path reaches: the 405 `Allow` list. */
function collect(node: Node, segs: string[], lower: string[], i: number, out: Set<string>): void {
  if (node.rest?.routes) for (const m of node.rest.routes.keys()) out.add(m);
  if (i === segs.length) {
    if (node.routes) for (const m of node.routes.keys()) out.add(m);
    return;
  }
  const child = node.statics.get(lower[i]!);
  if (child) collect(child, segs, lower, i + 1, out);
  if (segs[i] === '') return;
  if (node.patterns) for (const p of node.patterns.values()) if (matchSegmentPattern(p.pattern, segs[i]!) !== null) collect(p.node, segs, lower, i + 1, out);
  if (node.param) collect(node.param, segs, lower, i + 1, out);
  if (node.wild) collect(node.wild, segs, lower, i + 1, out);
}

function bindParams(names: string[], values: string[]): RouteParams {
  const params: RouteParams = {};
  for (let i = 0; i < names.length; i++) params[names[i]!] = values[i] ?? '';
  return params;
}

function duplicateError(method: string, first: Route, second: Route): PodeError {
  return errors.MethodPathAlreadyDefined('', {
    method,
    path: second.path,
    source: second.source,
    earlierPath: first.path,
    earlierSource: first.source,
  });
}
