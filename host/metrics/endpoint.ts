// The Prometheus endpoint of a server (`podets serve --metrics`, Enable-PodeMetricsEndpoint): a GET route at
// its path (optionally behind an authentication) answering the text format. Off by default: until enabled,
// no registry exists, prom-client is not loaded and a request pays nothing for it.
import { authMiddleware } from '../auth/route.ts';
import { text } from '../http/respond.ts';
import type { Route } from '../http/types.ts';
import type { WebEvent } from '../http/webevent.ts';
import { logException } from '../log.ts';
import type { PodeServer } from '../runtime/server.ts';
import { WORKER_ENV } from '../sse/hub/ipc.ts';
import type { ClusterScrape } from './cluster-scrape.ts';
import type { PrometheusMetrics } from './prometheus.ts';

export const DEFAULT_METRICS_PATH = '/metrics';

export interface MetricsEndpointOptions {
  path: string;
  /** An authentication method's name (it must exist): the route is then protected by it. */
  authentication?: string;
  /** Where it was enabled, quoted if another route takes the same path. */
  source?: string;
}

/** What a server has when its metrics are exposed (server.prometheus). */
export interface PrometheusState {
  route: Route;
  metrics: PrometheusMetrics | undefined;
  cluster: ClusterScrape | undefined;
  /** Resolves once prom-client is loaded and the registry made. */
  ready: Promise<void>;
}

/**
 * Exposes the metrics at `options.path`; called again (the flag, then the script), the later call's path and
 * authentication replace the earlier ones, and the registry is kept. The route is added now, so a path that
 * another route already has is refused at the call; the registry is made before the server listens.
 */
export function enableMetricsEndpoint(server: PodeServer, options: MetricsEndpointOptions): PrometheusState {
  const previous = server.prometheus;
  const auth = options.authentication;
  const route: Route = {
    method: 'GET',
    path: options.path,
    handler: (event) => serveMetrics(server, event),
    ...(auth !== undefined && auth !== '' && { middleware: [authMiddleware(server, { Name: auth, Login: false, Logout: false, Anon: false })] }),
    ...(options.source !== undefined && { source: options.source }),
  };
  if (previous !== undefined) server.router.remove('GET', previous.route.path);
  try {
    server.router.add(route);
  } catch (err) {
    if (previous !== undefined) server.router.add(previous.route);
    throw err;
  }
  if (previous !== undefined) {
    previous.route = route;
    return previous;
  }
  const state: PrometheusState = { route, metrics: undefined, cluster: undefined, ready: Promise.resolve() };
  state.ready = load(server, state);
  server.prometheus = state;
  server.setup.push(state.ready);
  return state;
}

async function load(server: PodeServer, state: PrometheusState): Promise<void> {
  const { PrometheusMetrics } = await import('./prometheus.ts');
  const metrics = new PrometheusMetrics(server);
  state.metrics = metrics;
  server.metrics.observer = metrics;
  if (process.env[WORKER_ENV] && process.connected) {
    const { ClusterScrape } = await import('./cluster-scrape.ts');
    const cluster = new ClusterScrape(() => metrics.json());
    state.cluster = cluster;
    server.onStop(() => cluster.close());
  }
}

async function serveMetrics(server: PodeServer, event: WebEvent): Promise<void> {
  const state = server.prometheus;
  if (state === undefined) return;
  await state.ready;
  const metrics = state.metrics!;
  try {
    const answer = state.cluster !== undefined ? await state.cluster.scrape() : { text: await metrics.text(), contentType: metrics.contentType };
    text(event, answer.text, answer.contentType);
  } catch (err) {
    logException('Serving /metrics', err);
    text(event, 'The metrics could not be gathered; see the server log.\n', 'text/plain; charset=utf-8', 503);
  }
}
