// The SSE engine of one server: turns requests into connections, sends events (framed once per send,
// written to each target picked from the registry's indexes), closes them, replays history, pings idle
// ones, and sends pode.close to all on shutdown. Scaled out (--workers, --redis), sends go through a hub
// (see scale-out.ts); on one process they are delivered here at once.
//
// The delivery guarantee, on every hub: per Name, the positions (seqs, the automatic ids) a connection sees
// strictly increase; a reconnect with Last-Event-ID gets every missed event once, in order, then the live
// ones with no copy and no hole; where that cannot be done it gets pode.gap, never a silent loss.
import { errors } from '../errors/catalog.ts';
import type { WebEvent } from '../http/webevent.ts';
import { enabled, logInfo, logVerbose } from '../log.ts';
import { SseConnection, type SseScope } from './connection.ts';
import { SseCounters } from './counters.ts';
import { SseEvents } from './events.ts';
import { EventFrames, frameEvent, frameOpen, frameRetry, PODE_CLOSE, validateEventFields } from './framing.ts';
import { sseHead } from './head.ts';
import { Heartbeat } from './heartbeat.ts';
import { SseHistory } from './history.ts';
import { SseRegistry } from './registry.ts';
import { ScaleOut } from './scale-out.ts';
import { SseSettings } from './settings.ts';
import { isValidlySigned, newClientId, signClientId } from './signing.ts';
import { DEFAULT_MAX_BUFFER, flushed, SseWriter, type SseCloseReason, type SseWriterOwner } from './writer.ts';
import { FanOut } from './fanout.ts';
import type { Ordered, SseHub } from './hub/types.ts';
import type { PodeServer } from '../runtime/server.ts';
import { isHttp2 } from '../http/version.ts';
import { canTakeOver, takeOver } from '../http/takeover.ts';

export const DEFAULT_PING_SECONDS = 60;

export interface ConvertOptions {
  Name: string;
  Group?: string;
  Scope: 'Default' | SseScope;
  RetryDuration: number;
  ClientId?: string;
  AllowAllOrigins: boolean;
  Force: boolean;
}

export interface SendOptions {
  names: readonly string[];
  groups?: readonly string[];
  clientIds?: readonly string[];
  id?: string;
  eventType?: string;
  data: string;
}

const CONVERT = 'ConvertTo-PodeSseConnection';
const SEND = 'Send-PodeSseEvent';

/**
 * $WebEvent.Sse for X-PODE-SSE-* headers naming a connection another instance holds (scaled out): what
 * the shared presence knows of it. A connection this instance holds is the SseConnection itself.
 */
export interface SseReference {
  Name: string;
  Group: '';
  ClientId: string;
  LastEventId: '';
  IsLocal: false;
  IsGlobal: true;
}

declare module '../http/webevent.ts' {
  interface WebEventSse {
    Name: string;
    Group: string;
    ClientId: string;
    LastEventId: string;
    IsLocal: boolean;
    IsGlobal: boolean;
  }
}

export class SseEngine implements SseWriterOwner {
  readonly settings = new SseSettings();
  readonly registry = new SseRegistry<SseConnection>();
  /** Sends to the registry's targets, batched per tick (host/sse/fanout.ts). */
  private readonly fanOut = new FanOut(this.registry);
  readonly history = new SseHistory();
  readonly events: SseEvents;
  readonly locals = new Set<SseConnection>();
  maxBuffer = DEFAULT_MAX_BUFFER;
  /** What this engine has sent, for /metrics and the status page (host/sse/counters.ts). */
  readonly counters = new SseCounters();
  private readonly heartbeat = new Heartbeat(DEFAULT_PING_SECONDS * 1000, () => this.all(), {
    onPinged: (count, bytes) => this.counters.pinged(count, bytes),
  });
  private shuttingDown = false;
  /** Set when scaled out (--workers, --redis): sends, closes, presence and history go through its hub. */
  private scale: ScaleOut | undefined;

  /** @param server whose engine this is: its Connect and Disconnect scripts run in its ambient context. */
  constructor(private readonly server?: PodeServer) {
    this.events = new SseEvents(server);
  }

  attachHub(hub: SseHub): void {
    const previous = this.scale?.hub;
    this.scale = new ScaleOut(hub, this.registry, this.fanOut, this.history, this.events, this.counters);
    // The processes sharing the space now tell each other their figures (the metrics cmdlets sum them).
    this.server?.peers.attach(hub);
    // A backplane replacing the cluster hub: the old one must not deliver here any more.
    if (previous && previous !== hub) void previous.close();
  }

  get scaledOut(): boolean {
    return this.scale !== undefined;
  }

  /** The hub when scaled out (the status page and metrics read its state). */
  get hub(): SseHub | undefined {
    return this.scale?.hub;
  }

  // ---- The whole SSE space: this instance's registry plus the other instances' presence ----------
  names(): string[] {
    const remote = this.scale?.hub.remote;
    return remote ? [...new Set([...this.registry.names(), ...remote.names()])] : this.registry.names();
  }
  hasName(name: string): boolean {
    return this.registry.has(name) || this.scale?.hub.remote.has(name) === true;
  }
  groups(name: string): string[] {
    const remote = this.scale?.hub.remote;
    if (!remote) return this.registry.groups(name);
    const seen = new Map<string, string>();
    for (const g of [...this.registry.groups(name), ...remote.groups(name)]) if (!seen.has(g.toLowerCase())) seen.set(g.toLowerCase(), g);
    return [...seen.values()];
  }
  clientIds(name: string, groups?: readonly string[]): string[] {
    const local = this.registry.clientIds(name, groups as string[] | undefined);
    const remote = this.scale?.hub.remote;
    return remote ? [...new Set([...local, ...remote.clientIds(name, groups)])] : local;
  }
  hasClientId(name: string, clientId: string, groups?: readonly string[]): boolean {
    return this.registry.hasClientId(name, clientId, groups as string[] | undefined) || this.scale?.hub.remote.hasClientId(name, clientId, groups) === true;
  }
  /**
   * The connection X-PODE-SSE-* headers name (PodeClientConnectionNestedMap.Get: the ClientId of the Name, in
   * one of the groups when any are given): this instance's own, else a reference to another instance's.
   */
  connectionFor(name: string, clientId: string, groups: readonly string[]): SseConnection | SseReference | undefined {
    if (this.registry.hasClientId(name, clientId, groups)) return this.registry.get(name, clientId);
    if (this.scale?.hub.remote.hasClientId(name, clientId, groups) !== true) return undefined;
    return { Name: name, Group: '', ClientId: clientId, LastEventId: '', IsLocal: false, IsGlobal: true };
  }

  /** Seconds of inactivity before a connection gets pode.ping (0 = never). */
  set pingInterval(seconds: number) {
    this.heartbeat.interval = seconds * 1000;
  }
  get pingInterval(): number {
    return this.heartbeat.interval / 1000;
  }

  *all(): IterableIterator<SseConnection> {
    yield* this.registry.all();
    yield* this.locals;
  }

  /** New-PodeSseClientId: the given id or a new UUID, signed when signing is on and it is not already. */
  clientIdFor(given: string | undefined, request: { UserAgent: string; RemoteIPAddress: string } | undefined): string {
    const id = given || newClientId();
    const secret = this.settings.secret;
    if (secret === null) return id;
    const key = this.settings.keyFor(request && { userAgent: request.UserAgent, ip: request.RemoteIPAddress })!;
    if (id.startsWith('s:') && isValidlySigned(id, key)) return id;
    return signClientId(id, secret, this.settings.strict ? { userAgent: request?.UserAgent, ip: request?.RemoteIPAddress } : undefined);
  }

  convert(event: WebEvent, o: ConvertOptions): SseConnection {
    if (this.shuttingDown) throw errors.SseServerStopping(CONVERT);
    const accept = event.Request.Headers.accept ?? '';
    if (!o.Force && !/text\/event-stream/i.test(accept))
      throw errors.SseAcceptNotEventStream(CONVERT, { accept });
    // PodeHttpContext.UpgradeToSSE: after the Accept check, only GET and POST.
    const method = event.Request.raw.method;
    if (method !== 'GET' && method !== 'POST') throw errors.SseMethodNotAllowed(CONVERT);
    if (!canTakeOver(event))
      throw errors.SseResponseAlreadySent(CONVERT);

    // The binder hands over ValidateSet members in their declared casing.
    const scope: SseScope = o.Scope === 'Default' ? this.settings.defaultScope : o.Scope;
    const clientId = this.clientIdFor(o.ClientId, event.Request);
    const group = o.Group || undefined;
    const lastEventId = headerText(event.Request.Headers['last-event-id']);
    const conn = new SseConnection(o.Name, clientId, group, scope, o.RetryDuration, o.AllowAllOrigins, lastEventId);
    conn.counters = this.counters;
    conn.membership = this.registry;
    this.counters.name(o.Name).opened++;

    // Pode's head drops every queued header; Set-PodeSecurityAccessControl's are put back (host/http/cors.ts).
    const cors = this.server?.accessControl;
    const accessControl = cors !== undefined && cors.active ? cors.responseHeaders(event.Request.Headers) : undefined;
    const head = sseHead({ clientId, name: o.Name, group, allowAllOrigins: o.AllowAllOrigins, http2: isHttp2(event.Request.raw), accessControl });
    // A local connection's route finishing closes it, like a normal response.
    const settled = scope === 'Local' ? () => this.endLocal(conn) : undefined;
    // The heartbeat's pode.ping finds a vanished client; TCP probes are only wanted when it is off.
    const transport = takeOver(event, { headers: head, settled, keepAliveProbes: this.pingInterval === 0 });
    conn.writer = new SseWriter(transport, { maxBuffer: this.maxBuffer, owner: this, subject: conn });
    // Replay and registering happen in one synchronous step, so no event can fall in between; scaled out,
    // live events wait in the connection until the hub's replay has arrived.
    const bound = scope === 'Global' && lastEventId ? this.history.boundOf(o.Name) : undefined;
    const opening = frameOpen(clientId, group, o.Name, o.RetryDuration);
    // With no replay to follow, the opening frames go out at once; a replay joins them in the tick's one write.
    if (bound === undefined) conn.writer.open(opening);
    else conn.writer.write(opening, true);
    if (bound && this.scale) this.scale.replay(conn, bound);
    else if (bound) {
      const replay = this.history.replay(o.Name, lastEventId, conn);
      if (replay.kind === 'events') conn.replayed(replay.frames, replay.ids, replay.head);
      else if (replay.kind === 'gap') conn.gapped();
    }
    if (conn.writer.closed) return conn;

    if (scope === 'Global') {
      const replaced = this.registry.add(conn);
      // PodeItemNestedMap.Add disposes the old connection before the new one is added, so Pode queues the
      // old one's Disconnect ahead of the new one's Connect: it runs now, before Connect below.
      if (replaced) {
        replaced.replaced = true;
        replaced.writer.close(PODE_CLOSE);
      }
      this.scale?.hub.join({ name: conn.Name, clientId, group });
    } else {
      this.locals.add(conn);
    }
    event.Sse = conn;
    // Before Connect: a stream whose session or token is already over ends here, and Connect still sees its user.
    this.server?.identities.bind(event, conn);
    // Built only when it is logged: this runs once per connection accepted.
    if (enabled('verbose')) logVerbose(`SSE ${scope} connection opened: ${o.Name} ${clientId}${group ? ` (${group})` : ''}`);
    conn.announced = true;
    this.events.fire('Connect', conn);
    return conn;
  }

  /** Set-PodeSseDefaultScope (`value` in the caller's casing); says so when it overrides --sse-default-scope. */
  setDefaultScope(value: string): void {
    const scope: SseScope = value.toLowerCase() === 'local' ? 'Local' : 'Global';
    if (this.settings.defaultScopeFromFlag)
      logInfo(`Set-PodeSseDefaultScope ${scope} in the script overrides --sse-default-scope ${this.settings.defaultScope}.`);
    this.settings.defaultScope = scope;
    this.settings.defaultScopeText = value;
    this.settings.defaultScopeFromFlag = false;
  }

  /** A local connection's route has finished: it closes like a normal response, with pode.close. */
  endLocal(conn: SseConnection): void {
    if (conn.IsLocal) conn.writer.close(PODE_CLOSE);
  }

  /** @internal SseWriterOwner: a connection's writer is over (the subject is the connection). */
  writerClosed(subject: unknown, reason: SseCloseReason): void {
    this.disposed(subject as SseConnection, reason);
  }

  private disposed(conn: SseConnection, reason: string): void {
    if (reason === 'overflow') this.counters.name(conn.Name).dropped++;
    this.server?.identities.release(conn);
    if (conn.IsGlobal) {
      // A replaced connection is no longer registered: its late removal must not announce a leave.
      if (this.registry.remove(conn)) this.scale?.hub.leave({ name: conn.Name, clientId: conn.ClientId, group: conn.group });
    } else this.locals.delete(conn);
    if (enabled('verbose')) logVerbose(`SSE connection closed (${reason}): ${conn.Name} ${conn.ClientId}`);
    if (!conn.announced) return;
    // A replaced connection is closed by convert(), not by a send loop: its Disconnect runs at once.
    if (conn.replaced) this.events.fire('Disconnect', conn);
    // Outside the writer's callback, so a Disconnect script never runs in the middle of a send loop.
    else setImmediate(() => this.events.fire('Disconnect', conn));
  }

  /** Writes one event straight to a connection (Send-PodeSseEvent -FromEvent on a local connection). */
  sendTo(conn: SseConnection, o: Omit<SendOptions, 'names'>): void {
    const frame = frameEvent({ id: o.id, event: o.eventType, data: o.data }, SEND);
    if (conn.write(frame)) this.counters.sent(conn.Name, 1, frame.length);
  }

  /**
   * Sends one event to every target of each Name; framed once unless history numbers it per Name. It is
   * checked in full first (broadcast level, id and event type), so a bad send fails its own call before
   * any transport, any number or any client sees it. With a hub, the answer settles once the send has its
   * place in the hub's order; on one process it is delivered (and ordered) before this returns.
   */
  send(o: SendOptions): Ordered | undefined {
    for (const name of o.names) {
      if (!this.settings.allows(name, o.groups, o.clientIds)) {
        const level = this.settings.level(name);
        throw errors.SseBroadcastLevelExceeded(SEND, { name, level });
      }
    }
    validateEventFields({ id: o.id, event: o.eventType }, SEND);
    if (this.scale) return this.scale.send(o);
    const frames = new EventFrames(o.eventType, o.data, SEND);
    let frameFor: ((id: string | undefined) => Buffer) | undefined;
    for (const name of o.names) {
      // History numbers the event per Name, so it asks for the frame with the id it settles on; without
      // history nothing is kept and the bookkeeping is skipped (the common broadcast path). Either way the
      // targets get it at the end of the tick (host/sse/writer.ts), in the order of the calls.
      if (!this.history.isEnabled(name)) {
        const frame = frames.for(o.id);
        this.counters.sent(name, this.fanOut.send(name, o.groups, o.clientIds, frame), frame.length);
        continue;
      }
      const { frame, seq, id } = this.history.record(name, { id: o.id, frame: (frameFor ??= (id) => frames.for(id)), groups: o.groups, clientIds: o.clientIds });
      this.counters.sent(name, this.fanOut.send(name, o.groups, o.clientIds, frame, seq, id), frame.length);
    }
    return undefined;
  }

  /** Close-PodeSseConnection: pode.close to every narrowed connection of the Name, on every instance. */
  close(name: string, groups?: readonly string[], clientIds?: readonly string[]): Ordered | undefined {
    if (this.scale) return this.scale.close(name, groups, clientIds);
    const targets: SseConnection[] = [];
    this.registry.select(name, groups, clientIds, (conn) => targets.push(conn));
    for (const conn of targets) conn.writer.close(PODE_CLOSE);
    return undefined;
  }

  /**
   * Set for a `--watch` restart: shutdown then ends every stream with `retry: <ms>` instead of pode.close,
   * so pages (which close on pode.close, as advised) reconnect to the restarted server by themselves.
   */
  reconnectAfterShutdownMs: number | undefined;

  /** Server shutdown: every connection, global and local, gets pode.close (or a retry, for a restart). */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.heartbeat.stop();
    const last = this.reconnectAfterShutdownMs === undefined ? PODE_CLOSE : frameRetry(this.reconnectAfterShutdownMs);
    for (const conn of [...this.all()]) conn.writer.close(last);
    // Each stream ends after what was queued for it, then `last`: the flush may be sliced over several turns.
    await flushed();
    // Disconnect scripts are queued with setImmediate: let them start before the process may exit.
    await new Promise((resolve) => setImmediate(resolve));
    await this.scale?.hub.close();
  }
}

function headerText(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}
