// One SSE connection's output on a node:http ServerResponse: bounded buffering (a client that stops
// reading is dropped, not buffered for without limit), same-tick coalescing, and a single, reliable
// "this connection is over" notification whatever ended it.
import type { ServerResponse } from 'node:http';
import { logException } from '../log.ts';

/** client: the peer went away; server: close() was called; overflow: too slow a reader; error: a write failed. */
export type SseCloseReason = 'client' | 'server' | 'overflow' | 'error';

export const DEFAULT_MAX_BUFFER = 1024 * 1024;

export interface SseWriterOptions {
  /** Bytes that may wait unsent (response + socket buffers) before the client counts as too slow. */
  maxBuffer?: number;
  /** Called exactly once, whatever the reason. An exception in it is logged, never thrown to the writer. */
  onClose?: (reason: SseCloseReason, error?: Error) => void;
  /** Clock for lastActivity (ms); injectable for tests. */
  now?: () => number;
}

export class SseWriter {
  readonly res: ServerResponse;
  private readonly maxBuffer: number;
  private readonly onClose: ((reason: SseCloseReason, error?: Error) => void) | undefined;
  private readonly now: () => number;
  private last: number;
  private done = false;
  private corked = false;

  constructor(res: ServerResponse, options: SseWriterOptions = {}) {
    this.res = res;
    this.maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    this.onClose = options.onClose;
    this.now = options.now ?? Date.now;
    this.last = this.now();
    // 'close' also fires after our own end(); `done` is already set then, so it is ignored.
    res.once('close', () => this.finish('client'));
    // Without a listener a stray response error would crash the process.
    res.on('error', (err) => this.finish('error', err));
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
   * maxBuffer drops the connection ('overflow') instead of buffering it.
   */
  write(buf: Buffer): boolean {
    if (this.done) return false;
    const res = this.res;
    if (res.destroyed || res.writableEnded) {
      // The peer is gone but its 'close' has not been delivered yet: this failed write is the news.
      this.finish('client');
      return false;
    }
    // writableLength counts the response's own queue and its socket's, i.e. everything not yet in the kernel.
    if (res.writableLength + buf.length > this.maxBuffer) {
      this.done = true;
      res.destroy();
      this.notify('overflow');
      return false;
    }
    if (!this.corked) {
      // Frames written in the same tick (a burst of sends, a replay) leave as one socket write.
      this.corked = true;
      res.cork();
      process.nextTick(SseWriter.uncork, this);
    }
    try {
      res.write(buf);
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.last = this.now();
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

  private static uncork(writer: SseWriter): void {
    writer.corked = false;
    // end() fully uncorks by itself and a destroyed socket has nothing to flush.
    if (!writer.res.writableEnded && !writer.res.destroyed) writer.res.uncork();
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.res.destroy();
    this.notify('error', err instanceof Error ? err : new Error(String(err)));
  }

  private finish(reason: SseCloseReason, err?: Error): void {
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
