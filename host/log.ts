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

/** An error with its stack, for the terminal only (never for a client). */
export function logException(context: string, err: unknown): void {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  log('error', `${context}: ${text}`);
}
