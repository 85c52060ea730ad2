// What a `podets serve` script sees without importing anything: every cmdlet as `VerbPodeNoun`, and the globals
// of GLOBALS (the `pode` tag, `$WebEvent` and the other events, resolved per async context, and PodeVariables).
import { allCmdlets, scriptName } from '../cmdlet/registry.ts';
import { GLOBALS } from './global-table.ts';

/** What each installed name held before (undefined: nothing), for uninstallGlobals; undefined when not installed. */
let previous: Map<string, PropertyDescriptor | undefined> | undefined;

/** Installs the globals (once); true when this call installed them. */
export function installGlobals(): boolean {
  if (previous) return false;
  previous = new Map();
  const g = globalThis as Record<string, unknown>;
  const keep = (name: string) => previous!.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
  for (const entry of allCmdlets()) {
    const name = scriptName(entry.decl.name);
    keep(name);
    g[name] = entry.fn;
  }
  for (const global of GLOBALS) {
    keep(global.name);
    if ('get' in global.install) Object.defineProperty(globalThis, global.name, { get: global.install.get, configurable: true });
    else g[global.name] = global.install.value;
  }
  return true;
}

/**
 * Puts the global scope back as it was before installGlobals: tests that serve a script in their own
 * process (test/helpers/embedded.ts) leave the process as they found it.
 */
export function uninstallGlobals(): void {
  if (!previous) return;
  for (const [name, descriptor] of previous) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
  previous = undefined;
}
