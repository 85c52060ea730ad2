// JSON text for responses. Without a depth this is plain JSON.stringify (the fast path); with one it
// mimics ConvertTo-Json -Depth: containers nested deeper than `depth` levels below the root are
// written as their string form instead of failing or growing without bound.

export function toJson(value: unknown, depth?: number, pretty = false): string {
  const shaped = depth === undefined ? value : capDepth(value, Math.max(0, Math.floor(depth)), 0);
  return JSON.stringify(shaped, null, pretty ? 2 : undefined) ?? 'null';
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
