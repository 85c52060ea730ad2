// What every help view needs to know about a declaration beyond its raw facts: parameter sets in display
// order, positions and defaults as PowerShell shows them. Positions come from the binder's own compile step,
// so the help can never disagree with how arguments actually bind.
import { compile } from '../binder/compile.ts';
import type { CmdletDecl, ParamDecl } from '../cmdlet/declare.ts';

export type AnyDecl = CmdletDecl<readonly ParamDecl[], unknown>;

/** platyPS/PowerShell 7.4 list ProgressAction as an ordinary parameter (platyPS 0.14 predates it). */
export const PROGRESS_ACTION: ParamDecl = {
  name: 'ProgressAction',
  type: 'ActionPreference',
  aliases: ['proga'],
  help: '{{ Fill ProgressAction Description }}',
};

export interface ParamView {
  readonly decl: ParamDecl;
  /** 0-based position, or undefined when the parameter is named-only. */
  readonly position: number | undefined;
  readonly isSwitch: boolean;
}

export function paramViews(decl: AnyDecl): ParamView[] {
  const compiled = compile(decl);
  return decl.parameters.map((p, i) => {
    const c = compiled.params[i]!;
    return { decl: p, position: c.position, isSwitch: c.isSwitch };
  });
}

/** Set names, default set first, then the others in order of first appearance; [] when the cmdlet has none. */
export function parameterSets(decl: AnyDecl): string[] {
  const sets: string[] = [];
  for (const p of decl.parameters) for (const s of p.sets ?? []) if (!sets.includes(s)) sets.push(s);
  const def = decl.defaultParameterSet;
  if (def === undefined) return sets;
  return [def, ...sets.filter((s) => s !== def)];
}

export function inSet(p: ParamDecl, set: string | undefined): boolean {
  return set === undefined || p.sets === undefined || p.sets.includes(set);
}

/** `(All)`, or the sets it belongs to (in display order) when that is not every set. */
export function setsLabel(decl: AnyDecl, p: ParamDecl): string {
  const all = parameterSets(decl);
  const mine = all.filter((s) => inSet(p, s));
  return all.length <= 1 || mine.length === all.length ? '(All)' : mine.join(', ');
}

/** The default as platyPS prints it: `None` when there is none, `False` for an unset switch. */
export function defaultText(p: ParamDecl): string {
  if (p.defaultText !== undefined) return p.defaultText;
  const v = p.default;
  if (v === undefined || v === null || v === '') return p.type === 'SwitchParameter' ? 'False' : 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Case-insensitive name order, as PowerShell's Sort-Object and platyPS use for names. */
export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** 1-based as in Pode's generated help (PowerShell's 0-based Position + 1), or `Named`. */
export function positionText(v: ParamView): string {
  return v.position === undefined ? 'Named' : String(v.position + 1);
}
