// A string to Int32 as PowerShell converts it: LanguagePrimitives.ConvertStringToInteger
// (src/System.Management.Automation/engine/LanguagePrimitives.cs, PowerShell/PowerShell@0020155), in its order:
//
// 1. TryScanNumber: Parser.ScanNumber reads the text as one numeric literal (host/values/number.ts), and
//    Convert.ChangeType makes it an Int32; a value that does not fit makes this step fail, not the conversion.
// 2. The Int32Converter (dotnet/runtime BaseNumberConverter.ConvertFrom): the trimmed text, `#hex`, `0xhex` or
//    `&hhex` through Convert.ToInt32(text, 16) (ParseNumbers.StringToInt, IsTight), else Int32.Parse with
//    NumberStyles.Integer.
// 3. Only when step 2 failed with a FormatException: ConvertNumericThroughDouble, Double.Parse with
//    NumberStyles.Float | AllowThousands (so `1,000` is 1000) and Convert.ToInt32, rounding half to even. Its own
//    failure is swallowed.
//
// The error is step 2's exception message, in InvalidCastExceptionWithInnerException.
import { integerFromString, roundHalfToEven } from '../values/number.ts';

import { OVERFLOW_INT32 } from './messages.ts';
const OVERFLOW_UINT32 = 'Value was either too large or too small for a UInt32.';
const NO_DIGITS = 'Could not find any recognizable digits.';
const EXTRA_JUNK = 'Additional non-parsable characters are at the end of the string.';
const NEGATIVE_HEX = 'String cannot contain a minus sign if the base is not 10.';
// StringToInt on an empty span: `new ArgumentOutOfRangeException(SR.ArgumentOutOfRange_IndexMustBeLess)`, whose one
// argument is the parameter name.
const EMPTY_HEX =
  "Specified argument was out of the range of valid values. (Parameter 'Index was out of range. Must be non-negative and less than the size of the collection.')";

/** A failure of step 2: its message, and whether it is a FormatException (which lets step 3 run). */
interface Failure {
  readonly message: string;
  readonly format: boolean;
}

const fits = (n: number | bigint) => n >= -2147483648 && n <= 2147483647;

/** The Int32 PowerShell makes of `text`, or the .NET message it fails with. */
export function int32FromString(text: string): number | string {
  const scanned = integerFromString(text);
  if (scanned !== undefined && fits(scanned)) return Number(scanned);
  const converted = int32Converter(text.trim());
  if (typeof converted === 'number') return converted;
  if (converted.format) {
    const viaDouble = throughDouble(text);
    if (viaDouble !== undefined) return viaDouble;
  }
  return converted.message;
}

function int32Converter(t: string): number | Failure {
  if (t[0] === '#') return hexToInt32(t.slice(1));
  if (/^(?:0x|&h)/i.test(t)) return hexToInt32(t.slice(2));
  if (/^[+-]?\d+$/.test(t)) {
    const n = BigInt(t);
    return fits(n) ? Number(n) : { message: OVERFLOW_INT32, format: false };
  }
  return { message: `The input string '${t}' was not in a correct format.`, format: true };
}

/** Convert.ToInt32(s, 16): a sign, an optional 0x, hex digits and nothing after; 32 bits wrap to negative. */
function hexToInt32(s: string): number | Failure {
  if (s === '') return { message: EMPTY_HEX, format: false };
  let i = 0;
  if (s[0] === '-') return { message: NEGATIVE_HEX, format: false };
  if (s[0] === '+') i++;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && i + 1 < s.length) i += 2;
  const start = i;
  while (i < s.length && /[0-9a-fA-F]/.test(s[i]!)) i++;
  if (i === start) return { message: NO_DIGITS, format: true };
  // GrabInts reads every digit before the junk check, so an overflow is reported first.
  const value = BigInt('0x' + s.slice(start, i));
  if (value > 0xffffffffn) return { message: OVERFLOW_UINT32, format: false };
  if (i < s.length) return { message: EXTRA_JUNK, format: true };
  return Number(BigInt.asIntN(32, value));
}

/** Double.Parse(text, Float | AllowThousands, invariant), then Convert.ToInt32(double). */
const DOUBLE_TEXT = /^\s*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function throughDouble(text: string): number | undefined {
  if (!DOUBLE_TEXT.test(text)) return undefined;
  const rounded = roundHalfToEven(Number(text.trim().replace(/,/g, '')));
  return fits(rounded) ? rounded + 0 : undefined; // + 0: no -0
}
