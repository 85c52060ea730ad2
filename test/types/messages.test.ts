// The compiler's messages for bad cmdlet calls, as a user reads them: a misspelled splat key is named, a value
// outside a ValidateSet is shown against the allowed values, never against a union of every call shape. Also
// runs the accepted and refused calls of test/types/calls.ts and the types of the event globals.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, repoOptions, repoRoot } from '../helpers/tsc.ts';

const head = "import { ConvertToPodeSseConnection as CSC } from '../../cmdlets/sse.ts';\n";
const sources = {
  'test/types/msg-splat-key.ts': `${head}CSC({ Nmae: 'x' });\n`,
  'test/types/msg-set-positional.ts': `${head}CSC('a', 'g', 'Foo');\n`,
  'test/types/msg-set-splat.ts': `${head}CSC({ Name: 'a', Scope: 'Foo' });\n`,
  'test/types/msg-int.ts': `${head}CSC('a', 'g', 'Local', 'five');\n`,
  'test/types/msg-too-many.ts': `${head}CSC('a', 'g', 'Local', 5, 'c', {}, 'extra');\n`,
  'test/types/globals-events.ts': [
    '/// <reference path="../../globals.d.ts" />',
    'export const cron: readonly string[] = $ScheduleEvent.Sender.Cron;',
    'export const interval: number = $TimerEvent.Sender.Interval;',
    'export const count: number = $ScheduleEvent.Count + $TimerEvent.Count;',
    '// @ts-expect-error a timer has no Cron',
    '$TimerEvent.Sender.Cron;',
    '// @ts-expect-error a schedule has no Interval',
    '$ScheduleEvent.Sender.Interval;',
    'export const type: "Connect" | "Disconnect" = $TriggeredEvent.Type;',
    '',
  ].join('\n'),
  'test/types/calls-copy.ts': readFileSync(join(repoRoot, 'test/types/calls.ts'), 'utf8'),
};

describe('type errors a person can read', function () {
  this.timeout(180_000);
  let diags: Map<string, string[]>;
  before(() => {
    diags = check(sources, repoOptions());
  });
  const only = (name: string): string => {
    const list = diags.get(`test/types/${name}.ts`)!;
    expect(list, list.join('\n')).to.have.length(1);
    // The old message: "… is not assignable to parameter of type '[] | [string | null, …] | …'".
    expect(list[0]).not.to.include("parameter of type '[]");
    return list[0]!;
  };

  it("a misspelled splat key is named, against the cmdlet's parameters", () => {
    const text = only('msg-splat-key');
    expect(text).to.match(/^line 2: TS2353: Object literal may only specify known properties, and 'Nmae' does not exist in type '\{ Name\?: string/);
    expect(text).to.include('Group?: string | null | undefined;');
  });

  // The order of a union's members is the compiler's (it follows type creation), so the values are looked for one by one.
  const allowed = (text: string) => {
    for (const v of ['"Local"', '"Global"', '"Default"']) expect(text).to.include(v);
  };

  it('a positional value outside a ValidateSet is shown against the allowed values', () => {
    const text = only('msg-set-positional');
    expect(text).to.match(/^line 2: TS2345: Argument of type '"Foo"' is not assignable to parameter of type '/);
    allowed(text);
  });

  it('a splat value outside a ValidateSet is shown against the allowed values (and null or undefined)', () => {
    const text = only('msg-set-splat');
    expect(text).to.match(/^line 2: TS2322: Type '"Foo"' is not assignable to type '"\w+" \| "\w+" \| "\w+" \| null \| undefined'\.$/);
    allowed(text);
  });

  it('a word at an Int32 position is shown against number', () => {
    expect(only('msg-int')).to.match(/^line 2: TS2345: Argument of type '"five"' is not assignable to parameter of type 'number \| /);
  });

  it('too many arguments are counted', () => {
    expect(only('msg-too-many')).to.match(/^line 2: TS2\d{3}: Expected 0-6 arguments, but got 7\.|^line 2: TS2\d{3}: .*6 arguments/);
  });

  it('$ScheduleEvent and $TimerEvent have their own types', () => {
    expect(diags.get('test/types/globals-events.ts')).to.deep.equal([]);
  });

  it('test/types/calls.ts: every accepted call compiles and every refused one is an error', () => {
    // An unused @ts-expect-error (a refused call that compiles) is itself reported, as TS2578.
    expect(diags.get('test/types/calls-copy.ts')).to.deep.equal([]);
  });
});
