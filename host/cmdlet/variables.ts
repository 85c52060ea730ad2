// The variables that -ErrorVariable, -WarningVariable, -InformationVariable and -OutVariable write to. Each
// server has its own (PodeServer.variables); scripts read them as `PodeVariables.get('name')` (the global)
// or through `import { variables } from 'podets'`, which both mean the variables of the server the code runs
// for (its block, handlers, timers, pode.run), and a map of the process's own outside any server.
import { tryCurrentServer } from '../runtime/server.ts';

const outsideAnyServer = new Map<string, unknown[]>();

/** The variables of the server the running code belongs to. */
export function currentVariables(): Map<string, unknown[]> {
  return tryCurrentServer()?.variables ?? outsideAnyServer;
}

/**
 * `variables` as scripts import it: a Map whose every use goes to currentVariables(), so one import serves
 * every server in the process. (A Proxy over a Map: `instanceof Map` holds, methods run on the real map.)
 */
export const variables: Map<string, unknown[]> = new Proxy(outsideAnyServer, {
  get(_target, key) {
    const map = currentVariables();
    const value: unknown = Reflect.get(map, key, map);
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(map) : value;
  },
});

/** `name` replaces the variable; `+name` appends to it, as in PowerShell. Returns the list to fill. */
export function openVariable(spec: string): unknown[] {
  const vars = currentVariables();
  const append = spec.startsWith('+');
  const name = append ? spec.slice(1) : spec;
  const existing = vars.get(name);
  if (append && existing) return existing;
  const list: unknown[] = [];
  vars.set(name, list);
  return list;
}
