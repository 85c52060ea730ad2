// Request bodies: read with a size cap, then parse by Content-Type into what Pode puts in
// $WebEvent.Data. Failures are PodeErrors carrying the HTTP status the client should get.
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors/catalog.ts';
import type { PodeError } from '../errors/error.ts';
import type { BodyBudget, BodyHold } from './bodybudget.ts';
import { DEFAULT_BODY_LIMIT } from './limits.ts';
import { RequestRefusal } from './refusal.ts';
import { markRequestData } from './request-data.ts';
import { parseUrlEncoded } from './urlencoded.ts';
import { isHttp2 } from './version.ts';

export { DEFAULT_BODY_LIMIT };

/** Does the request carry a body at all? Checked first so body-less requests never touch the stream. */
export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return len !== '0';
  // HTTP/2 frames its body and needs no length: a request has one unless its headers ended the stream.
  if (isHttp2(req)) return (req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders === false;
  return req.headers['transfer-encoding'] !== undefined;
}

export function tooLarge(limit: number): PodeError {
  return errors.RequestBodyTooLarge('', { limit });
}

/** 503, not 413: the body may be fine, the server is busy holding others. The client may retry. */
export function budgetExceeded(): RequestRefusal {
  return new RequestRefusal(errors.RequestBodyBudgetExceeded(''), { 'retry-after': '1' });
}

/** The server-wide budget a body is read against, and this request's share of it. */
export interface BodyShare {
  budget: BodyBudget;
  /** Given back by the caller when the response is over; on a refusal, readBody gives it back itself. */
  hold: BodyHold;
}

/**
 * Reads the whole body, refusing (413) as soon as it is known to exceed `limit` bytes, and (503) as
 * soon as it would take `share`'s budget over: a declared Content-Length is checked, and taken from
 * the budget, before a byte is read. `accept` runs once it passed (the 100 Continue a client that sent
 * `Expect: 100-continue` waits for before it sends the body).
 */
export function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT, share?: BodyShare, accept?: () => void): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  if (share !== undefined && declared > 0 && !share.budget.take(share.hold, declared)) return Promise.reject(budgetExceeded());
  accept?.();

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = (err: PodeError) => {
      cleanup();
      chunks.length = 0;
      if (share !== undefined) share.budget.release(share.hold);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return refuse(tooLarge(limit));
      // A chunked body (no Content-Length) takes its share as it arrives.
      if (share !== undefined && size > share.hold.bytes && !share.budget.take(share.hold, size - share.hold.bytes)) {
        return refuse(budgetExceeded());
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      refuse(errors.RequestBodyAborted('', { message: err.message }));
    };
    const onAborted = () => onError(new Error('the client closed the connection'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** The media type, lower-cased, without parameters: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');
const isText = (type: string) => type.startsWith('text/');

/** What Data holds when there is no body: '' for text, {} otherwise (Pode's empty hashtable). */
export function emptyBody(contentType: string | undefined): Record<string, never> | string {
  return isText(mediaType(contentType)) ? '' : {};
}

/**
 * JSON → parsed value; urlencoded → object (repeated keys → arrays); text/* → string (in the
 * declared charset); anything else → the raw Buffer.
 */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (body.length === 0) return emptyBody(type);
  if (isJson(type)) {
    let text = body.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw errors.InvalidRequestBody('', { jsonError: (err as Error).message });
    }
    // Request data is data: the binder never takes it (or anything nested in it) as a splat.
    return markRequestData(data);
  }
  if (type === 'application/x-www-form-urlencoded') return parseUrlEncoded(body.toString('utf8'));
  if (isText(type)) return decodeText(body, charsetOf(contentType));
  return body;
}

export async function readAndParseBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  if (!hasBody(req)) return emptyBody(req.headers['content-type']);
  return parseBody(await readBody(req, limit), req.headers['content-type']);
}

function charsetOf(contentType: string | undefined): string {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return m ? m[1]!.toLowerCase() : 'utf-8';
}

function decodeText(body: Buffer, charset: string): string {
  if (charset === 'utf-8' || charset === 'utf8') return body.toString('utf8');
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    // An unknown charset label: UTF-8 is the best guess and never throws.
    return body.toString('utf8');
  }
}
