// The bus script: every send, close and lost-notice goes through it, so that in one atomic step it gets its
// place in the bus' single order (`b`, one counter for the whole space) and, for a send, each history Name's
// position, the event is kept in the Name's list, and the message is published with all of that. Because
// keeping and publishing are one step, an instance that reads a list (a replay) and then hears the channel
// misses nothing in between: what it hears is either in what it read, or later.
//
// Positions are a hybrid clock in microseconds from Redis' own TIME (see host/sse/seq.ts): max(last + 1,
// now), so they strictly increase, and a Redis restarted without its data starts above every id it gave
// out before. Each kept entry also notes the bus place of the Name's previous event (`pb`), so a catch-up
// can tell "nothing of this Name was dropped since bus place H" from "some were evicted".
//
// KEYS: bus counter, control list, control meta, then per history Name: its event list and its meta hash.
// ARGV: channel, kind (s | c | g), the message JSON (an object; fields are appended), the given id
// ('' = use the position), the frame after its id line, the narrowing (JSON or null), the sender's token
// as JSON members (`"o":…,"k":…`), then per history Name: name, count, max age in ms (0 = none).
export const BUS_SCRIPT = `
local b = redis.call('INCR', KEYS[1])
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)
local head = string.sub(ARGV[3], 1, -2) .. ',"b":' .. b
if ARGV[2] ~= 's' then
  local pb = tonumber(redis.call('HGET', KEYS[3], 'b') or '0')
  redis.call('RPUSH', KEYS[2], head .. ',"pb":' .. pb .. ',"tm":' .. string.format('%d', nowMs) .. '}')
  redis.call('LTRIM', KEYS[2], -1000, -1)
  redis.call('PEXPIRE', KEYS[2], 3600000)
  redis.call('HSET', KEYS[3], 'b', b)
  redis.call('PUBLISH', ARGV[1], head .. '}')
  return b
end
local n = (#KEYS - 3) / 2
local seqs = {}
for i = 1, n do
  local list = KEYS[4 + (i - 1) * 2]
  local meta = KEYS[5 + (i - 1) * 2]
  local base = 8 + (i - 1) * 3
  local count = tonumber(ARGV[base + 1])
  local maxAge = tonumber(ARGV[base + 2])
  local last = tonumber(redis.call('HGET', meta, 's') or '0')
  local pb = tonumber(redis.call('HGET', meta, 'b') or '0')
  local seq = math.max(last + 1, nowUs)
  local s = string.format('%.0f', seq)
  local id = ARGV[4]
  if id == '' then id = s end
  redis.call('RPUSH', list, '{"s":' .. s .. ',"b":' .. b .. ',"pb":' .. pb .. ',"i":' .. cjson.encode(id) ..
    ',"t":' .. string.format('%d', nowMs) .. ',"f":' .. cjson.encode('id: ' .. id .. '\\n' .. ARGV[5]) ..
    ',"w":' .. ARGV[6] .. ',' .. ARGV[7] .. '}')
  redis.call('LTRIM', list, -count, -1)
  if maxAge > 0 then redis.call('PEXPIRE', list, maxAge) else redis.call('PERSIST', list) end
  redis.call('HSET', meta, 's', s, 'b', b)
  seqs[i] = cjson.encode(ARGV[base]) .. ':' .. s
end
if n > 0 then head = head .. ',"s":{' .. table.concat(seqs, ',') .. '}' end
redis.call('PUBLISH', ARGV[1], head .. '}')
return b
`;

/** The keys of one shared space (prefix, database). */
export class SpaceKeys {
  constructor(
    readonly prefix: string,
    db: number,
  ) {
    // Pub/sub ignores the database number: the channel carries it so /0 and /5 stay apart.
    this.channel = `${prefix}bus:${db}`;
  }
  readonly channel: string;
  get bus(): string {
    return `${this.prefix}bus-seq`;
  }
  get control(): string {
    return `${this.prefix}control`;
  }
  get controlMeta(): string {
    return `${this.prefix}control-pos`;
  }
  events(name: string): string {
    return `${this.prefix}events:${name}`;
  }
  meta(name: string): string {
    return `${this.prefix}pos:${name}`;
  }
  presence(instance: string): string {
    return `${this.prefix}presence:${instance}`;
  }
  get presencePrefix(): string {
    return `${this.prefix}presence:`;
  }
}

/** One kept event, as the bus script writes it. */
export interface StoredEvent {
  /** Position. */
  s: number;
  /** Bus place, and the bus place of the Name's previous event. */
  b: number;
  pb: number;
  i: string;
  /** Redis time, ms. */
  t: number;
  f: string;
  /** Narrowing; groups lower-cased. */
  w: { g?: string[]; c?: string[] } | null;
  o: string;
  k: number;
}

/** One kept close or lost-notice: the bus message, with its bus place, the previous one's, and Redis time. */
export interface StoredControl {
  t: 'c' | 'g';
  n: string | string[];
  g?: string[];
  c?: string[];
  o: string;
  k: number;
  b: number;
  pb: number;
  tm: number;
}

export function parseStoredEvent(text: string): StoredEvent | undefined {
  try {
    const e = JSON.parse(text) as StoredEvent;
    return typeof e?.s === 'number' && typeof e.b === 'number' && typeof e.i === 'string' && typeof e.f === 'string' ? e : undefined;
  } catch {
    return undefined; // a foreign value: skipped
  }
}

export function parseStoredControl(text: string): StoredControl | undefined {
  try {
    const e = JSON.parse(text) as StoredControl;
    return (e?.t === 'c' || e?.t === 'g') && typeof e.b === 'number' && typeof e.pb === 'number' ? e : undefined;
  } catch {
    return undefined;
  }
}
