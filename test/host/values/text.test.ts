// PowerShell's view of JavaScript values (host/values): the string form, the .NET type name and what counts as
// a hashtable, as binding errors, Write-PodeHost and the view/HTML helpers print them.
import { expect } from 'chai';
import { isPlainObject } from '../../../host/values/hashtable.ts';
import { psString } from '../../../host/values/text.ts';
import { dotnetTypeOf } from '../../../host/values/typename.ts';

describe('values: PowerShell text, type names and hashtables', () => {
  it('psString prints as [string] does: True/False, $null empty, one level of an array joined by spaces', () => {
    expect(psString(true)).to.equal('True');
    expect(psString(false)).to.equal('False');
    expect(psString(null)).to.equal('');
    expect(psString(undefined)).to.equal('');
    expect(psString([1, 'a', true, null])).to.equal('1 a True ');
    expect(psString([1, [2, 3]])).to.equal('1 System.Object[]');
    expect(psString(new Date('2024-01-02T03:04:05Z'))).to.equal('2024-01-02T03:04:05.000Z');
    expect(psString(new Date(NaN))).to.equal('Invalid Date');
    expect(psString(12n)).to.equal('12');
  });

  it('psString never throws: a value whose toString throws reads as its .NET type name', () => {
    expect(psString(Object.create(null))).to.equal('System.Collections.Hashtable');
    expect(psString({ toString: () => { throw new Error('no'); } })).to.equal('System.Collections.Hashtable');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(psString(proxy)).to.equal('System.Object');
  });

  it('dotnetTypeOf names the .NET type a script would see', () => {
    const cases: [unknown, string][] = [
      [null, 'null'],
      [undefined, 'null'],
      ['x', 'System.String'],
      [2147483647, 'System.Int32'],
      [2147483648, 'System.Double'],
      [1.5, 'System.Double'],
      [true, 'System.Boolean'],
      [1n, 'System.Int64'],
      [() => 1, 'System.Management.Automation.ScriptBlock'],
      [[1], 'System.Object[]'],
      [new Date(), 'System.DateTime'],
      [{ a: 1 }, 'System.Collections.Hashtable'],
      [new Map(), 'System.Object'],
    ];
    for (const [value, name] of cases) expect(dotnetTypeOf(value), String(name)).to.equal(name);
  });

  it('isPlainObject: object literals, JSON and null-prototype objects, not instances, arrays or Maps', () => {
    expect(isPlainObject({})).to.equal(true);
    expect(isPlainObject(JSON.parse('{"a":1}'))).to.equal(true);
    expect(isPlainObject(Object.create(null))).to.equal(true);
    for (const v of [null, [], new Date(), new Map(), new (class A {})(), 'x', 1]) expect(isPlainObject(v)).to.equal(false);
  });
});
