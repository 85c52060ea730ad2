// One SSE connection: Pode's fields (what $WebEvent.Sse and $TriggeredEvent.Connection show) over a
// bounded writer. The registry and heartbeat read the lower-case fields.
import { NO_AUTH, type WebEventAuthFields } from '../http/webevent.ts';
import type { SseCounters } from './counters.ts';
import { frameGap } from './framing.ts';
import type { SseConn } from './registry.ts';
import type { SseWriter, TickBatch } from './writer.ts';

export type SseScope = 'Local' | 'Global';

/** An event held while the connection's replay runs; a null frame is a pode.gap to send at that point. */
export interface Held {
  frame: Buffer | null;
  seq: number | undefined;
  id: string | undefined;
}

export class SseConnection implements SseConn {
  /** When it was opened (ms since the epoch): a number, not a Date, so that an idle connection holds no Date object. */
  private readonly openedAt = Date.now();
  writer!: SseWriter;
  private held: Held[] | null = null;
  /** Told when a hold starts or ends (the registry: a shared batch must not be appended past a hold). */
  membership: { changed(name: string): void } | undefined = undefined;
  /** The position (seq) of the last event written: an event at or below it is a copy, and is dropped. */
  floor = 0;
  /** The id of the last event written (or the Last-Event-ID it came with): what pode.gap reports. */
  lastId: string | null;
  /** The last thing written was pode.gap: a second one with nothing between would say nothing new. */
  private toldGap = false;
  /** Connect has fired: only then does Disconnect fire too. */
  announced = false;
  /** A connection with the same Name and ClientId took its place (its Disconnect runs before that one's Connect). */
  replaced = false;
  /** The $WebEvent.Auth of the request that opened it ($TriggeredEvent.Auth); NO_AUTH when it was not authenticated. */
  auth: WebEventAuthFields = NO_AUTH;
  /** The engine's counters (replays and pode.gaps are counted where they are written); unset outside an engine. */
  counters: SseCounters | undefined = undefined;

  /**
   * @param group the connection's Group, undefined when it has none (the registry's and the hub's view)
   * @param lastEventId the trimmed Last-Event-ID it came with, null when none or empty
   */
  constructor(
    readonly Name: string,
    readonly ClientId: string,
    readonly group: string | undefined,
    readonly Scope: SseScope,
    readonly RetryDuration: number,
    readonly AllowAllOrigins: boolean,
    readonly lastEventId: string | null,
  ) {
    this.lastId = lastEventId;
  }

  // Pode's fields (PodeClientConnection.cs, PodeServerEvent.cs): a string is '' where there is none, as a
  // PowerShell [string] parameter left out and `$"{header}".Trim()` give it.
  get Group(): string {
    return this.group ?? '';
  }
  get LastEventId(): string {
    return this.lastEventId ?? '';
  }
  /** PodeServerEvent.Retry: the same value as RetryDuration. */
  get Retry(): number {
    return this.RetryDuration;
  }
  /** Pode's Timestamp (a DateTime, a value: each read gives a Date of the same instant). */
  get Timestamp(): Date {
    return new Date(this.openedAt);
  }
  get ConnectionType(): 'SSE' {
    return 'SSE';
  }

  /** While a replay or catch-up is fetched from the hub, live events wait here, in order. */
  get pending(): Held[] | null {
    return this.held;
  }
  set pending(value: Held[] | null) {
    if ((value === null) !== (this.held === null)) this.membership?.changed(this.Name);
    this.held = value;
  }

  /**
   * As deliver(), for a fan-out: the event is in `batch`, shared by its targets, which this connection
   * takes when it writes the event live. Returns whether it did (else it held, dropped or could not write it).
   */
  deliverShared(frame: Buffer, seq: number | undefined, id: string | undefined, batch: TickBatch): boolean {
    if (this.held !== null) {
      this.held.push({ frame, seq, id });
      return false;
    }
    if (seq !== undefined) {
      if (seq <= this.floor) return false;
      this.floor = seq;
    }
    if (id) this.lastId = id;
    this.toldGap = false;
    return this.writer.take(batch);
  }

  /**
   * A deferred fan-out's batch (host/sse/fanout.ts: plain events, no position, no id): taken live, or each
   * of its frames held while a replay runs. Returns whether it was taken live.
   */
  takeBatch(batch: TickBatch): boolean {
    if (this.held !== null) {
      for (const frame of batch.frames) this.held.push({ frame, seq: undefined, id: undefined });
      return false;
    }
    this.toldGap = false;
    return this.writer.take(batch);
  }

  /** Whether the event at `seq` would be written live now (not held, not a copy). */
  takesLive(seq: number | undefined): boolean {
    return this.held === null && !this.writer.closed && (seq === undefined || seq > this.floor);
  }

  /** The bookkeeping of a live event that reaches it through a batch it already holds. */
  tookLive(seq: number | undefined, id: string | undefined): void {
    if (seq !== undefined) this.floor = seq;
    if (id) this.lastId = id;
    this.toldGap = false;
  }

  /**
   * Writes one event, in the connection's order: held while a replay runs, dropped when its position is
   * not past the last one written (a live copy of a replayed event), else written.
   */
  deliver(frame: Buffer | null, seq: number | undefined, id: string | undefined): void {
    if (this.held !== null) {
      this.held.push({ frame, seq, id });
      return;
    }
    if (frame === null) return this.gap();
    if (seq !== undefined) {
      if (seq <= this.floor) return;
      this.floor = seq;
    }
    if (id) this.lastId = id;
    this.toldGap = false;
    this.writer.write(frame);
  }

  /**
   * A replay (or catch-up) has arrived: its events, written whatever the buffer bound (see SseWriter.write),
   * then the held ones that are past `head`, the last position it covered.
   */
  replayed(frames: readonly Uint8Array[], ids: readonly string[], head: number): void {
    this.counters?.replayed(frames.length);
    for (const frame of frames) this.writer.write(Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), true);
    if (ids.length > 0) {
      this.lastId = ids[ids.length - 1]!;
      this.toldGap = false;
    }
    this.release(head);
  }

  /** Events of its Name were lost somewhere (another instance was cut off): pode.gap, in order with the others. */
  lost(): void {
    this.deliver(null, undefined, undefined);
  }

  /** Events may have been lost and cannot be replayed: pode.gap with the last id it had, then the held ones. */
  gapped(): void {
    this.gap();
    this.release(0);
  }

  /** One pode.gap, however many reasons there are at once (a restarted Redis, another instance's notice). */
  private gap(): void {
    if (this.toldGap) return;
    this.toldGap = true;
    if (this.writer.write(frameGap(this.lastId ?? ''), true) && this.counters) this.counters.gaps++;
  }

  /** The held events follow; those at or below `head` were covered by a replay. */
  release(head: number): void {
    const held = this.pending;
    this.pending = null;
    if (head > this.floor) this.floor = head;
    if (held) for (const h of held) this.deliver(h.frame, h.seq, h.id);
  }

  // The registry's view (SseConn).
  get name(): string {
    return this.Name;
  }
  get clientId(): string {
    return this.ClientId;
  }

  get IsLocal(): boolean {
    return this.Scope === 'Local';
  }
  get IsGlobal(): boolean {
    return this.Scope === 'Global';
  }
  get IsClosed(): boolean {
    return this.writer.closed;
  }
  /** Closed and disposed are one moment here: the writer ends, the connection leaves the registry. */
  get IsDisposed(): boolean {
    return this.writer.closed;
  }
  get LastActivity(): Date {
    return new Date(this.writer.lastActivity);
  }

  // The heartbeat's view (HeartbeatTarget).
  get lastActivity(): number {
    return this.writer.lastActivity;
  }
  get closed(): boolean {
    return this.writer.closed;
  }
  write(frame: Buffer): boolean {
    return this.writer.write(frame);
  }

  /**
   * A plain snapshot, for $TriggeredEvent.Connection and JSON: the keys of Pode's ToHashtable()
   * (PodeClientConnection.cs, extended by PodeServerEvent.cs), in its order.
   */
  toJSON() {
    return {
      ConnectionType: this.ConnectionType,
      Name: this.Name,
      Group: this.Group,
      ClientId: this.ClientId,
      Scope: this.Scope,
      Timestamp: this.Timestamp,
      LastActivity: this.LastActivity,
      IsDisposed: this.IsDisposed,
      IsClosed: this.IsClosed,
      RetryDuration: this.RetryDuration,
      AllowAllOrigins: this.AllowAllOrigins,
      LastEventId: this.LastEventId,
    };
  }
}
