// `podets serve <script>`: load a Pode-style script into a server and serve it on node:http.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import '../../../cmdlets/index.ts';
import { isPodeError } from '../../errors/error.ts';
import { describeError, logError, setLogLevel, setQuiet, sharedProcessLogSettings } from '../../log.ts';
import { installGlobals } from '../../runtime/globals.ts';
import { describePodeError, loadScript, ScriptLoadError, SCRIPT_EXTENSIONS } from '../../runtime/load.ts';
import { announce, setCurrentServer, setHosted, type PodeServer } from '../../runtime/server.ts';
import { exitWhenStopped, keepAliveOnStrayErrors } from '../../runtime/shutdown.ts';
import { commanderOptions, type ServeOptionValues } from '../serve-options.ts';
import { composeServer } from '../../runtime/compose.ts';
import { startBackplane } from '../../runtime/backplane.ts';
import { watchAndRestart } from '../watch.ts';
import { isWatchChild, onWatchRequests, pinnedPorts, reportListening } from '../watch-child.ts';
import { runPrimary, workerCount } from '../../cluster/primary.ts';
import { ClusterHub, onWorkerReplacements } from '../../sse/hub/cluster.ts';
import { attachWorkerState } from '../../state/attach.ts';
import { LEADER_ENV, WORKER_ENV } from '../../sse/hub/ipc.ts';

/** argv for the workers: the same command line without --workers (and its value). */
function withoutWorkers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workers') i++;
    else if (!argv[i]!.startsWith('--workers=')) out.push(argv[i]!);
  }
  return out;
}

/** How long pages wait before reconnecting after a --watch restart (the new server is usually up by then). */
const WATCH_RECONNECT_MS = 500;

/** A bind failure in a sentence; a taken port gets the way out. */
function cannotStart(err: Error): string {
  const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    const where = /^Cannot listen on (\S+): /.exec(err.message)?.[1] ?? 'the address';
    return `Cannot start the server: ${where} is already in use by another program (EADDRINUSE). Stop that program, or choose another port with --port <n> (--port 0 picks a free one).`;
  }
  return `Cannot start the server: ${err.message}`;
}

export function addServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description(`serve a Pode-style script (${SCRIPT_EXTENSIONS.join(' ')}) on node:http`)
    .argument('<script>', 'the server script');
  for (const option of commanderOptions()) cmd.addOption(option);
  cmd.action(async (script: string, opts: ServeOptionValues) => {
    if (opts.watch) return watchAndRestart(script, process.argv.slice(2).filter((a) => a !== '--watch'));
    if (opts.workers !== undefined && !process.env[WORKER_ENV]) {
      if (opts.logLevel) setLogLevel(opts.logLevel);
      if (opts.quiet) setQuiet(true);
      process.exitCode = await runPrimary(workerCount(String(opts.workers)), withoutWorkers(process.argv.slice(2)));
      // The watcher's IPC channel would keep a primary that has stopped (for a restart) alive.
      if (isWatchChild()) process.exit();
      return;
    }
    process.exitCode = await serve(script, opts);
  });
}

export async function serve(script: string, opts: ServeOptionValues): Promise<number> {
  const path = resolve(script);
  let server: PodeServer;
  try {
    server = composeServer({ rootPath: dirname(path), pinnedPorts: pinnedPorts(), log: sharedProcessLogSettings() }, opts);
  } catch (err) {
    logError((err as Error).message);
    return 2;
  }
  // Under --watch: a restart ends SSE streams with a retry (pages reconnect), a vanished watcher stops us.
  const stopAndExit = () => void server.stop().finally(() => process.exit(0));
  onWatchRequests(() => {
    server.sse.reconnectAfterShutdownMs = WATCH_RECONNECT_MS;
    stopAndExit();
  }, stopAndExit);
  setCurrentServer(server);
  setHosted(true);
  installGlobals();
  const hub = process.env[WORKER_ENV] ? new ClusterHub() : undefined;
  if (hub) {
    onWorkerReplacements((count) => (server.metrics.workerReplacements = count));
    server.sse.attachHub(hub);
    server.runsTimers = process.env[LEADER_ENV] === '1';
    server.requestClose = () => hub.stopCluster();
  }
  // The cluster's state before the script runs (a replacement worker starts from what the others have).
  if (hub && !opts.redis) await attachWorkerState(server);
  if (opts.redis && !(await startBackplane(server, opts.redis))) return 1;
  try {
    await loadScript(path);
    await Promise.all(server.setup);
  } catch (err) {
    // A PodeError is an expected refusal (its id says which cmdlet and why); anything else gets its stack.
    logError(err instanceof ScriptLoadError ? err.message : isPodeError(err) ? describePodeError(err) : describeError(err));
    if (err instanceof ScriptLoadError && err.detail) process.stderr.write(err.detail + '\n');
    else if (isPodeError(err)) process.stderr.write(`FullyQualifiedErrorId: ${err.ErrorId}\n`);
    return 1;
  }
  keepAliveOnStrayErrors();
  // Before the Listening line: whoever reads it may send SIGTERM at once, and without a handler yet the
  // signal would kill the process instead of stopping the server.
  exitWhenStopped(server);
  try {
    const endpoints = await server.start();
    if (hub) hub.listening({ t: 'listening', endpoints: [...endpoints] });
    else {
      announce(endpoints);
      reportListening(endpoints);
    }
  } catch (err) {
    logError(cannotStart(err as Error));
    return 1;
  }
  await server.closed();
  return 0;
}
