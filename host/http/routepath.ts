// Turns a Pode route path into segments once, at registration, so matching a request never builds
// or runs a regex. Also splits request paths the same way, so both sides agree on slashes and decoding.
import { compileSegmentPattern, type SegmentPattern } from './segmentpattern.ts';

export type Segment =
  | { kind: 'static'; text: string }
  | { kind: 'param'; name: string }
  | { kind: 'pattern'; key: string; pattern: SegmentPattern; names: string[] }
  | { kind: 'wild' }
  | { kind: 'rest' };

export interface CompiledPath {
  /** Normalised, lower-cased, placeholder names blanked: `/users/:/messages/:`. Equal keys = same route. */
  key: string;
  segments: Segment[];
  /** Placeholder names in the order their values are captured. */
  paramNames: string[];
  isStatic: boolean;
}

// Pode's placeholder syntax is `:name` (word characters); `{name}` (OpenAPI style) is accepted too.
const WHOLE_PARAM = /^(?::(\w+)|\{(\w+)\})$/;
const INNER_PARAM = /:(\w+)|\{(\w+)\}/g;

export function normaliseRoutePath(path: string): string {
  let p = path.trim().replace(/\/{2,}/g, '/');
  if (!p.startsWith('/')) p = '/' + p;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function compileRoutePath(path: string): CompiledPath {
  const norm = normaliseRoutePath(path);
  const parts = norm === '/' ? [] : norm.slice(1).split('/');
  const segments: Segment[] = [];
  const paramNames: string[] = [];
  const keys: string[] = [];

  parts.forEach((part, i) => {
    if (part === '*') {
      const last = i === parts.length - 1;
      segments.push(last ? { kind: 'rest' } : { kind: 'wild' });
      keys.push(last ? '**' : '*');
      return;
    }
    const whole = WHOLE_PARAM.exec(part);
    if (whole) {
      paramNames.push((whole[1] ?? whole[2])!);
      segments.push({ kind: 'param', name: (whole[1] ?? whole[2])! });
      keys.push(':');
      return;
    }
    if (INNER_PARAM.test(part)) {
      INNER_PARAM.lastIndex = 0;
      segments.push(compilePattern(part, paramNames));
      keys.push(part.replace(INNER_PARAM, ':').toLowerCase());
      return;
    }
    segments.push({ kind: 'static', text: part.toLowerCase() });
    keys.push(part.toLowerCase());
  });

  return {
    key: '/' + keys.join('/'),
    segments,
    paramNames,
    isStatic: segments.every((s) => s.kind === 'static'),
  };
}

/**
 * `:name.json` → the texts around the placeholders (`''`, `'.json'`), for the rare segment that
 * mixes text and placeholders; matched by segmentpattern.ts like /^(.+?)\.json$/i, in linear time.
 */
function compilePattern(part: string, paramNames: string[]): Segment {
  const names: string[] = [];
  const texts: string[] = [];
  let last = 0;
  for (const m of part.matchAll(INNER_PARAM)) {
    texts.push(part.slice(last, m.index));
    names.push((m[1] ?? m[2])!);
    last = m.index! + m[0].length;
  }
  texts.push(part.slice(last));
  paramNames.push(...names);
  return { kind: 'pattern', key: part.replace(INNER_PARAM, ':').toLowerCase(), pattern: compileSegmentPattern(texts), names };
}

/**
 * A request's raw path as decoded segments. Each segment is decoded on its own, so an encoded
 * slash (`%2F`) stays inside its segment instead of creating a new one.
 */
export function splitRequestPath(raw: string): string[] {
  let p = raw.charCodeAt(0) === 47 ? raw.slice(1) : raw;
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '') return [];
  const segs = p.split('/');
  if (raw.indexOf('%') >= 0) for (let i = 0; i < segs.length; i++) segs[i] = decodeSegment(segs[i]!);
  return segs;
}

/** Percent-decodes, leaving a malformed escape as sent rather than failing the request. */
export function decodeSegment(seg: string): string {
  if (seg.indexOf('%') < 0) return seg;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
