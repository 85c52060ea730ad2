// Pode's state cmdlets (file group "State", src/Public/State.ps1): named objects a server shares between its
// requests, timers and schedules, each with an optional Scope, saved to and restored from a JSON file in Pode's
// format. The engine is host/state/store.ts; the state is the server's (server.state.store). Under --workers or
// --redis it is this process's replica of the cluster's (host/state/replica.ts): writes go through it.
import { resolve } from 'node:path';
import { version } from '../host/cli/version.ts';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { currentServer, type PodeServer } from '../host/runtime/server.ts';
import { StateUnreachableError, StateValueError } from '../host/state/replica.ts';
import { newCollection, parseState, readStateFile, StateFormatError, writeFileAtomic, type CollectionType, type StateEntry } from '../host/state/store.ts';
import { systemClock } from '../host/timers/clock.ts';

const cmdlet = defineGroup('State');

const COLLECTIONS = ['Hashtable', 'ConcurrentDictionary', 'OrderedDictionary', 'ConcurrentBag', 'ConcurrentQueue', 'ConcurrentStack'] as const;
const INT16_MAX = 32767;

const store = (command: string) => currentServer(command).state.store;

const list = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);

/** Pode's -Depth is [int16]; podets declares Int32 (its binder has no Int16) and checks Pode's range here. */
function depthOf(depth: number | undefined, command: string): number {
  const d = depth ?? 20;
  if (d < 0 || d > INT16_MAX) throw errors.StateDepthInvalid(command, { depth: d });
  return d;
}

const filterParameters = [
  { name: 'Scope', type: 'String[]', help: 'Filters the state objects by their scope: only those with one of these scopes are kept. Lower precedence than Exclude and Include.' },
  { name: 'Exclude', type: 'String[]', help: 'State object names to exclude. Higher precedence than Include.' },
  { name: 'Include', type: 'String[]', help: 'State object names to only include. Lower precedence than Exclude.' },
  { name: 'Depth', type: 'Int32', default: 20, help: "The maximum depth for JSON serialization (Pode's is an [int16]: 0 to 32767). Default is 20." },
  { name: 'Compress', type: 'SwitchParameter', help: 'If supplied, the JSON is minified (no extra whitespace).' },
] as const;

function serialized(server: PodeServer, args: { Scope?: string | readonly string[]; Exclude?: string | readonly string[]; Include?: string | readonly string[]; Depth?: number; Compress?: boolean }, command: string): string {
  return server.state.store.serialize(
    { scope: list(args.Scope), include: list(args.Include), exclude: list(args.Exclude) },
    {
      depth: depthOf(args.Depth, command),
      compress: args.Compress === true,
      application: 'podets',
      version: version(),
      now: (server.options.clock ?? systemClock).now(),
    },
  );
}

/** A write through the cluster's replica, its failures as catalog errors. */
function shared<R>(command: string, name: string, write: () => R): R {
  try {
    return write();
  } catch (err) {
    if (err instanceof StateUnreachableError) throw errors.StateUnreachable(command, { where: err.where });
    if (err instanceof StateValueError) throw errors.StateValueNotShareable(command, { name: err.stateName ?? name, reason: err.message });
    throw err;
  }
}

/** Restore under a cluster: one replace, or with -Merge a Set of each name not set yet. */
function restoreShared(server: PodeServer, text: string, merge: boolean, command: string): void {
  const replica = server.state.replica!;
  const entries: Array<[string, StateEntry]> = parseState(text);
  if (!merge) return shared(command, '', () => replica.replace(entries));
  for (const [name, entry] of entries) if (!server.state.store.has(name)) shared(command, name, () => replica.set(name, entry.Value, entry.Scope));
}

function restoreText(server: PodeServer, text: string, merge: boolean, path: string, command: string): void {
  try {
    if (server.state.replica) restoreShared(server, text, merge, command);
    else server.state.store.restore(text, merge);
  } catch (err) {
    if (!(err instanceof StateFormatError)) throw err;
    switch (err.kind) {
      case 'notJson':
        throw errors.StateFileNotJson(command, { path, reason: err.detail });
      case 'notPode':
        throw errors.StateFileNotPode(command, { path });
      case 'unknownType':
        throw errors.StateFileUnknownType(command, { path, type: err.detail });
      default:
        throw errors.StateFileInvalidFormat(command, { path, type: err.detail });
    }
  }
}

export const SetPodeState = cmdlet({
  name: 'Set-PodeState',
  synopsis: 'Sets an object within the shared state.',
  description:
    'Sets an object within the shared state, replacing any of that name (names are case-insensitive), with an optional Scope used when saving the state; returns the value. ' +
    '-NewCollectionType makes an empty collection instead: Hashtable, ConcurrentDictionary and OrderedDictionary are an empty object, ConcurrentBag, ConcurrentQueue and ConcurrentStack an empty array. ' +
    'Under --workers or --redis the write applies here at once and reaches every worker and instance in one order (the last writer in that order wins); the others get the value as JSON. ' +
    'It fails with StateUnreachable, changing nothing, when the primary or Redis cannot be reached.',
  examples: [
    { code: "Set-PodeState -Name 'Data' -Value @{ 'Name' = 'Rick Sanchez' }" },
    { code: "Set-PodeState -Name 'Users' -Value @('user1', 'user2') -Scope General, Users" },
    { code: "Set-PodeState -Name 'Cache' -NewCollectionType 'ConcurrentDictionary'" },
  ],
  defaultParameterSet: 'Value',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The name of the state object.' },
    { name: 'Value', type: 'Object', pipeline: true, position: 0, sets: ['Value'], help: 'The value to set in the state.' },
    { name: 'Scope', type: 'String[]', help: 'An optional scope for the state object, used when saving the state.' },
    { name: 'NewCollectionType', type: 'String', mandatory: true, sets: ['Collection'], validateSet: COLLECTIONS, help: 'The type of collection to create as the state object.' },
  ],
  outputs: 'System.Object',
  run: (args, ctx) => {
    const value = args.NewCollectionType !== undefined ? newCollection(args.NewCollectionType as CollectionType) : (args.Value ?? null);
    const replica = currentServer(ctx.command).state.replica;
    if (replica) return shared(ctx.command, args.Name, () => replica.set(args.Name, value, list(args.Scope))).Value;
    return store(ctx.command).set(args.Name, value, list(args.Scope)).Value;
  },
});

export const GetPodeState = cmdlet({
  name: 'Get-PodeState',
  synopsis: 'Retrieves some state object from the shared state.',
  description:
    'Retrieves some state object from the shared state ($null when there is none); with -WithScope, the entry itself: @{ Value; Scope }. ' +
    "Under --workers or --redis it reads this process's replica; a value read while a cluster-wide lock is held and changed in place is shared when the lock is released.",
  examples: [{ code: "Get-PodeState -Name 'Data'" }, { code: "(Get-PodeState -Name 'Users' -WithScope).Scope" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The name of the state object.' },
    { name: 'WithScope', type: 'SwitchParameter', help: "If supplied, the state's value and scope will be returned as a hashtable." },
  ],
  outputs: 'System.Object',
  run: (args, ctx) => {
    const state = currentServer(ctx.command).state;
    const entry = state.store.get(args.Name);
    if (entry === undefined) return null;
    state.noteRead(args.Name);
    return args.WithScope ? entry : entry.Value;
  },
});

export const GetPodeStateNames = cmdlet({
  name: 'Get-PodeStateNames',
  synopsis: 'Returns the current names of state variables.',
  description:
    'Returns the current names of state variables that have been set, in the order they were set. -Scope keeps those with one of the scopes (case-insensitive); ' +
    '-Pattern those whose name matches the regular expression (case-insensitive).',
  examples: [{ code: "$names = Get-PodeStateNames -Scope 'Users'" }, { code: "$names = Get-PodeStateNames -Pattern '^\\w+[0-9]{0,2}$'" }],
  parameters: [
    { name: 'Pattern', type: 'String', help: 'An optional regex Pattern to filter the state names.' },
    { name: 'Scope', type: 'String[]', help: 'An optional Scope to filter the state names.' },
  ],
  outputs: 'System.String[]',
  run: (args, ctx) => {
    let names = store(ctx.command).namesInScope(list(args.Scope));
    if (args.Pattern !== undefined && args.Pattern.trim() !== '') {
      let re: RegExp;
      try {
        re = new RegExp(args.Pattern, 'i');
      } catch (err) {
        throw errors.StatePatternInvalid(ctx.command, { pattern: args.Pattern, reason: (err as Error).message });
      }
      names = names.filter((n) => re.test(n));
    }
    return names;
  },
});

export const RemovePodeState = cmdlet({
  name: 'Remove-PodeState',
  synopsis: 'Removes some state object from the shared state.',
  description:
    'Removes some state object from the shared state. After removal, the original object being stored is returned ($null when there was none). ' +
    'Under --workers or --redis the removal reaches every worker and instance, as Set-PodeState does.',
  examples: [{ code: "Remove-PodeState -Name 'Data'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The name of the state object.' }],
  outputs: 'System.Object',
  run: (args, ctx) => {
    const replica = currentServer(ctx.command).state.replica;
    const removed = replica ? shared(ctx.command, args.Name, () => replica.remove(args.Name)) : store(ctx.command).remove(args.Name);
    return removed?.Value ?? null;
  },
});

export const TestPodeState = cmdlet({
  name: 'Test-PodeState',
  synopsis: 'Tests if the shared state contains some state object.',
  description: 'Tests if the shared state contains some state object.',
  examples: [{ code: "Test-PodeState -Name 'Data'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The name of the state object.' }],
  outputs: 'System.Boolean',
  run: (args, ctx) => store(ctx.command).has(args.Name),
});

export const SavePodeState = cmdlet({
  name: 'Save-PodeState',
  synopsis: 'Saves the current Pode server state to a JSON file.',
  description:
    "Serializes the state into a JSON file in Pode's format (dictionaries kept as { Type; Items }), filtered by Scope, Include and Exclude. " +
    'Resolves once written. The write is atomic: a temp file in the same folder, fsync, then a rename over the target; a failure or a crash mid-save leaves the old file as it was. ' +
    'A relative Path is from the server root.',
  examples: [
    { code: "await Save-PodeState -Path './state.json'" },
    { code: "await Save-PodeState -Path './state.json' -Exclude 'SessionData', 'UserCache'" },
    { code: "await Save-PodeState -Path './state.json' -Scope 'Users'" },
  ],
  parameters: [{ name: 'Path', type: 'String', mandatory: true, help: 'The file path where the state should be saved.' }, ...filterParameters],
  run: async (args, ctx): Promise<void> => {
    const server = currentServer(ctx.command);
    const path = resolve(server.rootPath, args.Path);
    const text = serialized(server, args, ctx.command);
    try {
      await writeFileAtomic(path, text + '\n');
    } catch (err) {
      throw errors.StateSaveFailed(ctx.command, { path, reason: (err as Error).message });
    }
  },
});

export const ConvertFromPodeState = cmdlet({
  name: 'ConvertFrom-PodeState',
  synopsis: 'Serializes the current Pode server state into a JSON string.',
  description: "The JSON Save-PodeState writes, as a string: Pode's format, filtered by Scope, Include and Exclude.",
  examples: [{ code: '$state = ConvertFrom-PodeState' }, { code: "$state = ConvertFrom-PodeState -Exclude 'SessionData', 'Cache'" }],
  parameters: filterParameters,
  outputs: 'System.String',
  run: (args, ctx) => serialized(currentServer(ctx.command), args, ctx.command),
});

export const ConvertToPodeState = cmdlet({
  name: 'ConvertTo-PodeState',
  synopsis: 'Restores the Pode shared state from a JSON string.',
  description:
    'Restores the state from a JSON string in either of Pode\'s formats, replacing it, or with -Merge adding the names it does not have yet (an existing name is kept). An empty string changes nothing.',
  examples: [{ code: "ConvertTo-PodeState -Json '{\"Key1\": {\"Value\": \"Value1\"}}'" }, { code: 'ConvertTo-PodeState -Json $json -Merge' }],
  parameters: [
    { name: 'Json', type: 'String', mandatory: true, pipeline: true, help: 'The JSON string containing the previously saved Pode state.' },
    { name: 'Merge', type: 'SwitchParameter', help: 'If specified, the loaded state will be merged with the existing Pode state.' },
  ],
  run: (args, ctx) => {
    if (args.Json.trim() === '') return;
    restoreText(currentServer(ctx.command), args.Json, args.Merge, '(Json)', ctx.command);
  },
});

export const RestorePodeState = cmdlet({
  name: 'Restore-PodeState',
  synopsis: 'Restores the Pode shared state from a JSON file.',
  description:
    "Reads a JSON file in either of Pode's formats and restores the state, replacing it, or with -Merge adding the names it does not have yet (an existing name is kept). " +
    'A file that does not exist, or is empty, changes nothing. A relative Path is from the server root. ' +
    'Under --workers or --redis the restored state reaches every worker and instance (with -Merge, as one Set-PodeState per name added).',
  examples: [{ code: "Restore-PodeState -Path './state.json'" }, { code: "Restore-PodeState -Path './state.json' -Merge" }],
  parameters: [
    { name: 'Path', type: 'String', mandatory: true, help: 'The JSON file path containing the saved state.' },
    { name: 'Merge', type: 'SwitchParameter', help: 'If specified, the loaded state will be merged with the existing Pode state instead of replacing it.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const path = resolve(server.rootPath, args.Path);
    const text = readStateFile(path);
    if (text === undefined) return;
    restoreText(server, text, args.Merge, path, ctx.command);
  },
});
