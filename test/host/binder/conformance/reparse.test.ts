// Conformance: pairing names with values, and how left-overs and duplicates are reported.
// - ParameterBinderController.ReparseUnboundArguments (src/System.Management.Automation/engine/
//   ParameterBinderController.cs, PowerShell/PowerShell@046af59): only a name still without a value is looked up
//   there; its next argument is the value unless it is a dash-token that names a parameter (GetMatchingParameter,
//   which throws AmbiguousParameter for an ambiguous one) or carries `-name:value` (ParameterAndArgumentSpecified):
//   then MissingArgument. A paired argument is renamed to the parameter's name; BindParameter's
//   ParameterAlreadyBound reports the argument's ParameterName, so otherwise the name as typed.
// - A left-over positional argument is quoted as `$null` or its ToString() (CmdletParameterBinderController).
// - The common parameters are bound like a compiled cmdlet's: a switch's value goes through
//   ParameterBinderBase.CoerceTypeAsNeeded, whose refusal is CannotConvertArgument (ParameterBinderStrings.resx).
import { expect } from 'chai';
import { ConvertToPodeSseConnection as CSC } from '../../../../cmdlets/sse.ts';
import { failure, js, ps } from '../helpers.ts';

const CSC_ID = ',ConvertTo-PodeSseConnection';
const missing = "Missing an argument for parameter 'Name'. Specify a parameter of type 'System.String' and try again.";

describe('conformance: re-parsing a name without its value (ReparseUnboundArguments)', () => {
  it('an ambiguous dash-token after it is AmbiguousParameter for that token', () => {
    const err = failure(() => ps('ConvertTo-PodeSseConnection -Name -E'));
    expect(err.ErrorId).to.equal('AmbiguousParameter' + CSC_ID);
    expect(err.message).to.equal(
      "Parameter cannot be processed because the parameter name 'E' is ambiguous. Possible matches include: -ErrorAction -ErrorVariable.",
    );
  });

  it('a `-name:value` token after it is MissingArgument, even when the name matches nothing', () => {
    for (const line of ['ConvertTo-PodeSseConnection -Name -foo:bar', 'ConvertTo-PodeSseConnection -Name -Group:g']) {
      const err = failure(() => ps(line));
      expect(err.ErrorId, line).to.equal('MissingArgument' + CSC_ID);
      expect(err.message, line).to.equal(missing);
    }
  });

  it('a dash-token that names nothing is the value, as typed', () => {
    expect(ps('ConvertTo-PodeSseConnection -Name -foo').BoundParameters).to.deep.equal({ Name: '-foo' });
  });

  it('a name that brings its value is looked up only when bound, in argument order', () => {
    // The pairing error comes first: -E:Stop is not looked up while pairing.
    expect(failure(() => ps('ConvertTo-PodeSseConnection -E:Stop -Name')).ErrorId).to.equal('MissingArgument' + CSC_ID);
    // Named binding in order: -RetryDuration's conversion fails before -E:Stop's ambiguity is found.
    expect(failure(() => ps('ConvertTo-PodeSseConnection a -RetryDuration:abc -E:Stop')).ErrorId).to.equal('ParameterArgumentTransformationError' + CSC_ID);
    expect(failure(() => js(CSC, { Name: 'a', RetryDuration: 'abc', E: 'Stop' })).ErrorId).to.equal('ParameterArgumentTransformationError' + CSC_ID);
    expect(failure(() => ps('ConvertTo-PodeSseConnection a -E:Stop -RetryDuration:abc')).ErrorId).to.equal('AmbiguousParameter' + CSC_ID);
  });
});

describe('conformance: ParameterAlreadyBound names the parameter as the argument carries it', () => {
  const text = (name: string) =>
    `Cannot bind parameter because parameter '${name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`;
  it('as typed for a splat key or `-name:value`, renamed for a re-parsed `-name value`', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => js(CSC, { Name: 'a', NAME: 'b' }), 'NAME'],
      [() => js(CSC, 'x', { Name: 'a', na: 'b' }), 'na'],
      [() => ps('ConvertTo-PodeSseConnection -Name a -NAME:b'), 'NAME'],
      [() => ps('ConvertTo-PodeSseConnection -Name a -NA b'), 'Name'],
      [() => ps('ConvertTo-PodeSseConnection -Name a -Force -fo'), 'fo'],
    ];
    for (const [call, name] of cases) {
      const err = failure(call);
      expect(err.ErrorId).to.equal('ParameterAlreadyBound' + CSC_ID);
      expect(err.message).to.equal(text(name));
    }
  });
});

describe('conformance: a left-over positional value is quoted as PowerShell prints it', () => {
  const text = (v: string) => `A positional parameter cannot be found that accepts argument '${v}'.`;
  it('$null for null, the type name for an array or a hashtable', () => {
    const all = ['a', 'g', 'Local', 5, 'c1'];
    const cases: Array<[() => unknown, string]> = [
      [() => js(CSC, ...all, null), '$null'],
      [() => js(CSC, ...all, null, { Force: true }), '$null'],
      [() => ps('ConvertTo-PodeSseConnection a g Local 5 c1 $null'), '$null'],
      [() => js(CSC, ...all, ['x', 'y']), 'System.Object[]'],
      [() => js(CSC, ...all, ['x', 'y'], { Force: true }), 'System.Object[]'],
      [() => ps('ConvertTo-PodeSseConnection a g Local 5 c1 x,y'), 'System.Object[]'],
      [() => ps('ConvertTo-PodeSseConnection a g Local 5 c1 @{k=1}'), 'System.Collections.Hashtable'],
    ];
    for (const [call, v] of cases) {
      const err = failure(call);
      expect(err.ErrorId).to.equal('PositionalParameterNotFound' + CSC_ID);
      expect(err.message).to.equal(text(v));
    }
  });
});

describe('conformance: a common switch refuses a value with CoerceTypeAsNeeded\'s text', () => {
  const text = (from: string) =>
    `Cannot convert '${from}' to the type 'System.Management.Automation.SwitchParameter' required by parameter 'Verbose'. `;
  it('names the value\'s type, in all three call forms', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => js(CSC, 'a', { Verbose: 'yes' }), 'System.String'],
      [() => js(CSC, { Name: 'a', Verbose: [1] }), 'System.Object[]'],
      [() => ps('ConvertTo-PodeSseConnection a -Verbose:yes'), 'System.String'],
    ];
    for (const [call, from] of cases) {
      const err = failure(call);
      expect(err.ErrorId).to.equal('CannotConvertArgument' + CSC_ID);
      expect(err.message).to.equal(text(from));
    }
    // Booleans and numbers bind, as for any switch.
    expect(js(CSC, 'a', { Verbose: 1, Debug: false }).BoundParameters).to.deep.equal({ Name: 'a', Verbose: true, Debug: false });
  });
});
