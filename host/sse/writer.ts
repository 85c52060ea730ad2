// One SSE connection's output on a taken-over response's transport (host/http/transport): bounded
// buffering (a client that stops reading is dropped, not buffered for without limit), same-tick
// coalescing, and a single, reliable "this connection is over" notification whatever ended it.
//
// Built for fan-out (one frame written to thousands of connections in one loop), so the per-write path is
// short and allocates nothing of its own per connection:
// - The transport writes a frame as one piece (HTTP/1.1: one pre-framed chunk shared by every connection;
//   HTTP/2: one DATA write on the stream).
// - A connection's first write in a tick leaves at once; a second write in the same tick corks, and
//   everything written after it leaves together when the tick ends. All writers corked in a tick are
//   uncorked by ONE process.nextTick, not one per writer.
// - The activity clock is read once per tick, not once per write.
// - No closures per connection: the transport's close/error listeners are shared functions.
import { forgetChunk, type Transport, type TransportOwner } from '../http/transport/index.ts';
import { logException } from '../log.ts';

/** client: the peer went away; server: close() was called; overflow: too slow a reader; error: a write failed. */
export type SseCloseReason = 'client' | 'server' | 'overflow' | 'error';

export const DEFAULT_MAX_BUFFER = 1024 * 1024;

export interface SseWriterOptions {
  /** Bytes that may wait unsent (response + socket buffers) before the client counts as too slow. */
  maxBuffer?: number;
  /** Called exactly once, whatever the reason. An exception in it is logged, never thrown to the writer. */
  onClose?: (reason: SseCloseReason, error?: Error) => void;
  /**
   * As onClose, without a closure per connection: `owner.writerClosed(subject, …)`. The SSE engine passes
   * itself and the connection, so thousands of connections share one method instead of holding a function each.
   */
  owner?: SseWriterOwner;
  subject?: unknown;
  /** Clock for lastActivity (ms), read on every write; injectable for tests. By default a clock read once per tick. */
  now?: () => number;
}

// ---- The tick, shared by every writer ---------------------------------------------------------------

/** Whether a write happened in the current tick (the end-of-tick callback is then queued). */
let tickOpen = false;
/** Date.now() at the first write of the current tick. */
let tickTime = 0;
/** Counts ticks that had writes; a writer remembers the last one it wrote in. */
let tickNumber = 1;
/** Writers corked in this tick, uncorked together when it ends. */
let corked: SseWriter[] = [];

function openTick(): number {
  tickOpen = true;
  tickTime = Date.now();
  process.nextTick(closeTick);
  return tickTime;
}

function closeTick(): void {
  tickOpen = false;
  tickNumber++;
  forgetChunk();
  const list = corked;
  corked = [];
  for (let i = 0; i < list.length; i++) SseWriter.flush(list[i]!);
}

/** Who hears, once, that a writer is over (see SseWriterOptions.owner). */
export interface SseWriterOwner {
  writerClosed(subject: unknown, reason: SseCloseReason, error?: Error): void;
}

/** Adapts a plain onClose callback to an owner (tests, one-off writers). */
class CallbackOwner implements SseWriterOwner {
  constructor(private readonly fn: (reason: SseCloseReason, error?: Error) => void) {}
  writerClosed(_subject: unknown, reason: SseCloseReason, error?: Error): void {
    this.fn(reason, error);
  }
}

export class SseWriter implements TransportOwner {
  readonly transport: Transport;
  private readonly maxBuffer: number;
  private readonly owner: SseWriterOwner | undefined;
  private readonly subject: unknown;
  private readonly now: (() => number) | undefined;
  private last: number;
  private done = false;
  private corked = false;
  /** The tick this writer last wrote in. */
  private tick = 0;

  constructor(transport: Transport, options: SseWriterOptions = {}) {
    this.transport = transport;
    this.maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    this.owner = options.owner ?? (options.onClose ? new CallbackOwner(options.onClose) : undefined);
    this.subject = options.subject;
    this.now = options.now;
    this.last = this.now ? this.now() : Date.now();
    transport.attach(this);
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
    const t = this.transport;
    if (t.gone) {
      // The peer is gone but its 'close' has not been delivered yet: this failed write is the news.
      this.finish('client');
      return false;
    }
    const now = tickOpen ? tickTime : openTick();
    if (!unbounded && t.pending + buf.length > this.maxBuffer) {
      this.done = true;
      t.destroy();
      this.notify('overflow');
      return false;
    }
    if (buf.length === 0) return true; // an empty chunk would end the body
    // Same-tick coalescing: a direct write that is the writer's first in this tick leaves at once; any
    // other write corks, so that it and the rest of the tick's frames leave as one socket write.
    if (!this.corked && (!t.direct || this.tick === tickNumber)) {
      this.corked = true;
      t.cork();
      corked.push(this);
    }
    this.tick = tickNumber;
    try {
      t.write(buf);
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.last = this.now ? this.now() : now;
    return true;
  }

  /** Ends the body once, after `finalFrame` (e.g. pode.close) when given; onClose('server'). */
  close(finalFrame?: Buffer): void {
    if (this.done) return;
    this.done = true;
    const t = this.transport;
    if (!t.gone) {
      try {
        // A client too slow to take even the final frame is not waited for.
        if (finalFrame && t.pending + finalFrame.length > this.maxBuffer) t.destroy();
        else t.end(finalFrame);
      } catch (err) {
        t.destroy();
        this.notify('error', err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    this.notify('server');
  }

  /** End of tick: sends what the writer corked. (Called by the shared tick, for every corked writer.) */
  static flush(writer: SseWriter): void {
    writer.corked = false;
    const t = writer.transport;
    // end() fully uncorks by itself and a destroyed transport has nothing to flush.
    if (t.gone) return;
    try {
      t.uncork();
    } catch (err) {
      writer.fail(err); // one broken connection must not leave the others corked
    }
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.transport.destroy();
    this.notify('error', err instanceof Error ? err : new Error(String(err)));
  }

  /** @internal The transport closed or failed (TransportOwner, called by its shared listeners). */
  finish(reason: 'client' | 'error', err?: Error): void {
    if (this.done) return;
    this.done = true;
    if (reason === 'error' && !this.transport.gone) this.transport.destroy();
    this.notify(reason, err);
  }

  private notify(reason: SseCloseReason, err?: Error): void {
    if (!this.owner) return;
    try {
      this.owner.writerClosed(this.subject, reason, err);
    } catch (e) {
      logException(`SSE connection close handler (${reason})`, e);
    }
  }
}
