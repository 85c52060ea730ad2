// Pode's server cmdlets: Start-PodeServer and Close-PodeServer.
import { dirname, resolve } from 'node:path';
import { defineGroup } from '../host/cmdlet/define.ts';
import { loadScript } from '../host/runtime/load.ts';
import { ambient, runAmbient } from '../host/runtime/ambient.ts';
import { composeServer } from '../host/runtime/compose.ts';
import { announce, isHosted, setCurrentServer, tryCurrentServer } from '../host/runtime/server.ts';
import { stopOnSignals, keepAliveOnStrayErrors } from '../host/runtime/shutdown.ts';
import { installGlobals } from '../host/runtime/globals.ts';

const cmdlet = defineGroup('Core');

const WHY = {
  service: "podets has no 'Service' servers; use a timer (Add-PodeTimer)",
  serverless: 'podets does not run in Azure Functions or AWS Lambda',
  console: 'podets has no interactive console',
} as const;

export const StartPodeServer = cmdlet({
  name: 'Start-PodeServer',
  synopsis: 'Starts a Pode server with the supplied script block or file containing the logic.',
  description:
    'Starts a Pode server: the script block (or file) adds endpoints, routes, timers and the rest, then the server listens until it is closed.\n' +
    'Under `podets serve` the whole script already is this block, so a call only runs its script block inside the running host; ' +
    "so does a call in createPodeServer's block, on the server it makes. " +
    'Run with plain node or tsx (podets as a dependency), it creates the server, starts it and resolves when the server stops.',
  examples: [
    { code: "Start-PodeServer { Add-PodeEndpoint -Address localhost -Port 8080 -Protocol Http; Add-PodeRoute -Method Get -Path '/' -ScriptBlock { Write-PodeJsonResponse @{ ok = $true } } }" },
    { code: 'Start-PodeServer -FilePath ./server-logic.ts' },
  ],
  defaultParameterSet: 'Script',
  parameters: [
    {
      name: 'ScriptBlock',
      type: 'ScriptBlock',
      mandatory: true,
      position: 0,
      pipeline: true,
      sets: ['Script', 'ScriptDaemon'],
      perSet: { ScriptDaemon: { positional: false, pipeline: false } },
      help: 'The main logic for the server.',
    },
    { name: 'FilePath', type: 'String', mandatory: true, sets: ['File', 'FileDaemon'], help: 'A literal, or relative, path to a file containing the server logic.' },
    { name: 'Interval', type: 'Int32', default: 0, unsupported: WHY.service, help: "Specifies the interval in seconds for invoking the script block in 'Service' type servers." },
    { name: 'Name', type: 'String', help: 'An optional name for the server; Pode keeps it for future ideas, and so podets accepts it and does nothing with it.' },
    { name: 'Threads', type: 'Int32', default: 1, unsupported: 'a podets server runs its requests on one event loop; `podets serve --workers <n>` starts more processes', help: 'The number of threads to allocate for Web, SMTP, and TCP servers.' },
    { name: 'RootPath', type: 'String', help: 'The root path of the server: views/ and relative paths are resolved from it (default: the folder of the script).' },
    { name: 'Request', type: 'Object', unsupported: WHY.serverless, help: 'Provides request details for serverless environments that Pode can parse and use.' },
    { name: 'ServerlessType', type: 'String', validateSet: ['', 'AzureFunctions', 'AwsLambda'], default: '', defaultText: '[string]::Empty', unsupported: WHY.serverless, help: 'Specifies the serverless type for Pode.' },
    { name: 'StatusPageExceptions', type: 'String', validateSet: ['', 'Hide', 'Show'], default: '', defaultText: '[string]::Empty', unsupported: 'error responses never show exceptions; they are logged for the operator', help: 'Controls the visibility of stack traces on status pages.' },
    { name: 'ListenerType', type: 'String', default: '', defaultText: '[string]::Empty', unsupported: 'podets listens with node:http', help: "Specifies a custom socket listener. Defaults to Pode's inbuilt listener." },
    { name: 'EnablePool', type: 'String[]', validateSet: ['Timers', 'Schedules', 'Tasks', 'WebSockets', 'Files'], unsupported: 'podets has no runspace pools', help: 'Configures specific runspace pools (e.g., Timers, Schedules, Tasks, WebSockets, Files) for ad-hoc usage.' },
    { name: 'Browse', type: 'SwitchParameter', sets: ['File', 'Script'], unsupported: WHY.console, help: 'Opens the default web endpoint in the browser upon server start.' },
    {
      name: 'CurrentPath',
      type: 'SwitchParameter',
      sets: ['FileDaemon', 'File'],
      perSet: { FileDaemon: { mandatory: true } },
      help: "Sets the server's root path to the current working directory. Only applicable when -FilePath is used.",
    },
    { name: 'EnableBreakpoints', type: 'SwitchParameter', sets: ['File', 'Script'], unsupported: 'Wait-PodeDebugger is not ported; use node --inspect', help: 'Enables breakpoints created using `Wait-PodeDebugger`.' },
    { name: 'DisableTermination', type: 'SwitchParameter', sets: ['File', 'Script'], unsupported: 'Ctrl+C and SIGTERM always stop a podets server gracefully', help: 'Prevents termination, suspension, or resumption of the server via console commands.' },
    { name: 'Quiet', type: 'SwitchParameter', sets: ['File', 'Script'], unsupported: 'output is silenced with `podets serve --quiet`', help: 'Suppresses all output from the server.' },
    { name: 'DisableConsoleInput', type: 'SwitchParameter', sets: ['File', 'Script'], help: 'Disables all console interactions for the server. podets reads no console input, so it is accepted and changes nothing.' },
    { name: 'ClearHost', type: 'SwitchParameter', unsupported: WHY.console, help: 'Clears the console screen whenever the server state changes.' },
    { name: 'HideOpenAPI', type: 'SwitchParameter', help: 'Hides OpenAPI details from the console output. podets shows none, so it is accepted and changes nothing.' },
    { name: 'HideEndpoints', type: 'SwitchParameter', unsupported: "the 'Listening on' lines are what a supervisor waits for", help: 'Hides the list of active endpoints from the console output.' },
    { name: 'ShowHelp', type: 'SwitchParameter', unsupported: WHY.console, help: 'Displays a help menu in the console with available control commands.' },
    { name: 'IgnoreServerConfig', type: 'SwitchParameter', help: 'Prevents the server from loading settings from the server.psd1 configuration file. podets reads none, so it is accepted and changes nothing.' },
    { name: 'ConfigFile', type: 'String', unsupported: 'podets reads no server.psd1; its settings are `podets serve` flags', help: 'Specifies a custom configuration file instead of using the default `server.psd1`.' },
    { name: 'Daemon', type: 'SwitchParameter', mandatory: true, sets: ['FileDaemon', 'ScriptDaemon'], unsupported: 'run podets under a service manager (systemd, a container) instead', help: 'Configures the server to run as a daemon with minimal console interaction and output.' },
  ],
  run: async (args) => {
    const logic = async () => {
      if (args.ScriptBlock) await args.ScriptBlock();
      else await loadScript(resolve(args.FilePath!));
    };
    // The server being configured, if any: `podets serve`'s, or createPodeServer's (the ambient one), so a
    // Pode-style script (`StartPodeServer(() => …)`) embedded by an app configures the app's server rather
    // than starting one of its own on 8080 that createPodeServer would wait on forever.
    const server = isHosted() ? tryCurrentServer() : ambient()?.server;
    if (server) {
      const done = logic();
      server.setup.push(done);
      return done.then(() => undefined);
    }
    const rootPath = args.RootPath ?? (args.CurrentPath ? process.cwd() : process.argv[1] ? dirname(resolve(process.argv[1])) : process.cwd());
    const own = composeServer({ rootPath });
    setCurrentServer(own);
    installGlobals();
    await runAmbient({ server: own }, logic);
    keepAliveOnStrayErrors();
    const closed = own.closed();
    const endpoints = await own.start();
    // Before the Listening line, which is what a supervisor waits for before it may signal. No
    // process.exit on stop: the caller's next line runs once the server has stopped.
    stopOnSignals(own);
    announce(endpoints);
    await closed;
  },
});

export const ClosePodeServer = cmdlet({
  name: 'Close-PodeServer',
  synopsis: 'Closes the running Pode server.',
  description:
    'Stops the server gracefully, as Ctrl+C does: SSE connections get pode.close, timers and schedules stop, requests in flight finish (up to 5 s). Under `podets serve` the process then exits 0; run as a library, `await StartPodeServer(…)` resolves and the script goes on.',
  examples: [{ code: 'Close-PodeServer' }],
  parameters: [],
  run: () => {
    const server = tryCurrentServer();
    // Stop after the current request has had its answer written.
    if (server) setImmediate(() => server.requestClose());
  },
});
