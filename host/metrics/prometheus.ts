// One server's Prometheus figures (`podets serve --metrics`, Enable-PodeMetricsEndpoint): a prom-client Registry
// of its own on the server object (never prom-client's global one, so two embedded servers in one process do
// not mix), made only when metrics are enabled: this module, and prom-client with it, load only then.
//
// HTTP requests are counted as Pode's own metrics count them (host/metrics/metrics.ts tells this observer at
// the same moment). Everything else is read at scrape time by collect(): the SSE engine's counters
// (host/sse/counters.ts), its open connections, the backplane and the task queue; nothing is added per
// connection or per send. Names and labels are listed in docs/metrics.md ("Prometheus").
import type { ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WebEvent } from '../http/webevent.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { ResponseObserver } from './metrics.ts';

/** The route label of a request no route matched (404, 405, a refusal before routing). */
export const UNMATCHED_ROUTE = '';
/** The route label of static content (static routes and the public folder). */
export const STATIC_ROUTE = '<static>';
/** Methods that get a label value of their own; any other (HTTP/2 allows any token) is counted as OTHER. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
/** The hub's ordering times are in milliseconds to tens of them on one machine, more through Redis. */
const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface Started {
  event: WebEvent;
  at: number;
}

export class PrometheusMetrics implements ResponseObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  /** Requests in flight, by response: dropped when counted (or with the response, if never counted). */
  private readonly started = new WeakMap<ServerResponse, Started>();

  constructor(private readonly server: PodeServer) {
    const registers = [this.registry];
    const labelNames = ['method', 'route', 'status'] as const;
    this.requests = new Counter({ name: 'podets_http_requests_total', help: 'HTTP requests answered, by method, declared route path and status.', labelNames, registers });
    this.durations = new Histogram({
      name: 'podets_http_request_duration_seconds',
      help: 'Time from a request arriving to its response being over (an SSE stream: to being opened), by method, route and status.',
      labelNames,
      registers,
    });
    this.sseFigures(registers);
    this.backplaneFigures(registers);
    new Gauge({ name: 'podets_tasks_queued', help: 'Task processes waiting for a concurrency slot.', registers, collect() { this.set(server.tasks.queued); } });
    new Gauge({ name: 'podets_tasks_running', help: 'Task processes running.', registers, collect() { this.set(server.tasks.running); } });
    collectDefaultMetrics({ register: this.registry });
  }

  // ---- HTTP: told by ServerMetrics ----------------------------------------------------------------

  begin(res: ServerResponse, event: WebEvent): void {
    this.started.set(res, { event, at: performance.now() });
  }

  counted(res: ServerResponse, status: number): void {
    const s = this.started.get(res);
    if (s === undefined) return;
    this.started.delete(res);
    const method = s.event.Request.raw.method ?? 'GET';
    // Only values the script declared, or fixed ones: request data never makes a label value.
    const labels = { method: METHODS.has(method) ? method : 'OTHER', route: routeLabel(s.event), status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, (performance.now() - s.at) / 1000);
  }

  // ---- Read at scrape ------------------------------------------------------------------------------

  private sseFigures(registers: Registry[]): void {
    const sse = this.server.sse;
    const c = sse.counters;
    new Gauge({
      name: 'podets_sse_connections',
      help: 'Open SSE connections (global and local), by Name.',
      labelNames: ['name'],
      registers,
      collect() {
        this.reset();
        const open = new Map<string, number>();
        for (const name of c.byName.keys()) open.set(name, 0);
        for (const name of sse.registry.names()) open.set(name, sse.registry.sizeOf(name));
        for (const conn of sse.locals) if (!conn.closed) open.set(conn.Name, (open.get(conn.Name) ?? 0) + 1);
        for (const [name, n] of open) this.set({ name }, n);
      },
    });
    const perName = (name: string, help: string, field: 'events' | 'bytes' | 'opened' | 'dropped') =>
      new Counter({
        name,
        help,
        labelNames: ['name'],
        registers,
        collect() {
          this.reset();
          for (const [n, counts] of c.byName) this.inc({ name: n }, counts[field]);
        },
      });
    perName('podets_sse_connections_opened_total', 'SSE connections opened, by Name.', 'opened');
    perName('podets_sse_events_sent_total', 'Events handed to SSE connections (one per connection per event; pings, replays and opening frames not included), by Name.', 'events');
    perName('podets_sse_bytes_sent_total', 'Bytes of those events as framed on the wire, by Name.', 'bytes');
    perName('podets_sse_slow_clients_dropped_total', 'SSE connections dropped because the client read too slowly (the buffer bound), by Name.', 'dropped');
    const total = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    total('podets_sse_replays_total', 'Reconnects given the events they missed (a replay of at least one event).', () => c.replays);
    total('podets_sse_replayed_events_total', 'Events sent in those replays.', () => c.replayedEvents);
    total('podets_sse_gaps_total', 'pode.gap frames sent (a reconnect past the history, or events lost while the backplane was cut off).', () => c.gaps);
    total('podets_sse_pings_total', 'pode.ping heartbeat frames sent.', () => c.pings);
    total('podets_sse_ping_bytes_total', 'Bytes of those pode.ping frames.', () => c.pingBytes);
  }

  private backplaneFigures(registers: Registry[]): void {
    const server = this.server;
    new Gauge({
      name: 'podets_backplane_up',
      help: 'Whether this process reaches its backplane (1) or not (0), by kind: none (one process), cluster (--workers) or redis (--redis).',
      labelNames: ['kind'],
      registers,
      // A cluster's figure is its least: 1 only when every worker reaches its backplane.
      aggregator: 'min',
      collect() {
        this.reset();
        const hub = server.sse.hub;
        this.set({ kind: server.backplane ? 'redis' : hub ? 'cluster' : 'none' }, hub === undefined || hub.connected ? 1 : 0);
      },
    });
    const lag = new Histogram({
      name: 'podets_backplane_lag_seconds',
      help: "Time from a send handed to the backplane to its ordered delivery back to this process (scaled out only).",
      buckets: LAG_BUCKETS,
      registers,
    });
    const counters = server.sse.counters;
    const previous = counters.onHubLag;
    counters.onHubLag = previous === undefined ? (ms) => lag.observe(ms / 1000) : (ms) => (previous(ms), lag.observe(ms / 1000));
  }

  /** This process's figures as JSON, for a --workers primary to aggregate (summed: no instance label). */
  json(): Promise<unknown[]> {
    this.registry.setDefaultLabels({});
    return this.registry.getMetricsAsJSON();
  }

  /**
   * The text format of this process's figures. Under --redis every series carries the instance's id as
   * `instance`: Prometheus scrapes each instance on its own, and a sum() in PromQL adds them up.
   */
  text(): Promise<string> {
    const backplane = this.server.backplane;
    this.registry.setDefaultLabels(backplane !== undefined ? { instance: backplane.instance } : {});
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function routeLabel(event: WebEvent): string {
  if (event.Route !== null) return event.Route.path;
  if (event.StaticContent !== null || event.publicFile) return STATIC_ROUTE;
  return UNMATCHED_ROUTE;
}
