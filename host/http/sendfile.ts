// Streams a file into a committed response, with validators (ETag, Last-Modified) and 304s.
// The file is opened before the head is written, so a missing or unreadable file still gets a
// clean 404/403 instead of a 200 with a broken body.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { logException } from '../log.ts';
import { contentTypeFor } from './mime.ts';
import type { WebEvent } from './webevent.ts';
import { responseHeaders, writeError } from './write.ts';

export interface SendFileOptions {
  /** Overrides the type guessed from the extension. */
  contentType?: string;
  /** Defaults to the event's Response.StatusCode. */
  status?: number;
  /** Send as an attachment (Content-Disposition), like Pode's -DownloadOnly. */
  download?: boolean;
  /** Cache-Control max-age in seconds. */
  maxAge?: number;
}

/** Sends `file` (an absolute path). The caller has committed the event. Settles when the body is sent. */
export async function sendFile(event: WebEvent, file: string, opts: SendFileOptions = {}): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    writeError(event, code === 'EACCES' || code === 'EPERM' ? 403 : 404);
    return;
  }

  let streaming = false;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      writeError(event, 404);
      return;
    }
    const status = opts.status ?? event.Response.StatusCode;
    const head = responseHeaders(event);
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    head['etag'] = etag;
    head['last-modified'] = stats.mtime.toUTCString();
    if (opts.maxAge !== undefined) head['cache-control'] = `max-age=${opts.maxAge}`;
    const res = event.Response.raw;

    if (status === 200 && isFresh(event.Request.Headers, etag, stats.mtime)) {
      event.Response.StatusCode = 304;
      res.writeHead(304, head);
      res.end();
      return;
    }

    head['content-type'] = opts.contentType ?? contentTypeFor(file);
    head['content-length'] = stats.size;
    event.Response.ContentLength = stats.size;
    if (opts.download) head['content-disposition'] = attachment(basename(file));
    event.Response.StatusCode = status;
    res.writeHead(status, event.Response.StatusDescription, head);
    if (event.Method === 'head' || stats.size === 0) {
      res.end();
      return;
    }
    streaming = true;
    // autoClose: the stream closes the handle when it ends or fails.
    await pipeline(handle.createReadStream({ autoClose: true }), res);
  } catch (err) {
    // A client that goes away mid-download is routine, not an error worth a stack.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_STREAM_PREMATURE_CLOSE' && code !== 'ECONNRESET') {
      logException(`Sending file ${file} for ${event.Method.toUpperCase()} ${event.Path}`, err);
    }
    if (!event.Response.raw.headersSent) writeError(event, 500);
    else event.Response.raw.destroy();
  } finally {
    if (!streaming) await handle.close().catch(() => {});
  }
}

/** Conditional GET: If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2). */
function isFresh(headers: IncomingHttpHeaders, etag: string, mtime: Date): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    const bare = etag.slice(2);
    return inm.split(',').some((t) => {
      const tag = t.trim();
      return tag === etag || tag === bare || tag.replace(/^W\//, '') === bare;
    });
  }
  const ims = headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
