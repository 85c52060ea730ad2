// What one SSE engine has done, counted for operators (Prometheus at /metrics, the status page): events and
// bytes handed to connections per Name, connections opened and dropped as too slow, replays and pode.gaps,
// heartbeat pings, and how long the hub takes to order a send. Plain number fields bumped once per send (not
// per connection: a send adds its target count, which the registry's select already returns), so counting
// costs the fan-out nothing measurable. Per process: a cluster's figures are gathered elsewhere.

/** One Name's totals since the server started. */
export interface NameCounters {
  /** Events handed to this Name's connections: one per connection per event (pings, replays and the opening frames not included). */
  events: number;
  /** Their bytes on the wire (the framed event; HTTP/1.1 chunk framing not included). */
  bytes: number;
  /** Connections of the Name opened (global and local). */
  opened: number;
  /** Connections of the Name dropped because the client read too slowly (the buffer bound). */
  dropped: number;
}

export type HubLagListener = (ms: number) => void;

export class SseCounters {
  readonly byName = new Map<string, NameCounters>();
  /** pode.ping frames written, and their bytes. */
  pings = 0;
  pingBytes = 0;
  /** Reconnects given their missed events (a replay with at least one event), and how many events those were. */
  replays = 0;
  replayedEvents = 0;
  /** pode.gap frames written (a reconnect past the history, or events lost while the hub was cut off). */
  gaps = 0;
  /** Sends handed to the hub and ordered by it (scaled out only), and the latest time that took. */
  hubOrdered = 0;
  hubLastLagMs = 0;
  /** Told of each hub ordering time, in ms (the Prometheus histogram listens here). */
  onHubLag: HubLagListener | undefined;

  name(name: string): NameCounters {
    let c = this.byName.get(name);
    if (!c) this.byName.set(name, (c = { events: 0, bytes: 0, opened: 0, dropped: 0 }));
    return c;
  }

  /** `targets` connections of `name` were handed one frame of `frameBytes` bytes. */
  sent(name: string, targets: number, frameBytes: number): void {
    if (targets === 0) return;
    const c = this.name(name);
    c.events += targets;
    c.bytes += targets * frameBytes;
  }

  pinged(count: number, frameBytes: number): void {
    this.pings += count;
    this.pingBytes += count * frameBytes;
  }

  replayed(events: number): void {
    if (events === 0) return;
    this.replays++;
    this.replayedEvents += events;
  }

  hubLag(ms: number): void {
    this.hubOrdered++;
    this.hubLastLagMs = ms;
    this.onHubLag?.(ms);
  }

  /** Sums over every Name. */
  totals(): NameCounters {
    const t: NameCounters = { events: 0, bytes: 0, opened: 0, dropped: 0 };
    for (const c of this.byName.values()) {
      t.events += c.events;
      t.bytes += c.bytes;
      t.opened += c.opened;
      t.dropped += c.dropped;
    }
    return t;
  }
}
