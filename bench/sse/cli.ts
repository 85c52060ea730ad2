// What bench/sse.ts and bench/sse-h2.ts read from their command line, and the plan both run by: one place,
// so the two tables are measured the same way (the same warm-up, broadcasts and connect window).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan, Target } from './run.ts';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const quick = !!process.env.BENCH_QUICK && process.env.BENCH_QUICK !== '0';

export function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--sizes a,b` (else `fallback`), checked. */
export function sizesOption(fallback: string): number[] {
  const sizes = (option('sizes') ?? fallback).split(',').map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error('--sizes must be positive integers');
  return sizes;
}

/** The targets `--only` keeps, with the shared measuring plan. */
export function planFor(targets: Target[]): Plan {
  const only = option('only')?.split(',');
  return {
    root,
    targets: targets.filter((t) => !only || only.includes(t.name)),
    /** Fewer measured broadcasts at 5,000 connections and more, where each takes several times longer. */
    broadcastsFor: (n) => Number(option('broadcasts') ?? 0) || (quick ? (n >= 5000 ? 15 : 60) : n >= 5000 ? 60 : 200),
    warmupBroadcasts: quick ? 5 : 20,
    settleBroadcasts: 3,
    connectWindow: 128,
    cpuProf: option('cpu-prof'),
    cpuProfInterval: option('cpu-prof-interval'),
  };
}
