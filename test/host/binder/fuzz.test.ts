// A seeded, deterministic fuzz of the three call forms (positional, splat, `pode` template) and pipeline input,
// over every declared cmdlet: random values of every kind (hostile ones included), random keys, random command
// lines. Every failure must be a PodeError with an ErrorId and a message; every success must hand the
// implementation values of the declared types, ValidateSet members in their declared casing.
import { expect } from 'chai';
import { bindArgs, bindTokens, type Binding } from '../../../host/binder/bind.ts';
import { compile, type CompiledCmdlet, type CompiledParam } from '../../../host/binder/compile.ts';
import { PodeError } from '../../../host/errors/error.ts';
import { tokenizeCommand } from '../../../host/binder/tokenize.ts';
import type { CmdletDecl, ParamDecl } from '../../../host/cmdlet/declare.ts';
import { allCmdlets } from '../../../host/cmdlet/registry.ts';
import { compileCommand, pode } from '../../../host/cmdlet/template.ts';
import { markRequestData } from '../../../host/http/request-data.ts';
import * as fixtures from '../../fixtures/cmdlets.ts';
import './helpers.ts'; // registers every cmdlet and the fixtures

// Fixed by default, so a failure reproduces; FUZZ_SEED / FUZZ_ROUNDS explore further.
const SEED = Number(process.env.FUZZ_SEED ?? 20240909);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 3000);

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof random>;

type AnyDecl = CmdletDecl<readonly ParamDecl[], unknown>;
const decls: AnyDecl[] = allCmdlets().map((e) => e.decl);
const fixtureFns = [fixtures.InvokePodeProbe, fixtures.SelectPodeChoice, fixtures.TestPodeTypes, fixtures.GetPodeUpper, fixtures.SetPodeSets];
for (const f of fixtureFns) decls.push(f.declaration as unknown as AnyDecl);
const compiled = decls.map((d) => compile(d));

const boom = () => {
  throw new Error('boom');
};
function nested(depth: number, leaf: unknown, wrap: (v: unknown) => unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}
// Built once: deep values are costly to make and are only read.
const DEEP = [nested(100_000, 1, (v) => [v]), nested(100_000, 'x', (v) => ({ a: v })), nested(5_000, 'y', (v) => ({ Name: v }))];
const revoked = (() => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
})();
const WORDS = ['', ' ', '-', '--', '-Name', '-name:x', 'Local', 'local', 'gLoBaL', 'DEFAULT', 'Alpha', 'beta', '1', '0x10', '1kb', '-5', '1.5',
  '2.5', '1e3', 'abc', '\u2013Name', '$true', '@(', '\0', '\u{1d11e}', 'Connect', 'get', 'POST', '*', 'Stop', 'silentlycontinue', 'inq',
  'Informational', 'Cyan', '__proto__', 'constructor', '1'.repeat(300) + 'x', 'x'.repeat(5000)];

function randomString(r: Random): string {
  if (r.chance(0.6)) return r.pick(WORDS);
  const alphabet = 'aZ09 -_:,;.@$`\'"(){}[]#<>|&=\n\t\u2013\u201c\u00e9';
  let s = '';
  for (let i = r.int(12); i > 0; i--) s += alphabet[r.int(alphabet.length)];
  return s;
}

function randomKey(r: Random, c: CompiledCmdlet): string {
  const p = r.pick(c.params);
  switch (r.int(6)) {
    case 0:
      return p.name;
    case 1:
      return p.name.toUpperCase();
    case 2:
      return p.name.slice(0, 1 + r.int(p.name.length));
    case 3:
      return r.pick(p.decl.aliases ?? [p.name]);
    case 4:
      return r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']);
    default:
      return randomString(r);
  }
}

function randomValue(r: Random, c: CompiledCmdlet, depth = 0): unknown {
  const kind = r.int(depth > 2 ? 12 : 19);
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return randomString(r);
    case 3:
      return r.pick([0, -0, 1, -1, 5, 2147483647, 2147483648, -2147483649, 1.5, 2.5, NaN, Infinity, -Infinity, 1e300, Number.MIN_VALUE]);
    case 4:
      return r.pick([true, false, null, undefined]);
    case 5:
      return r.pick([0n, 2n ** 70n, -1n]);
    case 6:
      return r.pick([Symbol('s'), Symbol.iterator]);
    case 7:
      return r.pick([new Date(0), new Date('x'), new Date(8.64e15), '2024-01-01', '2024-13-45']);
    case 8:
      return r.pick([() => 1, async () => 2, class {}, function named() {}]);
    case 9:
      return r.pick([new Map([['Name', 'x']]), new Set([1]), Buffer.from('b'), new Uint8Array(2), /re/, new Error('e'), Promise.resolve(1), new WeakMap()]);
    case 10:
      return r.pick([
        { toString: boom },
        { valueOf: boom },
        { [Symbol.toPrimitive]: boom },
        new Proxy({}, { getPrototypeOf: boom, get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }),
        revoked,
        {
          get Name(): string {
            throw new Error('getter');
          },
        },
        { [Symbol.iterator]: boom },
        Object.freeze({ Name: 'frozen' }),
      ]);
    case 11:
      return r.pick(DEEP);
    case 12:
    case 13: {
      const list: unknown[] = [];
      for (let i = r.int(4); i > 0; i--) list.push(randomValue(r, c, depth + 1));
      if (r.chance(0.1)) list.length += 3; // holes
      return list;
    }
    default: {
      const obj: Record<string, unknown> = r.chance(0.2) ? Object.create(null) : {};
      for (let i = r.int(4); i > 0; i--) define(obj, randomKey(r, c), randomValue(r, c, depth + 1));
      return r.chance(0.3) ? requestData(r, c) : obj;
    }
  }
}

/** An own data property, even for `__proto__` (an assignment would set the prototype instead). */
function define(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An object as a request body would bring it: JSON, parsed and marked as podets marks request data. */
function requestData(r: Random, c: CompiledCmdlet): unknown {
  const json = (depth: number): unknown => {
    switch (depth > 2 ? r.int(3) : r.int(5)) {
      case 0:
        return randomString(r);
      case 1:
        return r.pick([0, 1, 201, -1.5, true, false, null]);
      case 2:
        return r.pick(['Local', 'default', 'text/html', '<script>x</script>']);
      case 3:
        return [json(depth + 1), json(depth + 1)];
      default: {
        const obj: Record<string, unknown> = {};
        for (let i = r.int(4); i > 0; i--) obj[randomKey(r, c)] = json(depth + 1);
        return obj;
      }
    }
  };
  const text = JSON.stringify({ [randomKey(r, c)]: json(1), [randomKey(r, c)]: json(1) });
  return markRequestData(JSON.parse(text));
}

/** A random PowerShell-ish command line for `c`, with interpolation slots. */
function randomLine(r: Random, c: CompiledCmdlet): { strings: string[]; values: unknown[] } {
  const strings: string[] = [];
  const values: unknown[] = [];
  let text = r.chance(0.95) ? (r.chance(0.5) ? c.name : c.name.toLowerCase()) : randomString(r);
  const atoms = [
    () => ` -${randomKey(r, c)}`,
    () => ` -${randomKey(r, c)}:`,
    () => ` ${randomString(r)}`,
    () => ` '${randomString(r)}'`,
    () => ` "${randomString(r)}"`,
    () => ` ${r.pick(['1', '0x1F', '-3', '1.5', '2kb', '10l', '7n', '1e400', '0b101', '12abc'])}`,
    () => ` @(${r.pick(['1,2', "'a'", '', '@(1)', '1;2', '(', '@{a=1}'])})`,
    () => ` @{ ${r.pick(['a = 1', "'k' = 'v'; b = 2", 'a = @(1)', 'a', '= 1', 'a = 1; a = 2'])} }`,
    () => r.pick([' ,', ' --', ' $true', ' $null', ' $x', ' |', ' ;', ' `', ' # c', ' <# c', ' <# c #>', '\n', ' `\n', ' &', ' {', ' )', ' @']),
    () => ' '.repeat(r.int(2)) + '@('.repeat(r.pick([1, 50, 101, 3000])),
  ];
  for (let i = r.int(7); i > 0; i--) {
    text += r.pick(atoms)();
    if (r.chance(0.35)) {
      strings.push(text + (r.chance(0.7) ? ' ' : ''));
      values.push(randomValue(r, c));
      text = r.chance(0.7) ? '' : r.pick([' ', 'x', ':', "'", ' -Name:']);
    }
  }
  strings.push(text);
  return { strings, values };
}

const ERROR_ID = /^[A-Z][A-Za-z]+(,[A-Z][A-Za-z]+-Pode[A-Za-z]+)?$/;

function expectPodeError(err: unknown, what: () => string): void {
  if (!(err instanceof PodeError)) throw new Error(`${what()}: threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  expect(err.ErrorId, what()).to.match(ERROR_ID);
  expect(err.message, what()).to.be.a('string').that.is.not.empty;
}

const ACTION = ['SilentlyContinue', 'Stop', 'Continue', 'Inquire', 'Ignore', 'Suspend', 'Break'];

/** The bound value is what its declared type promises. */
function checkBound(p: CompiledParam, v: unknown, what: () => string): void {
  const set = p.decl.validateSet;
  const t = p.decl.type;
  const ok = (cond: boolean) => {
    if (!cond) throw new Error(`${what()}: -${p.name} (${t}) bound a ${Object.prototype.toString.call(v)}`);
  };
  const isInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= -2147483648 && x <= 2147483647;
  if (t === 'String') ok(typeof v === 'string');
  else if (t === 'String[]') ok(v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string')));
  else if (t === 'Int32') ok(isInt(v));
  else if (t === 'Int32[]') ok(v === null || (Array.isArray(v) && v.every(isInt)));
  else if (t === 'Boolean' || t === 'SwitchParameter') ok(typeof v === 'boolean');
  else if (t === 'DateTime') ok(v === null || (v instanceof Date && !Number.isNaN(v.getTime())));
  else if (t === 'ScriptBlock') ok(v === null || typeof v === 'function');
  else if (t === 'Object[]') ok(v === null || Array.isArray(v));
  else if (t === 'ActionPreference') ok(ACTION.includes(v as string));
  // A member of the set: in its declared casing, or, for a keepCase parameter, in the caller's.
  const inSet = (x: unknown) => (p.decl.keepCase ? set!.some((m) => m.toLowerCase() === String(x).toLowerCase()) : set!.includes(x as string));
  if (set && v !== null && (t === 'String' || t === 'String[]')) ok((Array.isArray(v) ? v : [v]).every(inSet));
}

function checkBinding(b: Binding, what: () => string): void {
  b.cmdlet.params.forEach((p, i) => {
    if (b.values[i] !== undefined) checkBound(p, b.values[i], what);
  });
}

/** What a run produced: how many calls bound, and which ErrorIds the others failed with. */
interface Tally {
  bound: number;
  ids: Set<string>;
}
const tally = (): Tally => ({ bound: 0, ids: new Set() });

function attempt(t: Tally, what: () => string, fn: () => Binding | unknown, check = true): void {
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    expectPodeError(err, what);
    t.ids.add((err as PodeError).Id);
    return;
  }
  t.bound++;
  if (check) checkBinding(result as Binding, what);
}

/** Guards against a fuzz that stopped reaching the binder: some calls bind, and failures are of many kinds. */
function expectVaried(t: Tally, minimumIds: number): void {
  expect(t.bound, 'calls that bound').to.be.greaterThan(ROUNDS / 50);
  expect(t.ids.size, `distinct ErrorIds (${[...t.ids].join(' ')})`).to.be.at.least(minimumIds);
}

describe('binder: fuzz (seeded)', function () {
  this.timeout(120_000);

  it(`positional and splat calls to every cmdlet: ${ROUNDS} rounds`, () => {
    const r = random(SEED);
    const t = tally();
    for (let round = 0; round < ROUNDS; round++) {
      const c = r.pick(compiled);
      const args: unknown[] = [];
      for (let i = r.int(5); i > 0; i--) args.push(randomValue(r, c));
      if (r.chance(0.6)) {
        const splat: Record<string, unknown> = {};
        for (let i = r.int(5); i > 0; i--) define(splat, randomKey(r, c), randomValue(r, c));
        args.push(r.chance(0.2) ? requestData(r, c) : splat);
      }
      const expecting = r.chance(0.2);
      attempt(t, () => `round ${round}: ${c.name} (${args.length} arguments${expecting ? ', piped' : ''})`, () => bindArgs(c, args, expecting));
    }
    expectVaried(t, 8);
  });

  it(`command lines for every cmdlet: ${ROUNDS} rounds`, () => {
    const r = random(SEED + 1);
    const t = tally();
    for (let round = 0; round < ROUNDS; round++) {
      const c = r.pick(compiled);
      const { strings, values } = randomLine(r, c);
      const what = () => `round ${round}: ${JSON.stringify(strings.map((s) => s.slice(0, 200)))}`;
      attempt(t, what, () => {
        const { command, tokens } = tokenizeCommand(Object.freeze(strings), values);
        return bindTokens(compileCommand(command), tokens);
      });
    }
    expectVaried(t, 8);
  });

  it(`the fixture cmdlets invoked for real, in all three forms and piped: ${ROUNDS} rounds`, () => {
    const r = random(SEED + 2);
    const fixtureCompiled = fixtureFns.map((f) => compile(f.declaration as unknown as AnyDecl));
    const t = tally();
    for (let round = 0; round < ROUNDS; round++) {
      const i = r.int(fixtureFns.length);
      const fn = fixtureFns[i]! as unknown as ((...a: unknown[]) => unknown) & { pipe(input: unknown, ...a: unknown[]): unknown };
      const c = fixtureCompiled[i]!;
      const args: unknown[] = [];
      for (let n = r.int(3); n > 0; n--) args.push(randomValue(r, c));
      const form = r.int(3);
      const what = () => `round ${round}: ${c.name} form ${form}`;
      if (form === 0) attempt(t, what, () => fn(...args), false);
      else if (form === 1) attempt(t, what, () => fn.pipe(randomValue(r, c), ...args), false);
      else {
        const { strings, values } = randomLine(r, c);
        attempt(t, what, () => pode(Object.freeze(Object.assign(strings, { raw: strings })) as unknown as TemplateStringsArray, ...values), false);
      }
    }
    expectVaried(t, 6);
  });
});
