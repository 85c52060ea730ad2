// Compiles a declaration once into what binding needs: parameters with their converters, a name table for
// exact names and aliases, a memo for prefixes, positional order and parameter-set bit masks. A call
// then does no metadata walking.
import type { CmdletDecl, ParamDecl } from '../cmdlet/declare.ts';
import { COMMON_PARAMETERS } from './common.ts';
import { CONVERTERS, DOTNET_TYPE, toCommonSwitch, type Converter } from './convert.ts';

export const ALL_SETS = '__AllParameterSets';

export interface CompiledParam {
  readonly decl: ParamDecl;
  readonly name: string;
  readonly index: number;
  readonly isCommon: boolean;
  readonly isSwitch: boolean;
  /** Sets it belongs to (all bits when it has none). */
  readonly mask: number;
  /** Mandatory in any of its sets. */
  readonly mandatory: boolean;
  /** The sets it is Mandatory in, positional in, and takes pipeline input in (perSet can narrow each). */
  readonly mandatoryMask: number;
  readonly positionMask: number;
  readonly pipelineMask: number;
  /** Why podets cannot honour it, when it is declared `unsupported`. */
  readonly unsupported: string | undefined;
  readonly position: number | undefined;
  readonly pipeline: boolean;
  readonly dotnetType: string;
  readonly convert: Converter;
  /** ValidateSet values lower-cased, for the case-insensitive compare. */
  readonly setLower: readonly string[] | undefined;
  /** Has any check for validateValue (mandatory or a Validate* attribute). */
  readonly validates: boolean;
  /** A string binds as itself (String, Object): the hot path skips the converter call. */
  readonly takesStringAsIs: boolean;
  /** A whole number binds as itself (Int32, Object). */
  readonly takesIntAsIs: boolean;
}

/** A name lookup: the parameter, or the list of ambiguous matches. */
export type NameMatch = CompiledParam | { ambiguous: readonly string[] } | null;

export interface CompiledCmdlet {
  readonly name: string;
  readonly decl: CmdletDecl<readonly ParamDecl[], unknown>;
  /** Own parameters first (declaration order), then the common ones. */
  readonly params: readonly CompiledParam[];
  readonly ownCount: number;
  readonly positional: readonly CompiledParam[];
  readonly setNames: readonly string[];
  readonly allMask: number;
  readonly defaultMask: number;
  readonly pipelineParams: readonly CompiledParam[];
  /** Own parameters declared `unsupported`. */
  readonly unsupported: readonly CompiledParam[];
  /** Exact names and aliases, lower-cased. */
  readonly exact: ReadonlyMap<string, CompiledParam>;
  /** A whole parameter name or alias, in any case (no prefixes). */
  isName(key: string): boolean;
  match(typed: string): NameMatch;
}

const compiled = new WeakMap<object, CompiledCmdlet>();

export function compile(decl: CmdletDecl<readonly ParamDecl[], unknown>): CompiledCmdlet {
  let c = compiled.get(decl);
  if (!c) compiled.set(decl, (c = build(decl)));
  return c;
}

function build(decl: CmdletDecl<readonly ParamDecl[], unknown>): CompiledCmdlet {
  const own = decl.parameters;
  const setNames: string[] = [];
  for (const p of own) for (const s of p.sets ?? []) if (!setNames.includes(s)) setNames.push(s);
  if (decl.defaultParameterSet && !setNames.includes(decl.defaultParameterSet)) setNames.push(decl.defaultParameterSet);
  if (setNames.length > 30) throw new Error(`${decl.name}: too many parameter sets`);
  const allMask = setNames.length === 0 ? 1 : (1 << setNames.length) - 1;
  const maskOf = (p: ParamDecl) => (p.sets ? p.sets.reduce((m, s) => m | (1 << setNames.indexOf(s)), 0) : allMask);

  // Compiler.GetParameterMetaData (engine/parser/Compiler.cs): positions are numbered automatically only when no
  // parameter has a [Parameter()] with a Position or a ParameterSetName (GetRuntimeDefinedParameter sets
  // customParameterSet for either); then every non-switch parameter gets the next one, in declaration order.
  const customSet = own.some(declaresPositionOrSet);
  checkExplicitPositionOrder(decl.name, own);
  checkPerSet(decl.name, own);
  let auto = 0;
  const params: CompiledParam[] = [...own, ...COMMON_PARAMETERS].map((p, index) => {
    const isCommon = index >= own.length;
    const isSwitch = p.type === 'SwitchParameter';
    const position = isCommon || isSwitch ? undefined : customSet ? p.position : auto++;
    const mask = maskOf(p);
    // The sets in which an attribute holds: all the parameter's sets, less those perSet turns it off in (or on).
    const inSets = (on: boolean, key: 'mandatory' | 'positional' | 'pipeline') =>
      p.perSet === undefined
        ? on ? mask : 0
        : setNames.reduce((m, set, bit) => ((mask & (1 << bit)) !== 0 && (p.perSet![set]?.[key] ?? on) ? m | (1 << bit) : m), 0);
    const mandatoryMask = inSets(p.mandatory === true, 'mandatory');
    return {
      decl: p,
      name: p.name,
      index,
      isCommon,
      isSwitch,
      mask,
      mandatory: mandatoryMask !== 0,
      mandatoryMask,
      positionMask: position === undefined ? 0 : inSets(true, 'positional'),
      pipelineMask: inSets(p.pipeline === true, 'pipeline'),
      unsupported: p.unsupported,
      position,
      pipeline: p.pipeline === true || Object.values(p.perSet ?? {}).some((a) => a.pipeline === true),
      dotnetType: DOTNET_TYPE[p.type],
      convert: isCommon && isSwitch ? toCommonSwitch : CONVERTERS[p.type],
      setLower: p.validateSet?.map((v) => v.toLowerCase()),
      validates: mandatoryMask !== 0 || !!p.validateSet || !!p.validateRange || p.validateNotNullOrEmpty === true,
      takesStringAsIs: p.type === 'String' || p.type === 'Object' || p.type === 'PSObject',
      takesIntAsIs: p.type === 'Int32' || p.type === 'Object' || p.type === 'PSObject',
    };
  });

  const exact = new Map<string, CompiledParam>();
  const names: Array<[string, CompiledParam]> = [];
  for (const p of params) {
    for (const n of [p.name, ...(p.decl.aliases ?? [])]) {
      const lower = n.toLowerCase();
      if (exact.has(lower)) throw new Error(`${decl.name}: parameter name or alias '${n}' is declared twice`);
      exact.set(lower, p);
      names.push([lower, p]);
    }
  }

  // Declared casing first: most callers spell names as declared, and that lookup needs no lower-casing.
  const declared = new Map<string, CompiledParam>(params.map((p) => [p.name, p]));
  const memo = new Map<string, NameMatch>();
  // A name longer than every declared one is no prefix of any: no prefix scan, and no memo entry that size.
  const longest = Math.max(...names.map(([n]) => n.length));
  const match = (typed: string): NameMatch => {
    const direct = declared.get(typed);
    if (direct) return direct;
    if (typed.length > longest) return null;
    const lower = typed.toLowerCase();
    const hit = exact.get(lower);
    if (hit) return hit;
    let found = memo.get(lower);
    if (found === undefined) {
      found = matchPrefix(lower, names);
      // Typed prefixes come from source text, so the memo stays small; the bounds guard against abuse.
      if (memo.size < 512) memo.set(lower, found);
    }
    return found;
  };

  return {
    name: decl.name,
    decl,
    params,
    ownCount: own.length,
    positional: params.filter((p) => p.position !== undefined).sort((a, b) => a.position! - b.position!),
    setNames,
    allMask,
    defaultMask: decl.defaultParameterSet ? 1 << setNames.indexOf(decl.defaultParameterSet) : 0,
    pipelineParams: params.filter((p) => p.pipelineMask !== 0),
    unsupported: params.filter((p) => p.unsupported !== undefined),
    exact,
    isName: (key: string) => declared.has(key) || exact.has(key.toLowerCase()),
    match,
  };
}

/** Prefix match: one parameter wins; several, of which exactly one is the cmdlet's own, that one wins. */
function matchPrefix(lower: string, names: ReadonlyArray<[string, CompiledParam]>): NameMatch {
  const hits: CompiledParam[] = [];
  for (const [n, p] of names) if (n.startsWith(lower) && !hits.includes(p)) hits.push(p);
  if (hits.length === 0) return null;
  if (hits.length === 1) return hits[0]!;
  const own = hits.filter((p) => !p.isCommon);
  if (own.length === 1) return own[0]!;
  hits.sort((a, b) => a.index - b.index);
  return { ambiguous: hits.map((p) => p.name) };
}

/** A Position, or a ParameterSetName other than __AllParameterSets (Compiler.cs, GetRuntimeDefinedParameter). */
function declaresPositionOrSet(p: ParamDecl): boolean {
  return p.position !== undefined || (p.sets !== undefined && p.sets.some((s) => s !== ALL_SETS));
}

/** perSet may only name sets the parameter is in. */
function checkPerSet(cmdlet: string, own: readonly ParamDecl[]): void {
  for (const p of own)
    for (const set of Object.keys(p.perSet ?? {}))
      if (!p.sets?.includes(set)) throw new Error(`${cmdlet}: -${p.name} has perSet attributes for '${set}', which is not one of its sets`);
}

/**
 * The positional tuple type assumes explicit positions ascend in declaration order; enforce it. Parameters may
 * share a position when they are in different sets (Start-PodeSleep's -Seconds, -Milliseconds and -Duration).
 */
function checkExplicitPositionOrder(cmdlet: string, own: readonly ParamDecl[]): void {
  let last: ParamDecl | undefined;
  for (const p of own) {
    if (p.position === undefined) continue;
    const sameSetsAsLast = last !== undefined && (!p.sets || !last.sets || p.sets.some((x) => last!.sets!.includes(x)));
    if (last !== undefined && (p.position < last.position! || (p.position === last.position && sameSetsAsLast)))
      throw new Error(`${cmdlet}: explicit positions must ascend in declaration order (${p.name})`);
    last = p;
  }
}

// Converting and validating one argument lives in validate.ts; re-exported for callers that import it from here.
export { bindArgument, validateValue } from './validate.ts';
