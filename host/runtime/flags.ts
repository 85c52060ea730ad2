// CLI flags that set server-wide settings before the script runs (the script's own cmdlet calls win).
import { errors } from '../errors/catalog.ts';
import type { ServeOptionValues } from '../cli/serve-options.ts';
import type { BroadcastLevel } from '../sse/settings.ts';
import type { PodeServer } from './server.ts';
import { DEFAULT_METRICS_PATH, enableMetricsEndpoint } from '../metrics/endpoint.ts';
import { enableStatusPage } from '../metrics/status.ts';

export function applyServeFlags(server: PodeServer, opts: ServeOptionValues): void {
  const sse = server.sse;
  if (opts.sseDefaultScope) {
    sse.settings.defaultScope = opts.sseDefaultScope;
    sse.settings.defaultScopeText = opts.sseDefaultScope;
    sse.settings.defaultScopeFromFlag = true;
  }
  if (opts.sseStrict && !opts.sseSecret) throw errors.SseStrictWithoutSecret('');
  if (opts.sseSecret) {
    sse.settings.secret = opts.sseSecret;
    sse.settings.strict = opts.sseStrict === true;
  }
  if (opts.ssePingInterval !== undefined) sse.pingInterval = opts.ssePingInterval;
  if (opts.sseHistory !== undefined) sse.history.setBound('*', { count: opts.sseHistory });
  if (opts.sseMaxBuffer !== undefined) sse.maxBuffer = opts.sseMaxBuffer;
  if (opts.sseBroadcastLevel) sse.settings.setLevel('*', opts.sseBroadcastLevel.toLowerCase() as BroadcastLevel);
  if (opts.taskQueueLimit !== undefined) server.tasks.queueLimit = opts.taskQueueLimit;
  if (opts.metrics) enableMetricsEndpoint(server, { path: DEFAULT_METRICS_PATH, source: '--metrics' });
  server.setLimits({
    ...(opts.bodyLimit !== undefined && { bodyLimit: opts.bodyLimit }),
    ...(opts.bodyBudget !== undefined && { bodyBudget: opts.bodyBudget }),
    ...(opts.requestTimeout !== undefined && { requestTimeoutMs: opts.requestTimeout * 1000 }),
    ...(opts.headersTimeout !== undefined && { headersTimeoutMs: opts.headersTimeout * 1000 }),
  });
  if (opts.status || opts.statusAuthentication !== undefined) enableStatusPage(server, { authentication: opts.statusAuthentication });
}
