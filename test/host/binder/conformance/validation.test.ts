// Conformance: validation, in PowerShell's order. ParameterBinderBase.BindParameter
// (src/System.Management.Automation/engine/ParameterBinderBase.cs, PowerShell/PowerShell@05cab7f) runs every
// ValidationAttribute ("Now do the data validation") and only then, `if (parameterMetadata.IsMandatoryInSomeParameterSet)`,
// ValidateNullOrEmptyArgument, which for an array type checks each element against the element type and then
// emptiness, and does nothing more for a scalar type such as Object. Texts: ParameterBinderStrings.resx and
// Metadata.resx (ValidateNotNullOrEmptyFailure, ValidateNotNullOrEmptyCollectionFailure, ValidateSetFailure).
import { expect } from 'chai';
import { RemovePodeRoute as Remove } from '../../../../cmdlets/routes.ts';
import { RegisterPodeSseEvent as Register, TestPodeSseEvent as TestSse } from '../../../../cmdlets/sse.ts';
import { InvokePodeProbe as Probe, TestPodeSetMandatory as SM, TestPodeValidation as V } from '../../../fixtures/cmdlets.ts';
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
    // A shipped cmdlet: Remove-PodeRoute -Method is a Mandatory String with a ValidateSet.
    const err = failure(() => ps("Remove-PodeRoute -Method '' -Path '/x'"));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationError,Remove-PodeRoute');
    expect(err.message).to.contain(`The argument "" does not belong to the set`);
    expect(failure(() => js(Remove, { Method: '', Path: '/x' })).message).to.equal(err.message);
    expect(failure(() => js(Remove, '', '/x')).message).to.equal(err.message);
    // Register-PodeSseEvent -Type is a [Pode.PodeClientConnectionEventType], as Pode declares it: '' fails the type
    // conversion (ArgumentTypeConverterAttribute), which BindParameter runs before any validation attribute.
    expect(failure(() => ps("Register-PodeSseEvent -Type '' -ScriptBlock $null")).ErrorId).to.equal('ParameterArgumentTransformationError,Register-PodeSseEvent');
    expect(failure(() => js(Register, { Type: '' })).ErrorId).to.equal('ParameterArgumentTransformationError,Register-PodeSseEvent');
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

  it('checks an enum array (value-type elements) for emptiness: Test-PodeSseEvent -Type', () => {
    for (const call of [() => js(TestSse, null, []), () => js(TestSse, { Type: [] }), () => ps('Test-PodeSseEvent -Type @()')]) {
      const err = failure(call);
      expect(err.ErrorId).to.equal('ParameterArgumentValidationErrorEmptyArrayNotAllowed,Test-PodeSseEvent');
      expect(err.message).to.equal("Cannot bind argument to parameter 'Type' because it is an empty array.");
    }
    expect(js(TestSse, { Type: ['connect'] }).BoundParameters).to.deep.equal({ Type: ['Connect'] });
  });
});

// CompiledCommandParameter.ProcessParameterAttribute sets IsMandatoryInSomeParameterSet for any [Parameter()] with
// Mandatory, and BindParameter runs ValidateNullOrEmptyArgument on that flag alone, as each argument binds and
// before a set is chosen: a parameter Mandatory in one of its sets is checked in a call that ends in another.
describe('conformance: a parameter Mandatory in some set (CompiledCommandParameter.IsMandatoryInSomeParameterSet)', () => {
  const SID = (id: string) => `${id},Test-PodeSetMandatory`;
  it("'' and $null are refused in the set where it is not Mandatory too", () => {
    const cases: Array<[() => unknown, string]> = [
      [() => js(SM, { Label: '', Labels: ['a'] }), 'ParameterArgumentValidationErrorEmptyStringNotAllowed'],
      [() => js(SM, { Label: '', Labels: ['a'], Loose: true }), 'ParameterArgumentValidationErrorEmptyStringNotAllowed'],
      [() => ps("Test-PodeSetMandatory -Label '' -Loose"), 'ParameterArgumentValidationErrorEmptyStringNotAllowed'],
      // $null becomes '' in the conversion to String, which comes first.
      [() => js(SM, { Label: null }), 'ParameterArgumentValidationErrorEmptyStringNotAllowed'],
      [() => js(SM, { Labels: null }), 'ParameterArgumentValidationErrorNullNotAllowed'],
      [() => ps('Test-PodeSetMandatory -Labels $null -Loose'), 'ParameterArgumentValidationErrorNullNotAllowed'],
      [() => js(SM, { Labels: ['a', ''] }), 'ParameterArgumentValidationErrorEmptyStringNotAllowed'],
      [() => ps("Test-PodeSetMandatory -Labels a,'' -Loose"), 'ParameterArgumentValidationErrorEmptyStringNotAllowed'],
      [() => js(SM, { Labels: [] }), 'ParameterArgumentValidationErrorEmptyArrayNotAllowed'],
      [() => ps('Test-PodeSetMandatory -Labels @() -Loose'), 'ParameterArgumentValidationErrorEmptyArrayNotAllowed'],
    ];
    for (const [call, id] of cases) expect(failure(call).ErrorId).to.equal(SID(id));
  });

  it('is required only in its Mandatory set, and binds a value in either', () => {
    expect(js(SM, {}).ParameterSetName).to.equal('Loose');
    expect(js(SM, { Label: 'x' }).ParameterSetName).to.equal('Loose');
    expect(ps('Test-PodeSetMandatory -Label x -Labels y -Strict').ParameterSetName).to.equal('Strict');
    expect(failure(() => js(SM, { Strict: true })).ErrorId).to.equal(SID('MissingMandatoryParameter'));
  });
});
