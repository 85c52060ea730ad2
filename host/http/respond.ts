// Response helpers behind Pode's Write-Pode*Response, Set-PodeResponseStatus and the header cmdlets.
// Each takes the WebEvent explicitly; cmdlets pass currentWebEvent(). A write after the response
// has been sent is logged and ignored (see write.ts), never thrown at the script.
import { isAbsolute, relative, resolve, extname } from 'node:path';
import { errors } from '../errors/catalog.ts';
import { logError, logWarn } from '../log.ts';
import { toPsJson } from '../values/json.ts';
import { sendFile } from './sendfile.ts';
import type { WebEvent } from './webevent.ts';
import { commit, writeBody, writeError } from './write.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Write-PodeJsonResponse: compact JSON (pretty with `noCompress`). A string is taken to be JSON
 * already and sent as-is; null/undefined send `{}` — both as Pode does. `depth` caps nesting like
 * ConvertTo-Json -Depth (deeper values are sent as their string form); no cap when omitted.
 */
export function json(event: WebEvent, value: unknown, status?: number, depth?: number, noCompress = false, contentType = JSON_TYPE): void {
  if (!commit(event, 'Write-PodeJsonResponse')) return;
  const body = typeof value === 'string' ? value : value == null ? '{}' : toJson(value, depth, noCompress);
  writeBody(event, status ?? event.Response.StatusCode, contentType, body);
}

const circularValue = () => errors.JsonCircularReference('Write-PodeJsonResponse');

/** A response value as JSON text, the same text the SSE data of that value is (host/values/json.ts). */
export function toJson(value: unknown, depth?: number, pretty = false): string {
  return toPsJson(value, { depth: depth === undefined ? Infinity : Math.max(0, Math.floor(depth)), pretty, circular: circularValue });
}

/** Write-PodeTextResponse. */
export function text(event: WebEvent, value: string | Buffer | null | undefined, contentType = 'text/plain; charset=utf-8', status?: number): void {
  if (!commit(event, 'Write-PodeTextResponse')) return;
  writeBody(event, status ?? event.Response.StatusCode, contentType, value ?? '');
}

/** Write-PodeHtmlResponse. */
export function html(event: WebEvent, value: string | null | undefined, status?: number): void {
  if (!commit(event, 'Write-PodeHtmlResponse')) return;
  writeBody(event, status ?? event.Response.StatusCode, 'text/html; charset=utf-8', value ?? '');
}

/**
 * Write-PodeFileResponse: streams the file (relative paths resolve from the working directory);
 * 404 when missing. The response counts as written from the moment this is called, so a handler
 * that does not await it still gets the file.
 */
export function file(event: WebEvent, path: string, contentType?: string, status?: number): Promise<void> {
  if (!commit(event, 'Write-PodeFileResponse')) return Promise.resolve();
  return sendFile(event, resolve(path), { contentType, status });
}

/**
 * Write-PodeViewResponse for static HTML views: `name` is looked up in `viewsDir`, with `.html`
 * added when it has no extension. Names escaping the folder are refused (403). `data` is accepted
 * for the cmdlet's signature; static HTML has no placeholders to fill.
 */
export function view(event: WebEvent, viewsDir: string, name: string, data?: Record<string, unknown>): Promise<void> {
  void data;
  if (!commit(event, 'Write-PodeViewResponse')) return Promise.resolve();
  const root = resolve(viewsDir);
  const target = resolve(root, extname(name) === '' ? `${name}.html` : name);
  const rel = relative(root, target);
  if (name.includes('\0') || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    logWarn(`Write-PodeViewResponse: refused view '${name}': it is outside ${root}`);
    writeError(event, 403);
    return Promise.resolve();
  }
  return sendFile(event, target, { contentType: 'text/html; charset=utf-8' });
}

/**
 * Set-PodeResponseStatus: sets the status; for 400 and above also writes a short error body, unless
 * something was already written or `noErrorPage` (Pode's -NoErrorPage) leaves the body to the caller.
 */
export function status(event: WebEvent, code: number, description?: string, noErrorPage = false): void {
  if (!Number.isInteger(code) || code < 100 || code > 999) {
    throw errors.InvalidStatusCode('Set-PodeResponseStatus', { code });
  }
  if (event.ended) {
    logError(`Set-PodeResponseStatus: the response to ${event.Method.toUpperCase()} ${event.Path} has already been sent; status ${code} is ignored.`);
    return;
  }
  event.Response.StatusCode = code;
  if (description !== undefined) event.Response.StatusDescription = description;
  if (code >= 400 && !noErrorPage && commit(event, 'Set-PodeResponseStatus')) writeError(event, code, description);
}

/** Pode's -Cache -MaxAge (text and file responses): browsers may reuse the body for `maxAge` seconds. */
export function cacheFor(event: WebEvent, maxAge: number): void {
  setHeader(event, 'Cache-Control', `max-age=${maxAge}, must-revalidate`);
  setHeader(event, 'Expires', new Date(Date.now() + maxAge * 1000).toUTCString());
}

/** Move-PodeResponseUrl: a redirect (302 by default, 301 for -Moved). */
export function redirect(event: WebEvent, url: string, code = 302): void {
  if (!commit(event, 'Move-PodeResponseUrl')) return;
  event.Response.Headers['location'] = url;
  writeBody(event, code, 'text/plain; charset=utf-8', '');
}

/** Get-PodeHeader: a request header, case-insensitive; repeated headers are joined with ', '. */
export function getHeader(event: WebEvent, name: string): string | undefined {
  const value = event.Request.Headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Test-PodeHeader: does the request carry this header? */
export function testHeader(event: WebEvent, name: string): boolean {
  return event.Request.Headers[name.toLowerCase()] !== undefined;
}

/** Set-PodeHeader: replaces the response header. */
export function setHeader(event: WebEvent, name: string, value: string | number | string[]): void {
  if (!headersWritable(event, 'Set-PodeHeader', name)) return;
  event.Response.Headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
}

/** Add-PodeHeader: appends a value, keeping any already set (e.g. several Set-Cookie lines). */
export function addHeader(event: WebEvent, name: string, value: string | number): void {
  if (!headersWritable(event, 'Add-PodeHeader', name)) return;
  const key = name.toLowerCase();
  const prev = event.Response.Headers[key];
  if (prev === undefined) event.Response.Headers[key] = String(value);
  else event.Response.Headers[key] = Array.isArray(prev) ? [...prev, String(value)] : [prev, String(value)];
}

function headersWritable(event: WebEvent, what: string, name: string): boolean {
  if (!event.ended && !event.Response.raw.headersSent) return true;
  logError(`${what}: the response to ${event.Method.toUpperCase()} ${event.Path} has already been sent; header '${name}' is ignored.`);
  return false;
}
