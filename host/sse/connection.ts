// One SSE connection: Pode's fields (what $WebEvent.Sse and $TriggeredEvent.Connection show) over a
// bounded writer. The registry and heartbeat read the lower-case fields.
import type { SseConn } from './registry.ts';
import type { SseWriter } from './writer.ts';

export type SseScope = 'Local' | 'Global';

export class SseConnection implements SseConn {
  readonly Timestamp = new Date();
  writer!: SseWriter;
  /** While a replay is fetched from the hub, live events wait here (then duplicates of replayed ones are dropped). */
  pending: Array<{ frame: Buffer; id: string | undefined }> | null = null;
  /** Connect has fired: only then does Disconnect fire too. */
  announced = false;

  constructor(
    readonly Name: string,
    readonly ClientId: string,
    readonly Group: string | undefined,
    readonly Scope: SseScope,
    readonly RetryDuration: number,
    readonly AllowAllOrigins: boolean,
    readonly LastEventId: string | null,
  ) {}

  // The registry's view (SseConn).
  get name(): string {
    return this.Name;
  }
  get clientId(): string {
    return this.ClientId;
  }
  get group(): string | undefined {
    return this.Group;
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

  /** A plain snapshot, for $TriggeredEvent.Connection and JSON. */
  toJSON() {
    return {
      Name: this.Name,
      Group: this.Group ?? null,
      ClientId: this.ClientId,
      Scope: this.Scope,
      RetryDuration: this.RetryDuration,
      AllowAllOrigins: this.AllowAllOrigins,
      LastEventId: this.LastEventId,
      Timestamp: this.Timestamp,
      LastActivity: this.LastActivity,
      IsLocal: this.IsLocal,
      IsGlobal: this.IsGlobal,
      IsClosed: this.IsClosed,
    };
  }
}
