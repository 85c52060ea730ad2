// Conformance: which parameters are positional. PowerShell numbers a script cmdlet's non-switch parameters
// 0, 1, 2… only when none declares a Position AND none declares a ParameterSetName:
// src/System.Management.Automation/engine/parser/Compiler.cs (PowerShell/PowerShell@0020155),
// GetRuntimeDefinedParameter sets customParameterSet when `paramAttribute.Position != int.MinValue ||
// !ParameterSetName.Equals(AllParameterSets)`, and GetParameterMetaData assigns `paramAttribute.Position = pos++`
// only `if (automaticPositions && !customParameterSet)`, skipping SwitchParameter.
import { expect } from 'chai';
import { ConvertToPodeSseConnection as CSC, SendPodeSseEvent as SSE } from '../../../../cmdlets/sse.ts';
import { AddPodeRoute as Route } from '../../../../cmdlets/routes.ts';
import { AddPodeTimer as Timer } from '../../../../cmdlets/timers.ts';
import { compile } from '../../../../host/binder/compile.ts';
import type { CmdletDecl, ParamDecl } from '../../../../host/cmdlet/declare.ts';
import * as cmdlets from '../../../../cmdlets/index.ts';
import { failure, js, ps } from '../helpers.ts';

const NOT_FOUND = (v: string) => `A positional parameter cannot be found that accepts argument '${v}'.`;
const positionsOf = (d: { declaration: unknown }) =>
  compile(d.declaration as CmdletDecl<readonly ParamDecl[], unknown>).positional.map((p) => p.name);

describe('conformance: automatic positions (Compiler.cs GetParameterMetaData)', () => {
  it('a cmdlet with parameter sets and no Position has no positional parameter, in all three call forms', () => {
    // JS positional
    let err = failure(() => js(Route, 'Get', '/'));
    expect(err.ErrorId).to.equal('PositionalParameterNotFound,Add-PodeRoute');
    expect(err.message).to.equal(NOT_FOUND('Get'));
    // tagged template
    err = failure(() => ps("Add-PodeRoute Get '/'"));
    expect(err.ErrorId).to.equal('PositionalParameterNotFound,Add-PodeRoute');
    expect(err.message).to.equal(NOT_FOUND('Get'));
    // trailing splat: the same parameters by name bind
    const fn = () => 1;
    expect(js(Route, { Method: 'Get', Path: '/', ScriptBlock: fn })).to.deep.equal({
      ParameterSetName: 'Script',
      BoundParameters: { Method: ['Get'], Path: '/', ScriptBlock: fn },
    });
    expect(ps('Add-PodeRoute -Method Get -Path /').BoundParameters).to.deep.equal({ Method: ['Get'], Path: '/' });
    // a value before the splat is positional too, and there is nowhere for it to go
    expect(failure(() => js(Timer, 'tick', { Interval: 5, ScriptBlock: fn })).message).to.equal(NOT_FOUND('tick'));
  });

  it('numbers every non-switch parameter when none declares a Position or a set', () => {
    expect(positionsOf(CSC)).to.deep.equal(['Name', 'Group', 'Scope', 'RetryDuration', 'ClientId']);
    expect(js(CSC, 'a', 'g').BoundParameters).to.deep.equal({ Name: 'a', Group: 'g' });
    expect(js(CSC, 'a', { Group: 'g' }).BoundParameters).to.deep.equal({ Name: 'a', Group: 'g' });
    expect(ps('ConvertTo-PodeSseConnection a g').BoundParameters).to.deep.equal({ Name: 'a', Group: 'g' });
  });

  it('with an explicit Position, only the parameters that declare one are positional', () => {
    expect(positionsOf(SSE)).to.deep.equal(['Data']);
    expect(failure(() => js(SSE, 'hi', 'Actions')).message).to.equal(NOT_FOUND('Actions'));
    expect(failure(() => ps('Send-PodeSseEvent hi Actions')).message).to.equal(NOT_FOUND('Actions'));
  });

  it('holds for every shipped cmdlet: sets or a Position → only explicit positions', () => {
    for (const v of Object.values(cmdlets)) {
      const d = (v as { declaration?: CmdletDecl<readonly ParamDecl[], unknown> }).declaration;
      if (!d) continue;
      const custom = d.parameters.some((p) => p.position !== undefined || p.sets !== undefined);
      const expected = custom
        ? d.parameters.filter((p) => p.position !== undefined).map((p) => p.name)
        : d.parameters.filter((p) => p.type !== 'SwitchParameter').map((p) => p.name);
      expect(positionsOf({ declaration: d }), d.name).to.deep.equal(expected);
    }
  });
});
