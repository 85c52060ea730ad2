// JSON text for responses. Without a depth this is plain JSON.stringify (the fast path); with one it
// mimics ConvertTo-Json -Depth: containers nested deeper than `depth` levels below the root are
// written as their string form instead of failing or growing without bound.

export function toJson(value: unknown, depth?: number, pretty = false): string {
  let shaped = value;
  if (depth !== undefined) {
    const cap = Math.max(0, Math.floor(depth));
    // Most values are shallow plain data: a read-only check spares copying them (the hot path of a JSON route).
    if (needsShaping(value, cap, 0)) shaped = capDepth(value, cap, 0);
  }
  return JSON.stringify(shaped, null, pretty ? 2 : undefined) ?? 'null';
}

/**
 * Would capDepth write anything JSON.stringify would not? True for a container nested deeper than
 * `depth`, a Map, or a toJSON other than Date's (whose string is a leaf at any depth).
 */
function needsShaping(value: unknown, depth: number, level: number): boolean {
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (level > depth || value instanceof Map || typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsShaping(value[i], depth, level + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && needsShaping((value as Record<string, unknown>)[key], depth, level + 1)) return true;
  }
  return false;
}

function capDepth(value: unknown, depth: number, level: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Honour toJSON (Dates, custom classes) before looking inside.
  const v = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
  if (v === null || typeof v !== 'object') return v;
  if (level > depth) {
    // PowerShell flattens a too-deep array to its items joined by spaces, and an object to its type name.
    return Array.isArray(v) ? v.map(String).join(' ') : String(v);
  }
  if (Array.isArray(v)) return v.map((item) => capDepth(item, depth, level + 1));
  if (v instanceof Map) return capDepth(Object.fromEntries(v), depth, level);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) out[key] = capDepth((v as Record<string, unknown>)[key], depth, level + 1);
  return out;
}
