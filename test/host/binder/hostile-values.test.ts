// Values that fight conversion: an invalid Date, objects whose toString / valueOf / Symbol.toPrimitive throw,
// symbols, Proxies whose traps throw, getters that throw. Whatever the parameter type and call form, the binder
// answers with a PodeError naming the parameter, in PowerShell's texts ("Cannot process argument transformation
// on parameter …", ParameterBinderStrings.resx; "Cannot convert value to type System.String." when ToString fails,
// PSObject.ToStringParser in engine/MshObject.cs; "Exception getting …", ExtendedTypeSystem.resx), never a
// TypeError or RangeError.
import { expect } from 'chai';
import { bindArgs } from '../../../host/binder/bind.ts';
import { compile } from '../../../host/binder/compile.ts';
import { PodeError } from '../../../host/errors/error.ts';
import type { CmdletDecl, ParamDecl } from '../../../host/cmdlet/declare.ts';
import { pode } from '../../../host/cmdlet/template.ts';
import { ConvertToPodeSseConnection as CSC } from '../../../cmdlets/sse.ts';
import { SelectPodeChoice as Choice, TestPodeTypes as Types } from '../../fixtures/cmdlets.ts';
import { failure, js } from './helpers.ts';

const boom = () => {
  throw new Error('boom');
};
class ThrowingToString {
  toString(): string {
    throw new Error('boom');
  }
}
const revoked = () => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
};
const trapsThrow = () => new Proxy({}, { getPrototypeOf: boom, get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom });

const HOSTILE: Record<string, () => unknown> = {
  'an invalid Date': () => new Date('x'),
  'an object whose toString throws': () => ({ toString: boom }),
  'an object whose valueOf throws': () => ({ valueOf: boom }),
  'an object whose Symbol.toPrimitive throws': () => ({ [Symbol.toPrimitive]: boom }),
  'a class instance whose toString throws': () => new ThrowingToString(),
  'a symbol': () => Symbol('s'),
  'a Proxy whose traps throw': trapsThrow,
  'a revoked Proxy': revoked,
};

const typeParams = (Types.declaration as unknown as CmdletDecl<readonly ParamDecl[], unknown>).parameters.map((p) => p.name);

function outcome(fn: () => unknown): 'bound' | PodeError {
  try {
    fn();
    return 'bound';
  } catch (err) {
    if (!(err instanceof PodeError)) throw new Error(`not a PodeError: ${String(err)}`);
    return err;
  }
}

describe('binder: hostile values', () => {
  for (const [what, make] of Object.entries(HOSTILE)) {
    it(`${what}: binds or fails with a PodeError naming the parameter, for every type and call form`, () => {
      for (const name of typeParams) {
        const forms: [string, () => unknown][] = [
          ['splat', () => js(Types, { [name]: make() })],
          ['template', () => templateCall(name, make())],
        ];
        // Positionally, to the first positional parameter, Text (not last, so a plain object is not a splat).
        if (name === 'Text') forms.push(['positional', () => js(Types, make(), ['end'])]);
        for (const [form, call] of forms) {
          const result = outcome(call);
          if (result === 'bound') continue;
          // A plain object to a String binds its type name (LanguagePrimitives: a hashtable's ToString()), which
          // -Choice's ValidateSet then refuses, naming that text: the object's own code never runs.
          if (name === 'Choice' && result.ErrorId === 'ParameterArgumentValidationError,Test-PodeTypes') {
            expect(result.message, `${form} -${name}`).to.contain('The argument "System.Collections.Hashtable" does not belong to the set');
            continue;
          }
          expect(result.ErrorId, `${form} -${name}`).to.equal('ParameterArgumentTransformationError,Test-PodeTypes');
          expect(result.ParameterName, `${form} -${name}`).to.equal(name);
          expect(result.message, `${form} -${name}`).to.match(new RegExp(`^Cannot process argument transformation on parameter '${name}'\\. `));
        }
      }
    });
  }

  it('an invalid Date: the texts for String, Int32, DateTime, SwitchParameter and Hashtable', () => {
    const date = new Date('x');
    const text = (name: string) => failure(() => js(Types, { [name]: date })).message;
    expect(text('Text')).to.equal(
      `Cannot process argument transformation on parameter 'Text'. Cannot convert the "Invalid Date" value of type "System.DateTime" to type "System.String".`,
    );
    expect(text('Texts')).to.equal(
      `Cannot process argument transformation on parameter 'Texts'. Cannot convert the "Invalid Date" value of type "System.DateTime" to type "System.String".`,
    );
    expect(text('Number')).to.equal(
      `Cannot process argument transformation on parameter 'Number'. Cannot convert the "Invalid Date" value of type "System.DateTime" to type "System.Int32".`,
    );
    expect(text('When')).to.equal(
      `Cannot process argument transformation on parameter 'When'. Cannot convert value "Invalid Date" to type "System.DateTime". Error: "String 'Invalid Date' was not recognized as a valid DateTime."`,
    );
    expect(text('Switch')).to.equal(
      `Cannot process argument transformation on parameter 'Switch'. Cannot convert value "System.DateTime" to type "System.Management.Automation.SwitchParameter". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
    );
    expect(text('Table')).to.equal(
      `Cannot process argument transformation on parameter 'Table'. Cannot convert the "Invalid Date" value of type "System.DateTime" to type "System.Collections.Hashtable".`,
    );
    // Object takes any value as it is.
    expect(js(Types, { Thing: date }).BoundParameters.Thing).to.equal(date);
    // Positionally too: the first positional parameter is Text.
    expect(failure(() => js(CSC, date)).message).to.equal(
      `Cannot process argument transformation on parameter 'Name'. Cannot convert the "Invalid Date" value of type "System.DateTime" to type "System.String".`,
    );
  });

  it("a throwing toString is never called for String; elsewhere the value reads as its type's name", () => {
    const err = failure(() => js(Types, { Text: new ThrowingToString() }));
    expect(err.ErrorId).to.equal('ParameterArgumentTransformationError,Test-PodeTypes');
    expect(err.message).to.equal(`Cannot process argument transformation on parameter 'Text'. Cannot convert value to type System.String.`);
    expect(failure(() => js(Types, { Number: new ThrowingToString() })).message).to.equal(
      `Cannot process argument transformation on parameter 'Number'. Cannot convert the "System.Object" value of type "System.Object" to type "System.Int32".`,
    );
    expect(failure(() => js(Types, { Number: { toString: boom } })).message).to.equal(
      `Cannot process argument transformation on parameter 'Number'. Cannot convert the "System.Collections.Hashtable" value of type "System.Collections.Hashtable" to type "System.Int32".`,
    );
  });

  it('a Proxy whose traps throw: the trap\'s message, in InvalidCastExceptionNoStringForConversion (two spaces and all)', () => {
    expect(failure(() => js(Types, { Text: trapsThrow() })).message).to.equal(
      `Cannot process argument transformation on parameter 'Text'. Cannot convert value to type "System.String".  Error: "boom"`,
    );
    expect(failure(() => js(Types, { Numbers: revoked() })).message).to.equal(
      `Cannot process argument transformation on parameter 'Numbers'. Cannot convert value to type "System.Int32[]".  Error: "Cannot perform 'IsArray' on a proxy that has been revoked"`,
    );
  });

  it('a splat whose getter throws: ExceptionWhenGetting, naming the key', () => {
    const splat = {
      Name: 'a',
      get Scope(): string {
        throw new Error('no scope today');
      },
    };
    const err = failure(() => js(CSC, splat));
    expect(err).to.be.instanceOf(PodeError);
    expect(err.ErrorId).to.equal('ExceptionWhenGetting,ConvertTo-PodeSseConnection');
    expect(err.ParameterName).to.equal('Scope');
    expect(err.message).to.equal('Exception getting "Scope": "no scope today"');
  });

  it('arguments that cannot even be looked at (a Proxy last, whose traps throw): ParameterBindingException', () => {
    const err = failure(() => js(CSC, 'a', trapsThrow()));
    expect(err).to.be.instanceOf(PodeError);
    expect(err.ErrorId).to.equal('ParameterBindingException,ConvertTo-PodeSseConnection');
    expect(err.message).to.equal('Cannot bind the arguments: reading them threw "boom".');
    const thrown = { message: 'not an Error' };
    const odd = new Proxy({}, { getPrototypeOf: () => { throw thrown; } }); // prettier-ignore
    expect(failure(() => js(CSC, 'a', odd)).message).to.equal('Cannot bind the arguments: reading them threw "[object Object]".');
  });

  it('pipeline input whose iterator throws: BadEnumeration; a hostile piped value: the transformation error', () => {
    const iterable = {
      *[Symbol.iterator]() {
        yield 'alpha';
        throw new Error('iterator broke');
      },
    };
    const err = failure(() => Choice.pipe(iterable));
    expect(err.ErrorId).to.equal('BadEnumeration,Select-PodeChoice');
    expect(err.message).to.equal('The following exception occurred while trying to enumerate the collection: "iterator broke".');
    const bad = failure(() => Choice.pipe([new Date('x')]));
    expect(bad.ErrorId).to.equal('ParameterArgumentTransformationError,Select-PodeChoice');
    expect(bad.ParameterName).to.equal('Choice');
  });

  it('pode called as a plain function: a ParseError saying how to call it', () => {
    const err = failure(() => (pode as unknown as (s: unknown) => unknown)('Test-PodeTypes'));
    expect(err).to.be.instanceOf(PodeError);
    expect(err.ErrorId).to.equal('ParseError');
    expect(err.message).to.equal('pode is a template tag: write pode`Verb-PodeNoun -Name ${value}`, not pode(...).');
  });

  // The argument's own ToString(), not PowerShell's string form: an array is its type name, and nothing in it is
  // read (CmdletParameterBinderController, the unbound positional arguments; conformance/reparse.test.ts).
  it('a left-over array is named by its type, without reading its elements', () => {
    const err = failure(() => js(Choice, 'Alpha', ['Beta'], [[1, 2], 3, new Date('x')]));
    expect(err.ErrorId).to.equal('PositionalParameterNotFound,Select-PodeChoice');
    expect(err.message).to.equal("A positional parameter cannot be found that accepts argument 'System.Object[]'.");
  });
});

/** `pode\`Test-PodeTypes -<name>:${value}\``, with the parameter name written into the template text. */
function templateCall(name: string, value: unknown): unknown {
  const strings = Object.assign([`Test-PodeTypes -${name}:`, ''], { raw: [`Test-PodeTypes -${name}:`, ''] });
  return pode(Object.freeze(strings) as unknown as TemplateStringsArray, value);
}
