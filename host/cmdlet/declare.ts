// A cmdlet is declared once, as data. The binder, the TypeScript signature of the exported function, the
// help text, the docs page and the SYNTAX lines are all derived from this one declaration.
import type { CallContext } from './context.ts';
import type { EnumMember, EnumName } from './enums.ts';

/** .NET short type names, as Get-Help and platyPS print them. */
export type ParamType =
  | 'String'
  | 'String[]'
  | 'Int32'
  | 'Int32[]'
  | 'Boolean'
  | 'SwitchParameter'
  | 'Object'
  /** [psobject]: binds as Object does (any value, as it is). */
  | 'PSObject'
  | 'Object[]'
  | 'Hashtable'
  | 'ScriptBlock'
  | 'DateTime'
  | 'ActionPreference'
  | 'Byte[]'
  | 'TimeSpan'
  | 'X509Certificate'
  | 'X509Certificate2'
  | 'SecureString'
  | EnumName
  | `${EnumName}[]`;

/** Attributes a parameter has in one of its sets only (PowerShell keeps them per [Parameter()] attribute). */
export interface SetAttributes {
  readonly mandatory?: boolean;
  /** false: the parameter's Position does not apply in this set. */
  readonly positional?: boolean;
  /** false: ValueFromPipeline does not apply in this set. */
  readonly pipeline?: boolean;
}

export interface ParamDecl {
  readonly name: string;
  readonly type: ParamType;
  readonly help: string;
  readonly mandatory?: boolean;
  /**
   * Explicit Position. When no parameter of a cmdlet has one and none names a set (`sets`), non-switches are
   * numbered in declaration order (Compiler.cs, GetParameterMetaData); otherwise only these are positional.
   */
  readonly position?: number;
  /** ParameterSetName(s); absent = all sets. */
  readonly sets?: readonly string[];
  /** ValueFromPipeline. */
  readonly pipeline?: boolean;
  readonly aliases?: readonly string[];
  readonly validateSet?: readonly string[];
  /**
   * The implementation gets the caller's string, as PowerShell hands it over (ValidateSet only compares), rather
   * than the member in its declared casing: for a value the cmdlet stores and gives back as given, where Pode
   * does (Set-PodeSseDefaultScope -Scope local, then Get-PodeSseDefaultScope is 'local').
   */
  readonly keepCase?: boolean;
  readonly validateNotNullOrEmpty?: boolean;
  /** [AllowNull()]: a Mandatory parameter that still accepts null (Write-PodeJsonResponse -Value). */
  readonly allowNull?: boolean;
  readonly validateRange?: readonly [number, number];
  /** Bound when the caller gives nothing; never validated (as in PowerShell). */
  readonly default?: unknown;
  /** How the docs show a default that is computed at call time. */
  readonly defaultText?: string;
  /** Per-set differences from the attributes above, keyed by set name (each must be in `sets`). */
  readonly perSet?: Readonly<Record<string, SetAttributes>>;
  /**
   * Declared as Pode declares it, but podets cannot honour it: why. Giving it a value other than its default
   * (a switch: other than $false) is a ParameterNotSupported error, in every call form; the docs say so.
   */
  readonly unsupported?: string;
}

export interface ExampleDecl {
  readonly code: string;
  readonly text?: string;
}

export interface CmdletDecl<P extends readonly ParamDecl[], R> {
  /** `Verb-PodeNoun`. */
  readonly name: string;
  readonly synopsis: string;
  readonly description: string;
  readonly examples?: readonly ExampleDecl[];
  readonly defaultParameterSet?: string;
  readonly parameters: P;
  readonly outputs?: string;
  readonly run: (args: BoundArgs<P>, ctx: CallContext) => R;
}

// ---- Types inferred from the declaration -------------------------------------------------------

export type ActionPreference = 'SilentlyContinue' | 'Stop' | 'Continue' | 'Inquire' | 'Ignore' | 'Suspend' | 'Break';

type InputOf<T extends ParamType> = T extends 'String'
  ? string
  : T extends 'String[]'
    ? string | readonly string[]
    : T extends 'Int32'
      ? number
      : T extends 'Int32[]'
        ? number | readonly number[]
        : T extends 'Boolean' | 'SwitchParameter'
          ? boolean
          : T extends 'Hashtable'
            ? Record<string, unknown>
            : T extends 'ScriptBlock'
              ? (...args: any[]) => unknown
              : T extends 'DateTime'
                ? Date | string
                : T extends 'ActionPreference'
                  ? ActionPreference
                  : T extends EnumName
                    ? EnumMember<T> | number
                    : T extends `${infer E extends EnumName}[]`
                      ? EnumMember<E> | number | readonly (EnumMember<E> | number)[]
                      : T extends 'Byte[]'
                        ? Uint8Array | ArrayBuffer | readonly number[]
                        : T extends 'SecureString'
                          ? string
                          : unknown;

type OutputOf<T extends ParamType> = T extends 'String[]'
  ? string[]
  : T extends 'Int32[]'
    ? number[]
    : T extends 'Object[]'
      ? unknown[]
      : T extends 'DateTime'
        ? Date
        : T extends EnumName
          ? EnumMember<T>
          : T extends `${infer E extends EnumName}[]`
            ? EnumMember<E>[]
            : T extends 'Byte[]'
              ? Buffer
              : InputOf<T>;

/** What a caller may pass: ValidateSet values become a string-literal union. */
export type ParamInput<D extends ParamDecl> = D extends { validateSet: readonly (infer V extends string)[] }
  ? D['type'] extends 'String[]'
    ? V | readonly V[]
    : V
  : InputOf<D['type']>;

type ParamOutput<D extends ParamDecl> = D extends { keepCase: true }
  ? OutputOf<D['type']>
  : D extends { validateSet: readonly (infer V extends string)[] }
  ? D['type'] extends 'String[]'
    ? V[]
    : V
  : OutputOf<D['type']>;

type AlwaysBound<D> = D extends { type: 'SwitchParameter' }
  ? true
  : D extends { default: {} | null }
    ? true
    : D extends { mandatory: true; sets?: undefined }
      ? true
      : false;

/** The arguments an implementation receives: defaults applied, switches always booleans. */
export type BoundArgs<P extends readonly ParamDecl[]> = {
  -readonly [D in P[number] as AlwaysBound<D> extends true ? D['name'] : never]: ParamOutput<D>;
} & {
  -readonly [D in P[number] as AlwaysBound<D> extends true ? never : D['name']]?: ParamOutput<D>;
};

export interface CommonParameters {
  Verbose?: boolean;
  Debug?: boolean;
  ErrorAction?: ActionPreference;
  WarningAction?: ActionPreference;
  InformationAction?: ActionPreference;
  ProgressAction?: ActionPreference;
  ErrorVariable?: string;
  WarningVariable?: string;
  InformationVariable?: string;
  OutVariable?: string;
  OutBuffer?: number;
  PipelineVariable?: string;
}

/**
 * The hashtable-splat object: exact parameter names, plus the common parameters. `undefined` is "not given" (the
 * binder skips it), so an optional value read from request data can be passed straight on.
 */
export type Splat<P extends readonly ParamDecl[]> = P extends unknown
  ? { [D in P[number] as D['name']]?: ParamInput<D> | null | undefined } & CommonParameters
  : never;

/** A ParameterSetName other than __AllParameterSets (compile.ts's declaresPositionOrSet). */
type DeclaresSet<H> = H extends { sets: readonly (infer S)[] } ? ([Exclude<S, '__AllParameterSets'>] extends [never] ? false : true) : false;
/** Whether any parameter declares a Position or a ParameterSetName: then no automatic positions. */
type HasExplicitPosition<P> = P extends readonly [infer H, ...infer T]
  ? H extends { position: number }
    ? true
    : DeclaresSet<H> extends true
      ? true
      : HasExplicitPosition<T>
  : false;
/** Parameters sharing a position (in different sets) take one value: the first of them types it. */
type ExplicitPositional<P, Last = never> = P extends readonly [infer H, ...infer T]
  ? H extends { position: infer N extends number }
    ? [N] extends [Last]
      ? ExplicitPositional<T, Last>
      : [H, ...ExplicitPositional<T, N>]
    : ExplicitPositional<T, Last>
  : [];
type AutoPositional<P> = P extends readonly [infer H, ...infer T]
  ? H extends { type: 'SwitchParameter' }
    ? AutoPositional<T>
    : [H, ...AutoPositional<T>]
  : [];
/**
 * Positional parameters in position order (explicit positions are declared in ascending order: checked at load).
 * Automatic positions only when no parameter declares a Position or a ParameterSetName, as compile.ts numbers them.
 */
export type PositionalParams<P extends readonly ParamDecl[]> =
  HasExplicitPosition<P> extends true ? ExplicitPositional<P> : AutoPositional<P>;

type ValuesOf<T> = { [K in keyof T]: T[K] extends ParamDecl ? ParamInput<T[K]> | null : never };

/**
 * The call shapes, one per argument count: n positional values of which the last may be the splat instead, or
 * every positional value and then the splat. One shape per count matters for the messages: TypeScript picks the
 * one signature of that arity and reports against it (`'Nmae' does not exist in type …`, `'"Foo"' is not
 * assignable to '"Local" | "Global" | "Default" | …'`), where a union of tuples is reported as a whole.
 */
type Shapes<V extends unknown[], S> = V extends [...infer Init, infer Last] ? [...Init, Last | S] | Shapes<Init, S> : [];

/** Every accepted call shape: a prefix of the positional values, optionally followed by a splat object. */
export type CallArgs<P extends readonly ParamDecl[]> =
  | Shapes<ValuesOf<PositionalParams<P>>, Splat<P>>
  | [...ValuesOf<PositionalParams<P>>, Splat<P>];

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** One overload per call shape (see Shapes). */
export type CallSignatures<P extends readonly ParamDecl[], R> = UnionToIntersection<
  CallArgs<P> extends infer A ? (A extends unknown[] ? (...args: A) => R : never) : never
>;

/** The same overloads after the pipeline input. */
export type PipeSignatures<P extends readonly ParamDecl[], R> = UnionToIntersection<
  CallArgs<P> extends infer A ? (A extends unknown[] ? (input: unknown, ...args: A) => R : never) : never
>;
