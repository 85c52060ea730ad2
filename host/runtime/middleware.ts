// Middleware as scripts hand it over: a function, or a hashtable in Pode's shape (Logic, Route,
// Arguments — what New-PodeMiddleware returns) or the engine's (logic, route, argumentList).
import { errors } from '../errors/catalog.ts';
import { isPlainObject } from '../values/hashtable.ts';
import { dotnetTypeOf } from '../values/typename.ts';
import type { Middleware, MiddlewareDefinition, MiddlewareFn } from '../http/types.ts';

const pick = (obj: Record<string, unknown>, ...keys: string[]) => {
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== null) return obj[k];
  return undefined;
};

/** One definition from a hashtable; undefined when it carries no function to run. */
function fromHashtable(obj: Record<string, unknown>): MiddlewareDefinition | undefined {
  const logic = pick(obj, 'Logic', 'logic', 'ScriptBlock');
  if (typeof logic !== 'function') return undefined;
  const route = pick(obj, 'Route', 'route');
  const args = pick(obj, 'Arguments', 'ArgumentList', 'argumentList');
  const name = pick(obj, 'Name', 'name');
  return {
    logic: logic as MiddlewareFn,
    ...(typeof name === 'string' && { name }),
    ...(typeof route === 'string' && route !== '' && { route }),
    ...(args !== undefined && { argumentList: Array.isArray(args) ? args : [args] }),
  };
}

/** A type as Pode's messages name it (`$x.GetType().Name`): `String`, `Object[]`, not the full name. */
const typeName = (value: unknown) => dotnetTypeOf(value).split('.').pop()!;

/**
 * Add-PodeRoute/Add-PodeStaticRoute -Middleware: each item a function or a middleware hashtable, checked as Pode's
 * ConvertTo-PodeMiddleware checks them (src/Private/Routes.ps1): a $null item is skipped, a hashtable needs a
 * Logic that is a script block.
 */
export function toMiddlewareList(items: readonly unknown[], command: string): Middleware[] {
  return items.flatMap((item): Middleware[] => {
    if (item === null || item === undefined) return [];
    if (typeof item === 'function') return [item as MiddlewareFn];
    if (!isPlainObject(item)) throw errors.InvalidMiddlewareType(command, { type: typeName(item) });
    const def = fromHashtable(item);
    if (def) return [def];
    const logic = pick(item, 'Logic', 'logic', 'ScriptBlock');
    throw logic === undefined ? errors.HashtableMiddlewareNoLogic(command) : errors.InvalidLogicTypeInHashtableMiddleware(command, { type: typeName(logic) });
  });
}

export interface AddMiddlewareOptions {
  name: string;
  logic?: MiddlewareFn;
  inputObject?: Record<string, unknown>;
  route?: string;
  argumentList?: unknown[];
}

/**
 * Add-PodeMiddleware: appends to the server's global middleware, which runs in the order added,
 * before a route's own. Names are unique (case-insensitive), as in Pode.
 */
export function addMiddleware(list: Middleware[], options: AddMiddlewareOptions, command: string): MiddlewareDefinition {
  const { name } = options;
  const taken = list.some((m) => typeof m !== 'function' && m.name?.toLowerCase() === name.toLowerCase());
  if (taken) throw errors.MiddlewareAlreadyDefined(command, { name });

  const base = options.inputObject ? fromHashtable(options.inputObject) : options.logic && { logic: options.logic };
  if (!base) throw errors.MiddlewareNoLogicSupplied(command);
  const route = options.route || base.route;
  const argumentList = options.argumentList ?? base.argumentList;
  const def: MiddlewareDefinition = {
    name,
    logic: base.logic,
    ...(route !== undefined && { route }),
    ...(argumentList !== undefined && argumentList.length > 0 && { argumentList }),
  };
  list.push(def);
  return def;
}
