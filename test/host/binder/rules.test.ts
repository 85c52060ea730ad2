// Every rule of the binder spec (podets' binder.md, kept with the project notes), in each call form it applies to.
import { expect } from 'chai';
import { ConvertToPodeSseConnection as CSC } from '../../../cmdlets/sse.ts';
import { pode } from '../../../host/cmdlet/template.ts';
import { InvokePodeProbe as Probe, SelectPodeChoice as Choice, SetPodeSets as Sets } from '../../fixtures/cmdlets.ts';
import { failure, js, ps } from './helpers.ts';

const CSC_ID = ',ConvertTo-PodeSseConnection';

describe('binder: names', () => {
  it('matches case-insensitively', () => {
    expect(ps('convertto-podesseconnection -nAmE a').BoundParameters).to.deep.equal({ Name: 'a' });
    expect(js(CSC, { nAmE: 'a' }).BoundParameters).to.deep.equal({ Name: 'a' });
  });

  it('matches an unambiguous prefix', () => {
    const expected = { Name: 'a', RetryDuration: 5, Force: true };
    expect(ps('ConvertTo-PodeSseConnection -n a -r 5 -f').BoundParameters).to.deep.equal(expected);
    expect(js(CSC, { n: 'a', r: 5, f: true }).BoundParameters).to.deep.equal(expected);
  });

  it('matches aliases of common parameters', () => {
    expect(ps('ConvertTo-PodeSseConnection a -ea Stop -vb').BoundParameters).to.deep.equal({ ErrorAction: 'Stop', Verbose: true, Name: 'a' });
    expect(js(CSC, 'a', { proga: 'SilentlyContinue' }).BoundParameters).to.deep.equal({ Name: 'a', ProgressAction: 'SilentlyContinue' });
  });

  it('prefers the one own parameter among several prefix matches', () => {
    // -De matches Depth (own) and Debug (common): the cmdlet's own wins.
    expect(ps('Invoke-PodeProbe x -De 3').BoundParameters).to.deep.equal({ Depth: 3, Data: 'x' });
    expect(js(Probe, 'x', { De: 3 }).BoundParameters).to.deep.equal({ Data: 'x', Depth: 3 });
  });

  it('reports AmbiguousParameter listing own parameters first, then common ones', () => {
    for (const err of [failure(() => ps('Invoke-PodeProbe x -D 3')), failure(() => js(Probe, 'x', { D: 3 }))]) {
      expect(err.ErrorId).to.equal('AmbiguousParameter,Invoke-PodeProbe');
      expect(err.message).to.equal(
        "Parameter cannot be processed because the parameter name 'D' is ambiguous. Possible matches include: -Data -Depth -Debug.",
      );
    }
    const e = failure(() => ps('ConvertTo-PodeSseConnection -Name a -E Stop'));
    expect(e.ErrorId).to.equal('AmbiguousParameter' + CSC_ID);
    expect(e.message).to.equal(
      "Parameter cannot be processed because the parameter name 'E' is ambiguous. Possible matches include: -ErrorAction -ErrorVariable.",
    );
  });

  it('reports NamedParameterNotFound with the name as typed', () => {
    for (const err of [failure(() => ps('ConvertTo-PodeSseConnection -Nme x')), failure(() => js(CSC, { Nme: 'x' }))]) {
      expect(err.ErrorId).to.equal('NamedParameterNotFound' + CSC_ID);
      expect(err.message).to.equal("A parameter cannot be found that matches parameter name 'Nme'.");
    }
  });
});

describe('binder: pairing', () => {
  it('never lets a switch consume the next token', () => {
    expect(ps('ConvertTo-PodeSseConnection -Name a -Force $false').BoundParameters).to.deep.equal({ Name: 'a', Force: true, Group: 'False' });
  });

  it('binds -Switch:$false as false', () => {
    expect(ps('ConvertTo-PodeSseConnection -Name a -Force:$false').BoundParameters).to.deep.equal({ Name: 'a', Force: false });
    expect(js(CSC, { Name: 'a', Force: false }).BoundParameters).to.deep.equal({ Name: 'a', Force: false });
  });

  it('binds -Name:value', () => {
    expect(ps('ConvertTo-PodeSseConnection -Name:a -RetryDuration:7').BoundParameters).to.deep.equal({ Name: 'a', RetryDuration: 7 });
  });

  it('reports MissingArgument at the end of the line', () => {
    const err = failure(() => ps('ConvertTo-PodeSseConnection -Name'));
    expect(err.ErrorId).to.equal('MissingArgument' + CSC_ID);
    expect(err.message).to.equal("Missing an argument for parameter 'Name'. Specify a parameter of type 'System.String' and try again.");
  });

  it('reports MissingArgument when the next token names a parameter', () => {
    const err = failure(() => ps('ConvertTo-PodeSseConnection -RetryDuration -Name a'));
    expect(err.ErrorId).to.equal('MissingArgument' + CSC_ID);
    expect(err.message).to.equal("Missing an argument for parameter 'RetryDuration'. Specify a parameter of type 'System.Int32' and try again.");
  });

  it('takes a dash-token that matches nothing as the value', () => {
    expect(ps('ConvertTo-PodeSseConnection -Name -foo').BoundParameters).to.deep.equal({ Name: '-foo' });
  });

  it('treats -5, quoted dashes and everything after -- as values', () => {
    expect(ps('ConvertTo-PodeSseConnection a -Group -5').BoundParameters).to.deep.equal({ Group: '-5', Name: 'a' });
    expect(ps("ConvertTo-PodeSseConnection '-Name'").BoundParameters).to.deep.equal({ Name: '-Name' });
    expect(ps('ConvertTo-PodeSseConnection -- -Name -Group').BoundParameters).to.deep.equal({ Name: '-Name', Group: '-Group' });
  });

  it('never treats a JS argument as a parameter name', () => {
    expect(js(CSC, '-Name', '-Force').BoundParameters).to.deep.equal({ Name: '-Name', Group: '-Force' });
  });
});

describe('binder: named then positional', () => {
  it('binds named parameters first', () => {
    expect(ps('ConvertTo-PodeSseConnection x -Name y').BoundParameters).to.deep.equal({ Name: 'y', Group: 'x' });
    expect(js(CSC, 'x', { Name: 'y' }).BoundParameters).to.deep.equal({ Name: 'y', Group: 'x' });
  });

  // The name reported is the argument's ParameterName (ParameterBinderController.BindParameter): `-n b` was paired
  // by ReparseUnboundArguments, which renames it to Name; a splat key or `-n:b` keeps the name as typed.
  it('reports ParameterAlreadyBound for a name given twice, also through a prefix or alias', () => {
    for (const [err, name] of [
      [failure(() => ps('ConvertTo-PodeSseConnection -Name a -Name b')), 'Name'],
      [failure(() => ps('ConvertTo-PodeSseConnection -Name a -n b')), 'Name'],
      [failure(() => ps('ConvertTo-PodeSseConnection -Name a -n:b')), 'n'],
      [failure(() => js(CSC, { Name: 'a', nam: 'b' })), 'nam'],
    ] as const) {
      expect(err.ErrorId).to.equal('ParameterAlreadyBound' + CSC_ID);
      expect(err.message).to.equal(
        `Cannot bind parameter because parameter '${name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`,
      );
    }
  });

  it('numbers non-switch parameters automatically when none declares a Position', () => {
    const expected = { Name: 'a', Group: 'g', Scope: 'Local', RetryDuration: 5, ClientId: 'c1' };
    expect(ps('ConvertTo-PodeSseConnection a g Local 5 c1').BoundParameters).to.deep.equal(expected);
    expect(js(CSC, 'a', 'g', 'Local', 5, 'c1').BoundParameters).to.deep.equal(expected);
  });

  it('uses explicit positions when declared', () => {
    expect(ps('Invoke-PodeProbe hi -Name Actions').BoundParameters).to.deep.equal({ Name: ['Actions'], Data: 'hi' });
  });

  it('reports a left-over value as PositionalParameterNotFound', () => {
    for (const err of [
      failure(() => ps('ConvertTo-PodeSseConnection a g Local 5 c1 x')),
      failure(() => js(CSC, 'a', 'g', 'Local', 5, 'c1', 'x')),
    ]) {
      expect(err.ErrorId).to.equal('PositionalParameterNotFound' + CSC_ID);
      expect(err.message).to.equal("A positional parameter cannot be found that accepts argument 'x'.");
    }
    // switches are never positional
    expect(failure(() => ps('Invoke-PodeProbe a b')).message).to.equal("A positional parameter cannot be found that accepts argument 'b'.");
  });
});

describe('binder: the trailing plain object', () => {
  it('is a splat when the parameter it would bind to does not take objects', () => {
    expect(js(CSC, { Name: 'a', Scope: 'Local', AllowAllOrigins: true }).BoundParameters).to.deep.equal({
      Name: 'a',
      Scope: 'Local',
      AllowAllOrigins: true,
    });
    expect(js(CSC, 'a', { Scope: 'Local' }).BoundParameters).to.deep.equal({ Scope: 'Local', Name: 'a' });
  });

  it('is the value of an object parameter when one of its keys names no parameter', () => {
    expect(js(Probe, { ok: true }).BoundParameters).to.deep.equal({ Data: { ok: true } });
    expect(js(Probe, {}).BoundParameters).to.deep.equal({ Data: {} });
  });

  it('counts only whole names and aliases, not prefixes, when deciding', () => {
    // `status` is a prefix of no Probe parameter, `Dat` is a prefix of Data: both are data, not splats.
    expect(js(Probe, { Dat: 1 }).BoundParameters).to.deep.equal({ Data: { Dat: 1 } });
    expect(js(Probe, { data: 1, ID: 'x' }).BoundParameters).to.deep.equal({ Data: 1, Id: 'x' });
  });

  it('is a splat when every key names a parameter', () => {
    expect(js(Probe, { Data: 1, Depth: 2 }).BoundParameters).to.deep.equal({ Data: 1, Depth: 2 });
    expect(js(Probe, { Data: { Name: 'bob' } }).BoundParameters).to.deep.equal({ Data: { Name: 'bob' } });
  });

  it('skips keys whose value is undefined', () => {
    expect(js(CSC, { Name: 'a', Group: undefined }).BoundParameters).to.deep.equal({ Name: 'a' });
  });

  it('is a positional value when it is not last', () => {
    expect(js(Probe, { Name: 'x' }, { Depth: 1 }).BoundParameters).to.deep.equal({ Depth: 1, Data: { Name: 'x' } });
  });
});

describe('binder: parameter sets', () => {
  it('chooses the default set when several remain', () => {
    expect(js(Probe, 'x').ParameterSetName).to.equal('WebEvent');
    expect(ps('Invoke-PodeProbe x').ParameterSetName).to.equal('WebEvent');
  });

  it('narrows by the bound parameters', () => {
    expect(ps('Invoke-PodeProbe hi -Name Actions -Group admins')).to.deep.equal({
      ParameterSetName: 'Name',
      BoundParameters: { Name: ['Actions'], Group: ['admins'], Data: 'hi' },
    });
    expect(js(Probe, 'x', { FromEvent: true }).ParameterSetName).to.equal('WebEvent');
  });

  it('reports AmbiguousParameterSet for parameters of different sets, even a switch bound to false', () => {
    for (const err of [
      failure(() => ps('Invoke-PodeProbe -Data x -Name a -FromEvent')),
      failure(() => ps('Invoke-PodeProbe -Data x -Name a -FromEvent:$false')),
      failure(() => js(Probe, 'x', { Name: 'a', FromEvent: false })),
    ]) {
      expect(err.ErrorId).to.equal('AmbiguousParameterSet,Invoke-PodeProbe');
      expect(err.message).to.equal(
        'Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.',
      );
    }
  });

  it('without a default, drops sets missing a mandatory parameter', () => {
    expect(js(Sets, { Path: 'p' }).ParameterSetName).to.equal('File');
    expect(js(Sets, { Script: () => 1 }).ParameterSetName).to.equal('Script');
    expect(failure(() => js(Sets, { Count: 2 })).ErrorId).to.equal('AmbiguousParameterSet,Set-PodeSets');
  });

  it('reports __AllParameterSets for a cmdlet without sets', () => {
    expect(js(CSC, 'a').ParameterSetName).to.equal('__AllParameterSets');
  });
});

describe('binder: mandatory parameters', () => {
  it('lists missing ones of the chosen set in declaration order', () => {
    for (const err of [failure(() => ps('Invoke-PodeProbe -Group admins')), failure(() => js(Probe, { Group: 'admins' }))]) {
      expect(err.ErrorId).to.equal('MissingMandatoryParameter,Invoke-PodeProbe');
      expect(err.message).to.equal('Cannot process command because of one or more missing mandatory parameters: Data Name.');
    }
    expect(failure(() => js(CSC)).message).to.equal('Cannot process command because of one or more missing mandatory parameters: Name.');
  });

  it('rejects null, an empty string and an empty array', () => {
    let err = failure(() => js(Probe, null));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationErrorNullNotAllowed,Invoke-PodeProbe');
    expect(err.message).to.equal("Cannot bind argument to parameter 'Data' because it is null.");
    err = failure(() => ps("ConvertTo-PodeSseConnection -Name ''"));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationErrorEmptyStringNotAllowed' + CSC_ID);
    expect(err.message).to.equal("Cannot bind argument to parameter 'Name' because it is an empty string.");
    err = failure(() => js(Probe, 'x', { Name: [] }));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationErrorEmptyArrayNotAllowed,Invoke-PodeProbe');
    expect(err.message).to.equal("Cannot bind argument to parameter 'Name' because it is an empty array.");
  });
});

describe('binder: conversion', () => {
  it('gives String the string form of scalars, and null becomes empty', () => {
    expect(js(CSC, 5, true).BoundParameters).to.deep.equal({ Name: '5', Group: 'True' });
    expect(js(CSC, 'a', null).BoundParameters).to.deep.equal({ Name: 'a', Group: '' });
  });

  it('refuses an array for String', () => {
    const err = failure(() => js(CSC, ['a', 'b']));
    expect(err.ErrorId).to.equal('ParameterArgumentTransformationError' + CSC_ID);
    expect(err.message).to.equal("Cannot process argument transformation on parameter 'Name'. Cannot convert value to type System.String.");
    expect(failure(() => ps('ConvertTo-PodeSseConnection a,b')).message).to.equal(err.message);
  });

  it('converts Int32 from PowerShell number syntax, rounding half to even', () => {
    const r = (v: unknown) => js(CSC, 'a', { RetryDuration: v }).BoundParameters.RetryDuration;
    expect([r(''), r(' 12 '), r('0x10'), r(2.5), r(3.5), r('1.5'), r(-2.5), r('1e3'), r(true)]).to.deep.equal([
      0, 12, 16, 2, 4, 2, -2, 1000, 1,
    ]);
    expect(ps('ConvertTo-PodeSseConnection a -RetryDuration 0x10').BoundParameters.RetryDuration).to.equal(16);
  });

  it('converts a string to Int32 with the same number grammar as a literal (LanguagePrimitives.cs ConvertStringToInteger → Parser.cs ScanNumber)', () => {
    const r = (v: string) => js(CSC, 'a', { RetryDuration: v }).BoundParameters.RetryDuration;
    // Before the grammar was shared, a string took no binary, type suffix or dash sign, and 0xFFFFFFFF overflowed.
    expect(['0xFFFFFFFF', '0b101', '10l', '7n', '255uy', '\u20135', '1lkb', ' 2.5 '].map(r)).to.deep.equal([-1, 5, 10, 7, 255, -5, 1024, 2]);
    // The literal and the string agree.
    expect(ps('ConvertTo-PodeSseConnection a -RetryDuration 0b101').BoundParameters.RetryDuration).to.equal(5);
  });

  it('reports a string Int32 cannot hold as .NET does: overflow for integer text, a format error for the rest', () => {
    const inner = (v: string) => failure(() => js(CSC, 'a', { RetryDuration: v })).message.replace(/^.*Error: /, '');
    // Int32Converter parses `[sign]digits` itself and overflows (dotnet/runtime BaseNumberConverter.cs); `0x` hex goes
    // to Convert.ToInt32(s, 16), whose digits are read as a UInt32 (ParseNumbers.GrabInts: Overflow_UInt32).
    expect(inner('3000000000')).to.equal('"Value was either too large or too small for an Int32."');
    expect(inner('0x100000000')).to.equal('"Value was either too large or too small for a UInt32."');
    // A number only the scan reads falls through to Int32.Parse's FormatException.
    expect(inner('1e10')).to.equal(`"The input string '1e10' was not in a correct format."`);
    expect(inner('1tb')).to.equal(`"The input string '1tb' was not in a correct format."`);
    expect(inner('300y')).to.equal(`"The input string '300y' was not in a correct format."`);
    // The .NET fallbacks after the scan: host/binder/conformance/numbers.test.ts.
  });

  it('reports a bad Int32 with the .NET text', () => {
    const err = failure(() => ps('ConvertTo-PodeSseConnection a -RetryDuration abc'));
    expect(err.ErrorId).to.equal('ParameterArgumentTransformationError' + CSC_ID);
    expect(err.message).to.equal(
      `Cannot process argument transformation on parameter 'RetryDuration'. Cannot convert value "abc" to type "System.Int32". Error: "The input string 'abc' was not in a correct format."`,
    );
  });

  it('takes only booleans and numbers for switches', () => {
    expect(js(CSC, 'a', { Force: 1 }).BoundParameters.Force).to.equal(true);
    expect(js(CSC, 'a', { Force: 0 }).BoundParameters.Force).to.equal(false);
    const err = failure(() => js(CSC, 'a', { Force: 'yes' }));
    expect(err.ErrorId).to.equal('ParameterArgumentTransformationError' + CSC_ID);
    expect(err.message).to.equal(
      `Cannot process argument transformation on parameter 'Force'. Cannot convert value "System.String" to type "System.Management.Automation.SwitchParameter". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
    );
    expect(failure(() => js(Sets, { Path: 'p', Enabled: 'no' })).message).to.contain('to type "System.Boolean"');
  });

  it('wraps a scalar for String[]', () => {
    expect(js(Probe, 'x', { Name: 'a', Group: ['g1', 2] }).BoundParameters).to.deep.equal({ Data: 'x', Name: ['a'], Group: ['g1', '2'] });
    expect(ps("Invoke-PodeProbe x -Name a,'b c'").BoundParameters.Name).to.deep.equal(['a', 'b c']);
  });

  // PowerShell compares ValidateSet members case-insensitively and keeps the caller's string
  // (ValidateSetAttribute.ValidateElement, src/System.Management.Automation/engine/Attributes.cs). podets binds the
  // member as declared instead, in every call form, so implementations never compare casing themselves.
  it('compares ValidateSet case-insensitively and binds the member as declared', () => {
    expect(ps('ConvertTo-PodeSseConnection a -Scope local').BoundParameters.Scope).to.equal('Local');
    expect(js(CSC, 'a', 'g', 'gLoBaL').BoundParameters.Scope).to.equal('Global');
    expect(js(CSC, { Name: 'a', Scope: 'default' }).BoundParameters.Scope).to.equal('Default');
    expect(pode`Select-PodeChoice -Choice ${'bETA'}`).to.deep.equal({ Choice: 'Beta' });
    const err = failure(() => ps('ConvertTo-PodeSseConnection -Name a -Scope Foo'));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationError' + CSC_ID);
    expect(err.message).to.equal(
      `Cannot validate argument on parameter 'Scope'. The argument "Foo" does not belong to the set "Default,Local,Global" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`,
    );
  });

  it('binds each String[] ValidateSet member as declared, leaving the caller\'s array as it was', () => {
    const given = ['alpha', 'BETA', 'Alpha'];
    expect(js(Choice, 'alpha', given).BoundParameters).to.deep.equal({ Choice: 'Alpha', Choices: ['Alpha', 'Beta', 'Alpha'] });
    expect(given).to.deep.equal(['alpha', 'BETA', 'Alpha']);
    expect(js(Choice, { Choice: 'ALPHA', Choices: 'beta' }).BoundParameters).to.deep.equal({ Choice: 'Alpha', Choices: ['Beta'] });
    expect(ps('Select-PodeChoice alpha -Choices beta,ALPHA').BoundParameters.Choices).to.deep.equal(['Beta', 'Alpha']);
    const err = failure(() => js(Choice, 'alpha', ['beta', 'gamma']));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationError,Select-PodeChoice');
    expect(err.message).to.equal(
      `Cannot validate argument on parameter 'Choices'. The argument "gamma" does not belong to the set "Alpha,Beta" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`,
    );
  });

  it('binds piped ValidateSet values as declared', () => {
    expect(Choice.pipe(['alpha', 'BETA'])).to.deep.equal([{ Choice: 'Alpha' }, { Choice: 'Beta' }]);
    const err = failure(() => Choice.pipe(['alpha', 'gamma']));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationError,Select-PodeChoice');
    expect(err.message).to.contain('The argument "gamma" does not belong to the set "Alpha,Beta"');
  });

  it('validates ranges and not-null-or-empty', () => {
    expect(failure(() => js(Sets, { Path: 'p', Count: 9 })).message).to.equal(
      "Cannot validate argument on parameter 'Count'. The 9 argument is greater than the maximum allowed range of 5. Supply an argument that is less than or equal to 5 and then try the command again.",
    );
    expect(failure(() => js(Sets, { Path: 'p', Count: 0 })).message).to.equal(
      "Cannot validate argument on parameter 'Count'. The 0 argument is less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1 and then try the command again.",
    );
    // An empty collection has ValidateNotNullOrEmpty's collection text (Attributes.cs, ValidateNotNullOrEmptyAttribute).
    const err = failure(() => js(Sets, { Path: 'p', Tags: [] }));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationError,Set-PodeSets');
    expect(err.message).to.equal(
      "Cannot validate argument on parameter 'Tags'. The argument is null, empty, or an element of the argument collection contains a null value. Supply a collection that does not contain any null values and then try the command again.",
    );
  });

  it('does not validate defaults', () => {
    // Count's default 0 is outside its range 1..5 and still binds.
    expect((Sets({ Path: 'p' }) as { args: Record<string, unknown> }).args.Count).to.equal(0);
  });

  it('converts hashtables, script blocks and dates', () => {
    const fn = () => 1;
    expect(js(Sets, { Script: fn, Settings: { a: 1 } }).BoundParameters).to.deep.equal({ Script: fn, Settings: { a: 1 } });
    expect(failure(() => js(Sets, { Script: 'x' })).message).to.equal(
      `Cannot process argument transformation on parameter 'Script'. Cannot convert the "x" value of type "System.String" to type "System.Management.Automation.ScriptBlock".`,
    );
    expect(failure(() => js(Sets, { Path: 'p', Settings: 'x' })).message).to.equal(
      `Cannot process argument transformation on parameter 'Settings'. Cannot convert the "x" value of type "System.String" to type "System.Collections.Hashtable".`,
    );
    expect(js(Sets, { Path: 'p', When: '2026-01-02T03:04:05Z' }).BoundParameters.When).to.deep.equal(new Date('2026-01-02T03:04:05Z'));
    expect(failure(() => js(Sets, { Path: 'p', When: 'soon' })).message).to.equal(
      `Cannot process argument transformation on parameter 'When'. Cannot convert value "soon" to type "System.DateTime". Error: "String 'soon' was not recognized as a valid DateTime."`,
    );
  });
});

describe('binder: common parameters', () => {
  it('converts action preferences by exact name, then by unambiguous prefix', () => {
    expect(js(CSC, 'a', { ErrorAction: 'silentlycontinue' }).BoundParameters.ErrorAction).to.equal('SilentlyContinue');
    expect(ps('ConvertTo-PodeSseConnection a -ea ig').BoundParameters.ErrorAction).to.equal('Ignore');
  });

  it('reports a bad action preference as CannotConvertArgumentNoMessage', () => {
    const err = failure(() => ps('ConvertTo-PodeSseConnection a -ErrorAction Foo'));
    expect(err.ErrorId).to.equal('CannotConvertArgumentNoMessage' + CSC_ID);
    expect(err.message).to.equal(
      `Cannot bind parameter 'ErrorAction'. Cannot convert value "Foo" to type "System.Management.Automation.ActionPreference". Error: "Unable to match the identifier name Foo to a valid enumerator name. Specify one of the following enumerator names and try again:\nSilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend, Break"`,
    );
  });

  // MshCommandRuntime.cs's preference setters refuse Suspend (PowerShell PR #10317, 7.0); ReflectionParameterBinder.cs
  // wraps the setter's error in ExceptionWhenSetting, ParameterBinderBase.cs in ParameterBindingFailed; the text is
  // ErrorPackage.resx ActionPreferenceReservedForFutureUseError (PowerShell/PowerShell@1d84d26be77194e7834ce68dfd1b3547071003d5).
  it('refuses Suspend as the setter of the common parameter refuses it, in all three call forms', () => {
    const text = (p: string) =>
      `Cannot bind parameter '${p}' to the target. Exception setting "${p}": "The Suspend ActionPreference value is reserved for future use and is not supported at this time. For more information about preference variables, see the Help topic, "about_Preference_Variables.""`;
    for (const p of ['ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction']) {
      for (const err of [
        failure(() => ps(`ConvertTo-PodeSseConnection a -${p} Suspend`)),
        failure(() => js(CSC, 'a', { [p]: 'suspend' })),
      ]) {
        expect(err.ErrorId).to.equal('ParameterBindingFailed' + CSC_ID);
        expect(err.message).to.equal(text(p));
      }
    }
    // The template form, a unique prefix, and Suspend's number (5): the converted value is what the setter refuses.
    const viaTemplate = failure(() => pode`ConvertTo-PodeSseConnection a -ErrorAction:${'Susp'}`);
    expect([viaTemplate.ErrorId, viaTemplate.message]).to.deep.equal(['ParameterBindingFailed' + CSC_ID, text('ErrorAction')]);
    expect(failure(() => js(CSC, 'a', { ErrorAction: 5 })).message).to.equal(text('ErrorAction'));
  });

  it('validates OutBuffer range', () => {
    expect(failure(() => js(CSC, 'a', { OutBuffer: -1 })).ErrorId).to.equal('ParameterArgumentValidationError' + CSC_ID);
  });
});

describe('binder: error precedence', () => {
  it('pairing errors come first', () => {
    expect(failure(() => ps('ConvertTo-PodeSseConnection -Nme x -Scope Foo -Name')).Id).to.equal('MissingArgument');
  });
  it('named-binding errors before left-overs', () => {
    expect(failure(() => ps('ConvertTo-PodeSseConnection -Nme x -Scope Foo')).Id).to.equal('ParameterArgumentValidationError');
  });
  it('positional-binding errors before set conflicts', () => {
    expect(failure(() => js(Sets, 'abc', { Path: 'p', Script: () => 1 })).Id).to.equal('ParameterArgumentTransformationError');
  });
  it('set conflicts before left-overs', () => {
    expect(failure(() => ps('Invoke-PodeProbe x -Name a -FromEvent -Bogus 1')).Id).to.equal('AmbiguousParameterSet');
  });
  it('left-overs before set resolution, in argument order', () => {
    expect(failure(() => ps('Set-PodeSets -Bogus')).Id).to.equal('NamedParameterNotFound');
    expect(failure(() => ps('ConvertTo-PodeSseConnection a g Local 5 c1 extra -Bogus')).Id).to.equal('PositionalParameterNotFound');
    expect(failure(() => ps('ConvertTo-PodeSseConnection -Bogus a g Local 5 c1 extra')).Id).to.equal('NamedParameterNotFound');
  });
  it('set resolution before missing mandatory', () => {
    expect(failure(() => js(Sets, { Count: 2 })).Id).to.equal('AmbiguousParameterSet');
  });
});
