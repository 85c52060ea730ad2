// One SSE connection's output on a node:http ServerResponse: bounded buffering (a client that stops
// reading is dropped, not buffered for without limit), same-tick coalescing, and a single, reliable
// "this connection is over" notification whatever ended it.
//
// Built for fan-out (one frame written to thousands of connections in one loop), so the per-write path is
// short and allocates nothing of its own per connection:
// - Once the response head is on the wire, a frame goes straight to the socket as ONE pre-framed HTTP
//   chunk (size line, frame, CRLF), built once per frame per tick and shared by every connection, instead
//   of the four pieces res.write() queues per connection (size line, CRLF, frame, CRLF).
// - A connection's first write in a tick leaves at once; a second write in the same tick corks the socket,
//   and everything written after it leaves together when the tick ends. All writers corked in a tick are
//   uncorked by ONE process.nextTick, not one per writer.
// - The activity clock is read once per tick, not once per write.
// - No closures per connection: the response's 'close'/'error' listeners are shared functions; and the
//   response head node:http keeps is flattened (see compactHead).
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { logException } from '../log.ts';

/** client: the peer went away; server: close() was called; overflow: too slow a reader; error: a write failed. */
export type SseCloseReason = 'client' | 'server' | 'overflow' | 'error';

export const DEFAULT_MAX_BUFFER = 1024 * 1024;

export interface SseWriterOptions {
  /** Bytes that may wait unsent (response + socket buffers) before the client counts as too slow. */
  maxBuffer?: number;
  /** Called exactly once, whatever the reason. An exception in it is logged, never thrown to the writer. */
  onClose?: (reason: SseCloseReason, error?: Error) => void;
  /** Clock for lastActivity (ms), read on every write; injectable for tests. By default a clock read once per tick. */
  now?: () => number;
}

/** Frames up to this size are pre-framed as a chunk (one copy per frame per tick); bigger ones go through res.write. */
const MAX_PREFRAMED = 64 * 1024;

// ---- The tick, shared by every writer ---------------------------------------------------------------

/** Whether a write happened in the current tick (the end-of-tick callback is then queued). */
let tickOpen = false;
/** Date.now() at the first write of the current tick. */
let tickTime = 0;
/** Counts ticks that had writes; a writer remembers the last one it wrote in. */
let tickNumber = 1;
/** Writers corked in this tick, uncorked together when it ends. */
let corked: SseWriter[] = [];
/** The last frame pre-framed in this tick and its chunk (a broadcast writes the same frame to every writer). */
let chunkFrame: Buffer | null = null;
let chunk: Buffer | null = null;

function openTick(): number {
  tickOpen = true;
  tickTime = Date.now();
  process.nextTick(closeTick);
  return tickTime;
}

function closeTick(): void {
  tickOpen = false;
  tickNumber++;
  chunkFrame = chunk = null;
  const list = corked;
  corked = [];
  for (let i = 0; i < list.length; i++) SseWriter.flush(list[i]!);
}

/** `frame` as one HTTP/1.1 chunk: its size in hex, CRLF, the frame, CRLF. */
function chunkOf(frame: Buffer): Buffer {
  if (frame === chunkFrame) return chunk!;
  const size = frame.length.toString(16);
  const out = Buffer.allocUnsafe(size.length + frame.length + 4);
  let at = out.write(size, 0, 'latin1');
  out[at++] = 13;
  out[at++] = 10;
  at += frame.copy(out, at);
  out[at++] = 13;
  out[at] = 10;
  chunkFrame = frame;
  chunk = out;
  return out;
}

/** Each response's writer, for the shared listeners (a WeakMap entry instead of closures per connection). */
const writers = new WeakMap<ServerResponse, SseWriter>();

function onResponseClose(this: ServerResponse): void {
  // 'close' also fires after our own end(); the writer is done then and ignores it.
  writers.get(this)?.finish('client');
}

function onResponseError(this: ServerResponse, err: Error): void {
  writers.get(this)?.finish('error', err);
}

export class SseWriter {
  readonly res: ServerResponse;
  private readonly maxBuffer: number;
  private readonly onClose: ((reason: SseCloseReason, error?: Error) => void) | undefined;
  private readonly now: (() => number) | undefined;
  private last: number;
  private done = false;
  private corked = false;
  /** The tick this writer last wrote in. */
  private tick = 0;
  /**
   * The socket that frames are written to directly, as chunks; undefined until the first write has put the
   * head on the wire through res.write, null when the response cannot take raw chunks (not chunked, HEAD).
   */
  private socket: Socket | null | undefined = undefined;

  constructor(res: ServerResponse, options: SseWriterOptions = {}) {
    this.res = res;
    this.maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    this.onClose = options.onClose;
    this.now = options.now;
    this.last = this.now ? this.now() : Date.now();
    writers.set(res, this);
    res.on('close', onResponseClose);
    // Without a listener a stray response error would crash the process.
    res.on('error', onResponseError);
    // A client that left before the conversion: its 'close' is already past, so report it ourselves,
    // on the next tick so that the caller can finish setting the connection up (and register it) first.
    if (res.destroyed || res.closed) process.nextTick(() => this.finish('client'));
  }

  /** When something was last written (ms, from the writer's clock). */
  get lastActivity(): number {
    return this.last;
  }

  get closed(): boolean {
    return this.done;
  }

  /**
   * Queues one frame. False when the connection is over; a write that would take the unsent bytes past
   * maxBuffer drops the connection ('overflow') instead of buffering it. `unbounded` is for the opening
   * frames and a replay: they are bounded by the history's own size, and counting them would drop a
   * reconnecting client whose missed events exceed the bound, again on every retry.
   */
  write(buf: Buffer, unbounded = false): boolean {
    if (this.done) return false;
    const res = this.res;
    if (res.destroyed || res.writableEnded) {
      // The peer is gone but its 'close' has not been delivered yet: this failed write is the news.
      this.finish('client');
      return false;
    }
    const socket = buf.length <= MAX_PREFRAMED ? this.socket : null;
    if (socket?.destroyed) {
      // The socket went first (destroyed under the response): a write to it would vanish silently.
      this.finish('client');
      return false;
    }
    const now = tickOpen ? tickTime : openTick();
    const data = socket ? chunkOf(buf) : buf;
    // Everything not yet in the kernel: the socket's queue (and, through res, the response's own).
    if (!unbounded && (socket ? socket.writableLength : res.writableLength) + data.length > this.maxBuffer) {
      this.done = true;
      res.destroy();
      this.notify('overflow');
      return false;
    }
    if (data.length === 0) return true; // an empty chunk would end the body
    // Same-tick coalescing: a direct write that is the writer's first in this tick leaves at once; any
    // other write corks, so that it and the rest of the tick's frames leave as one socket write.
    if (!this.corked && (!socket || this.tick === tickNumber)) {
      this.corked = true;
      res.cork();
      corked.push(this);
    }
    this.tick = tickNumber;
    try {
      if (socket) socket.write(data);
      else {
        res.write(data);
        if (this.socket === undefined) {
          // The head is on the wire now.
          this.socket = directSocket(res);
          compactHead(res);
        }
      }
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.last = this.now ? this.now() : now;
    return true;
  }

  /** Ends the response once, after `finalFrame` (e.g. pode.close) when given; onClose('server'). */
  close(finalFrame?: Buffer): void {
    if (this.done) return;
    this.done = true;
    const res = this.res;
    if (!res.destroyed && !res.writableEnded) {
      try {
        // A client too slow to take even the final frame is not waited for.
        if (finalFrame && res.writableLength + finalFrame.length > this.maxBuffer) res.destroy();
        else if (finalFrame) res.end(finalFrame);
        else res.end();
      } catch (err) {
        res.destroy();
        this.notify('error', err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    this.notify('server');
  }

  /** End of tick: sends what the writer corked. (Called by the shared tick, for every corked writer.) */
  static flush(writer: SseWriter): void {
    writer.corked = false;
    const res = writer.res;
    // end() fully uncorks by itself and a destroyed socket has nothing to flush.
    if (res.writableEnded || res.destroyed) return;
    try {
      res.uncork();
    } catch (err) {
      writer.fail(err); // one broken connection must not leave the others corked
    }
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.res.destroy();
    this.notify('error', err instanceof Error ? err : new Error(String(err)));
  }

  /** @internal The response closed or failed; see the shared listeners above. */
  finish(reason: SseCloseReason, err?: Error): void {
    if (this.done) return;
    this.done = true;
    if (reason === 'error' && !this.res.destroyed) this.res.destroy();
    this.notify(reason, err);
  }

  private notify(reason: SseCloseReason, err?: Error): void {
    if (!this.onClose) return;
    try {
      this.onClose(reason, err);
    } catch (e) {
      logException(`SSE connection close handler (${reason})`, e);
    }
  }
}

/** Written by compactHead, so that the read that flattens the head cannot be optimised away. */
let headSink = 0;

/**
 * node:http keeps a response's head (its `_header` string) for as long as the response lives, as a tree of
 * some thirty concatenated strings (~1 KB for an SSE head). Reading a character of it makes V8 flatten it
 * in place into one string (~0.3 KB): the same text, less memory for every idle connection. The field is
 * not public; when it is not a string nothing happens.
 */
function compactHead(res: ServerResponse): void {
  const head: unknown = (res as unknown as { _header?: unknown })._header;
  if (typeof head === 'string' && head.length > 0) headSink ^= head.charCodeAt(head.length - 1);
}

/**
 * The socket to write pre-framed chunks to, once the head is on the wire: only for a chunked response that
 * has a body (not HEAD) and still owns its socket; null otherwise (every frame then goes through res.write).
 */
function directSocket(res: ServerResponse): Socket | null {
  const socket = res.socket;
  if (!socket || socket.destroyed || res.chunkedEncoding !== true || res.req?.method === 'HEAD') return null;
  return socket;
}
