// Every declared cmdlet, by `Verb-PodeNoun` and by its script name `VerbPodeNoun` (any case), with the
// noun group its file declares (the docs folder it goes in).
import type { CmdletDecl, ParamDecl } from './declare.ts';

export interface RegisteredCmdlet {
  readonly decl: CmdletDecl<readonly ParamDecl[], unknown>;
  readonly group: string;
  /** The function scripts call (`ConvertToPodeSseConnection`). */
  readonly fn: (...args: any[]) => unknown;
  /** Found by name but left out of lists, help and docs (test fixtures). */
  readonly hidden?: boolean;
}

const byName = new Map<string, RegisteredCmdlet>();
const ordered: RegisteredCmdlet[] = [];

export const scriptName = (cmdletName: string) => cmdletName.replace('-', '');

export function register(entry: RegisteredCmdlet): void {
  const name = entry.decl.name;
  if (!/^[A-Z][A-Za-z]+-Pode[A-Za-z]+$/.test(name)) throw new Error(`Cmdlet name '${name}' is not of the form Verb-PodeNoun`);
  for (const key of [name.toLowerCase(), scriptName(name).toLowerCase()]) {
    if (byName.has(key) && byName.get(key) !== entry) throw new Error(`Cmdlet '${name}' is declared twice`);
    byName.set(key, entry);
  }
  if (!entry.hidden) ordered.push(entry);
}

export function findCmdlet(name: string): RegisteredCmdlet | undefined {
  return byName.get(name.toLowerCase());
}

export function allCmdlets(): readonly RegisteredCmdlet[] {
  return ordered;
}

// A typed name is cut to this length before comparing. Every cmdlet name is far shorter, so a mistyped name gets
// the same suggestions, and a 400,000-character one costs what a 64-character one does (it took 12 s).
const MAX_COMPARED = 64;

/** Names closest to a mistyped one (edit distance, then name), for "did you mean" messages. */
export function closestCmdlets(name: string, count = 3): string[] {
  const target = name.slice(0, MAX_COMPARED).toLowerCase().replace('-', '');
  const best: { name: string; d: number }[] = [];
  for (const e of ordered) {
    // Only a name at least as close as the current last pick can still make the list.
    const limit = best.length < count ? Infinity : best[best.length - 1]!.d;
    const d = distance(target, scriptName(e.decl.name).toLowerCase(), limit);
    if (d > limit) continue;
    const entry = { name: e.decl.name, d };
    let at = best.length;
    while (at > 0 && (best[at - 1]!.d > d || (best[at - 1]!.d === d && best[at - 1]!.name.localeCompare(entry.name) > 0))) at--;
    best.splice(at, 0, entry);
    if (best.length > count) best.pop();
  }
  return best.map((e) => e.name);
}

/**
 * The parameter (or alias) of `cmdletName` a mistyped `-typed` most likely meant, if one is close enough
 * (at most 2 edits, or a third of the name's length for long names); for "Did you mean" hints.
 */
export function closestParameter(cmdletName: string, typed: string): string | undefined {
  const entry = findCmdlet(cmdletName);
  if (!entry) return undefined;
  const target = typed.slice(0, MAX_COMPARED).toLowerCase();
  const limit = Math.max(2, Math.floor(target.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const p of entry.decl.parameters) {
    for (const name of [p.name, ...(p.aliases ?? [])]) {
      const d = distance(target, name.toLowerCase(), best ? best.d : limit);
      if (d <= limit && (!best || d < best.d)) best = { name: p.name, d };
    }
  }
  return best?.name;
}

/** Levenshtein distance, or any number above `limit` as soon as the result is known to exceed it. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
