// One SSE connection's output on a taken-over response's transport (host/http/transport): bounded
// buffering (a client that stops reading is dropped, not buffered for without limit), one write per
// connection per tick, and a single, reliable "this connection is over" notification whatever ended it.
//
// Built for fan-out (a burst of frames to thousands of connections), so that the work of a tick is
// proportional to connections + frames, not their product:
// - Nothing is written when a frame is given: each writer keeps a FIFO queue of what it was given in the
//   tick (its own frames, and references to shared TickBatches, see below), written at the end of the tick
//   as ONE transport write (one syscall per connection per tick).
// - A TickBatch is the frames a tick sends to one target set (a Name, narrowed or not). Every target's queue
//   holds the same batch, so a further send to that set in the same tick appends its frame to the batch in
//   O(1), without visiting the targets (host/sse/fanout.ts decides when that is exact). At the flush the
//   batch is concatenated, and chunk-framed for HTTP/1.1, once, and that one Buffer goes to every socket.
// - The end-of-tick flush is sliced: after ~SLICE_MS of writing it yields (setImmediate) so other requests
//   get the loop, then goes on; what is given meanwhile queues behind, in order.
// - No closures per connection: the transport's close/error listeners are shared functions.
import { performance } from 'node:perf_hooks';
import { chunkOf, forgetChunk, type Transport, type TransportOwner } from '../http/transport/index.ts';
import { logException } from '../log.ts';

/** client: the peer went away; server: close() was called; overflow: too slow a reader; error: a write failed. */
export type SseCloseReason = 'client' | 'server' | 'overflow' | 'error';

export const DEFAULT_MAX_BUFFER = 1024 * 1024;

/**
 * A flush slice writes for about this long before it yields the loop: well under the ~20 ms a turn may
 * take, since a slice overruns by what it checks the clock after (SLICE_CHECK writers) and by a collection
 * that falls in it (measured: 8 ms slices take 9–13 ms of the loop).
 */
export const SLICE_MS = 8;
let sliceMs = SLICE_MS;
/** The clock is read once per this many writers flushed. */
const SLICE_CHECK = 16;

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

/** Bumped when a flush slice starts: a batch made before it is sealed (its writers may have written it). */
let tickNumber = 1;
/** Date.now() read once per tick, for lastActivity; 0 when it must be read again. */
let tickTime = 0;
/** Writers with something queued, flushed in this order; `next` is where the running flush is. */
let dirty: SseWriter[] = [];
let next = 0;
/** A flush is queued (nextTick) or a sliced one is waiting for its next slice (setImmediate). */
let scheduled = false;
/** Resolved when no writer has anything queued (shutdown waits for pode.close to be written). */
let idleWaiters: (() => void)[] = [];

function now(): number {
  if (tickTime === 0) tickTime = Date.now();
  return tickTime;
}

/** When the first writer of a flush round was queued: the sends of that turn count against its first slice. */
let roundStart = -1;

function markDirty(writer: SseWriter): void {
  dirty.push(writer);
  schedule();
}

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    roundStart = performance.now();
    process.nextTick(flushSlice);
  }
}

// ---- Deferred fan-outs ----------------------------------------------------------------------------------
// The first send of a tick to a whole Name does not visit its targets (host/sse/fanout.ts): it makes the
// batch and leaves the visit to the flush, so a burst of sends costs the sending turn O(1) each, and the
// visit, O(connections), gets a turn of its own. Exact because the visit runs before anything else could
// change what it would have done: before anything else is queued for any writer, before a writer is closed,
// before a registry changes its membership (SseRegistry.beforeChange), before any send that visits targets.

/** A fan-out whose targets are visited later, at the latest when the flush starts. */
export interface Deferred {
  visit(): void;
}
let deferred: Deferred[] = [];
/** The flush yielded once so the deferred visits run in a turn of their own (not twice for the same ones). */
let yieldedForDeferred = false;

/** Queues `d`'s visit (in the order of the calls) and schedules the flush. */
export function defer(d: Deferred): void {
  deferred.push(d);
  schedule();
}

/** Runs every deferred visit now, in order. Cheap when there is none: it guards every queueing. */
export function settleDeferred(): void {
  if (deferred.length === 0) return;
  const list = deferred;
  deferred = [];
  yieldedForDeferred = false;
  for (const d of list) {
    try {
      d.visit();
    } catch (err) {
      logException('SSE fan-out', err); // never expected; the later visits must still run
    }
  }
}

/** Maps of open batches (host/sse/fanout.ts), emptied when a flush starts: no frame outlives its tick there. */
let batchMaps: Map<string, unknown>[] = [];

/** `map` is emptied when the next flush starts (call it when putting the first entry in). */
export function clearAtFlush(map: Map<string, unknown>): void {
  batchMaps.push(map);
}

function flushSlice(): void {
  tickNumber++;
  tickTime = 0;
  if (batchMaps.length > 0) {
    for (const map of batchMaps) map.clear();
    batchMaps = [];
  }
  // The first slice shares its turn with the sends that queued it: the time they took counts against it.
  const start = roundStart >= 0 ? roundStart : performance.now();
  roundStart = -1;
  if (deferred.length > 0) {
    if (!yieldedForDeferred && performance.now() - start >= sliceMs) {
      // The turn that sent them is spent: their targets are visited in a turn of their own.
      yieldedForDeferred = true;
      setImmediate(flushSlice);
      return;
    }
    settleDeferred();
  }
  const list = dirty;
  let i = next;
  for (;;) {
    while (i < list.length) {
      const stop = Math.min(list.length, i + SLICE_CHECK);
      for (; i < stop; i++) {
        try {
          SseWriter.flush(list[i]!);
        } catch (err) {
          // Never expected; but a flush that stopped here would leave every later connection silent for good.
          logException('SSE flush', err);
        }
      }
      if (i < list.length && performance.now() - start >= sliceMs) {
        // Yield: other requests, timers and I/O run, then the rest is written (sends made meanwhile queue behind).
        next = i;
        setImmediate(flushSlice);
        return;
      }
    }
    if (deferred.length === 0) break;
    settleDeferred(); // sent by a close handler during the flush: its writers join this round
  }
  dirty = [];
  next = 0;
  scheduled = false;
  tickTime = 0; // a write made by a close handler during the flush must not leave a stale clock behind
  forgetChunk(); // an idle server holds no frame
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const w of waiters) w();
}

/** @internal Tests: the slice budget (0: yield after every SLICE_CHECK writers); undefined restores it. */
export function setSliceBudget(ms: number | undefined): void {
  sliceMs = ms ?? SLICE_MS;
}

/**
 * Writers waiting for the flush (the running one included): 0 when everything given has been written, and
 * while a deferred fan-out is still to visit its targets (flushed() waits for both).
 */
export function queuedWriters(): number {
  return dirty.length - next;
}

/** Resolves once every writer has written what it was given (at once when nothing is queued). */
export function flushed(): Promise<void> {
  if (!scheduled) return Promise.resolve();
  return new Promise((resolve) => idleWaiters.push(resolve));
}

/**
 * The frames one tick sends to one target set, shared by every target's queue. Open until sealed: sealed
 * when a flush starts (tickNumber), or when any of its writers is given something after it.
 */
export class TickBatch {
  readonly frames: Buffer[] = [];
  bytes = 0;
  private sealedFlag = false;
  private readonly tick = tickNumber;
  private joinedBuf: Buffer | null = null;
  private chunkBuf: Buffer | null = null;

  constructor(frame: Buffer) {
    this.frames.push(frame);
    this.bytes = frame.length;
  }

  /** Whether a frame may still be appended (every writer holding it has it last, and nothing was written). */
  get open(): boolean {
    return !this.sealedFlag && this.tick === tickNumber;
  }
  seal(): void {
    this.sealedFlag = true;
  }
  /** O(1): the frame reaches every writer that holds the batch. Only while open. */
  append(frame: Buffer): void {
    this.frames.push(frame);
    this.bytes += frame.length;
  }
  /** The frames as one Buffer, built once. */
  joined(): Buffer {
    if (this.joinedBuf === null) this.joinedBuf = this.frames.length === 1 ? this.frames[0]! : Buffer.concat(this.frames, this.bytes);
    return this.joinedBuf;
  }
  /** joined() as one HTTP/1.1 chunk, built once for every socket. */
  chunk(): Buffer {
    if (this.chunkBuf === null) this.chunkBuf = chunkOf(this.joined());
    return this.chunkBuf;
  }
}

type Item = Buffer | TickBatch;

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
  private readonly clock: (() => number) | undefined;
  private last: number;
  private done = false;
  /** The queue: `first`, then `more` (null while it holds at most one item: the common case allocates nothing). */
  private first: Item | null = null;
  private more: Item[] | null = null;
  /** Bytes of the queue's own frames that count against maxBuffer (batches are counted when needed). */
  private ownBytes = 0;
  /** Bytes of the queue's batches when they were queued (a batch grows after; the flush checks again). */
  private batchBytes = 0;
  /** In the flush list. */
  private queued = false;
  /** close() was called with frames still queued: end after them, with this final frame (or none). */
  private ending: Buffer | null | undefined = undefined;

  constructor(transport: Transport, options: SseWriterOptions = {}) {
    this.transport = transport;
    this.maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    this.owner = options.owner ?? (options.onClose ? new CallbackOwner(options.onClose) : undefined);
    this.subject = options.subject;
    this.clock = options.now;
    this.last = this.clock ? this.clock() : Date.now();
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
   * Queues one frame for the end of the tick. False when the connection is over; a frame that would take
   * the unsent plus queued bytes past maxBuffer drops the connection ('overflow') instead of buffering it.
   * `unbounded` is for the opening frames and a replay: they are bounded by the history's own size, and
   * counting them would drop a reconnecting client whose missed events exceed the bound, again on every retry.
   */
  write(buf: Buffer, unbounded = false): boolean {
    if (deferred.length > 0) settleDeferred();
    if (!this.usable()) return false;
    if (!unbounded && this.over(buf.length)) return false;
    if (buf.length === 0) return true; // an empty chunk would end the body
    if (!unbounded) this.ownBytes += buf.length;
    this.enqueue(buf);
    return true;
  }

  /**
   * A new connection's opening frames, written at once rather than at the end of the tick: nothing is
   * queued before them and the connection is in no batch or Name yet, so nothing can be overtaken, and
   * accepting a connection schedules no flush of its own (node's response flushes its head with them).
   */
  open(buf: Buffer): boolean {
    if (this.first !== null) return this.write(buf, true);
    if (!this.usable()) return false;
    this.stamp();
    try {
      this.transport.write(buf);
    } catch (err) {
      this.fail(err);
      return false;
    }
    return true;
  }

  /**
   * Queues a shared batch (host/sse/fanout.ts); false when the connection is over. The one write that a
   * fan-out makes per target: it touches the writer alone, not the transport (a peer gone meanwhile, and
   * the bound, are found by the flush, before anything of the tick is written).
   */
  take(batch: TickBatch): boolean {
    // (No deferred visit to run first: fanout.ts takes batches only from a visit, after settleDeferred.)
    if (this.done) return false;
    this.batchBytes += batch.bytes;
    this.enqueue(batch);
    return true;
  }

  private usable(): boolean {
    if (this.done) return false;
    if (this.transport.gone) {
      // The peer is gone but its 'close' has not been delivered yet: this failed write is the news.
      this.finish('client');
      return false;
    }
    return true;
  }

  /** Drops the connection when `bytes` more would take it past the bound. */
  private over(bytes: number): boolean {
    if (this.transport.pending + this.ownBytes + this.batchBytes + bytes <= this.maxBuffer) return false;
    this.overflow();
    return true;
  }

  private overflow(): void {
    this.done = true;
    this.clear();
    this.transport.destroy();
    this.notify('overflow');
  }

  private enqueue(item: Item): void {
    const more = this.more;
    const first = this.first;
    if (first === null) this.first = item;
    else {
      // Anything after a batch seals it: a frame appended to it later would overtake this item.
      const tail = more !== null ? more[more.length - 1]! : first;
      if (tail !== item && tail instanceof TickBatch) tail.seal();
      if (more !== null) more.push(item);
      else this.more = [item];
    }
    this.stamp();
    if (!this.queued) {
      this.queued = true;
      markDirty(this);
    }
  }

  /** lastActivity is now (the heartbeat pings only connections quiet for its interval). */
  private stamp(): void {
    this.last = this.clock ? this.clock() : now();
  }

  private clear(): void {
    this.first = null;
    this.more = null;
    this.ownBytes = this.batchBytes = 0;
  }

  /** Ends the body once, after what is queued and `finalFrame` (e.g. pode.close) when given; onClose('server'). */
  close(finalFrame?: Buffer): void {
    if (deferred.length > 0) settleDeferred();
    if (this.done) return;
    this.done = true;
    if (this.first !== null) {
      // Written, then ended, by the flush; the connection is over for everyone else from now, so a
      // batch it holds must take no more frames.
      this.ending = finalFrame ?? null;
      const tail = this.more !== null ? this.more[this.more.length - 1]! : this.first;
      if (tail instanceof TickBatch) tail.seal();
    } else this.end(finalFrame);
    this.notify('server');
  }

  private end(finalFrame: Buffer | undefined): void {
    const t = this.transport;
    if (t.gone) return;
    try {
      // A client too slow to take even the final frame is not waited for.
      if (finalFrame && t.pending + finalFrame.length > this.maxBuffer) t.destroy();
      else t.end(finalFrame);
    } catch (err) {
      t.destroy();
      this.notify('error', err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** End of tick: writes the queue as one piece. (Called by the shared flush, for every writer with a queue.) */
  static flush(writer: SseWriter): void {
    writer.queued = false;
    const first = writer.first;
    if (first === null) return;
    const more = writer.more;
    const ending = writer.ending;
    const t = writer.transport;
    // The bound, with the batches' final sizes, before anything of this tick is written.
    let bounded = writer.ownBytes;
    if (writer.batchBytes > 0) {
      if (first instanceof TickBatch) bounded += first.bytes;
      if (more !== null) for (const item of more) if (item instanceof TickBatch) bounded += item.bytes;
    }
    writer.clear();
    if (t.gone) {
      if (ending === undefined) writer.finish('client');
      return;
    }
    if (ending === undefined && writer.done) return; // dropped meanwhile
    if (t.pending + bounded > writer.maxBuffer) {
      if (ending !== undefined) t.destroy();
      else writer.overflow();
      return;
    }
    try {
      if (more === null) writeItem(t, first);
      else writeItems(t, first, more);
    } catch (err) {
      if (ending !== undefined) t.destroy();
      else writer.fail(err); // one broken connection must not stop the others' flush
      return;
    }
    // What was just written is in t.pending now: the final frame is bounded as close() always did.
    if (ending !== undefined) writer.end(ending ?? undefined);
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.clear();
    this.transport.destroy();
    this.notify('error', err instanceof Error ? err : new Error(String(err)));
  }

  /** @internal The transport closed or failed (TransportOwner, called by its shared listeners). */
  finish(reason: 'client' | 'error', err?: Error): void {
    if (this.done) return;
    this.done = true;
    this.clear();
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

function writeItem(t: Transport, item: Item): void {
  if (item instanceof TickBatch) t.write(item.joined(), t.kind === 'h1' ? item : undefined);
  else t.write(item);
}

/**
 * Several items as one write: the connection's own frames next to each other joined (they are its own
 * anyway), the batches kept shared, not copied; when that leaves more than one piece, corked, so they
 * leave together (one writev).
 */
function writeItems(t: Transport, first: Item, more: Item[]): void {
  const pieces: Item[] = [];
  let run: Buffer[] = [];
  const endRun = () => {
    if (run.length > 0) pieces.push(run.length === 1 ? run[0]! : Buffer.concat(run));
    run = [];
  };
  for (let i = -1; i < more.length; i++) {
    const item = i < 0 ? first : more[i]!;
    if (item instanceof TickBatch) {
      endRun();
      pieces.push(item);
    } else run.push(item);
  }
  endRun();
  if (pieces.length === 1) return writeItem(t, pieces[0]!);
  t.cork();
  try {
    for (const piece of pieces) writeItem(t, piece);
  } finally {
    t.uncork();
  }
}
