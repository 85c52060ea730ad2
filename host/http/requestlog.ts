// One line per finished request, in the combined log format Pode's request logging writes, plus the
// time taken. Coloured for terminals; plain when chalk finds no colour support or NO_COLOR is set.
import chalk, { Chalk, type ChalkInstance } from 'chalk';
import { logText, paintText, type LogText } from '../log.ts';
import type { WebEvent } from './webevent.ts';

export interface RequestLogEntry {
  /** Upper-case, as on the wire. */
  method: string;
  path: string;
  status: number;
  durationMs: number;
  remoteAddress: string;
  protocol: 'http' | 'https';
  httpVersion: string;
  /** Body size in bytes, when the response declared it. */
  size: number | undefined;
  referrer: string | undefined;
  userAgent: string | undefined;
  /** When the request arrived. */
  timestamp: Date;
}

export type RequestLogHook = (entry: RequestLogEntry) => void;

/** Builds the entry for a finished request; `startedAt` is a performance.now() reading. */
export function requestLogEntry(event: WebEvent, startedAt: number): RequestLogEntry {
  const res = event.Response.raw;
  const req = event.Request.raw;
  const length = event.Response.ContentLength ?? res.getHeader('content-length');
  return {
    method: event.Method.toUpperCase(),
    path: event.Path,
    status: res.statusCode,
    durationMs: performance.now() - startedAt,
    remoteAddress: event.Request.RemoteIPAddress,
    protocol: event.Endpoint.Protocol,
    httpVersion: req.httpVersion,
    size: length === undefined ? undefined : Number(length),
    referrer: req.headers.referer,
    userAgent: req.headers['user-agent'],
    timestamp: event.Timestamp,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `26/Nov/2025:03:01:02 +0000`: the combined format's timestamp, in UTC. */
export function clfDate(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Used when a caller asks for colour although chalk detected none (e.g. a log file meant for `less -R`). */
const forced = new Chalk({ level: 1 });

function paintStatus(c: ChalkInstance, status: number): (s: string) => string {
  if (status >= 500) return c.red;
  if (status >= 400) return c.yellow;
  if (status >= 300) return c.cyan;
  return c.green;
}

/**
 * `127.0.0.1 - - [26/Nov/2025:03:01:02 +0000] "GET /users/1 HTTP/1.1" 200 17 "-" "curl/8.5" 1.24ms`.
 * `color` defaults to chalk's own detection (TTY, FORCE_COLOR), turned off by NO_COLOR. The path,
 * referrer and user agent are the client's: their control characters are escaped (see log.ts).
 */
export function formatRequestLog(entry: RequestLogEntry, color = chalk.level > 0 && !process.env['NO_COLOR']): string {
  return requestLogText(entry, color).text;
}

/** formatRequestLog's line as LogText, for the terminal (its colours kept, the client's text escaped). */
export function requestLogText(entry: RequestLogEntry, color = chalk.level > 0 && !process.env['NO_COLOR']): LogText {
  const request = `${entry.method} ${entry.path} HTTP/${entry.httpVersion}`;
  const status = String(entry.status);
  const size = entry.size === undefined ? '-' : String(entry.size);
  const tail = `"${entry.referrer ?? '-'}" "${entry.userAgent ?? '-'}"`;
  const took = `${entry.durationMs.toFixed(2)}ms`;
  const when = `[${clfDate(entry.timestamp)}]`;
  if (!color) return logText(`${entry.remoteAddress} - - ${when} "${request}" ${status} ${size} ${tail} ${took}`);
  const c = chalk.level > 0 ? chalk : forced;
  return logText(
    `${entry.remoteAddress} - - `,
    paintText(c.gray, when),
    ' "',
    paintText(c.bold, request),
    '" ',
    paintText(paintStatus(c, entry.status), status),
    ` ${size} `,
    paintText(c.gray, tail),
    ' ',
    paintText(c.gray, took),
  );
}
