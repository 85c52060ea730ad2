// Enum-typed parameters convert as PowerShell 7's LanguagePrimitives.ConvertStringToEnum does
// (src/System.Management.Automation/engine/LanguagePrimitives.cs): Enum.Parse first (a number, or names
// separated by commas, each exact in any case), then EnumMinimumDisambiguation.EnumDisambiguate
// (engine/EnumMinimumDisambiguation.cs: a unique prefix; among several, one equal to the text), then
// EnumSingleTypeConverter.ThrowForUndefinedEnum. The texts are ExtendedTypeSystem.resx's
// InvalidCastExceptionWithInnerException, InvalidCastExceptionEnumerationNoValue and
// InvalidCastExceptionEnumerationNull around EnumExpressionEvaluatorStrings.resx's NoEnumNameMatch and
// MultipleEnumNameMatch; a script function's parameter reports them as ParameterArgumentTransformationError.
import { expect } from 'chai';
import { GetPodeSseEvent, RegisterPodeSseEvent, WritePodeHost } from '../../../cmdlets/index.ts';
import { failure, js, ps } from './helpers.ts';

const COLORS = 'Black, DarkBlue, DarkGreen, DarkCyan, DarkRed, DarkMagenta, DarkYellow, Gray, DarkGray, Blue, Green, Cyan, Red, Magenta, Yellow, White';
const color = (value: unknown) => js(WritePodeHost, 'x', { ForegroundColor: value }).BoundParameters.ForegroundColor;
const transform = (inner: string) => `Cannot process argument transformation on parameter 'ForegroundColor'. ${inner}`;

describe('binder: enum parameters', () => {
  it('take a name in any case, a unique prefix, or the member\'s number (as a number or as text)', () => {
    expect([color('Cyan'), color('cYAN'), color(' cyan '), color('Cy'), color(11), color('11'), color('+11')]).to.deep.equal(Array(7).fill('Cyan'));
    expect(ps('Write-PodeHost x -ForegroundColor dARKgre').BoundParameters.ForegroundColor).to.equal('DarkGreen');
  });

  it('OR together comma-separated names, as Enum.Parse does, and keep the result only when the enum defines it', () => {
    // Blue (9) | Red (12) = 13, Magenta; Blue (9) | Yellow (14) = 15, White.
    expect([color('Blue,Red'), color('blue, yellow')]).to.deep.equal(['Magenta', 'White']);
    expect(failure(() => color('Blue,Bogus')).message).to.include('Unable to match the identifier name Blue,Bogus to a valid enumerator name.');
  });

  it('a prefix several names share is MultipleEnumNameMatch, unless one of them equals it', () => {
    expect(failure(() => color('Dark')).message).to.equal(
      transform(
        'Cannot convert value "Dark" to type "System.ConsoleColor". Error: "The identifier name Dark cannot be processed due to the inability to differentiate between the following enumerator names: DarkBlue, DarkGreen, DarkCyan, DarkRed, DarkMagenta, DarkYellow, DarkGray. Try a more specific identifier name."',
      ),
    );
    // "Gray" is a name and also a prefix of none other: exact. (Red is a prefix of nothing else either.)
    expect(color('gray')).to.equal('Gray');
  });

  it('no match is NoEnumNameMatch, listing the names', () => {
    const err = failure(() => color('Purple'));
    expect(err.ErrorId).to.equal('ParameterArgumentTransformationError,Write-PodeHost');
    expect(err.message).to.equal(
      transform(`Cannot convert value "Purple" to type "System.ConsoleColor". Error: "Unable to match the identifier name Purple to a valid enumerator name. Specify one of the following enumerator names and try again:\n${COLORS}"`),
    );
  });

  it('a number the enum does not define is InvalidCastExceptionEnumerationNoValue, as text or as a number', () => {
    const inner = (text: string) =>
      `Cannot convert value "${text}" to type "System.ConsoleColor" due to enumeration values that are not valid. Specify one of the following enumeration values and try again. The possible enumeration values are "${COLORS.replace(/, /g, ',')}".`;
    expect(failure(() => color(16)).message).to.equal(transform(inner('16')));
    expect(failure(() => color('-1')).message).to.equal(transform(inner('-1')));
    expect(color('Blue,DarkBlue'), '9 | 1 = 9').to.equal('Blue');
  });

  // LanguagePrimitives.cs ConvertEnumerableToEnum: an array to a scalar enum parameter is its elements joined with
  // commas (a non-string converted to the enum first), converted as that one text.
  it('an array given to a scalar enum parameter is its elements joined with commas, then converted as one text', () => {
    expect(color(['Blue', 'Red'])).to.equal('Magenta');
    expect(color([9, 'Yellow']), '9 becomes "Blue" first; Blue | Yellow = White').to.equal('White');
    expect(ps('Write-PodeHost x -ForegroundColor Blue,Red').BoundParameters.ForegroundColor).to.equal('Magenta');
    expect(failure(() => color(['Bl', 'Re'])).message).to.equal(
      transform(`Cannot convert value "Bl,Re" to type "System.ConsoleColor". Error: "Unable to match the identifier name Bl,Re to a valid enumerator name. Specify one of the following enumerator names and try again:\n${COLORS}"`),
    );
    // An element that does not convert fails the whole conversion with its own text.
    expect(failure(() => color(['Blue', 99])).message).to.equal(
      transform(`Cannot convert value "99" to type "System.ConsoleColor" due to enumeration values that are not valid. Specify one of the following enumeration values and try again. The possible enumeration values are "${COLORS.replace(/, /g, ',')}".`),
    );
    // Pode's PodeClientConnectionEventType: Connect (0) | Disconnect (1) = 1, Disconnect, as PowerShell binds it.
    expect(js(RegisterPodeSseEvent, { Name: 'a', Type: ['Connect', 'Disconnect'], EventName: 'e', ScriptBlock: () => 1 }).BoundParameters.Type).to.equal('Disconnect');
  });

  it('$null is InvalidCastExceptionEnumerationNull', () => {
    expect(failure(() => color(null)).message).to.equal(
      transform(`Cannot convert null to type "System.ConsoleColor" due to enumeration values that are not valid. Specify one of the following enumeration values and try again. The possible enumeration values are "${COLORS.replace(/, /g, ',')}".`),
    );
  });

  it("Pode's own PodeClientConnectionEventType (Connect = 0, Disconnect = 1), one value or several", () => {
    const type = (value: unknown) => js(RegisterPodeSseEvent, { Name: 'a', Type: value, EventName: 'e', ScriptBlock: () => 1 }).BoundParameters.Type;
    expect([type('connect'), type('C'), type('Dis'), type(1), type('0')]).to.deep.equal(['Connect', 'Connect', 'Disconnect', 'Disconnect', 'Connect']);
    expect(js(GetPodeSseEvent, { Type: ['conn', 'd'] }).BoundParameters.Type).to.deep.equal(['Connect', 'Disconnect']);
    expect(ps('Get-PodeSseEvent -Type Connect,Disconnect').BoundParameters.Type).to.deep.equal(['Connect', 'Disconnect']);
    expect(failure(() => type('Connected')).message).to.equal(
      `Cannot process argument transformation on parameter 'Type'. Cannot convert value "Connected" to type "Pode.PodeClientConnectionEventType". Error: "Unable to match the identifier name Connected to a valid enumerator name. Specify one of the following enumerator names and try again:\nConnect, Disconnect"`,
    );
  });
});
