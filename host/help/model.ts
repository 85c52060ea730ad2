// What every help view needs to know about a declaration beyond its raw facts: parameter sets in display
// order, positions and defaults as PowerShell shows them. Positions come from the binder's own compile step,
// so the help can never disagree with how arguments actually bind.
import { compile } from '../binder/compile.ts';
import type { CmdletDecl, ParamDecl } from '../cmdlet/declare.ts';
import { enumOf } from '../binder/convert.ts';

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
  /** 0-based position, or undefined when the parameter is named-only (in the set viewed). */
  readonly position: number | undefined;
  readonly isSwitch: boolean;
  /** Mandatory and ValueFromPipeline in the set viewed (in any of its sets when no set is given). */
  readonly mandatory: boolean;
  readonly pipeline: boolean;
}

/** The parameters as one set sees them, or as a whole when `set` is undefined. */
export function paramViews(decl: AnyDecl, set?: string): ParamView[] {
  const compiled = compile(decl);
  const bit = set === undefined ? -1 : compiled.setNames.indexOf(set);
  return decl.parameters.map((p, i) => {
    const c = compiled.params[i]!;
    const has = (mask: number) => (mask & (bit < 0 ? c.mask : 1 << bit)) !== 0;
    return { decl: p, position: has(c.positionMask) ? c.position : undefined, isSwitch: c.isSwitch, mandatory: has(c.mandatoryMask), pipeline: has(c.pipelineMask) };
  });
}

/** The values an enum-typed parameter accepts, as Get-Help lists them; undefined for other types. */
export function acceptedValues(p: ParamDecl): string | undefined {
  const e = enumOf(p.type);
  return e?.members.map(([n]) => n).join(', ');
}

/** The parameter's help, with the docs' note when podets cannot honour it. */
export function helpText(p: ParamDecl): string {
  const note = p.unsupported === undefined ? '' : `Not supported by podets: ${p.unsupported}.`;
  return [p.help, note].filter((t) => t !== '').join('\n\n');
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
