// Pode's logging model on the host's terminal: a log method (New-PodeLogTerminalMethod, or any object
// with a ScriptBlock, as Pode's Custom methods) receives the items of the request and error log types.
// The terminal method is painted by the host (chalk; NO_COLOR and pipes handled in log.ts); a custom
// method gets plain text, or the raw item with -Raw, as Pode passes them: (item, Arguments, rawItem).
import chalk from 'chalk';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { isPodeError } from '../errors/error.ts';
import { clfDate, formatRequestLog, requestLogText, type RequestLogEntry, type RequestLogHook } from '../http/requestlog.ts';
import { LINE_BREAK, describeError, log, logLines, logRaw, logText, paintText, splitStack, type ErrorLogTarget, type FailureItem, type LogLevel, type LogText } from '../log.ts';

/** Pode's error levels, in its order, and the host level each one is. */
export const ERROR_LEVELS = ['Error', 'Warning', 'Informational', 'Verbose', 'Debug'] as const;
export type ErrorLevel = (typeof ERROR_LEVELS)[number];
const HOST_LEVEL: Record<ErrorLevel, LogLevel> = { Error: 'error', Warning: 'warn', Informational: 'info', Verbose: 'verbose', Debug: 'debug' };
const PODE_LEVEL: Record<LogLevel, ErrorLevel> = { error: 'Error', warn: 'Warning', info: 'Informational', verbose: 'Verbose', debug: 'Debug' };

/** Pode's method hashtable: ScriptBlock(item, Arguments, rawItem) writes one log item somewhere. */
// A type alias (not an interface) so it is assignable to the cmdlets' Hashtable parameters.
export type LogMethod = {
  Type?: string;
  ScriptBlock: (item: unknown, options: unknown, rawItem: unknown) => unknown;
  Arguments?: Record<string, unknown>;
};

// Called directly (by a script) it just prints; the host recognises it and paints items itself.
const terminalScript = (item: unknown): void => logRaw('info', typeof item === 'string' ? item : JSON.stringify(item));

/** New-PodeLogTerminalMethod. */
export function terminalMethod(): LogMethod {
  return { Type: 'Terminal', ScriptBlock: terminalScript, Arguments: {} };
}

export function isLogMethod(value: unknown): value is LogMethod {
  return typeof value === 'object' && value !== null && typeof (value as LogMethod).ScriptBlock === 'function';
}

const isTerminal = (method: LogMethod): boolean => method.ScriptBlock === terminalScript;

/** Hands an item to a custom method; a method that fails (now or later) is reported, never fatal. */
function deliver(method: LogMethod, item: unknown, raw: unknown, what: string): void {
  const fail = (err: unknown) => log('error', logText(`${what} log method failed: `, describeError(err)));
  try {
    const result = method.ScriptBlock(item, method.Arguments ?? {}, raw);
    if (result instanceof Promise) result.catch(fail);
  } catch (err) {
    fail(err);
  }
}

// ---- Requests ----------------------------------------------------------------------------------

/** Pode's raw request item (what -Raw hands a method). */
export function rawRequestItem(entry: RequestLogEntry): Record<string, unknown> {
  return {
    Host: entry.remoteAddress,
    RfcUserIdentity: '-',
    User: '-',
    Date: clfDate(entry.timestamp),
    UtcDate: entry.timestamp.toISOString(),
    Request: {
      Method: entry.method,
      Scheme: entry.protocol,
      Resource: entry.path,
      Protocol: `HTTP/${entry.httpVersion}`,
      Referrer: entry.referrer ?? null,
      Agent: entry.userAgent ?? null,
    },
    Response: { StatusCode: entry.status, Size: entry.size ?? '-' },
    DurationMs: Math.round(entry.durationMs * 100) / 100,
  };
}

/** Enable-PodeRequestLogging: the hook the HTTP server calls once per finished response. */
export function requestLogger(method: LogMethod, raw: boolean): RequestLogHook {
  if (isTerminal(method)) {
    return raw ? (entry) => log('info', JSON.stringify(rawRequestItem(entry))) : (entry) => log('info', requestLogText(entry));
  }
  return (entry) => {
    const item = rawRequestItem(entry);
    deliver(method, raw ? item : formatRequestLog(entry, false), item, 'Request');
  };
}

// ---- Errors ------------------------------------------------------------------------------------

/** Pode's error item: Date, Level, ThreadId, Server, Category, Message, StackTrace. */
export function rawErrorItem(failure: FailureItem): Record<string, unknown> {
  const err = failure.error;
  const isError = err instanceof Error;
  const message = isError ? err.message : String(err);
  // Frames from the stack after the message, so a message quoting request data cannot add any.
  const frames = isError && failure.stack ? splitStack(err).frames.map((l) => l.trim()) : [];
  return {
    Date: failure.date,
    Level: PODE_LEVEL[failure.level],
    ThreadId: threadId,
    Server: hostname(),
    // Pode's category is the error's kind; a PodeError's FullyQualifiedErrorId says the most.
    Category: isPodeError(err) ? err.ErrorId : isError ? err.name : typeof err,
    Message: `${failure.context}: ${message}`,
    StackTrace: frames.join('\n'),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `yyyy-MM-dd HH:mm:ss`, local time, as Pode prints it. */
function podeDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Pode's error block, one `Key: value` line each, the stack frames indented under StackTrace. */
export function formatErrorItem(item: Record<string, unknown>, color = false): string {
  return errorItemText(item, color).text;
}

/** formatErrorItem's block as LogText: values escaped line by line (a message stays on its line). */
function errorItemText(item: Record<string, unknown>, color: boolean): LogText {
  const paint = color ? LEVEL_PAINT[item['Level'] as ErrorLevel] : (s: string) => s;
  const stack = String(item['StackTrace'] ?? '');
  const head = [
    `Date: ${podeDate(item['Date'] as Date)}`,
    `Level: ${String(item['Level'])}`,
    `ThreadId: ${String(item['ThreadId'])}`,
    `Server: ${String(item['Server'])}`,
    `Category: ${String(item['Category'])}`,
    `Message: ${String(item['Message'])}`,
  ].map((line) => paintText(paint, line));
  const frames = stack === '' ? [] : stack.split('\n').map((frame) => `    ${frame}`);
  const trace = logLines(['StackTrace:', ...frames]);
  return logText(logLines([...head, color ? paintText(chalk.gray, trace) : trace]), LINE_BREAK);
}

const LEVEL_PAINT: Record<ErrorLevel, (s: string) => string> = {
  Error: (s) => chalk.red(s),
  Warning: (s) => chalk.yellow(s),
  Informational: (s) => s,
  Verbose: (s) => chalk.cyan(s),
  Debug: (s) => chalk.gray(s),
};

/**
 * Enable-PodeErrorLogging's target. The terminal method prints the failures at the chosen levels as
 * Pode's error block (or one JSON line with -Raw) in place of the host's line, and they show even
 * above --log-level, since the script asked for them (--quiet still keeps only errors). A custom
 * method receives them, and the host's own line is printed as usual.
 */
export function errorLogTarget(method: LogMethod, levels: readonly ErrorLevel[], raw: boolean): ErrorLogTarget {
  const hostLevels = new Set(levels.map((l) => HOST_LEVEL[l]));
  if (isTerminal(method)) {
    return {
      levels: hostLevels,
      write(failure) {
        const item = rawErrorItem(failure);
        logRaw(failure.level, raw ? JSON.stringify(item) : errorItemText(item, chalk.level > 0), true);
        return true;
      },
    };
  }
  return {
    levels: hostLevels,
    write(failure) {
      const item = rawErrorItem(failure);
      deliver(method, raw ? item : formatErrorItem(item), item, 'Error');
      return false;
    },
  };
}
