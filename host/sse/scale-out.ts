// The SSE engine's side of a hub (--workers, --redis): sends and closes go to the hub, which hands them
// back to every instance in one order; what comes back is delivered to this instance's connections.
// A reconnect's replay comes from the hub's shared history, while live events wait in the connection and
// are merged by position. When the hub was cut off and is back, connections that may have missed events
// are caught up from the shared history, or told with pode.gap.
import { logDebug, logException, logVerbose } from '../log.ts';
import type { SseConnection } from './connection.ts';
import type { SseCounters } from './counters.ts';
import type { SseEvents } from './events.ts';
import { EventFrames, PODE_CLOSE } from './framing.ts';
import { narrowingMatches, type HistoryBound, type SseHistory } from './history.ts';
import type { SseRegistry } from './registry.ts';
import type { FanOut } from './fanout.ts';
import { ORDERED, type CatchUp, type HubSend, type Ordered, type ReplayAnswer, type Resync, type SseHub } from './hub/types.ts';

const SEND = 'Send-PodeSseEvent';

interface Send {
  names: readonly string[];
  groups?: readonly string[];
  clientIds?: readonly string[];
  id?: string;
  eventType?: string;
  data: string;
}

/** Runs one hub callback; what it throws is logged here, never thrown back into the hub. */
function guarded<A extends unknown[]>(what: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (err) {
      logException(`SSE hub ${what}`, err);
    }
  };
}

export class ScaleOut {
  /** Connections held by hold() until the resync that follows it. */
  private held: SseConnection[] = [];

  constructor(
    readonly hub: SseHub,
    private readonly registry: SseRegistry<SseConnection>,
    private readonly fanOut: FanOut,
    private readonly history: SseHistory,
    events: SseEvents,
    private readonly counters: SseCounters,
  ) {
    // The hub's lag: how long this instance's sends wait to come back in the hub's order.
    hub.onLag = (ms) => counters.hubLag(ms);
    hub.listen({
      delivery: guarded('delivery', (m) => {
        if (m.t === 'send') this.deliver(m);
        else if (m.t === 'close') this.closeHere(m.name, m.groups, m.clientIds);
        else for (const name of m.names) this.registry.select(name, null, null, (conn) => conn.lost());
      }),
      // The same (Name, ClientId) connected elsewhere replaces the one here, as it would on one process.
      remoteJoin: guarded('join', (e) => this.registry.get(e.name, e.clientId)?.writer.close(PODE_CLOSE)),
      hold: guarded('hold', () => this.hold()),
      resync: guarded('resync', (plan) => this.resync(plan)),
      orphaned: guarded('orphaned', (entries) => {
        for (const e of entries) events.fireOrphaned(e.name, e.clientId, e.group);
      }),
    });
  }

  /** The answer settles once the send has its place in the hub's order (see SseHub.publish). */
  send(o: Send): Ordered {
    if (!this.hub.connected) {
      // Cut off: this instance's clients still get it, now; the others will be told they missed it.
      this.hub.deliveredLocally(o.names);
      this.deliver({ t: 'send', names: [...o.names], groups: o.groups && [...o.groups], clientIds: o.clientIds && [...o.clientIds], id: o.id, eventType: o.eventType, data: o.data, local: true });
      return ORDERED;
    }
    let history: Record<string, HistoryBound> | undefined;
    for (const name of o.names) {
      const bound = this.history.boundOf(name);
      if (bound) (history ??= {})[name] = bound;
    }
    return this.hub.publish({ t: 'send', names: [...o.names], groups: o.groups && [...o.groups], clientIds: o.clientIds && [...o.clientIds], id: o.id, eventType: o.eventType, data: o.data, history });
  }

  close(name: string, groups?: readonly string[], clientIds?: readonly string[]): Ordered {
    if (this.hub.connected) return this.hub.publish({ t: 'close', name, groups: groups && [...groups], clientIds: clientIds && [...clientIds] });
    this.closeHere(name, groups, clientIds);
    return ORDERED;
  }

  /** A reconnect's replay, from the hub's history; live events wait in the connection meanwhile. */
  replay(conn: SseConnection, bound: HistoryBound): void {
    const lastId = conn.lastEventId!;
    // The shared history cannot be read now: the client may have missed events, and is told so.
    if (!this.hub.connected) return conn.gapped();
    conn.pending = [];
    this.hub.replay({ name: conn.Name, lastEventId: lastId, clientId: conn.ClientId, group: conn.group, bound }).then(
      (answer) => this.replayed(conn, answer),
      (err) => {
        logDebug(`SSE replay for ${conn.Name} ${conn.ClientId} failed: ${(err as Error)?.message ?? String(err)}`);
        this.replayed(conn, { kind: 'gap', lastId });
      },
    );
  }

  private replayed(conn: SseConnection, answer: ReplayAnswer): void {
    try {
      if (conn.writer.closed) conn.pending = null;
      else if (answer.kind === 'events') conn.replayed(answer.frames, answer.ids, answer.head);
      else if (answer.kind === 'gap') conn.gapped();
      else conn.release(0);
    } catch (err) {
      logException(`SSE replay for ${conn.Name} ${conn.ClientId}`, err);
      conn.pending = null;
    }
  }

  /** A send handed back by the hub (or kept here): framed once per id, written to this instance's targets. */
  private deliver(m: HubSend): void {
    const frames = new EventFrames(m.eventType, m.data, SEND);
    for (const name of m.names) {
      const seq = m.local ? undefined : m.seqs?.[name];
      const id = m.id || (seq !== undefined ? String(seq) : undefined);
      const frame = frames.for(id);
      this.counters.sent(name, this.fanOut.send(name, m.groups, m.clientIds, frame, seq, id), frame.length);
    }
  }

  private closeHere(name: string, groups?: readonly string[], clientIds?: readonly string[]): void {
    const targets: SseConnection[] = [];
    this.registry.select(name, groups, clientIds, (conn) => targets.push(conn));
    for (const conn of targets) conn.writer.close(PODE_CLOSE);
  }

  /** The hub is back: every connection holds its live events until the resync says what it missed. */
  private hold(): void {
    for (const conn of this.registry.all()) {
      // One already replaying holds its own; its replay was asked for after the hub came back.
      if (conn.pending !== null) continue;
      conn.pending = [];
      this.held.push(conn);
    }
  }

  private resync(plan: Resync): void {
    const byName = new Map<string, SseConnection[]>();
    for (const conn of this.held.splice(0)) {
      if (conn.writer.closed) conn.pending = null;
      else byName.get(conn.Name)?.push(conn) ?? byName.set(conn.Name, [conn]);
    }
    logVerbose(`SSE hub back: ${plan.missed ? 'catching up' : 'nothing missed for'} ${[...byName.values()].reduce((n, c) => n + c.length, 0)} connection(s) of ${byName.size} Name(s)`);
    for (const [name, conns] of byName) {
      const bound = this.history.boundOf(name);
      if (!plan.missed) caughtUp(conns, { kind: 'none' });
      else if (!bound) caughtUp(conns, { kind: 'gap' });
      else
        plan.catchUp(name, bound).then(
          (answer) => caughtUp(conns, answer),
          (err) => {
            logDebug(`SSE catch-up for ${name} failed: ${(err as Error)?.message ?? String(err)}`);
            caughtUp(conns, { kind: 'gap' });
          },
        );
    }
  }
}

/** Writes a catch-up to each held connection of one Name, narrowed to it, then its held events. */
function caughtUp(conns: readonly SseConnection[], answer: CatchUp): void {
  for (const conn of conns) {
    try {
      if (conn.writer.closed) conn.pending = null;
      else if (answer.kind === 'none') conn.release(0);
      else if (answer.kind === 'gap') conn.gapped();
      else {
        const frames: Uint8Array[] = [];
        const ids: string[] = [];
        for (const e of answer.events) {
          if (e.seq <= conn.floor || !narrowingMatches(e.groups, e.clientIds, conn)) continue;
          frames.push(e.frame);
          ids.push(e.id);
        }
        conn.replayed(frames, ids, answer.head);
      }
    } catch (err) {
      logException(`SSE catch-up for ${conn.Name} ${conn.ClientId}`, err);
      conn.pending = null;
    }
  }
}
