// The host's one logger. Every part of the engine writes through it so that --quiet, --log-level,
// a cmdlet's -Verbose/-Debug, the colour rules (NO_COLOR, non-TTY) and terminal safety are decided
// in one place: a plain string is always escaped here, so no caller can let a client's control
// characters reach the terminal; colour codes and line breaks get in only through LogText.
import chalk from 'chalk';
import { ambient } from './runtime/ambient.ts';

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

/**
 * What decides which lines are printed and where failures go. Each server has its own (PodeServer.log:
 * --log-level, --quiet, Enable-PodeErrorLogging), read here through the ambient context, so two servers in
 * one process keep their own; code outside any server (the CLI, a socket's error) uses the process's.
 */
export interface LogSettings {
  level: LogLevel;
  quiet: boolean;
  /** Enable-PodeErrorLogging's target. */
  errorLog: ErrorLogTarget | undefined;
}

const processSettings: LogSettings = { level: 'info', quiet: false, errorLog: undefined };

/** The running server's settings, else the process's: one AsyncLocalStorage read. */
function settings(): LogSettings {
  return ambient()?.server?.log ?? processSettings;
}

/** The process's own settings object (for the CLI's one server, which shares it). */
export function sharedProcessLogSettings(): LogSettings {
  return processSettings;
}

/** A copy of the process's settings, for a new server to start from. */
export function processLogSettings(): LogSettings {
  return { ...processSettings, errorLog: undefined };
}

/** The terminal is the process's: one sink for every server. */
const state = {
  sink: ((level, line) => {
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  }) as LogSink,
};

/** The level of the running server (or, outside any, of the process: the CLI sets it from --log-level). */
export function setLogLevel(level: LogLevel): void {
  settings().level = level;
}
export function getLogLevel(): LogLevel {
  return settings().level;
}
/** --quiet: only errors reach the terminal. */
export function setQuiet(quiet: boolean): void {
  settings().quiet = quiet;
}
/** Write-PodeHost obeys --quiet only (as Write-Host obeys Pode's -Quiet), not the log level. */
export function isQuiet(): boolean {
  return settings().quiet;
}
/** Tests capture log lines by swapping the sink; returns the previous one. */
export function setLogSink(sink: LogSink): LogSink {
  const old = state.sink;
  state.sink = sink;
  return old;
}

/** Would a line at this level be printed? `force` is a cmdlet's own -Verbose/-Debug. */
export function enabled(level: LogLevel, force = false): boolean {
  const own = settings();
  if (own.quiet && level !== 'error') return false;
  return force || rank[level] <= rank[own.level];
}

// ---- Text safe for a terminal ------------------------------------------------------------------

/**
 * What a client could use to move the cursor, recolour or clear the screen, set the window title, or
 * forge a log line (CR/LF): C0 controls, DEL and C1 controls; plus the invisible bidirectional controls,
 * which reorder what an operator reads. Everything else, ordinary text and Unicode, is printed as is.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\e' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` with every unsafe character written as an escape (`\e[2J`, `\r\n`, `\x07`, `\u{202e}`). */
export function escapeControls(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}

const made = Symbol('LogText');

/**
 * Text already safe for the terminal, which log() prints as it is: made only by logText(), paintText()
 * and the line breaks below, each of which escapes the strings it is given.
 */
export class LogText {
  readonly text: string;
  constructor(key: typeof made, text: string) {
    if (key !== made) throw new TypeError('LogText is made by logText() and paintText() only.');
    this.text = text;
  }
  /** In a template literal it is plain text again, and escaped again when logged: safe, if not pretty. */
  toString(): string {
    return this.text;
  }
}

type LogPart = string | LogText;
const partText = (part: LogPart): string => (typeof part === 'string' ? escapeControls(part) : part.text);

/** The parts as one safe text: strings escaped, LogText kept (its colours and line breaks included). */
export function logText(...parts: LogPart[]): LogText {
  let out = '';
  for (const part of parts) out += partText(part);
  return new LogText(made, out);
}

/** Painted with a chalk style, after escaping: the only way colour codes get into a log line. */
export function paintText(style: (s: string) => string, ...parts: LogPart[]): LogText {
  return new LogText(made, style(logText(...parts).text));
}

/** Lines of one log entry (an error's stack frames, the fields of an error item), each escaped. */
export function logLines(lines: readonly LogPart[]): LogText {
  return new LogText(made, lines.map(partText).join('\n'));
}

/** One line break, for a builder that ends an entry with one. */
export const LINE_BREAK = new LogText(made, '\n');

export function log(level: LogLevel, message: string | LogText, force = false): void {
  if (!enabled(level, force)) return;
  const tag = label[level];
  const text = partText(message);
  state.sink(level, paint[level](tag ? `${tag}: ${text}` : text));
}

export const logError = (message: string | LogText) => log('error', message);
export const logWarn = (message: string | LogText) => log('warn', message);
export const logInfo = (message: string | LogText) => log('info', message);
export const logVerbose = (message: string | LogText, force = false) => log('verbose', message, force);
export const logDebug = (message: string | LogText, force = false) => log('debug', message, force);

/** Writes text without a level tag or colour of its own (escaped, as always), under the same --quiet/--log-level rules. */
export function logRaw(level: LogLevel, text: string | LogText, force = false): void {
  if (enabled(level, force)) state.sink(level, partText(text));
}

/** A failure the host reports: Pode's error-log item. */
export interface FailureItem {
  readonly level: LogLevel;
  /** What was going on, e.g. `GET /users` or `Timer 'tick' failed`. */
  readonly context: string;
  readonly error: unknown;
  readonly date: Date;
  /** False for a client's bad request: where the host threw its 4xx says nothing worth a stack. */
  readonly stack: boolean;
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

/** Installs (or, with undefined, removes) the running server's error log; returns the previous one. */
export function setErrorLog(target: ErrorLogTarget | undefined): ErrorLogTarget | undefined {
  const own = settings();
  const old = own.errorLog;
  own.errorLog = target;
  return old;
}
export function getErrorLog(): ErrorLogTarget | undefined {
  return settings().errorLog;
}

/**
 * Reports a failure at `level`: through the error log when it takes that level, else (or as well,
 * see ErrorLogTarget) as one host line, by default `context: <stack>`. `stack: false` (a client's
 * bad request) leaves the stack out of the error log item too.
 */
export function logFailure(level: LogLevel, context: string, err: unknown, line?: string, stack = true): void {
  const target = settings().errorLog;
  if (target !== undefined && target.levels.has(level)) {
    let written = false;
    try {
      written = target.write({ level, context, error: err, date: new Date(), stack });
    } catch (writeErr) {
      log('error', logText('Error log method failed: ', describeError(writeErr)));
    }
    if (written) return;
  }
  log(level, line ?? logText(context, ': ', describeError(err)));
}

/** An error with its stack, for the terminal only (never for a client). */
export function logException(context: string, err: unknown): void {
  logFailure('error', context, err);
}

/**
 * An error's stack split where the message ends: the head (`Name: message`, which may quote request
 * data and so is one escaped line however many line breaks it holds) and the frames, which come from
 * code. A stack whose message cannot be found (changed after the error was made) is all head.
 */
export function splitStack(err: Error): { head: string; frames: string[] } {
  const stack = err.stack;
  const head = `${err.name}: ${err.message}`;
  if (typeof stack !== 'string' || stack === '') return { head, frames: [] };
  const message = String(err.message);
  let end: number;
  if (stack.startsWith(head)) end = head.length;
  else {
    const at = message === '' ? stack.indexOf('\n') : stack.indexOf(message);
    if (at < 0) return { head: stack, frames: [] };
    end = message === '' ? at : at + message.length;
  }
  const [sameLine, ...frames] = stack.slice(end).split('\n');
  return { head: stack.slice(0, end) + sameLine, frames: frames.filter((f) => f.trim() !== '') };
}

/**
 * The stack (or text) of an error, safe to log. A PodeError's ErrorId (`<Id>,<Command-Name>`) leads,
 * since the stack alone does not say which cmdlet failed or why (binding errors inside handlers).
 */
export function describeError(err: unknown): LogText {
  const id = (err as { ErrorId?: unknown } | null | undefined)?.ErrorId;
  const prefix = typeof id === 'string' && id !== '' ? `[${id}] ` : '';
  if (!(err instanceof Error)) return logText(prefix, String(err));
  const { head, frames } = splitStack(err);
  return logLines([logText(prefix, head), ...frames]);
}
