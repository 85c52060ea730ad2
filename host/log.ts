// The host's one logger. Every part of the engine writes through it so that --quiet, --log-level,
// a cmdlet's -Verbose/-Debug and the colour rules (NO_COLOR, non-TTY) are decided in one place.
import chalk from 'chalk';

// chalk already turns colour off for pipes and files; NO_COLOR (https://no-color.org) is ours to honour.
if (process.env.NO_COLOR) chalk.level = 0;

export const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, verbose: 3, debug: 4 };
const paint: Record<LogLevel, (s: string) => string> = {
  error: chalk.red,
  warn: chalk.yellow,
  info: (s) => s,
  verbose: chalk.cyan,
  debug: chalk.gray,
};
const label: Record<LogLevel, string> = { error: 'ERROR', warn: 'WARNING', info: '', verbose: 'VERBOSE', debug: 'DEBUG' };

export interface LogSink {
  (level: LogLevel, line: string): void;
}

const state = {
  level: 'info' as LogLevel,
  quiet: false,
  sink: ((level, line) => {
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  }) as LogSink,
};

export function setLogLevel(level: LogLevel): void {
  state.level = level;
}
export function getLogLevel(): LogLevel {
  return state.level;
}
/** --quiet: only errors reach the terminal. */
export function setQuiet(quiet: boolean): void {
  state.quiet = quiet;
}
/** Write-PodeHost obeys --quiet only (as Write-Host obeys Pode's -Quiet), not the log level. */
export function isQuiet(): boolean {
  return state.quiet;
}
/** Tests capture log lines by swapping the sink; returns the previous one. */
export function setLogSink(sink: LogSink): LogSink {
  const old = state.sink;
  state.sink = sink;
  return old;
}

/** Would a line at this level be printed? `force` is a cmdlet's own -Verbose/-Debug. */
export function enabled(level: LogLevel, force = false): boolean {
  if (state.quiet && level !== 'error') return false;
  return force || rank[level] <= rank[state.level];
}

export function log(level: LogLevel, message: string, force = false): void {
  if (!enabled(level, force)) return;
  const tag = label[level];
  state.sink(level, paint[level](tag ? `${tag}: ${message}` : message));
}

export const logError = (message: string) => log('error', message);
export const logWarn = (message: string) => log('warn', message);
export const logInfo = (message: string) => log('info', message);
export const logVerbose = (message: string, force = false) => log('verbose', message, force);
export const logDebug = (message: string, force = false) => log('debug', message, force);

/** Writes text as given (no level tag, no colour added), under the same --quiet/--log-level rules. */
export function logRaw(level: LogLevel, text: string, force = false): void {
  if (enabled(level, force)) state.sink(level, text);
}

/** A failure the host reports: Pode's error-log item. */
export interface FailureItem {
  readonly level: LogLevel;
  /** What was going on, e.g. `GET /users` or `Timer 'tick' failed`. */
  readonly context: string;
  readonly error: unknown;
  readonly date: Date;
}

/**
 * Enable-PodeErrorLogging's target. It sees the failures whose level it asked for and returns true
 * when it has written them to the terminal itself; otherwise the host's own line is printed too, so
 * errors always reach the terminal whatever a custom method does with them.
 */
export interface ErrorLogTarget {
  readonly levels: ReadonlySet<LogLevel>;
  write(item: FailureItem): boolean;
}

let errorLog: ErrorLogTarget | undefined;

/** Installs (or, with undefined, removes) the error log; returns the previous one. */
export function setErrorLog(target: ErrorLogTarget | undefined): ErrorLogTarget | undefined {
  const old = errorLog;
  errorLog = target;
  return old;
}
export function getErrorLog(): ErrorLogTarget | undefined {
  return errorLog;
}

/**
 * Reports a failure at `level`: through the error log when it takes that level, else (or as well,
 * see ErrorLogTarget) as one host line, by default `context: <stack>`.
 */
export function logFailure(level: LogLevel, context: string, err: unknown, line?: string): void {
  const target = errorLog;
  if (target !== undefined && target.levels.has(level)) {
    let written = false;
    try {
      written = target.write({ level, context, error: err, date: new Date() });
    } catch (writeErr) {
      log('error', `Error log method failed: ${describeError(writeErr)}`);
    }
    if (written) return;
  }
  log(level, line ?? `${context}: ${describeError(err)}`);
}

/** An error with its stack, for the terminal only (never for a client). */
export function logException(context: string, err: unknown): void {
  logFailure('error', context, err);
}

/**
 * The stack (or text) of an error. A PodeError's ErrorId (`<Id>,<Command-Name>`) leads, since the
 * stack alone does not say which cmdlet failed or why (binding errors inside handlers).
 */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  const id = (err as { ErrorId?: unknown } | null | undefined)?.ErrorId;
  return typeof id === 'string' && id !== '' ? `[${id}] ${text}` : text;
}
