// `podets serve <script>`: load a Pode-style script into a server and serve it on node:http.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import '../../../cmdlets/index.ts';
import { logError, setLogLevel, setQuiet } from '../../log.ts';
import { installGlobals } from '../../runtime/globals.ts';
import { loadScript, ScriptLoadError } from '../../runtime/load.ts';
import { announce, PodeServer, setCurrentServer, setHosted } from '../../runtime/server.ts';
import { exitWhenStopped, keepAliveOnStrayErrors } from '../../runtime/shutdown.ts';
import { commanderOptions, type ServeOptionValues } from '../serve-options.ts';
import { applyServeFlags } from '../../runtime/flags.ts';
import { watchAndRestart } from '../watch.ts';

export function addServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve a Pode-style script (.ts, .mts, .js, .mjs) on node:http')
    .argument('<script>', 'the server script');
  for (const option of commanderOptions()) cmd.addOption(option);
  cmd.action(async (script: string, opts: ServeOptionValues) => {
    if (opts.watch) return watchAndRestart(script, process.argv.slice(2).filter((a) => a !== '--watch'));
    process.exitCode = await serve(script, opts);
  });
}

export async function serve(script: string, opts: ServeOptionValues): Promise<number> {
  if (opts.logLevel) setLogLevel(opts.logLevel);
  if (opts.quiet) setQuiet(true);
  const path = resolve(script);
  const server = new PodeServer({ rootPath: dirname(path), address: opts.address, port: opts.port });
  setCurrentServer(server);
  setHosted(true);
  installGlobals();
  try {
    applyServeFlags(server, opts);
  } catch (err) {
    logError((err as Error).message);
    return 2;
  }
  try {
    await loadScript(path);
    await Promise.all(server.setup);
  } catch (err) {
    logError(err instanceof ScriptLoadError ? err.message : String((err as Error)?.stack ?? err));
    if (err instanceof ScriptLoadError && err.detail) process.stderr.write(err.detail + '\n');
    return 1;
  }
  keepAliveOnStrayErrors();
  try {
    announce(await server.start());
  } catch (err) {
    logError(`Cannot start the server: ${(err as Error).message}`);
    return 1;
  }
  exitWhenStopped(server);
  await server.closed();
  return 0;
}
