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
    { name: 'ScriptBlock', type: 'ScriptBlock', mandatory: true, position: 0, sets: ['Script'], help: 'The main logic for the server.' },
    { name: 'FilePath', type: 'String', mandatory: true, sets: ['File'], help: 'A literal, or relative, path to a file containing the server logic.' },
    { name: 'RootPath', type: 'String', help: 'The root path of the server: views/ and relative paths are resolved from it (default: the folder of the script).' },
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
    const rootPath = args.RootPath ?? (process.argv[1] ? dirname(resolve(process.argv[1])) : process.cwd());
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
