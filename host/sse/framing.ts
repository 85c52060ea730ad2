// The SSE wire format: every event becomes ONE Buffer, built once and written as-is to every target,
// so a broadcast to N connections costs one encode, not N.
import { errors } from '../errors/catalog.ts';

export { toEventData } from './event-data.ts';

export interface SseEventFields {
  /** Omitted when undefined or empty (Pode writes no `id:` line then; an empty one would reset the client's id). */
  id?: string;
  /** Omitted when undefined or empty (the client then dispatches a `message` event). */
  event?: string;
  data: string;
}

const DEFAULT_COMMAND = 'Send-PodeSseEvent';
const LINE_BREAK = /\r\n|\r|\n/;

function describe(ch: string): string {
  if (ch === '\r') return 'carriage return (CR, U+000D)';
  if (ch === '\n') return 'line feed (LF, U+000A)';
  return 'NUL (U+0000)';
}

/** The first CR/LF (or NUL) in `value`, so the error can name the exact character refused. */
function firstForbidden(value: string, allowNul: boolean): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 13 || c === 10 || (c === 0 && !allowNul)) return value[i];
  }
  return undefined;
}

/**
 * Refuses an id/event type that would inject fields: a CR or LF would end the line early and let the rest
 * be read as another field; a NUL in an id makes conforming clients ignore the id (HTML standard).
 */
export function validateEventFields(fields: { id?: string; event?: string }, command = DEFAULT_COMMAND): void {
  if (fields.id) {
    const bad = firstForbidden(fields.id, false);
    if (bad !== undefined) throw errors.SseInvalidEventId(command, { what: describe(bad) });
  }
  if (fields.event) {
    const bad = firstForbidden(fields.event, true);
    if (bad !== undefined) throw errors.SseInvalidEventType(command, { what: describe(bad) });
  }
}

/** `id:`, `event:`, one `data:` line per line of data (CRLF, CR and LF all split), then a blank line. */
export function frameEvent(fields: SseEventFields, command = DEFAULT_COMMAND): Buffer {
  validateEventFields(fields, command);
  let text = '';
  if (fields.id) text += `id: ${fields.id}\n`;
  if (fields.event) text += `event: ${fields.event}\n`;
  text += dataLines(fields.data);
  return Buffer.from(text + '\n', 'utf8');
}

function dataLines(data: string): string {
  // Fast path: single-line data (the common case) needs no split/array.
  if (!LINE_BREAK.test(data)) return `data: ${data}\n`;
  let out = '';
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out;
}

/** `retry: <ms>` tells the client how long to wait before reconnecting. */
export function frameRetry(ms: number): Buffer {
  return Buffer.from(retryText(ms), 'utf8');
}

/** The retry frame's text (frameOpen puts it before pode.open). */
function retryText(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`SSE retry must be a non-negative integer number of milliseconds, got ${ms}`);
  }
  return `retry: ${ms}\n\n`;
}

/** The first event of every connection; JSON keeps it on one line and escapes quotes in the values. */
export function frameOpen(clientId: string, group: string | undefined | null, name: string, retryMs = 0): Buffer {
  const data = `{"clientId":${jsonText(clientId)},"group":${jsonText(group ?? '')},"name":${jsonText(name)}}`;
  // The retry frame, when there is one, goes first in the same Buffer: one write opens the stream.
  const retry = retryMs > 0 ? retryText(retryMs) : '';
  return Buffer.from(`${retry}event: pode.open\ndata: ${data}\n\n`, 'utf8');
}

/** Printable ASCII but `"` and `\`: JSON.stringify would give it as it is, in quotes. */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * JSON.stringify(value) for a string, without its generic path for the common case (a generated id, an
 * ASCII name): this runs once per connection accepted.
 */
function jsonText(value: string): string {
  return JSON_PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

export const PODE_CLOSE: Buffer = Buffer.from('event: pode.close\ndata: \n\n', 'utf8');
export const PODE_PING: Buffer = Buffer.from('event: pode.ping\ndata: \n\n', 'utf8');

/** A comment line: ignored by clients, but it keeps proxies from timing out an idle stream. */
export function frameComment(text: string, command = ''): Buffer {
  const bad = firstForbidden(text, true);
  if (bad !== undefined) throw errors.SseInvalidComment(command, { what: describe(bad) });
  return Buffer.from(`: ${text}\n\n`, 'utf8');
}

/**
 * Sent instead of a replay when the client's Last-Event-ID is no longer (or never was) in the history:
 * the data is the id the client had, so it knows from where it may have missed events. The id came from a
 * request header, so it goes through the data framing (never through a field that could be injected).
 */
export function frameGap(lastId: string): Buffer {
  return frameEvent({ event: 'pode.gap', data: lastId });
}

/**
 * One event's frame, built once per distinct id: every target of every Name using that id shares the Buffer
 * (a send to several Names with history numbers it per Name, so the id, and the frame, may differ).
 */
export class EventFrames {
  private id: string | undefined;
  private frame: Buffer | undefined;
  constructor(
    private readonly eventType: string | undefined,
    private readonly data: string,
    private readonly command = DEFAULT_COMMAND,
  ) {}
  for(id: string | undefined): Buffer {
    if (this.frame === undefined || this.id !== id) {
      this.frame = frameEvent({ id, event: this.eventType, data: this.data }, this.command);
      this.id = id;
    }
    return this.frame;
  }
}
