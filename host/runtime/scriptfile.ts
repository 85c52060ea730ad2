// Pode's -FilePath: "a file containing a ScriptBlock". In TypeScript that is a module whose default
// export is the function; relative paths resolve from the server root, as Pode's do.
// Used by Add-PodeRoute, Add-PodeTimer and Add-PodeSchedule.
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { errors } from '../errors/catalog.ts';
import { describeLoadError } from './load.ts';
import type { PodeServer } from './server.ts';

export type ScriptBlock = (...args: any[]) => unknown;

/** Imports `path` (absolute) and resolves to its default export, or rejects with a PodeError naming the file. */
export async function importScriptBlock(path: string, command: string): Promise<ScriptBlock> {
  if (!existsSync(path)) throw errors.PathNotFound(command, { path });
  if (!statSync(path).isFile()) throw errors.InvalidPathWildcardOrDirectory(command, { path });
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw errors.ScriptFileLoadFailed(command, { message: describeLoadError(err, path).message });
  }
  if (typeof mod.default !== 'function') {
    throw errors.ScriptFileHasNoDefaultFunction(command, { path });
  }
  return mod.default as ScriptBlock;
}

/**
 * A script block that waits for `loading` and calls what it resolved to. A failed load is reported
 * by whoever awaits `loading` (the host, during setup) and then by each call; it is never unhandled.
 */
export function deferredScriptBlock<F extends ScriptBlock>(loading: Promise<F>): F {
  loading.catch(() => undefined);
  return (async (...args: unknown[]) => (await loading)(...args)) as F;
}

/**
 * FilePath's script block for a server: loading starts now and joins the server's setup, so the
 * host waits for it before listening and a bad file stops startup with its error.
 */
export function scriptBlockFromFile(server: PodeServer, filePath: string, command: string): ScriptBlock {
  const loading = importScriptBlock(server.path(filePath), command);
  server.setup.push(loading);
  return deferredScriptBlock(loading);
}
