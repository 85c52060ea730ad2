// A route segment that mixes text and placeholders (`:name.json`, `:from-:to`), matched in time linear
// in the segment's length. It replaces the lazy regex /^(.+?)-(.+?)$/i, which backtracks: a client's
// 16,000-character segment cost it a third of a second of CPU. The captures are exactly that regex's,
// for every input: each placeholder takes the shortest non-empty text, without line terminators (as
// `.` excludes them), that still lets the rest of the segment match, earlier placeholders first; text
// compares case-insensitively as the `i` flag does (ECMAScript's Canonicalize, non-Unicode mode).

export interface SegmentPattern {
  /** The texts around the placeholders, as canonical code units: placeholders + 1 of them. */
  readonly literals: Uint16Array[];
  /** KMP failure table of each literal. */
  readonly failures: Int32Array[];
}

/** Counts the loop steps of a match, so tests can show the work is linear (no clock involved). */
export interface MatchMeter {
  steps: number;
}

/** `texts` are the literal parts: before the first placeholder, between each two, after the last. */
export function compileSegmentPattern(texts: readonly string[]): SegmentPattern {
  if (texts.length < 2) throw new Error('A segment pattern needs at least one placeholder.');
  const literals = texts.map((t) => {
    const out = new Uint16Array(t.length);
    for (let i = 0; i < t.length; i++) out[i] = canonical(t.charCodeAt(i));
    return out;
  });
  return { literals, failures: literals.map(failureTable) };
}

/** The placeholder values, or null when the segment does not match. */
export function matchSegmentPattern(pattern: SegmentPattern, seg: string, meter?: MatchMeter): string[] | null {
  const { literals, failures } = pattern;
  const groups = literals.length - 1;
  const n = seg.length;
  const first = literals[0]!;
  const last = literals[groups]!;
  let minLength = groups;
  for (const l of literals) minLength += l.length;
  if (n < minLength) return null;

  const text = new Uint16Array(n);
  for (let i = 0; i < n; i++) text[i] = canonical(seg.charCodeAt(i));
  if (!occursAt(text, first, 0) || !occursAt(text, last, n - last.length)) return null;

  // stop[a]: where a placeholder starting at `a` must end at the latest (the next line terminator).
  const stop = new Int32Array(n + 1);
  stop[n] = n;
  for (let i = n - 1; i >= 0; i--) stop[i] = isLineTerminator(text[i]!) ? i : stop[i + 1]!;
  if (meter) meter.steps += 2 * n;

  // next[i][x]: the first position >= x where literal i can start with the rest of the pattern
  // matching after it (the regex's backtracking, decided once from the right); n + 1 = nowhere.
  const none = n + 1;
  const next: Int32Array[] = new Array(groups + 1);
  const tail = new Int32Array(n + 2).fill(none);
  for (let x = n - last.length; x >= 0; x--) tail[x] = n - last.length;
  next[groups] = tail;
  if (meter) meter.steps += n;
  for (let i = groups - 1; i >= 1; i--) {
    const lit = literals[i]!;
    const starts = occurrences(text, lit, failures[i]!, meter);
    const after = next[i + 1]!;
    const table = new Int32Array(n + 2);
    table[n + 1] = none;
    for (let e = n; e >= 0; e--) {
      const a = e + lit.length;
      // Feasible: the literal is here, and a later literal can start after a non-empty placeholder
      // that meets no line terminator.
      const ok = starts[e] === 1 && after[a + 1]! <= stop[a]!;
      table[e] = ok ? e : table[e + 1]!;
    }
    if (meter) meter.steps += n;
    next[i] = table;
  }

  // Forward: each placeholder ends at the first feasible place, as the lazy regex would settle.
  const values: string[] = new Array(groups);
  let start = first.length;
  for (let i = 1; i <= groups; i++) {
    const end = next[i]![start + 1]!;
    if (end > stop[start]!) return null;
    values[i - 1] = seg.slice(start, end);
    start = end + literals[i]!.length;
  }
  if (meter) meter.steps += groups;
  return values;
}

/** Starts of every (possibly overlapping) occurrence of `lit` in `text`, as a 0/1 array of n + 1. */
function occurrences(text: Uint16Array, lit: Uint16Array, failure: Int32Array, meter?: MatchMeter): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(n + 2);
  const m = lit.length;
  if (m === 0) {
    out.fill(1, 0, n + 1);
    return out;
  }
  let k = 0;
  let steps = 0;
  for (let i = 0; i < n; i++) {
    while (k > 0 && text[i] !== lit[k]) {
      k = failure[k - 1]!;
      steps++;
    }
    if (text[i] === lit[k]) k++;
    if (k === m) {
      out[i - m + 1] = 1;
      k = failure[m - 1]!;
    }
    steps++;
  }
  if (meter) meter.steps += steps;
  return out;
}

function failureTable(lit: Uint16Array): Int32Array {
  const f = new Int32Array(lit.length);
  let k = 0;
  for (let i = 1; i < lit.length; i++) {
    while (k > 0 && lit[i] !== lit[k]) k = f[k - 1]!;
    if (lit[i] === lit[k]) k++;
    f[i] = k;
  }
  return f;
}

function occursAt(text: Uint16Array, lit: Uint16Array, at: number): boolean {
  if (at < 0 || at + lit.length > text.length) return false;
  for (let j = 0; j < lit.length; j++) if (text[at + j] !== lit[j]) return false;
  return true;
}

/** `.` in a regex without the `s` flag matches anything but these. */
const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

// Filled on first use: the upper case of every non-ASCII code unit (0 = not looked up yet; no unit
// canonicalises to 0). 128 KiB at most, whatever clients send.
let canonicalTable: Uint16Array | undefined;

/**
 * ECMAScript's Canonicalize for /i without /u: the upper case of the code unit when that is a single
 * code unit, unless it would map a non-ASCII unit into ASCII (so `ſ` does not match `s`).
 */
function canonical(c: number): number {
  if (c < 128) return c >= 97 && c <= 122 ? c - 32 : c;
  const table = (canonicalTable ??= new Uint16Array(65536));
  let out = table[c]!;
  if (out === 0) {
    const upper = String.fromCharCode(c).toUpperCase();
    out = upper.length !== 1 || upper.charCodeAt(0) < 128 ? c : upper.charCodeAt(0);
    table[c] = out;
  }
  return out;
}
