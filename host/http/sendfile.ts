// Streams a file into a committed response through the `send` package: ETag and Last-Modified with
// If-None-Match / If-Modified-Since (304) and If-Match / If-Unmodified-Since (412), Range (206, or 416
// with Content-Range when it cannot be met), HEAD. The caller has chosen the file (and, for static
// routes, checked it lies inside the route's folder); a missing or unreadable one gets podets' own
// 404/403 page before any head is written.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import send from 'send';
import { logException } from '../log.ts';
import { contentTypeFor } from './mime.ts';
import type { WebEvent } from './webevent.ts';
import { responseHeaders, writeError } from './write.ts';
import { isHttp2 } from './version.ts';

export interface SendFileOptions {
  /** Overrides the type guessed from the extension. */
  contentType?: string;
  /** Defaults to the event's Response.StatusCode. */
  status?: number;
  /** Send as an attachment (Content-Disposition), like Pode's -DownloadOnly. */
  download?: boolean;
  /** Cache-Control max-age in seconds; no Cache-Control header when omitted. */
  maxAge?: number;
}

/** The request headers that ask for part of the file, or for it only on a condition. */
const PARTIAL_OR_CONDITIONAL = ['range', 'if-range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'];

/** Sends `file` (an absolute path). The caller has committed the event. Settles when the response is over. */
export function sendFile(event: WebEvent, file: string, opts: SendFileOptions = {}): Promise<void> {
  const res = event.Response.raw;
  if (res.destroyed) return Promise.resolve();
  const status = opts.status ?? event.Response.StatusCode;
  // Ranges and conditions are about the file as the resource (200). A file sent with another status (an
  // error page, a 201) is that response's body, always sent whole: no 206, 304 or 412 may replace it.
  const whole = status !== 200;
  const req = event.Request.raw;

  for (const [name, value] of Object.entries(responseHeaders(event))) if (value !== undefined) res.setHeader(name, value);
  res.setHeader('content-type', opts.contentType ?? contentTypeFor(file));
  if (opts.maxAge !== undefined) res.setHeader('cache-control', `max-age=${opts.maxAge}`);
  if (opts.download) res.setHeader('content-disposition', attachment(basename(file)));
  res.statusCode = status;
  if (whole && event.Response.StatusDescription !== undefined && !isHttp2(event.Request.raw)) res.statusMessage = event.Response.StatusDescription;

  return new Promise((settle) => {
    res.once('close', () => {
      event.Response.StatusCode = res.statusCode;
      settle();
    });
    // send decodes the path it is given: the file's own name goes in percent-encoded, under its folder.
    let name: string;
    try {
      name = `/${encodeURIComponent(basename(file))}`;
    } catch {
      return fail(event, 404); // a name with a lone surrogate: no such file can exist
    }
    const stream = send(whole ? wholeRequest(req) : (req as unknown as Readable), name, {
      root: dirname(file),
      dotfiles: 'allow', // the caller decided this file may be sent (static routes refuse dotfiles themselves)
      index: false,
      cacheControl: false, // Cache-Control is the route's (-MaxAge), not send's
      acceptRanges: !whole,
    });
    stream.on('directory', () => fail(event, 404));
    stream.on('error', (err: NodeJS.ErrnoException & { status?: number; headers?: Record<string, string> }) => {
      const code = err.code;
      const refused = code === 'EACCES' || code === 'EPERM';
      const answer = refused ? 403 : (err.status ?? 500);
      if (answer >= 500) logException(`Sending file ${file} for ${event.Method.toUpperCase()} ${event.Path}`, err);
      fail(event, answer, err.headers);
    });
    stream.pipe(res);
  });
}

/** A view of the request without its Range and conditional headers, for a file always sent whole. */
function wholeRequest(req: IncomingMessage): Readable {
  const headers: IncomingHttpHeaders = { ...req.headers };
  for (const name of PARTIAL_OR_CONDITIONAL) delete headers[name];
  return { method: req.method, headers } as unknown as Readable;
}

/** send could not send the file: podets' error page in place of whatever send had set, or a cut connection. */
function fail(event: WebEvent, status: number, headers: Record<string, string> = {}): void {
  const res = event.Response.raw;
  if (res.headersSent) {
    res.destroy(); // part of the file is out: cutting the connection is the only honest signal left
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  if (!isHttp2(event.Request.raw)) res.statusMessage = '';
  event.Response.StatusDescription = undefined;
  // 416 says which range the file does have (Content-Range: bytes */<size>).
  for (const [name, value] of Object.entries(headers)) event.Response.Headers[name.toLowerCase()] = value;
  writeError(event, status);
}

function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
