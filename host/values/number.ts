// PowerShell's numbers (about_Numeric_Literals), in one place for both ways a script's text becomes one:
//
// - a literal in a `pode` command line (`-RetryDuration 0x10`), read by the tokenizer: PowerShell's
//   Tokenizer.ScanNumberHelper and TryGetNumberValue (src/System.Management.Automation/engine/parser/tokenizer.cs).
//   A token that has a number's shape but no valid value (`300y`, `5abc`) is a bareword there, not an error.
// - a string converted to a number (`{ RetryDuration: '0x10' }` bound to an Int32): LanguagePrimitives
//   ConvertStringToInteger (engine/LanguagePrimitives.cs) first tries Parser.ScanNumber (engine/parser/Parser.cs),
//   which reads the trimmed string as ONE such literal with a leading sign allowed (AllowSignedNumbers), and
//   takes empty or blank text as 0. What the scan does not accept is then left to .NET's Int32Converter and
//   Double.Parse (`#ff`, `&h10`, `1,000`): host/binder/int32.ts.
//
// The grammar: an optional sign (`+`, `-` or the dashes PowerShell also reads as minus: en dash, em dash,
// horizontal bar), then hex `0x…`, binary `0b…` or decimal digits with an optional fraction and exponent,
// then an optional type suffix (y uy s us l ul u d n) and an optional multiplier (kb mb gb tb pb), in that order.

const NUMBER =
  /([-\u2013\u2014\u2015+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-\u2013\u2014\u2015+]?\d+)?))([a-zA-Z]*)/y;
const MULTIPLIERS: Record<string, bigint> = { kb: 1n << 10n, mb: 1n << 20n, gb: 1n << 30n, tb: 1n << 40n, pb: 1n << 50n };
// Integer type suffixes: [bits, signed]. `d` (decimal) and `n` (BigInteger) are handled apart.
const INT_SUFFIXES: Record<string, readonly [number, boolean]> = {
  y: [8, true], uy: [8, false], s: [16, true], us: [16, false], l: [64, true], ul: [64, false], u: [64, false],
};
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** A number's value: a BigInteger (`n` suffix) stays a bigint, every other type is a JavaScript number. */
export type PsNumber = number | bigint;

/**
 * The numeric literal starting at `at` in `src`: where its token ends, and its value, which is undefined when
 * the token has a number's shape but is not a valid literal (a suffix that is none, a value outside its type).
 * Undefined when nothing number-like starts there. The caller decides whether the token really ends at `end`.
 */
export function scanNumberLiteral(src: string, at: number): { end: number; value: PsNumber | undefined } | undefined {
  NUMBER.lastIndex = at;
  const m = NUMBER.exec(src);
  if (!m) return undefined;
  return { end: at + m[0].length, value: literalValue(m[1]!, m[2], m[3], m[4], m[5]!.toLowerCase()) };
}

/**
 * A string as PowerShell converts it to a number (Parser.ScanNumber): the trimmed text must be exactly one numeric
 * literal; blank text is 0. Undefined when it is not one.
 */
export function numberFromString(text: string): PsNumber | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  const m = scanNumberLiteral(trimmed, 0);
  return m !== undefined && m.end === trimmed.length ? m.value : undefined;
}

/**
 * A string as TryScanNumber makes it an integer (LanguagePrimitives.cs): the literal numberFromString reads, then
 * Convert.ChangeType to the integer type, which rounds a real half to even. A decimal literal (`2.5d`) rounds
 * its exact value, as System.Decimal holds it, not the nearest double: '2.50000000000000000001d' is 3, where
 * '2.50000000000000000001' (a double, 2.5) is 2. Undefined when the text is no literal.
 */
export function integerFromString(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 0n;
  NUMBER.lastIndex = 0;
  const m = NUMBER.exec(trimmed);
  if (!m || m[0].length !== trimmed.length) return undefined;
  const [, sign, hex, bin, dec, rawSuffix] = m;
  const suffix = rawSuffix!.toLowerCase();
  const value = literalValue(sign!, hex, bin, dec, suffix);
  if (value === undefined || typeof value === 'bigint') return value;
  if (!Number.isFinite(value)) return undefined;
  if (dec !== undefined && /[.eE]/.test(dec) && /^d(?:[kmgtp]b)?$/.test(suffix)) {
    const mult = suffix.length === 3 ? MULTIPLIERS[suffix.slice(1)]! : 1n;
    return exactRound(dec.replace(/[\u2013\u2014\u2015]/, '-'), mult, sign !== '' && sign !== '+');
  }
  return BigInt(roundHalfToEven(value));
}

/** `digits` (`12.5`, `1.25e1`) times `multiplier`, rounded half to even, in exact arithmetic. */
function exactRound(digits: string, multiplier: bigint, negative: boolean): bigint {
  const [mantissa, exp = '0'] = digits.toLowerCase().split('e');
  const [int, frac = ''] = mantissa!.split('.');
  let num = BigInt((int || '0') + frac) * multiplier;
  let den = 1n;
  const scale = frac.length - Number(exp);
  if (scale > 0) den = 10n ** BigInt(scale);
  else num *= 10n ** BigInt(-scale);
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n !== 0n)) q++;
  return negative ? -q : q;
}

/** Round half to even, as .NET does converting a real to an integer (Convert.ToInt32(double), a real literal with an integer suffix). */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The value of a scanned literal (TryGetNumberValue); undefined when it is not a valid one. */
function literalValue(sign: string, hex: string | undefined, bin: string | undefined, dec: string | undefined, suffix: string): PsNumber | undefined {
  let multiplier = 1n;
  const mult = suffix.slice(-2);
  if (suffix.length >= 2 && MULTIPLIERS[mult] !== undefined) {
    multiplier = MULTIPLIERS[mult]!;
    suffix = suffix.slice(0, -2);
  }
  const intType = INT_SUFFIXES[suffix];
  if (suffix !== '' && suffix !== 'd' && suffix !== 'n' && intType === undefined) return undefined;
  const negative = sign !== '' && sign !== '+';

  let big: bigint;
  if (hex !== undefined || bin !== undefined) {
    const digits = (hex ?? bin)!;
    const width = digits.length * (hex !== undefined ? 4 : 1);
    big = BigInt((hex !== undefined ? '0x' : '0b') + digits);
    // A literal that spells out every bit of its type is two's complement: 0xFFFFFFFF is -1 (Int32).
    const bits = intType ? (intType[1] ? intType[0] : 0) : suffix === '' ? (width <= 32 ? 32 : 64) : 0;
    if (suffix === '' && width > 64) return undefined;
    if (bits && width === bits) big = BigInt.asIntN(bits, big);
  } else {
    const text = dec!.replace(/[\u2013\u2014\u2015]/, '-');
    if (/[.eE]/.test(text)) {
      let x = Number(text) * Number(multiplier);
      if (negative) x = -x;
      if (suffix === '' || suffix === 'd') return x;
      if (!Number.isFinite(x)) return undefined;
      big = BigInt(roundHalfToEven(x));
      return inRange(big, intType) ? (suffix === 'n' ? big : Number(big)) : undefined;
    }
    big = BigInt(text);
  }
  big *= multiplier;
  if (negative) big = -big;
  if (suffix === 'n') return big;
  return inRange(big, intType) ? Number(big) : undefined;
}

function inRange(v: bigint, type: readonly [number, boolean] | undefined): boolean {
  if (!type) return true;
  const [bits, signed] = type;
  if (signed) return bits === 64 ? v >= INT64_MIN && v < -INT64_MIN : v >= -(1n << BigInt(bits - 1)) && v < 1n << BigInt(bits - 1);
  return v >= 0n && v <= (bits === 64 ? UINT64_MAX : (1n << BigInt(bits)) - 1n);
}
