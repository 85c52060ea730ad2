// npm run bench:binder — ns per call of ConvertTo-PodeSseConnection's binder in each call form, against a
// direct function call. Goal: every call form under 1 µs per call.
import { bindArgs, bindTokens } from '../host/binder/bind.ts';
import { compile } from '../host/binder/compile.ts';
import { instantiate, parseTemplate } from '../host/binder/tokenize.ts';
import { ConvertToPodeSseConnection } from '../cmdlets/sse.ts';
import type { CmdletDecl, ParamDecl } from '../host/cmdlet/declare.ts';

const decl = ConvertToPodeSseConnection.declaration as unknown as CmdletDecl<readonly ParamDecl[], unknown>;
const compiled = compile(decl);
let sink: unknown;

function direct(name: string, group: string, scope: string, retry: number) {
  return { Name: name, Group: group, Scope: scope, RetryDuration: retry };
}

// The per-call-site cache of the `pode` tag, without running the (not yet implemented) cmdlet body.
const sites = new WeakMap<TemplateStringsArray, ReturnType<typeof parseTemplate>>();
function tagged(strings: TemplateStringsArray, ...values: unknown[]) {
  let parsed = sites.get(strings);
  if (!parsed) sites.set(strings, (parsed = parseTemplate(strings, values.length)));
  return bindTokens(compiled, instantiate(parsed, values).tokens);
}

const cases: Array<[string, (i: number) => unknown]> = [
  ['direct function call (baseline)', (i) => direct('Actions', 'admins', 'Local', i)],
  ['positional: CSC(name, group, scope, retry)', (i) => bindArgs(compiled, ['Actions', 'admins', 'Local', i])],
  ['splat: CSC({ Name, Group, Scope, RetryDuration })', (i) => bindArgs(compiled, [{ Name: 'Actions', Group: 'admins', Scope: 'Local', RetryDuration: i }])],
  ["splat, -Scope in another casing: { Scope: 'local' }", (i) => bindArgs(compiled, [{ Name: 'Actions', Group: 'admins', Scope: 'local', RetryDuration: i }])],
  ['tagged template: pode`CSC -Name ${n} -Group ${g} -Scope Local`', (i) => tagged`ConvertTo-PodeSseConnection -Name ${'Actions'} -Group ${'admins'} -Scope Local -RetryDuration ${i}`],
];

function measure(fn: (i: number) => unknown, iterations: number): number {
  for (let i = 0; i < 50_000; i++) sink = fn(i); // warm up the JIT
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink = fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

const iterations = Number(process.env.BENCH_ITERATIONS ?? 500_000);
console.log(`podets binder benchmark — ${iterations} calls per round, best of 5 rounds, node ${process.version}\n`);
const results = cases.map(([name, fn]) => [name, measure(fn, iterations)] as const);
const base = results[0]![1];
const width = Math.max(...results.map(([n]) => n.length));
for (const [name, ns] of results) console.log(`${name.padEnd(width)}  ${ns.toFixed(1).padStart(8)} ns/call  ${(ns / base).toFixed(1).padStart(6)}x baseline`);
const worst = Math.max(...results.slice(1).map(([, ns]) => ns));
console.log(`\nevery call form: ${worst < 1000 ? 'under' : 'OVER'} 1 µs per call (worst ${worst.toFixed(0)} ns)`);
void sink;
