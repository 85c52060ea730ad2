// Conformance: validation, in PowerShell's order. ParameterBinderBase.BindParameter
// (src/System.Management.Automation/engine/ParameterBinderBase.cs, PowerShell/PowerShell@05cab7f) runs every
// ValidationAttribute ("Now do the data validation") and only then, `if (parameterMetadata.IsMandatoryInSomeParameterSet)`,
// ValidateNullOrEmptyArgument, which for an array type checks each element against the element type and then
// emptiness, and does nothing more for a scalar type such as Object. Texts: ParameterBinderStrings.resx and
// Metadata.resx (ValidateNotNullOrEmptyFailure, ValidateNotNullOrEmptyCollectionFailure, ValidateSetFailure).
import { expect } from 'chai';
import { RegisterPodeSseEvent as Register } from '../../../../cmdlets/sse.ts';
import { InvokePodeProbe as Probe, TestPodeValidation as V } from '../../../fixtures/cmdlets.ts';
import { failure, js, ps } from '../helpers.ts';

const ID = (id: string) => `${id},Test-PodeValidation`;
const NNOE = 'The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.';
const NNOE_COLLECTION =
  'The argument is null, empty, or an element of the argument collection contains a null value. Supply a collection that does not contain any null values and then try the command again.';
const notInSet = (v: string, set: string) =>
  `The argument "${v}" does not belong to the set "${set}" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`;
const invalid = (name: string, inner: string) => `Cannot validate argument on parameter '${name}'. ${inner}`;

/** Each call form with Level, Items and Table given (the template spells the values as PowerShell would). */
function forms(level: [unknown, string], items: [unknown, string], table: [unknown, string]) {
  return [
    () => js(V, level[0], items[0], table[0]),
    () => js(V, { Level: level[0], Items: items[0], Table: table[0] }),
    () => ps(`Test-PodeValidation -Level ${level[1]} -Items ${items[1]} -Table ${table[1]}`),
  ];
}
const OK_ITEMS: [unknown, string] = [[1], '1'];
const OK_TABLE: [unknown, string] = [{ a: 1 }, '@{a=1}'];

describe('conformance: validation attributes before the mandatory checks (ParameterBinderBase.BindParameter)', () => {
  it("'' to a mandatory String with ValidateSet is the ValidateSet failure, not EmptyStringNotAllowed", () => {
    for (const call of forms(['', "''"], OK_ITEMS, OK_TABLE)) {
      const err = failure(call);
      expect(err.ErrorId).to.equal(ID('ParameterArgumentValidationError'));
      expect(err.message).to.equal(invalid('Level', notInSet('', 'Low,High')));
    }
    // A shipped cmdlet: Register-PodeSseEvent -Type is Mandatory with a ValidateSet.
    const err = failure(() => ps("Register-PodeSseEvent -Type '' -ScriptBlock $null"));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationError,Register-PodeSseEvent');
    expect(err.message).to.contain(`The argument "" does not belong to the set`);
    expect(failure(() => js(Register, { Type: '' })).message).to.equal(err.message);
  });

  it('$null to a mandatory Hashtable with ValidateNotNullOrEmpty is ValidateNotNullOrEmpty, not NullNotAllowed', () => {
    for (const call of forms(['Low', 'Low'], OK_ITEMS, [null, '$null'])) {
      const err = failure(call);
      expect(err.ErrorId).to.equal(ID('ParameterArgumentValidationError'));
      expect(err.message).to.equal(invalid('Table', NNOE));
    }
  });
});

describe('conformance: ValidateNotNullOrEmpty on a collection (Attributes.cs ValidateNotNullOrEmptyAttribute.Validate)', () => {
  it('an empty hashtable has the collection text', () => {
    for (const call of forms(['Low', 'Low'], OK_ITEMS, [{}, '@{}'])) expect(failure(call).message).to.equal(invalid('Table', NNOE_COLLECTION));
  });

  it('an empty array, or one with an empty string, has the collection text', () => {
    const base = { Level: 'Low', Items: [1], Table: { a: 1 } };
    for (const [v, text] of [[[], '@()'], [['a', ''], "a,''"]] as const) {
      expect(failure(() => js(V, 'Low', [1], { a: 1 }, { Names: v })).message).to.equal(invalid('Names', NNOE_COLLECTION));
      expect(failure(() => js(V, { ...base, Names: v })).message).to.equal(invalid('Names', NNOE_COLLECTION));
      expect(failure(() => ps(`Test-PodeValidation Low 1 @{a=1} -Names ${text}`)).message).to.equal(invalid('Names', NNOE_COLLECTION));
    }
  });
});

describe('conformance: mandatory collections (ParameterBinderBase.ValidateNullOrEmptyArgument)', () => {
  it('checks each element of an Object[] for null, then emptiness', () => {
    let calls = forms(['Low', 'Low'], [[1, null], '1,$null'], OK_TABLE);
    for (const call of calls) {
      const err = failure(call);
      expect(err.ErrorId).to.equal(ID('ParameterArgumentValidationErrorNullNotAllowed'));
      expect(err.message).to.equal("Cannot bind argument to parameter 'Items' because it is null.");
    }
    calls = forms(['Low', 'Low'], [[], '@()'], OK_TABLE);
    for (const call of calls) {
      const err = failure(call);
      expect(err.ErrorId).to.equal(ID('ParameterArgumentValidationErrorEmptyArrayNotAllowed'));
      expect(err.message).to.equal("Cannot bind argument to parameter 'Items' because it is an empty array.");
    }
    // '' is checked only against a String element type: an Object[] takes it.
    for (const call of forms(['Low', 'Low'], [['', 1], "'',1"], OK_TABLE)) expect(call().BoundParameters.Items).to.deep.equal(['', 1]);
  });

  it("checks each element of a String[] for ''", () => {
    for (const call of [() => js(Probe, 'x', { Name: ['a', ''] }), () => ps("Invoke-PodeProbe x -Name a,''")]) {
      const err = failure(call);
      expect(err.ErrorId).to.equal('ParameterArgumentValidationErrorEmptyStringNotAllowed,Invoke-PodeProbe');
      expect(err.message).to.equal("Cannot bind argument to parameter 'Name' because it is an empty string.");
    }
  });

  it('binds an empty array to a mandatory Object parameter (no collection type there)', () => {
    expect(js(Probe, []).BoundParameters).to.deep.equal({ Data: [] });
    expect(js(Probe, { Data: [] }).BoundParameters).to.deep.equal({ Data: [] });
    expect(ps('Invoke-PodeProbe @()').BoundParameters).to.deep.equal({ Data: [] });
  });
});
