// The SSE engine of one server: turns requests into connections, sends events (framed once per send,
// written to each target picked from the registry's indexes), closes them, replays history, pings idle
// ones, and sends pode.close to all on shutdown.
import { PodeError } from '../binder/errors.ts';
import type { WebEvent } from '../http/webevent.ts';
import { logInfo, logVerbose } from '../log.ts';
import { SseConnection, type SseScope } from './connection.ts';
import { SseEvents } from './events.ts';
import { frameEvent, frameGap, frameOpen, frameRetry, PODE_CLOSE, toEventData } from './framing.ts';
import { Heartbeat } from './heartbeat.ts';
import { SseHistory } from './history.ts';
import { SseRegistry } from './registry.ts';
import { SseSettings } from './settings.ts';
import { isValidlySigned, newClientId, signClientId } from './signing.ts';
import { DEFAULT_MAX_BUFFER, SseWriter } from './writer.ts';
import type { HubSend, ReplayAnswer, SseHub } from './hub/types.ts';

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

/** What a connection looks like to a request that only carries X-PODE-SSE-* headers. */
export interface SseReference {
  Name: string | null;
  Group: string | null;
  ClientId: string;
  LastEventId: null;
  IsLocal: false;
  IsGlobal: true;
}

declare module '../http/webevent.ts' {
  interface WebEventSse {
    Name: string | null;
    Group?: string | null;
    ClientId: string;
    LastEventId: string | null;
    IsLocal: boolean;
    IsGlobal: boolean;
  }
}

export class SseEngine {
  readonly settings = new SseSettings();
  readonly registry = new SseRegistry<SseConnection>();
  readonly history = new SseHistory();
  readonly events = new SseEvents();
  readonly locals = new Set<SseConnection>();
  maxBuffer = DEFAULT_MAX_BUFFER;
  private readonly heartbeat = new Heartbeat(DEFAULT_PING_SECONDS * 1000, () => this.all());
  private shuttingDown = false;
  /** Set when scaled out (--workers, --redis): sends, closes, presence and history go through it. */
  private hub: SseHub | undefined;

  attachHub(hub: SseHub): void {
    this.hub = hub;
    hub.onDelivery((m) => (m.t === 'send' ? this.deliver(m) : this.closeLocal(m.name, m.groups, m.clientIds)));
    // The same (Name, ClientId) connected elsewhere replaces the one here, as it would on one process.
    hub.onRemoteJoin((e) => this.registry.get(e.name, e.clientId)?.writer.close(PODE_CLOSE));
  }

  get scaledOut(): boolean {
    return this.hub !== undefined;
  }

  // ---- The whole SSE space: this instance's registry plus the other instances' presence ----------
  names(): string[] {
    return this.hub ? [...new Set([...this.registry.names(), ...this.hub.remote.names()])] : this.registry.names();
  }
  hasName(name: string): boolean {
    return this.registry.has(name) || this.hub?.remote.has(name) === true;
  }
  groups(name: string): string[] {
    if (!this.hub) return this.registry.groups(name);
    const seen = new Map<string, string>();
    for (const g of [...this.registry.groups(name), ...this.hub.remote.groups(name)]) if (!seen.has(g.toLowerCase())) seen.set(g.toLowerCase(), g);
    return [...seen.values()];
  }
  clientIds(name: string, groups?: readonly string[]): string[] {
    const local = this.registry.clientIds(name, groups as string[] | undefined);
    return this.hub ? [...new Set([...local, ...this.hub.remote.clientIds(name, groups)])] : local;
  }
  hasClientId(name: string, clientId: string, groups?: readonly string[]): boolean {
    return this.registry.hasClientId(name, clientId, groups as string[] | undefined) || this.hub?.remote.hasClientId(name, clientId, groups) === true;
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
    if (this.shuttingDown) throw new PodeError('SseServerStopping', CONVERT, 'The server is stopping: no new SSE connections.', { status: 503 });
    const accept = event.Request.Headers.accept ?? '';
    if (!o.Force && !/text\/event-stream/i.test(accept))
      throw new PodeError(
        'SseAcceptNotEventStream',
        CONVERT,
        `SSE can only be configured on requests with an Accept header value of text/event-stream (got '${accept}'). Use -Force to convert anyway.`,
        { status: 406 },
      );
    const res = event.Response.raw;
    if (event.ended || res.headersSent)
      throw new PodeError('SseResponseAlreadySent', CONVERT, 'The response has already been sent: it cannot become an SSE connection.');

    const scope: SseScope = o.Scope === 'Default' ? this.settings.defaultScope : (capitalise(o.Scope) as SseScope);
    const clientId = this.clientIdFor(o.ClientId, event.Request);
    const group = o.Group || undefined;
    const lastEventId = headerText(event.Request.Headers['last-event-id']);
    const conn = new SseConnection(o.Name, clientId, group, scope, o.RetryDuration, o.AllowAllOrigins, lastEventId);

    // Exactly these headers: anything the route set before is dropped (Pode does the same).
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const head: Record<string, string> = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-pode-sse-client-id': clientId,
      'x-pode-sse-name': o.Name,
    };
    if (group) head['x-pode-sse-group'] = group;
    if (o.AllowAllOrigins) head['access-control-allow-origin'] = '*';
    event.ended = true;
    event.keepOpen = true;
    event.Response.StatusCode = 200;
    res.writeHead(200, head);
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true);

    conn.writer = new SseWriter(res, { maxBuffer: this.maxBuffer, onClose: (reason) => this.disposed(conn, reason) });
    const opening: Buffer[] = [];
    if (o.RetryDuration > 0) opening.push(frameRetry(o.RetryDuration));
    opening.push(frameOpen(clientId, group, o.Name));
    // Replay, writing and registering happen in one synchronous step, so no event can fall in between.
    // Scaled out, history lives in the hub: live events wait in `pending` until the replay has arrived.
    const bound = scope === 'Global' && lastEventId ? this.history.boundOf(o.Name) : undefined;
    if (this.hub && bound) {
      conn.pending = [];
      const hub = this.hub;
      hub
        .replay({ name: o.Name, lastEventId: lastEventId!, clientId, group, bound })
        .catch((): ReplayAnswer => ({ kind: 'none' }))
        .then((answer) => this.replayed(conn, answer));
    } else if (scope === 'Global') {
      const replay = this.history.replay(o.Name, lastEventId, conn);
      if (replay.kind === 'events') opening.push(...replay.frames);
      else if (replay.kind === 'gap') opening.push(frameGap(replay.lastId));
    }
    for (const frame of opening) conn.writer.write(frame, true);
    if (conn.writer.closed) return conn;

    if (scope === 'Global') {
      const replaced = this.registry.add(conn);
      if (replaced) replaced.writer.close(PODE_CLOSE);
      this.hub?.join({ name: conn.Name, clientId, group });
    } else {
      this.locals.add(conn);
      event.onSettled = () => this.endLocal(conn);
    }
    event.Sse = conn;
    logVerbose(`SSE ${scope} connection opened: ${o.Name} ${clientId}${group ? ` (${group})` : ''}`);
    conn.announced = true;
    this.events.fire('Connect', conn);
    return conn;
  }

  /** Set-PodeSseDefaultScope; says so when it overrides --sse-default-scope. */
  setDefaultScope(scope: string): void {
    const value = capitalise(scope) as SseScope;
    if (this.settings.defaultScopeFromFlag)
      logInfo(`Set-PodeSseDefaultScope ${value} in the script overrides --sse-default-scope ${this.settings.defaultScope}.`);
    this.settings.defaultScope = value;
    this.settings.defaultScopeFromFlag = false;
  }

  /** A local connection's route has finished: it closes like a normal response, with pode.close. */
  endLocal(conn: SseConnection): void {
    if (conn.IsLocal) conn.writer.close(PODE_CLOSE);
  }

  /** A hub replay has arrived: write it, then the live events that came meanwhile and are not in it. */
  private replayed(conn: SseConnection, answer: ReplayAnswer): void {
    const waiting = conn.pending ?? [];
    conn.pending = null;
    if (conn.writer.closed) return;
    let seen: Set<string> | undefined;
    if (answer.kind === 'events') {
      for (const frame of answer.frames) conn.writer.write(Buffer.isBuffer(frame) ? frame : Buffer.from(frame), true);
      seen = new Set(answer.ids);
    } else if (answer.kind === 'gap') conn.writer.write(frameGap(answer.lastId));
    for (const item of waiting) if (!(item.id !== undefined && seen?.has(item.id))) conn.writer.write(item.frame);
  }

  private disposed(conn: SseConnection, reason: string): void {
    if (conn.IsGlobal) {
      // A replaced connection is no longer registered: its late removal must not announce a leave.
      if (this.registry.remove(conn)) this.hub?.leave({ name: conn.Name, clientId: conn.ClientId, group: conn.Group });
    } else this.locals.delete(conn);
    logVerbose(`SSE connection closed (${reason}): ${conn.Name} ${conn.ClientId}`);
    // Outside the writer's callback, so a Disconnect script never runs in the middle of a send loop.
    if (conn.announced) setImmediate(() => this.events.fire('Disconnect', conn));
  }

  /** Writes one event straight to a connection (Send-PodeSseEvent -FromEvent on a local connection). */
  sendTo(conn: SseConnection, o: Omit<SendOptions, 'names'>): void {
    conn.write(frameEvent({ id: o.id, event: o.eventType, data: o.data }, SEND));
  }

  /** Sends one event to every target of each Name; framed once unless history numbers it per Name. */
  send(o: SendOptions): void {
    for (const name of o.names) {
      if (!this.settings.allows(name, o.groups, o.clientIds)) {
        const level = this.settings.level(name);
        throw new PodeError(
          'SseBroadcastLevelExceeded',
          SEND,
          `SSE failed to broadcast due to defined SSE broadcast level for '${name}': ${level}. Supply ${level === 'clientid' ? 'ClientIds' : 'Groups or ClientIds'} to send to it.`,
        );
      }
    }
    if (this.hub?.connected) {
      let history: HubSend['history'];
      for (const name of o.names) {
        const bound = this.history.boundOf(name);
        if (bound) (history ??= {})[name] = bound;
      }
      this.hub.publish({ t: 'send', names: [...o.names], groups: o.groups && [...o.groups], clientIds: o.clientIds && [...o.clientIds], id: o.id, eventType: o.eventType, data: o.data, history });
      return;
    }
    const frames = new EventFrames(o.eventType, o.data);
    let frameFor: ((id: string | undefined) => Buffer) | undefined;
    for (const name of o.names) {
      // History may number the event per Name, so it asks for the frame with the id it settles on; without
      // history nothing is kept and the bookkeeping is skipped (the common broadcast path).
      const frame = this.history.isEnabled(name)
        ? this.history.record(name, { id: o.id, frame: (frameFor ??= (id) => frames.for(id)), groups: o.groups, clientIds: o.clientIds }).frame
        : frames.for(o.id);
      this.registry.select(name, o.groups, o.clientIds, (conn) => conn.writer.write(frame));
    }
  }

  /** A send handed back by the hub: framed once per id, written to this instance's targets. */
  private deliver(m: HubSend): void {
    const frames = new EventFrames(m.eventType, m.data);
    for (const name of m.names) {
      const id = m.ids?.[name] ?? m.id;
      const frame = frames.for(id);
      this.registry.select(name, m.groups, m.clientIds, (conn) => {
        if (conn.pending) conn.pending.push({ frame, id });
        else conn.writer.write(frame);
      });
    }
  }

  /** Close-PodeSseConnection: pode.close to every narrowed connection of the Name, on every instance. */
  close(name: string, groups?: readonly string[], clientIds?: readonly string[]): void {
    if (this.hub?.connected) {
      this.hub.publish({ t: 'close', name, groups: groups && [...groups], clientIds: clientIds && [...clientIds] });
      return;
    }
    this.closeLocal(name, groups, clientIds);
  }

  private closeLocal(name: string, groups?: readonly string[], clientIds?: readonly string[]): void {
    const targets: SseConnection[] = [];
    this.registry.select(name, groups, clientIds, (conn) => targets.push(conn));
    for (const conn of targets) conn.writer.close(PODE_CLOSE);
  }

  /** Server shutdown: every connection, global and local, gets pode.close. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.heartbeat.stop();
    for (const conn of [...this.all()]) conn.writer.close(PODE_CLOSE);
    // Disconnect scripts are queued with setImmediate: let them start before the process may exit.
    await new Promise((resolve) => setImmediate(resolve));
    await this.hub?.close();
  }
}

/** One event's frame, built once per distinct id: every target of every Name using that id shares the Buffer. */
class EventFrames {
  private id: string | undefined;
  private frame: Buffer | undefined;
  constructor(
    private readonly eventType: string | undefined,
    private readonly data: string,
  ) {}
  for(id: string | undefined): Buffer {
    if (this.frame === undefined || this.id !== id) {
      this.frame = frameEvent({ id, event: this.eventType, data: this.data }, SEND);
      this.id = id;
    }
    return this.frame;
  }
}

function capitalise(scope: string): string {
  return scope.charAt(0).toUpperCase() + scope.slice(1).toLowerCase();
}

function headerText(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}
