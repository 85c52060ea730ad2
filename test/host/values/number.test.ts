// PowerShell's numbers (host/values/number.ts), checked against PowerShell's own source:
// - literals: src/System.Management.Automation/engine/parser/tokenizer.cs, ScanNumberHelper (the shape: sign, 0x/0b,
//   fraction, exponent, type suffix, then multiplier) and TryGetNumberValue (the value, its type's range, two's complement);
// - strings: engine/LanguagePrimitives.cs ConvertStringToInteger → TryScanNumber → engine/parser/Parser.cs ScanNumber
//   (the trimmed string as exactly one literal, a leading sign allowed, blank text 0).
import { expect } from 'chai';
import { numberFromString, roundHalfToEven, scanNumberLiteral, type PsNumber } from '../../../host/values/number.ts';

const literal = (text: string) => {
  const m = scanNumberLiteral(text, 0);
  return m && m.end === text.length ? m.value : 'not a whole token';
};

describe('values: PowerShell numbers', () => {
  describe('one grammar (tokenizer.cs ScanNumberHelper / TryGetNumberValue)', () => {
    const cases: [string, PsNumber][] = [
      ['42', 42], ['-5', -5], ['+5', 5], ['\u20135', -5], ['\u20145', -5], ['\u20155', -5], // IsDash: en dash, em dash, horizontal bar
      ['1.5', 1.5], ['.5', 0.5], ['5.', 5], ['1.e1', 10], ['1e3', 1000], ['1.5E-2', 0.015], ['1e\u20132', 0.01],
      ['0x10', 16], ['0X1f', 31], ['-0x10', -16],
      ['0xFFFFFFFF', -1], ['0x80000000', -2147483648], ['0x0FFFFFFFF', 4294967295], ['0xFFFFFFFFFFFFFFFF', -1], // every bit: two's complement
      ['0xFFy', -1], ['0xFFuy', 255], ['0xFFFFs', -1], ['0xFFFFFFFFu', 4294967295],
      ['0b101', 5], ['0B11', 3],
      ['1kb', 1024], ['1MB', 1024 ** 2], ['1gb', 1024 ** 3], ['1tb', 1024 ** 4], ['1pb', 1024 ** 5], ['1.5kb', 1536], ['0x10kb', 16384],
      ['1l', 1], ['1ul', 1], ['1u', 1], ['1d', 1], ['1.5d', 1.5], ['255uy', 255], ['-128y', -128], ['32767s', 32767], ['65535us', 65535],
      ['10n', 10n], ['-10n', -10n], ['1.5n', 2n], ['1lkb', 1024], // type suffix, then multiplier
      ['2.5l', 2], ['3.5l', 4], ['-2.5y', -2], // a real with an integer suffix rounds half to even
    ];
    for (const [text, value] of cases) {
      it(`${text} → ${typeof value === 'bigint' ? `${value}n` : value}`, () => expect(literal(text)).to.equal(value));
    }

    it('a number-shaped token with no valid value has none (the tokenizer then reads a bareword)', () => {
      for (const text of ['300y', '-129y', '256uy', '-1u', '32768s', '5abc', '1kbl', '1x', '0x1FFFFFFFFFFFFFFFF'])
        expect(scanNumberLiteral(text, 0)?.value, text).to.equal(undefined);
    });

    it('scans from a position and reports where the token ends', () => {
      expect(scanNumberLiteral('-Depth 12,3', 7)).to.deep.equal({ end: 9, value: 12 });
      expect(scanNumberLiteral('1.2.3', 0)).to.deep.equal({ end: 3, value: 1.2 });
      expect(scanNumberLiteral('abc', 0)).to.equal(undefined);
    });
  });

  describe('strings (Parser.cs ScanNumber)', () => {
    it('read the trimmed text as one literal, sign included; blank text is 0', () => {
      const cases: [string, PsNumber][] = [
        ['', 0], ['   ', 0], [' 12 ', 12], ['\t0x10\n', 16], ['-0x10', -16], ['\u20135', -5],
        ['0xFFFFFFFF', -1], ['0b101', 5], ['10l', 10], ['7n', 7n], ['2kb', 2048], ['1e3', 1000], ['2.5', 2.5],
      ];
      for (const [text, value] of cases) expect(numberFromString(text), JSON.stringify(text)).to.equal(value);
    });

    it('refuse anything but exactly one literal', () => {
      for (const text of ['1 2', '1,000', '5abc', '300y', '1..5', '0x', '#10', '&h10', '- 5', 'Infinity', 'NaN'])
        expect(numberFromString(text), text).to.equal(undefined);
    });
  });

  it('rounds half to even, as .NET converting a real to an integer', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfToEven)).to.deep.equal([0, 2, 2, -0, -2, -2, 2, 3]);
  });
});
