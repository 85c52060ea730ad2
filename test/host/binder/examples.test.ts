// The examples table of the binder spec (podets' binder.md, kept with the project notes), row by row, on the real cmdlets (binding only).
import { expect } from 'chai';
import { ConvertToPodeSseConnection as CSC, SendPodeSseEvent as SSE } from '../../../cmdlets/sse.ts';
import { failure, js, ps } from './helpers.ts';

describe('binder: the examples table of binder.md', () => {
  const rows: Array<[string, Record<string, unknown>, string?]> = [
    ['ConvertTo-PodeSseConnection a g Local 5 c1', { Name: 'a', Group: 'g', Scope: 'Local', RetryDuration: 5, ClientId: 'c1' }],
    ['ConvertTo-PodeSseConnection x -Name y', { Name: 'y', Group: 'x' }],
    ['ConvertTo-PodeSseConnection -n a -r 5 -f', { Name: 'a', RetryDuration: 5, Force: true }],
    ['ConvertTo-PodeSseConnection -Name a -Force $false', { Name: 'a', Force: true, Group: 'False' }],
    ['Send-PodeSseEvent hi -Name Actions -Group admins', { Name: ['Actions'], Group: ['admins'], Data: 'hi' }, 'Name'],
  ];
  for (const [line, bound, set] of rows) {
    it(line, () => {
      const b = ps(line);
      expect(b.BoundParameters).to.deep.equal(bound);
      expect(b.ParameterSetName).to.equal(set ?? '__AllParameterSets');
    });
  }

  it('the same rows as JS calls', () => {
    expect(js(CSC, 'a', 'g', 'Local', 5, 'c1').BoundParameters).to.deep.equal(rows[0]![1]);
    expect(js(CSC, 'x', { Name: 'y' }).BoundParameters).to.deep.equal(rows[1]![1]);
    expect(js(CSC, { n: 'a', r: 5, f: true }).BoundParameters).to.deep.equal(rows[2]![1]);
    expect(js(SSE, 'hi', { Name: 'Actions', Group: 'admins' }).BoundParameters).to.deep.equal(rows[4]![1]);
  });

  it('ConvertTo-PodeSseConnection -Name a -Scope Foo → ParameterArgumentValidationError', () => {
    const err = failure(() => ps('ConvertTo-PodeSseConnection -Name a -Scope Foo'));
    expect(err.ErrorId).to.equal('ParameterArgumentValidationError,ConvertTo-PodeSseConnection');
    expect(err.message).to.equal(
      `Cannot validate argument on parameter 'Scope'. The argument "Foo" does not belong to the set "Default,Local,Global" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`,
    );
  });

  it('ConvertTo-PodeSseConnection -Name a -E Stop → AmbiguousParameter', () => {
    const err = failure(() => ps('ConvertTo-PodeSseConnection -Name a -E Stop'));
    expect(err.ErrorId).to.equal('AmbiguousParameter,ConvertTo-PodeSseConnection');
    expect(err.message).to.match(/Possible matches include: -ErrorAction -ErrorVariable\.$/);
  });

  it('Send-PodeSseEvent -Data x -Name a -FromEvent → AmbiguousParameterSet', () => {
    expect(failure(() => ps('Send-PodeSseEvent -Data x -Name a -FromEvent')).ErrorId).to.equal('AmbiguousParameterSet,Send-PodeSseEvent');
    expect(failure(() => js(SSE, 'x', { Name: 'a', FromEvent: true })).ErrorId).to.equal('AmbiguousParameterSet,Send-PodeSseEvent');
  });

  it('Send-PodeSseEvent -Group admins → MissingMandatoryParameter: Data Name', () => {
    const err = failure(() => ps('Send-PodeSseEvent -Group admins'));
    expect(err.ErrorId).to.equal('MissingMandatoryParameter,Send-PodeSseEvent');
    expect(err.message).to.equal('Cannot process command because of one or more missing mandatory parameters: Data Name.');
  });
});
