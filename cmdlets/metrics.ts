// Pode's metrics cmdlets (file group "Metrics", src/Public/Metrics.ps1): what this server has counted
// (host/metrics/metrics.ts, on server.metrics) and its SSE registry. Under --workers or --redis the request
// figures are the whole space's: this process's plus the other processes' latest (host/metrics/peers.ts), and
// the SSE client counts come from the presence every process mirrors. Pode's Signals (WebSockets) are not
// ported: the signal cmdlets answer as Pode does with no signal endpoint (0, or a Name that is not found).
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { asCmdletError } from '../host/errors/error.ts';
import { DEFAULT_METRICS_PATH, enableMetricsEndpoint } from '../host/metrics/endpoint.ts';
import { readableUptime } from '../host/metrics/metrics.ts';
import { clusterRequests } from '../host/metrics/peers.ts';
import { callerSource } from '../host/runtime/callsite.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Metrics');

const CLUSTER_WIDE =
  'Under --workers or --redis this is the whole cluster\'s (every worker, or every instance sharing the Redis space): the answering process\'s own ' +
  'figures, live, plus the latest each other process told it. Each process tells its figures about once a second, so theirs are at most about a ' +
  'second old; a process not heard for 3 seconds is left out, and a worker that exited is left out at once (with what it had counted).';
const UPTIME_PER_PROCESS =
  'Under --workers or --redis this is the answering process\'s uptime: a worker started in place of one that exited has started later than the others.';
const NO_SIGNALS = 'podets has no Signals (WebSocket) endpoints: as in Pode with none, this is 0.';
const COUNT_TYPES = ['Total', 'Queued', 'Processing'];

export const GetPodeServerUptime = cmdlet({
  name: 'Get-PodeServerUptime',
  synopsis: 'Retrieves the server uptime in milliseconds or a human-readable format.',
  description:
    "Calculates the server's uptime since its last start, or with -Total since its initial load. By default the uptime is returned in milliseconds; " +
    'with -Format it is returned as Concise ("1d 10h 17m 36s 789ms"), Compact ("01:10:17:36.789", dd:hh:mm:ss) or Verbose ' +
    '("1 day, 10 hours, 17 minutes, 36 seconds, 789 milliseconds"); -ExcludeMilliseconds leaves the milliseconds out of those.\n' +
    "A restart is a restart of `podets serve --watch`'s child process: -Total counts from the first child's start. " +
    'The readable forms follow the examples of Pode\'s help (its private Convert-PodeMillisecondsToReadable is not ported line for line): units that are 0 are left out.\n' +
    UPTIME_PER_PROCESS,
  examples: [
    { code: '$currentUptime = Get-PodeServerUptime' },
    { code: '$totalUptime = Get-PodeServerUptime -Total' },
    { code: '$readableUptime = Get-PodeServerUptime -Format Concise' },
    { code: '$compactUptimeNoMs = Get-PodeServerUptime -Format Compact -ExcludeMilliseconds' },
  ],
  parameters: [
    { name: 'Total', type: 'SwitchParameter', help: 'Retrieves the total server uptime since the initial load, regardless of any restarts.' },
    {
      name: 'Format',
      type: 'String',
      validateSet: ['Milliseconds', 'Concise', 'Compact', 'Verbose'],
      default: 'Milliseconds',
      help: 'Specifies the desired output format for the uptime: Milliseconds (default), Concise, Compact or Verbose.',
    },
    { name: 'ExcludeMilliseconds', type: 'SwitchParameter', help: 'Omits milliseconds from the human-readable output when -Format is not Milliseconds.' },
  ],
  outputs: 'System.Int64',
  run: (args, ctx) => {
    const ms = currentServer(ctx.command).metrics.uptime(args.Total);
    const format = args.Format.toLowerCase();
    if (format === 'milliseconds') return ms;
    const canonical = format === 'concise' ? 'Concise' : format === 'compact' ? 'Compact' : 'Verbose';
    return readableUptime(ms, canonical, args.ExcludeMilliseconds);
  },
});

export const GetPodeServerRestartCount = cmdlet({
  name: 'Get-PodeServerRestartCount',
  synopsis: 'Returns the number of times the server has restarted.',
  description:
        "Returns the number of times the server has restarted: under `podets serve --watch`, the restarts of its child process so far; else 0 (podets has no in-process restart). " +
    'Under --workers, the workers the primary started in place of ones that exited are added (the same count on every worker). Under --redis each ' +
    'instance is a server of its own: its count is its own, not summed.',
  examples: [{ code: '$restarts = Get-PodeServerRestartCount' }],
  parameters: [],
  run: (_args, ctx) => {
    const metrics = currentServer(ctx.command).metrics;
    return metrics.restartCount + metrics.workerReplacements;
  },
});

export const GetPodeServerRequestMetric = cmdlet({
  name: 'Get-PodeServerRequestMetric',
  synopsis: 'Returns the total number of requests/per status code the Server has received.',
  description:
    'Returns the total number of requests/per status code the Server has received: with -Total the total, with -StatusCode the count for that code ' +
    '(0 when none), else a hashtable of counts keyed by status code. A request is counted, as in Pode, once it has been answered: 404, 405, static ' +
    'files, refusals and errors included; an SSE connection as 200 when it is opened. The request asking is counted after it.\n' +
    CLUSTER_WIDE,
  examples: [{ code: '$totalReqs = Get-PodeServerRequestMetric -Total' }, { code: '$statusReqs = Get-PodeServerRequestMetric' }, { code: '$404Reqs = Get-PodeServerRequestMetric -StatusCode 404' }],
  defaultParameterSet: 'StatusCode',
  parameters: [
    { name: 'StatusCode', type: 'Int32', sets: ['StatusCode'], default: 0, help: 'If supplied, will return the total number of requests for a specific StatusCode.' },
    { name: 'Total', type: 'SwitchParameter', sets: ['Total'], help: 'If supplied, will return the Total number of Requests.' },
  ],
  outputs: 'System.Int64',
  run: (args, ctx) => {
    const metrics = clusterRequests(currentServer(ctx.command));
    if (args.Total) return metrics.total;
    const code = args.StatusCode ?? 0;
    if (code <= 0) {
      const table: Record<string, number> = {};
      for (const [status, count] of metrics.statusCodes) table[String(status)] = count;
      return table;
    }
    return metrics.statusCodes.get(code) ?? 0;
  },
});

export const GetPodeServerSignalMetric = cmdlet({
  name: 'Get-PodeServerSignalMetric',
  synopsis: 'Returns the total number of Signal requests the Server has received.',
  description: 'Returns the total number of Signal requests the Server has received. ' + NO_SIGNALS,
  examples: [{ code: '$totalReqs = Get-PodeServerSignalMetric' }],
  parameters: [],
  run: (_args, ctx) => (currentServer(ctx.command), 0),
});

export const GetPodeServerActiveRequestMetric = cmdlet({
  name: 'Get-PodeServerActiveRequestMetric',
  synopsis: 'Returns the count of active requests.',
  description:
    'Returns the count of all, processing, or queued active requests: those received whose response is not yet over (the request asking included). ' +
    'An SSE connection stops being an active request once it is opened. podets queues no request for a free thread: Queued is 0, Processing is Total.\n' +
    CLUSTER_WIDE,
  examples: [{ code: 'Get-PodeServerActiveRequestMetric' }, { code: 'Get-PodeServerActiveRequestMetric -CountType Queued' }],
  parameters: [{ name: 'CountType', type: 'String', validateSet: COUNT_TYPES, default: 'Total', help: 'The count type to return. (Default: Total)' }],
  outputs: 'System.Int64',
  run: (args, ctx) => {
    const active = clusterRequests(currentServer(ctx.command)).active;
    return args.CountType.toLowerCase() === 'queued' ? 0 : active;
  },
});

export const GetPodeServerActiveSignalMetric = cmdlet({
  name: 'Get-PodeServerActiveSignalMetric',
  synopsis: 'Returns the count of active signals.',
  description: 'Returns the count of all, processing, or queued active signals; for either server or client signals. ' + NO_SIGNALS,
  examples: [{ code: 'Get-PodeServerActiveSignalMetric' }, { code: 'Get-PodeServerActiveSignalMetric -Type Client -CountType Queued' }],
  parameters: [
    { name: 'Type', type: 'String', validateSet: ['Total', 'Server', 'Client'], default: 'Total', help: 'The type of signal to return. (Default: Total)' },
    { name: 'CountType', type: 'String', validateSet: COUNT_TYPES, default: 'Total', help: 'The count type to return. (Default: Total)' },
  ],
  outputs: 'System.Int64',
  run: (_args, ctx) => (currentServer(ctx.command), 0),
});

export const GetPodeServerActiveSignalClientMetric = cmdlet({
  name: 'Get-PodeServerActiveSignalClientMetric',
  synopsis: 'Returns the count of active Signal clients.',
  description:
    'Returns the count of all, or for a specific Name, active Signal clients. podets has no Signals (WebSocket) endpoints: without -Name this is 0, ' +
    'and any Name is refused as not found, as Pode refuses a Name with no connection.',
  examples: [{ code: '$count = Get-PodeServerActiveSignalClientMetric' }, { code: "$count = Get-PodeServerActiveSignalClientMetric -Name 'Events'" }],
  parameters: [{ name: 'Name', type: 'String', help: 'If supplied, will return the count of active Signal clients for the specific Name.' }],
  outputs: 'System.Int64',
  run: (args, ctx) => {
    currentServer(ctx.command);
    if (args.Name) throw errors.SignalConnectionNotFound(ctx.command, { name: args.Name });
    return 0;
  },
});

export const GetPodeServerActiveSseMetric = cmdlet({
  name: 'Get-PodeServerActiveSseMetric',
  synopsis: 'Returns the count of active SSE messages.',
  description:
    'Returns the count of all processing SSE messages. podets frames and writes an event within Send-PodeSseEvent (a slow client\'s bytes wait in ' +
    'its own bounded buffer, not as a message to process), so no message is ever being processed when a script asks: this is 0, on every process, so ' +
    'for a whole --workers or --redis cluster too.',
  examples: [{ code: '$count = Get-PodeServerActiveSseMetric' }],
  parameters: [],
  outputs: 'System.Int64',
  run: (_args, ctx) => (currentServer(ctx.command), 0),
});

export const GetPodeServerActiveSseClientMetric = cmdlet({
  name: 'Get-PodeServerActiveSseClientMetric',
  synopsis: 'Returns the count of active SSE clients.',
  description:
    'Returns the count of all, or for a specific Name, active SSE clients (open SSE connections of Global scope, which Pode keeps). A Name with no ' +
    'connection is refused, as in Pode.\n' +
    'Under --workers or --redis this counts the connections of every worker or instance, as Get-PodeSseClientIdList and Test-PodeSseName see them: ' +
    'from the presence each process mirrors (a connection opened or closed elsewhere is seen once that process\'s join or leave has arrived).',
  examples: [{ code: '$count = Get-PodeServerActiveSseClientMetric' }, { code: "$count = Get-PodeServerActiveSseClientMetric -Name 'Events'" }],
  parameters: [{ name: 'Name', type: 'String', help: 'If supplied, will return the count of active SSE clients for the specific Name.' }],
  outputs: 'System.Int64',
  run: (args, ctx) => {
    const sse = currentServer(ctx.command).sse;
    const remote = sse.hub?.remote;
    if (!args.Name) return sse.registry.size + (remote?.count() ?? 0);
    if (!sse.hasName(args.Name)) throw errors.SseConnectionNotFound(ctx.command, { name: args.Name });
    return remote ? sse.clientIds(args.Name).length : sse.registry.has(args.Name) ? sse.registry.clientIds(args.Name).length : 0;
  },
});

// ---- Beyond Pode: Prometheus ---------------------------------------------------------------------------

export const EnablePodeMetricsEndpoint = cmdlet({
  name: 'Enable-PodeMetricsEndpoint',
  synopsis: 'Exposes the server\'s metrics in the Prometheus text format.',
  description:
    'Adds a GET route at -Path (default /metrics) answering the Prometheus text format (prom-client), as `podets serve --metrics` does: HTTP requests ' +
    'by method, declared route and status with their durations, open SSE connections and events, bytes, slow-client drops, replays, pode.gaps and pings ' +
    'by Name, the backplane\'s state and lag, the task queue, and the Node process metrics (docs/metrics.md lists them). Off by default. With ' +
    '-Authentication the route is protected by that authentication method, which must exist. Called again (or after --metrics), the later path and ' +
    'authentication replace the earlier ones. Under --workers the figures are the whole cluster\'s, whichever worker is scraped; under --redis each ' +
    'instance exposes its own, labelled with its instance id.',
  examples: [
    { code: 'Enable-PodeMetricsEndpoint' },
    { code: "Enable-PodeMetricsEndpoint -Path '/internal/metrics' -Authentication 'Login'" },
  ],
  parameters: [
    { name: 'Path', type: 'String', default: DEFAULT_METRICS_PATH, validateNotNullOrEmpty: true, help: 'The path of the metrics route.' },
    {
      name: 'Authentication',
      type: 'String',
      aliases: ['Auth'],
      help: 'The name of an Authentication method protecting the metrics route (a scrape without valid credentials is refused by it, e.g. 401).',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const authentication = server.auth.named(args.Authentication, ctx.command);
    try {
      enableMetricsEndpoint(server, { path: args.Path, ...(authentication !== undefined && { authentication }), source: callerSource(server.rootPath) });
    } catch (err) {
      throw asCmdletError(err, ctx.command);
    }
  },
});
