// Turns a Send-PodeSseEvent -Data value into the event's data string, the way Pode does with
// `ConvertTo-Json -Compress -Depth <n>`: a string goes as-is, anything else becomes compact JSON.
//
// Depth follows PowerShell's JsonObject.ProcessValue: the top value is level 0, every dictionary value and
// array item is one level deeper, and an object/array at a level GREATER than Depth is not expanded but
// replaced by its string form (an object -> String(obj), an array -> its items' strings joined by a space,
// like PowerShell's [string]@(1,2) == "1 2"). Scalars are never cut. Unlike ConvertTo-Json, Depth <= 0
// means "no bound" (the spec's choice).
//
// Circular references: with a bound they are simply cut at the bound (as PowerShell does, it never
// tracks identity); with no bound they would recurse forever, so the ancestors on the current path are
// tracked and a cycle throws a PodeError (SseDataCircularReference) asking for a -Depth.
//
// Beyond JSON.stringify: `undefined` (and functions/symbols) become `null` wherever they appear, so an
// object keeps all its keys; a bigint is written as its exact digits (a JSON number of any length);
// Map -> object with String(key) keys, Set -> array. toJSON() is honoured, so a Date is its ISO string
// (an invalid Date is null). NaN/Infinity are null, as in JSON.
import { PodeError } from '../binder/errors.ts';

export function toEventData(value: unknown, depth = 10, command = 'Send-PodeSseEvent'): string {
  if (typeof value === 'string') return value;
  const bound = depth > 0 ? depth : Infinity;
  const ancestors = bound === Infinity ? new Set<object>() : undefined;
  return serialize(value, 0, bound, ancestors, command);
}

function serialize(input: unknown, level: number, bound: number, ancestors: Set<object> | undefined, command: string): string {
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
  if (level > bound) return JSON.stringify(cutString(v));
  if (ancestors) {
    if (ancestors.has(v)) {
      throw new PodeError('SseDataCircularReference', command,
        'The SSE event data contains a circular reference and cannot be serialized to JSON with no depth bound; pass a -Depth greater than 0.');
    }
    ancestors.add(v);
  }
  try {
    return expand(v, level, bound, ancestors, command);
  } finally {
    ancestors?.delete(v);
  }
}

function expand(v: object, level: number, bound: number, ancestors: Set<object> | undefined, command: string): string {
  const next = level + 1;
  if (Array.isArray(v) || v instanceof Set) {
    let out = '[';
    let first = true;
    for (const item of v) {
      out += (first ? '' : ',') + serialize(item, next, bound, ancestors, command);
      first = false;
    }
    return out + ']';
  }
  let out = '{';
  let first = true;
  const add = (key: string, item: unknown) => {
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + serialize(item, next, bound, ancestors, command);
    first = false;
  };
  if (v instanceof Map) {
    for (const [key, item] of v) add(String(key), item);
  } else {
    for (const key of Object.keys(v)) add(key, (v as Record<string, unknown>)[key]);
  }
  return out + '}';
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
 * past -Depth may be nested deeper than the call stack allows. A cycle contributes '' where it closes
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
