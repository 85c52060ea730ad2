// What a `podets serve` script sees without importing anything: every cmdlet as `VerbPodeNoun`, and the globals
// of GLOBALS (the `pode` tag, `$WebEvent` and the other events, resolved per async context, and PodeVariables).
import { allCmdlets, scriptName } from '../cmdlet/registry.ts';
import { GLOBALS } from './global-table.ts';

let installed = false;

export function installGlobals(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as Record<string, unknown>;
  for (const entry of allCmdlets()) g[scriptName(entry.decl.name)] = entry.fn;
  for (const global of GLOBALS) {
    if ('get' in global.install) Object.defineProperty(globalThis, global.name, { get: global.install.get, configurable: true });
    else g[global.name] = global.install.value;
  }
}
