// What an implementation sees besides its arguments: the chosen parameter set, which parameters the caller
// bound ($PSBoundParameters), and the output streams whose behaviour the common parameters control.
// A cmdlet's own errors come from the catalog: `throw errors.SseNameRequired(ctx.command)` (host/errors/catalog.ts).
export interface CallContext {
  /** `Verb-PodeNoun`. */
  readonly command: string;
  /** The chosen set's name, or `__AllParameterSets`. */
  readonly parameterSetName: string;
  /** Names (declared casing) the caller bound, as in $PSBoundParameters; defaults are not in it. */
  readonly bound: ReadonlySet<string>;
  /** True when the call was fed by pipeline input. */
  readonly expectingInput: boolean;
  /** Write-Verbose: printed when the call has -Verbose or the log level is verbose. */
  verbose(message: string): void;
  /** Write-Debug: printed when the call has -Debug or the log level is debug. */
  debug(message: string): void;
  /** Write-Warning: governed by -WarningAction and captured by -WarningVariable. */
  warning(message: string): void;
  /** Write-Information: governed by -InformationAction and captured by -InformationVariable. */
  information(message: string): void;
  /** Write-Progress: governed by -ProgressAction. */
  progress(activity: string, status: string): void;
}
