// `podets serve --status` and Enable-PodeStatusPage: a live status page at /podets/status (the HTML) and its
// stream at /podets/status/events, one `status` event a second (host/metrics/status-data.ts). Off unless
// enabled; enabled, the routes are added and the sampling timer started when the server starts (so the
// script may add the authentication after the flag named it), and both end when it stops.
//
// The stream is written with podets' own SSE machinery (framing, the bounded SseWriter, the transports, a
// HTTP/2 stream, pode.close at shutdown) but it is not a connection of the server's SSE space: it has no
// Name or ClientId, is in no Get-PodeSse*List, in no counter, presence or hub, fires no Connect or
// Disconnect, and no Send-PodeSseEvent reaches it. Watching must not move what is watched (an open page
// would otherwise count itself a connection and its ticks as events), and a reserved Name would let a
// script (or a request feeding one) send into an operator's page.
import { errors } from '../errors/catalog.ts';
import { authMiddleware } from '../auth/route.ts';
import type { Middleware } from '../http/types.ts';
import { canTakeOver, takeOver } from '../http/takeover.ts';
import { commit, writeBody } from '../http/write.ts';
import { isHttp2 } from '../http/version.ts';
import type { WebEvent } from '../http/webevent.ts';
import { logException } from '../log.ts';
import type { PodeServer } from '../runtime/server.ts';
import { frameEvent, frameRetry, PODE_CLOSE } from '../sse/framing.ts';
import { SseWriter, type SseCloseReason, type SseWriterOwner } from '../sse/writer.ts';
import { systemClock, type Clock, type ClockHandle } from '../timers/clock.ts';
import { peerSnapshots } from './peers.ts';
import { instanceId, instanceSnapshot, type InstanceSnapshot } from './snapshot.ts';
import { statusTick, type StatusTick } from './status-data.ts';
import { STATUS_CSP, statusHtml } from './status-html.ts';
import { RateRing } from './status-ring.ts';

export const DEFAULT_STATUS_PATH = '/podets/status';
export const STATUS_INTERVAL_MS = 1000;

export interface StatusPageOptions {
  /** Where the page is served (its stream is `<path>/events`). */
  path?: string;
  /** An authentication method (Add-PodeAuth) both the page and its stream require. */
  authentication?: string;
}

export class StatusPage implements SseWriterOwner {
  path = DEFAULT_STATUS_PATH;
  authentication: string | undefined;
  readonly ring = new RateRing();
  private readonly streams = new Set<SseWriter>();
  private readonly clock: Clock;
  private timer: ClockHandle | undefined;
  /** The paths the routes were added at, once installed. */
  private installed: { page: string; events: string } | undefined;
  private stopped = false;

  constructor(private readonly server: PodeServer) {
    this.clock = server.options.clock ?? systemClock;
    server.onStop(() => this.stop());
  }

  get eventsPath(): string {
    return `${this.path.replace(/\/+$/, '')}/events`;
  }

  /** Open streams (pages watching). */
  get watching(): number {
    return this.streams.size;
  }

  configure(options: StatusPageOptions): void {
    if (options.path !== undefined) this.path = options.path;
    if (options.authentication !== undefined) this.authentication = options.authentication;
  }

  /**
   * At server start: the routes, protected when an authentication is named (it must exist by now), and the
   * timer. Called again (Enable-PodeStatusPage once the server listens), the routes move to the new settings.
   */
  install(): void {
    const name = this.authentication;
    if (name !== undefined && !this.server.auth.has(name)) throw errors.StatusAuthenticationNotFound('', { name });
    const router = this.server.router;
    const first = this.installed === undefined;
    if (this.installed) {
      router.remove('GET', this.installed.page);
      router.remove('GET', this.installed.events);
    }
    const middleware: Middleware[] | undefined = name === undefined ? undefined : [authMiddleware(this.server, { Name: name })];
    const source = 'podets status page';
    router.add({ method: 'GET', path: this.path, handler: (event) => this.page(event), source, ...(middleware && { middleware }) });
    router.add({ method: 'GET', path: this.eventsPath, handler: (event) => this.open(event), source, ...(middleware && { middleware }) });
    this.installed = { page: this.path, events: this.eventsPath };
    if (!first) return;
    this.tick(false);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.tick(true);
      this.schedule();
    }, STATUS_INTERVAL_MS);
    // The page must never keep a process alive that would otherwise exit.
    (this.timer as { unref?: () => void } | undefined)?.unref?.();
  }

  /** One second: a sample into the ring (always, so a page opened later has the history) and, when watched, a tick to every stream. */
  tick(send: boolean): void {
    try {
      const peers = peerSnapshots(this.server);
      const at = this.clock.now().getTime();
      const totals = (s: InstanceSnapshot) => ({
        instance: s.instance,
        events: s.sse.names.reduce((n, e) => n + e.events, 0),
        dropped: s.sse.names.reduce((n, e) => n + e.dropped, 0),
      });
      // The sample needs only this process's totals: the whole snapshot is built when a page is watching.
      const own = this.server.sse.counters.totals();
      const latest = this.ring.record(at, [{ instance: instanceId(this.server), events: own.events, dropped: own.dropped }, ...peers.map(totals)]);
      if (!send || this.streams.size === 0) return;
      const self = instanceSnapshot(this.server);
      const frame = frameEvent({ event: 'status', data: JSON.stringify(statusTick(self, peers, { latest }, at, STATUS_INTERVAL_MS)) });
      for (const stream of this.streams) stream.write(frame);
    } catch (err) {
      logException('The status page', err);
    }
  }

  /** The figures now, with the whole ring: a stream's first event, and what tests read. */
  current(): StatusTick {
    const self = instanceSnapshot(this.server);
    return statusTick(self, peerSnapshots(this.server), { latest: this.ring.latest ?? null, history: this.ring.history() }, this.clock.now().getTime(), STATUS_INTERVAL_MS);
  }

  private page(event: WebEvent): void {
    if (!commit(event, 'The status page')) return;
    const head = {
      'content-security-policy': STATUS_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    writeBody(event, 200, 'text/html; charset=utf-8', statusHtml(this.eventsPath), head);
  }

  private open(event: WebEvent): void {
    if (this.stopped || !canTakeOver(event)) return;
    const headers = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      ...(!isHttp2(event.Request.raw) && { connection: 'keep-alive' }),
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    };
    // HEAD: the head a GET would get, and the end; a stream with no body would never end.
    if (event.Request.raw.method === 'HEAD') {
      const { connection: _, ...head } = headers;
      if (commit(event, 'The status stream')) writeBody(event, 200, headers['content-type'], '', head);
      return;
    }
    const transport = takeOver(event, { headers });
    const writer = new SseWriter(transport, { maxBuffer: this.server.sse.maxBuffer, owner: this, subject: undefined });
    this.streams.add(writer);
    writer.write(frameEvent({ event: 'status', data: JSON.stringify(this.current()) }), true);
  }

  /** @internal SseWriterOwner: a stream is over (client gone, too slow, or closed at stop). */
  writerClosed(_subject: unknown, _reason: SseCloseReason): void {
    for (const w of this.streams) if (w.closed) this.streams.delete(w);
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const retry = this.server.sse.reconnectAfterShutdownMs;
    const last = retry === undefined ? PODE_CLOSE : frameRetry(retry);
    for (const w of [...this.streams]) w.close(last);
    this.streams.clear();
  }
}

/** The server's status page, made on first use (off by default: nothing exists until a flag or cmdlet asks). */
export function enableStatusPage(server: PodeServer, options: StatusPageOptions = {}): StatusPage {
  server.statusPage ??= new StatusPage(server);
  server.statusPage.configure(options);
  return server.statusPage;
}
