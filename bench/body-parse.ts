// npm run bench:body — what marking request data costs JSON body parsing: JSON.parse alone against JSON.parse
// followed by markRequestData (every object stamped so the binder never takes it as a splat, which parseBody
// does), for a small body and a 700 kB one with 20,000 objects. Rounds alternate between the two and the best
// of each counts, so a burst of other work on the machine skews one round rather than the comparison.
import { markRequestData } from '../host/http/request-data.ts';

const small = Buffer.from(
  JSON.stringify({ name: 'bob', email: 'bob@example.com', tags: ['a', 'b'], address: { street: 'x', city: 'y' }, items: [{ id: 1 }, { id: 2 }] }),
);
const items = Array.from({ length: 10_000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['x', 'y'], meta: { a: i, b: 'z' } }));
const large = Buffer.from(JSON.stringify({ items }));

let sink: unknown;
const plain = (body: Buffer) => () => (sink = JSON.parse(body.toString('utf8')));
const marked = (body: Buffer) => () => (sink = markRequestData(JSON.parse(body.toString('utf8'))));

function time(fn: () => unknown, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function compare(label: string, body: Buffer, iterations: number): void {
  const a = plain(body);
  const b = marked(body);
  for (let i = 0; i < iterations; i++) (a(), b()); // warm up the JIT
  let bestPlain = Infinity;
  let bestMarked = Infinity;
  for (let round = 0; round < 7; round++) {
    bestPlain = Math.min(bestPlain, time(a, iterations));
    bestMarked = Math.min(bestMarked, time(b, iterations));
  }
  const us = (ns: number) => `${(ns / 1000).toFixed(2).padStart(9)} µs`;
  console.log(
    `${label.padEnd(22)} JSON.parse ${us(bestPlain)}   + markRequestData ${us(bestMarked)}   ` +
      `+${((bestMarked - bestPlain) / 1000).toFixed(2)} µs (${(bestMarked / bestPlain).toFixed(2)}×)`,
  );
}

console.log(`podets JSON body parsing — best of 7 rounds, node ${process.version}\n`);
compare(`small (${small.length} bytes)`, small, 100_000);
compare(`large (${(large.length / 1024).toFixed(0)} kB)`, large, 20);
void sink;
