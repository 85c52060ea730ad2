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

/** Names closest to a mistyped one (edit distance), for "did you mean" messages. */
export function closestCmdlets(name: string, count = 3): string[] {
  const target = name.toLowerCase().replace('-', '');
  return ordered
    .map((e) => ({ name: e.decl.name, d: distance(target, scriptName(e.decl.name).toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((e) => e.name);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
