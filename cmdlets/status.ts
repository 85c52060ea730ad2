// podets' own status page cmdlet (not in Pode; in the Metrics group beside Pode's metrics cmdlets, as
// Set-PodeSseBackplane sits with the SSE ones): what `podets serve --status [--status-authentication <name>]`
// turns on, from a script. The page and its stream are host/metrics/status.ts.
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { DEFAULT_STATUS_PATH, enableStatusPage } from '../host/metrics/status.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Metrics');

export const EnablePodeStatusPage = cmdlet({
  name: 'Enable-PodeStatusPage',
  synopsis: 'Serves a live status page: SSE connections per Name and Group, events per second, workers and the backplane.',
  description:
    'Serves an HTML status page at -Path (default /podets/status), as `podets serve --status` does. The page is itself an SSE page: it opens an ' +
    'EventSource on <Path>/events, which sends one JSON `status` event a second (the first with the last 5 minutes of one-second samples), and ' +
    'shows the open connections per Name and per Group, events sent per second as a chart, slow clients dropped, pings, pode.gap, replays, the ' +
    'backplane (kind, connected, lag), every worker or instance (pid, connections, memory, uptime) and the task queue. Under --workers or --redis ' +
    'the figures of the other processes are their latest (about a second old), summed with this one\'s.\n' +
    'The stream is not a connection of the SSE space: it has no Name, is in no Get-PodeSse*List and in no counter, and Send-PodeSseEvent cannot reach it.\n' +
    'With -Authentication both the page and its stream require that method (as Add-PodeRoute -Authentication does). Off by default; the page is ' +
    'added when the server starts, and a call in the script wins over the flags; a call once the server runs (from a route) adds or moves it at once.',
  examples: [
    { code: 'Enable-PodeStatusPage' },
    { code: "Enable-PodeStatusPage -Path '/ops/status' -Authentication 'Login'", text: 'A status page only signed-in operators see.' },
  ],
  parameters: [
    { name: 'Path', type: 'String', default: DEFAULT_STATUS_PATH, help: 'Where the page is served; its stream is <Path>/events.' },
    {
      name: 'Authentication',
      type: 'String',
      aliases: ['Auth'],
      help: 'The name of an Authentication method (Add-PodeAuth) that the page and its stream require; without it the page is open to anyone who can reach the server.',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const path = args.Path.trim();
    if (!path.startsWith('/')) throw errors.StatusPathInvalid(ctx.command, { path: args.Path });
    const authentication = server.auth.named(args.Authentication, ctx.command);
    const page = enableStatusPage(server, { path, ...(authentication !== undefined && { authentication }) });
    // Called once the server has started (from a route, a timer): the routes are added, or moved, now.
    if (server.started) page.install();
  },
});
