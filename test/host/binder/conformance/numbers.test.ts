// Conformance: strings, arrays and hashtables given to scalar parameters.
// - A string to Int32: LanguagePrimitives.ConvertStringToInteger (src/System.Management.Automation/engine/
//   LanguagePrimitives.cs, PowerShell/PowerShell@0020155): TryScanNumber (Parser.ScanNumber, then
//   Convert.ChangeType), else the Int32Converter (dotnet/runtime BaseNumberConverter.ConvertFrom: `#`, `0x`, `&h`
//   hex through Convert.ToInt32(s, 16), i.e. ParseNumbers.StringToInt; else Int32.Parse), and after a
//   FormatException ConvertNumericThroughDouble (Double.Parse with NumberStyles.Float | AllowThousands). The error
//   is InvalidCastExceptionWithInnerException (ExtendedTypeSystem.resx) with the converter's message.
// - An array or a hashtable to a scalar: LanguagePrimitives' InvalidCastException text with the value's
//   ToString() ("System.Object[]"); to a String, a hashtable's ToString() binds, an array is refused
//   (ArgumentTypeConverterAttribute.Transform, InvalidCastCannotRetrieveString).
import { expect } from 'chai';
import { ConvertToPodeSseConnection as CSC } from '../../../../cmdlets/sse.ts';
import { failure, js, ps } from '../helpers.ts';

/** RetryDuration given the string `v` in all three call forms: the bound values, or the error messages. */
function retry(v: string): unknown[] {
  const quoted = `'${v.replace(/'/g, "''")}'`;
  return [
    () => js(CSC, 'a', 'g', 'Local', v),
    () => js(CSC, { Name: 'a', RetryDuration: v }),
    () => ps(`ConvertTo-PodeSseConnection a -RetryDuration ${quoted}`),
  ].map((call) => {
    try {
      return call().BoundParameters.RetryDuration;
    } catch (err) {
      return (err as Error).message;
    }
  });
}
const same = (v: unknown) => [v, v, v];
const cannot = (text: string, message: string) =>
  `Cannot process argument transformation on parameter 'RetryDuration'. Cannot convert value "${text}" to type "System.Int32". Error: "${message}"`;

describe('conformance: a string to Int32 (LanguagePrimitives.ConvertStringToInteger)', () => {
  it('takes thousands separators through Double.Parse, rounding half to even', () => {
    const cases: Array<[string, number]> = [['1,000', 1000], [' 1,000 ', 1000], ['-1,234.5', -1234], ['1,000.5', 1000], ['1,001.5', 1002], ['2,5', 25], ['1,000e1', 10000]];
    for (const [text, n] of cases) expect(retry(text), text).to.deep.equal(same(n));
  });

  it('takes the Int32Converter hex forms #, &h (and 0x), wrapping 32 bits to negative', () => {
    const cases: Array<[string, number]> = [['#10', 16], ['&h10', 16], ['&HFF', 255], ['#FFFFFFFF', -1], ['#0x10', 16], ['#+a', 10]];
    for (const [text, n] of cases) expect(retry(text), text).to.deep.equal(same(n));
  });

  it("reports the converter's own message (ParseNumbers, Int32.Parse), quoting the text as given", () => {
    const cases: Array<[string, string]> = [
      ['#zz', 'Could not find any recognizable digits.'],
      ['#1g', 'Additional non-parsable characters are at the end of the string.'],
      ['#100000000', 'Value was either too large or too small for a UInt32.'],
      ['0x100000000', 'Value was either too large or too small for a UInt32.'],
      ['#-1', 'String cannot contain a minus sign if the base is not 10.'],
      ['3000000000', 'Value was either too large or too small for an Int32.'],
      // Int32.Parse sees the trimmed text; the outer text quotes it as given.
      [' abc ', "The input string 'abc' was not in a correct format."],
      // Through Double.Parse, a value outside Int32 fails silently: the first error stands.
      ['3,000,000,000', "The input string '3,000,000,000' was not in a correct format."],
      [',5', "The input string ',5' was not in a correct format."],
    ];
    for (const [text, message] of cases) expect(retry(text), text).to.deep.equal(same(cannot(text, message)));
  });

  it('rounds a decimal literal exactly, and a double as the double it is', () => {
    const cases: Array<[string, number]> = [['2.50000000000000000001d', 3], ['2.50000000000000000001', 2], ['2.5d', 2], ['3.5d', 4], ['-2.5d', -2], ['0.5dkb', 512]];
    for (const [text, n] of cases) expect(retry(text), text).to.deep.equal(same(n));
  });

  it('reads every numeric literal form in a string as in a command line (Parser.ScanNumber)', () => {
    const cases: Array<[string, number]> = [['0xFFFFFFFF', -1], ['0x80000000', -2147483648], ['0b11111111111111111111111111111111', -1], ['1kb', 1024], ['10l', 10], ['255uy', 255], ['1e3', 1000], ['.5', 0], ['1.5', 2]];
    for (const [text, n] of cases) {
      expect(retry(text), text).to.deep.equal(same(n));
      expect(ps(`ConvertTo-PodeSseConnection a -RetryDuration ${text}`).BoundParameters.RetryDuration, `literal ${text}`).to.equal(n);
    }
  });
});

describe('conformance: arrays and hashtables to scalar parameters', () => {
  const int32 = (type: string) =>
    `Cannot process argument transformation on parameter 'RetryDuration'. Cannot convert the "${type}" value of type "${type}" to type "System.Int32".`;

  it('names an array or a hashtable given to an Int32 by its type name', () => {
    for (const call of [() => js(CSC, 'a', 'g', 'Local', [1, 2]), () => js(CSC, { Name: 'a', RetryDuration: [1, 2] }), () => ps('ConvertTo-PodeSseConnection a -RetryDuration 1,000')])
      expect(failure(call).message).to.equal(int32('System.Object[]'));
    for (const call of [() => js(CSC, { Name: 'a', RetryDuration: { a: 1 } }), () => ps('ConvertTo-PodeSseConnection a -RetryDuration @{a=1}')])
      expect(failure(call).message).to.equal(int32('System.Collections.Hashtable'));
  });

  it("binds a hashtable's type name to a String, and refuses an array", () => {
    expect(js(CSC, 'a', { b: 1 }, { Scope: 'Local' }).BoundParameters.Group).to.equal('System.Collections.Hashtable');
    expect(js(CSC, { Name: 'a', Group: { b: 1 } }).BoundParameters.Group).to.equal('System.Collections.Hashtable');
    expect(ps('ConvertTo-PodeSseConnection a -Group @{b=1}').BoundParameters.Group).to.equal('System.Collections.Hashtable');
    const array = "Cannot process argument transformation on parameter 'Group'. Cannot convert value to type System.String.";
    for (const call of [() => js(CSC, 'a', ['b', 'c']), () => js(CSC, { Name: 'a', Group: ['b', 'c'] }), () => ps('ConvertTo-PodeSseConnection a -Group b,c')])
      expect(failure(call).message).to.equal(array);
  });
});
