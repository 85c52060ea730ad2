// The engine's one JSON serializer, the way Pode's cmdlets run `ConvertTo-Json -Depth <n>`: responses
// (Write-PodeJsonResponse) and SSE data (Send-PodeSseEvent) give the same text for the same value.
//
// Depth follows PowerShell's JsonObject.ProcessValue: the top value is level 0, every dictionary value and
// array item is one level deeper, and an object/array at a level GREATER than the depth is not expanded but
// replaced by its string form (an object -> String(obj), an array -> its items' strings joined by a space,
// like PowerShell's [string]@(1,2) == "1 2"). Scalars are never cut. Each caller maps its own parameter to
// a depth (Infinity = no bound).
//
// Beyond JSON.stringify: `undefined` (and functions/symbols) become `null` wherever they appear, so an
// object keeps all its keys, as a hashtable's $null value does; a bigint is written as its exact digits (a
// JSON number of any length); Map -> object with String(key) keys, Set -> array. toJSON() is honoured, so a
// Date is its ISO string (an invalid Date is null). NaN/Infinity are null, as in JSON. `pretty` indents by
// two spaces with `"key": value`, as ConvertTo-Json without -Compress does.
//
// Circular references: with a bound they are simply cut at the bound (as PowerShell does, it never tracks
// identity); with no bound the ancestors on the current path are tracked and a cycle throws the caller's error.

export interface JsonOptions {
  /** Levels expanded below the top value; Infinity for no bound. */
  depth: number;
  /** Indented output (ConvertTo-Json without -Compress). */
  pretty?: boolean;
  /** The error for a cycle when there is no bound; it names the caller's command. */
  circular: () => Error;
}

interface Walk {
  bound: number;
  indent: string;
  ancestors: Set<object> | undefined;
  circular: () => Error;
}

/** The nesting below which a plain value is handed to JSON.stringify; deeper ones take the walk that tracks cycles. */
const FAST_PATH_LEVELS = 64;

export function toPsJson(value: unknown, options: JsonOptions): string {
  const bound = options.depth;
  const pretty = options.pretty === true;
  // Most values are shallow plain data, for which JSON.stringify writes exactly what the walk would (the hot
  // path of a JSON route): a read-only check spares building the text in JavaScript.
  if (isPlainJson(value, bound, 0)) return JSON.stringify(value, null, pretty ? 2 : undefined) ?? 'null';
  const walk: Walk = { bound, indent: pretty ? '  ' : '', ancestors: bound === Infinity ? new Set() : undefined, circular: options.circular };
  return serialize(value, 0, walk);
}

/** Would JSON.stringify write the same text as the walk? Only for plain data within the bound. */
function isPlainJson(value: unknown, bound: number, level: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false; // undefined, function, symbol, bigint
  }
  if (value === null || value instanceof Date) return true;
  if (level > bound || level > FAST_PATH_LEVELS) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], bound, level + 1)) return false;
    return true;
  }
  if (value instanceof Map || value instanceof Set || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return false;
  for (const key of Object.keys(value)) if (!isPlainJson((value as Record<string, unknown>)[key], bound, level + 1)) return false;
  return true;
}

function serialize(input: unknown, level: number, walk: Walk): string {
  const v = unwrap(input);
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'object': break;
    default: return 'null'; // undefined, function, symbol
  }
  if (v === null) return 'null';
  if (level > walk.bound) return JSON.stringify(cutString(v));
  const { ancestors } = walk;
  if (ancestors) {
    if (ancestors.has(v)) throw walk.circular();
    ancestors.add(v);
  }
  try {
    return expand(v, level, walk);
  } finally {
    ancestors?.delete(v);
  }
}

function expand(v: object, level: number, walk: Walk): string {
  const next = level + 1;
  // Compact: `[a,b]`. Pretty: each item on its own line, one indent deeper; an empty container stays `[]`.
  const open = walk.indent === '' ? '' : '\n' + walk.indent.repeat(next);
  const close = walk.indent === '' ? '' : '\n' + walk.indent.repeat(level);
  const colon = walk.indent === '' ? ':' : ': ';
  let out = '';
  let count = 0;
  const item = (text: string) => {
    out += (count++ === 0 ? '' : ',') + open + text;
  };
  if (Array.isArray(v) || v instanceof Set) {
    for (const entry of v) item(serialize(entry, next, walk));
    return count === 0 ? '[]' : '[' + out + close + ']';
  }
  if (v instanceof Map) {
    for (const [key, entry] of v) item(JSON.stringify(String(key)) + colon + serialize(entry, next, walk));
  } else {
    for (const key of Object.keys(v)) item(JSON.stringify(key) + colon + serialize((v as Record<string, unknown>)[key], next, walk));
  }
  return count === 0 ? '{}' : '{' + out + close + '}';
}

/** toJSON() (Dates, Buffers, user classes) and boxed primitives, as JSON.stringify treats them. */
function unwrap(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') v = toJSON.call(v, '');
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return v.valueOf();
  if (Object.prototype.toString.call(v) === '[object BigInt]') return (v as { valueOf(): bigint }).valueOf();
  return v;
}

/** An object's string form once the depth bound is passed. */
function cutString(v: object): string {
  if (Array.isArray(v) || v instanceof Set) return joinItems(v);
  return safeString(v);
}

/**
 * PowerShell's `[string]` of an array: its items' strings joined by a space, a nested array being one item
 * (its own items joined the same way). Walked with a stack of its own, not by recursion: the part of a value
 * past the depth may be nested deeper than the call stack allows. A cycle contributes '' where it closes
 * (ancestors only: the same array twice side by side is not a cycle).
 */
function joinItems(items: Iterable<unknown>): string {
  const onPath = new Set<object>([items as object]);
  const stack: { iter: Iterator<unknown>; of: object; parts: string[] }[] = [{ iter: items[Symbol.iterator](), of: items as object, parts: [] }];
  for (;;) {
    const top = stack[stack.length - 1]!;
    const next = top.iter.next();
    if (next.done) {
      onPath.delete(top.of);
      stack.pop();
      const text = top.parts.join(' ');
      if (stack.length === 0) return text;
      stack[stack.length - 1]!.parts.push(text);
      continue;
    }
    const item = next.value;
    if (Array.isArray(item) || item instanceof Set) {
      if (onPath.has(item)) top.parts.push('');
      else {
        onPath.add(item);
        stack.push({ iter: item[Symbol.iterator](), of: item, parts: [] });
      }
    } else top.parts.push(itemString(item));
  }
}

function itemString(item: unknown): string {
  if (item === null || item === undefined) return ''; // [string]$null is '' in PowerShell
  if (typeof item === 'string') return item;
  if (item instanceof Date) return Number.isNaN(item.getTime()) ? '' : item.toISOString();
  return safeString(item);
}

/** String(x) can throw (Object.create(null), a throwing toString); a data value must not crash a send. */
function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '[object Object]';
  }
}
