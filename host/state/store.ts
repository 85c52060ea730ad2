// The shared state of one server (Set-/Get-/Remove-/Test-PodeState, Get-PodeStateNames, Save-/Restore-PodeState):
// Pode's $PodeContext.Server.State, a case-insensitive dictionary whose every entry is `@{ Value; Scope }`. It lives
// on the server object (server.state). With --workers or --redis it is this process's replica of the cluster's
// state (replica.ts keeps it in step); without either it is simply the state.
//
// Save writes Pode's file format (ConvertTo-PodeCustomDictionaryJson in src/Private/Helpers.ps1): a Metadata block
// and Data, the state as a ConcurrentDictionary of ConcurrentDictionaries, every dictionary written as
// `{ "Type": "<kind>", "Items": [{ "Key": k, "Value": v }, …] }`. It is atomic: the text goes to a temp file in the
// target's folder, is fsync'd, and is renamed over the target, so a crash or a failure mid-save leaves the old file.
// Restore reads that format, and the older one Pode wrote before it (a plain `{ name: { Value, Scope } }` object).
import { randomBytes } from 'node:crypto';
import { promises as fsp, readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ignoreCaseKey } from '../values/ignorecase.ts';
import { isPlainObject } from '../values/hashtable.ts';
import { toPsJson } from '../values/json.ts';

/** One state object: what Get-PodeState -WithScope returns (the entry itself, as Pode returns its dictionary). */
export interface StateEntry {
  Value: unknown;
  Scope: string[];
}

/** The kinds Set-PodeState -NewCollectionType makes, as podets values (see docs/state.md). */
export type CollectionType = 'Hashtable' | 'ConcurrentDictionary' | 'OrderedDictionary' | 'ConcurrentBag' | 'ConcurrentQueue' | 'ConcurrentStack';

export function newCollection(type: CollectionType): unknown {
  switch (type) {
    case 'Hashtable':
    case 'ConcurrentDictionary':
    case 'OrderedDictionary':
      return {};
    default:
      return [];
  }
}

export interface SaveFilter {
  scope?: readonly string[];
  include?: readonly string[];
  exclude?: readonly string[];
}

/** Why a file cannot be restored; the cmdlet turns it into its catalog error. */
export class StateFormatError extends Error {
  constructor(readonly kind: 'notJson' | 'notDictionary' | 'notPode' | 'unknownType', readonly detail: string) {
    super(detail);
  }
}

const PRODUCT = 'Pode';

export class StateStore {
  /** By ignoreCaseKey(name): the name as first set, and its entry. */
  private readonly entries = new Map<string, { name: string; entry: StateEntry }>();

  /** Set-PodeState: a new entry (Pode replaces the whole entry, scope included). */
  set(name: string, value: unknown, scope: readonly string[] | undefined): StateEntry {
    const entry: StateEntry = { Value: value, Scope: [...(scope ?? [])] };
    const key = ignoreCaseKey(name);
    const known = this.entries.get(key);
    this.entries.set(key, { name: known?.name ?? name, entry });
    return entry;
  }

  get(name: string): StateEntry | undefined {
    return this.entries.get(ignoreCaseKey(name))?.entry;
  }

  has(name: string): boolean {
    return this.entries.has(ignoreCaseKey(name));
  }

  remove(name: string): StateEntry | undefined {
    const key = ignoreCaseKey(name);
    const found = this.entries.get(key);
    this.entries.delete(key);
    return found?.entry;
  }

  clear(): void {
    this.entries.clear();
  }

  /** An entry as it is (the replica puts back the very entry a script holds). */
  put(name: string, entry: StateEntry): void {
    const key = ignoreCaseKey(name);
    this.entries.set(key, { name: this.entries.get(key)?.name ?? name, entry });
  }

  /** The name as first set. */
  nameOf(name: string): string | undefined {
    return this.entries.get(ignoreCaseKey(name))?.name;
  }

  getByKey(key: string): { name: string; entry: StateEntry } | undefined {
    return this.entries.get(key);
  }

  removeByKey(key: string): void {
    this.entries.delete(key);
  }

  /** The name whose Value is this very object (a lock on a state value is a lock on that name). */
  nameOfValue(value: object): string | undefined {
    for (const e of this.entries.values()) if (e.entry.Value === value) return e.name;
    return undefined;
  }

  /** The names, in the order they were first set. */
  names(): string[] {
    return [...this.entries.values()].map((e) => e.name);
  }

  /** Entries whose scope holds one of `scope` (case-insensitive); all of them when `scope` is empty. */
  namesInScope(scope: readonly string[]): string[] {
    if (scope.length === 0) return this.names();
    const wanted = new Set(scope.map(ignoreCaseKey));
    return [...this.entries.values()].filter((e) => e.entry.Scope.some((s) => wanted.has(ignoreCaseKey(String(s))))).map((e) => e.name);
  }

  /** The entries Save-PodeState writes: Scope first, then Include, then Exclude (Pode's precedence). */
  select(filter: SaveFilter): Array<{ name: string; entry: StateEntry }> {
    let chosen = [...this.entries.values()];
    if (filter.scope && filter.scope.length > 0) {
      const wanted = new Set(filter.scope.map(ignoreCaseKey));
      chosen = chosen.filter((e) => e.entry.Scope.some((s) => wanted.has(ignoreCaseKey(String(s)))));
    }
    if (filter.include && filter.include.length > 0) {
      const keep = new Set(filter.include.map(ignoreCaseKey));
      chosen = chosen.filter((e) => keep.has(ignoreCaseKey(e.name)));
    }
    if (filter.exclude && filter.exclude.length > 0) {
      const drop = new Set(filter.exclude.map(ignoreCaseKey));
      chosen = chosen.filter((e) => !drop.has(ignoreCaseKey(e.name)));
    }
    return chosen;
  }

  /** The text Save-PodeState writes. Throws what serialising a value throws (a getter, a toJSON…). */
  serialize(filter: SaveFilter, options: { depth: number; compress: boolean; application: string; version: string; now: Date }): string {
    const items = this.select(filter).map(({ name, entry }) => ({
      Key: name,
      Value: {
        Type: 'ConcurrentDictionary',
        Items: [
          { Key: 'Value', Value: deconstruct(entry.Value) },
          { Key: 'Scope', Value: [...entry.Scope] },
        ],
      },
    }));
    const document = {
      Metadata: { Product: PRODUCT, Version: options.version, Timestamp: options.now.toISOString(), Application: options.application },
      Data: { Type: 'ConcurrentDictionary', Items: items },
    };
    return toPsJson(document, {
      depth: options.depth,
      pretty: !options.compress,
      circular: () => new Error('unreachable: a bounded depth cuts cycles'),
    });
  }

  /** Restore-PodeState: replace (or, with merge, add to) the state from a saved text. An existing name is kept on merge, as Pode's TryAdd does. */
  restore(text: string, merge: boolean): void {
    const parsed = parseState(text);
    if (!merge) this.entries.clear();
    for (const [name, entry] of parsed) {
      const key = ignoreCaseKey(name);
      if (!this.entries.has(key)) this.entries.set(key, { name, entry });
    }
  }
}

/** A value as Pode's Deconstruct writes it: a dictionary as `{ Type, Items }`, arrays item by item, the rest as it is. */
function deconstruct(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(deconstruct);
  if (value instanceof Set) return [...value].map(deconstruct);
  if (value instanceof Map) {
    return { Type: 'Hashtable', Items: [...value].map(([k, v]) => ({ Key: String(k), Value: deconstruct(v) })) };
  }
  if (isPlainObject(value)) {
    // Object.keys reads no getter; the values are read here, so a throwing getter fails the save before any byte is written.
    return { Type: 'Hashtable', Items: Object.keys(value).map((k) => ({ Key: k, Value: deconstruct(value[k]) })) };
  }
  return value;
}

const DICTIONARIES = new Set(['Hashtable', 'ConcurrentDictionary', 'OrderedDictionary']);
const COLLECTIONS = new Set(['ConcurrentBag', 'ConcurrentQueue', 'ConcurrentStack']);

/** A saved value back: `{ Type, Items }` to an object (dictionaries) or an array (bags, queues, stacks). */
function construct(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(construct);
  const obj = value as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(obj, 'Type')) {
    const type = String(obj.Type);
    const items = Array.isArray(obj.Items) ? obj.Items : obj.Items === undefined || obj.Items === null ? [] : [obj.Items];
    if (DICTIONARIES.has(type)) {
      const out: Record<string, unknown> = {};
      for (const pair of items) {
        if (pair === null || typeof pair !== 'object') throw new StateFormatError('notDictionary', `an item of a ${type} is not a Key/Value pair`);
        const p = pair as Record<string, unknown>;
        out[String(p.Key)] = construct(p.Value);
      }
      return out;
    }
    if (COLLECTIONS.has(type)) return items.map(construct);
    throw new StateFormatError('unknownType', type);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) if (k !== '__PsTypeName__') out[k] = construct(obj[k]);
  return out;
}

function scopeOf(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((s) => String(s));
}

/** Both of Pode's formats to entries, by name; the names keep their case. */
export function parseState(text: string): Array<[string, StateEntry]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StateFormatError('notJson', (err as Error).message);
  }
  if (!isPlainObject(parsed)) throw new StateFormatError('notDictionary', Array.isArray(parsed) ? 'System.Object[]' : typeName(parsed));
  let data: unknown = parsed;
  if (parsed.Metadata !== undefined && parsed.Metadata !== null) {
    const meta = parsed.Metadata as Record<string, unknown>;
    if (!isPlainObject(meta) || meta.Product !== PRODUCT) throw new StateFormatError('notPode', '');
    data = construct(parsed.Data);
  }
  if (!isPlainObject(data)) throw new StateFormatError('notDictionary', Array.isArray(data) ? 'System.Object[]' : typeName(data));
  const out: Array<[string, StateEntry]> = [];
  const seen = new Set<string>();
  for (const name of Object.keys(data)) {
    if (name === '') continue;
    const raw = data[name];
    const entry: StateEntry = isPlainObject(raw)
      ? { Value: 'Value' in raw ? (raw.Value ?? null) : null, Scope: scopeOf(raw.Scope) }
      : { Value: raw ?? null, Scope: [] };
    const key = ignoreCaseKey(name);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([name, entry]);
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return 'System.String';
    case 'number':
      return Number.isInteger(value) ? 'System.Int64' : 'System.Double';
    case 'boolean':
      return 'System.Boolean';
    default:
      return 'System.Object';
  }
}

/** Read a saved state file; undefined when it does not exist or is empty/whitespace (Pode returns silently then). */
export function readStateFile(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  return text.trim() === '' ? undefined : text;
}

/** The temp files of saves to `target` are named so: `.<name>.<random>.tmp`, in the target's folder. */
export function isTempFor(target: string, file: string): boolean {
  const base = basename(target);
  return file.startsWith(`.${base}.`) && file.endsWith('.tmp');
}

const CHUNK = 64 * 1024;

/**
 * Write `text` to `target` atomically: a temp file beside it (exclusive create), written, fsync'd, closed, then
 * renamed over the target (and the folder fsync'd where the platform allows). Any failure removes the temp file
 * and leaves the target as it was.
 */
export interface WriteHooks {
  /** Called after each chunk is written (tests make a write fail part-way with it). */
  afterChunk?(written: number, temp: string): void | Promise<void>;
}

export async function writeFileAtomic(target: string, text: string, hooks: WriteHooks = {}): Promise<void> {
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = Buffer.from(text, 'utf8');
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(temp, 'wx', 0o644);
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const end = Math.min(at + CHUNK, bytes.length);
      let written = at;
      while (written < end) written += (await handle.write(bytes, written, end - written, written)).bytesWritten;
      await hooks.afterChunk?.(end, temp);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not every platform opens or fsyncs a folder (Windows); the rename is done either way.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
