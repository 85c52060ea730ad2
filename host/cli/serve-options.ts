// `podets serve` options, declared once: commander builds --help and validation from this table, and the
// host reads the parsed values by key. Invalid values are refused with the valid choices (exit 2).
import { InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS } from '../log.ts';
import { parseBackplaneUrl } from '../sse/hub/redis-url.ts';

function integer(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes, as a number or with a PowerShell-style suffix (`10mb` = 10MB in PowerShell = 10 × 1024²). */
function size(min: number, max: number, what: string) {
  return (value: string): number => {
    const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
    const n = m ? Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]! : NaN;
    if (!(n >= min && n <= max)) {
      throw new InvalidArgumentError(`${what} must be a number of bytes from ${min} to ${max}, optionally with kb, mb or gb (powers of 1024).`);
    }
    return n;
  };
}

/** A redis:// or rediss:// URL (checked here, so a typo is exit 2 before anything starts). */
function redisUrl(value: string): string {
  try {
    parseBackplaneUrl(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

/** One of `choices`, compared case-insensitively as PowerShell's ValidateSet does; binds the declared casing. */
function choice(choices: readonly string[]) {
  return (value: string): string => {
    const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    return found;
  };
}

export interface OptionSpec {
  flags: string;
  description: string;
  choices?: readonly string[];
  parse?: (value: string) => unknown;
  env?: string;
}

export const SERVE_OPTIONS = {
  address: { flags: '--address <addr>', description: 'address to listen on (default 127.0.0.1; overrides the first endpoint)' },
  port: { flags: '--port <n>', description: 'port to listen on (default 8080; 0 = a free port)', parse: integer(0, 65535, 'The port') },
  sseDefaultScope: {
    flags: '--sse-default-scope <scope>',
    description: 'default scope of new SSE connections (a SetPodeSseDefaultScope call in the script wins)',
    choices: ['Local', 'Global'],
  },
  sseSecret: {
    flags: '--sse-secret <secret>',
    description: 'sign SSE ClientIds with this secret (prefer the PODETS_SSE_SECRET variable: argv is visible to other users)',
    env: 'PODETS_SSE_SECRET',
  },
  sseStrict: { flags: '--sse-strict', description: "bind signed ClientIds to the client's User-Agent and IP (needs a secret)" },
  ssePingInterval: {
    flags: '--sse-ping-interval <seconds>',
    description: 'send pode.ping after this many seconds of inactivity (default 60; 0 = never)',
    parse: integer(0, 86400, 'The ping interval'),
  },
  sseHistory: {
    flags: '--sse-history <count>',
    description: 'keep the last <count> events of every SSE Name for replay on reconnect (default 0 = off)',
    parse: integer(0, 1_000_000, 'The history count'),
  },
  sseMaxBuffer: {
    flags: '--sse-max-buffer <bytes>',
    description: 'unsent bytes allowed per SSE connection before a slow client is dropped (default 1048576)',
    parse: integer(1024, 2 ** 31 - 1, 'The buffer size'),
  },
  sseBroadcastLevel: {
    flags: '--sse-broadcast-level <level>',
    description: 'default broadcast level for every SSE Name',
    choices: ['Name', 'Group', 'ClientId'],
  },
  workers: {
    flags: '--workers <n|auto>',
    description: 'run <n> node:cluster workers sharing the port (auto = one per CPU); SSE works across them',
    parse: (value: string) => (value === 'auto' ? value : integer(1, 256, 'The number of workers')(value)),
  },
  redis: {
    flags: '--redis <url>',
    description:
      'share the SSE space with other instances through Redis pub/sub (redis://[user:password@]host[:port][/db]; ?prefix=<keys prefix> and ?presenceTtl=<seconds> optional); unreachable at start = exit 1. Prefer the PODETS_REDIS_URL variable when the URL holds a password: argv is visible to other users',
    parse: redisUrl,
    env: 'PODETS_REDIS_URL',
  },
  bodyLimit: {
    flags: '--body-limit <bytes>',
    description: 'largest request body accepted, e.g. 10mb (default 10mb; 413 above it)',
    parse: size(1, 2 ** 31 - 1, 'The body limit'),
  },
  bodyBudget: {
    flags: '--body-budget <bytes>',
    description: 'request body bytes held at once across all requests (default 100mb, at least the body limit; 503 over it)',
    parse: size(1, 2 ** 40, 'The body budget'),
  },
  requestTimeout: {
    flags: '--request-timeout <seconds>',
    description: "time for a whole request (head and body) to arrive (default 30, Pode's; 408 after it; 0 = no limit)",
    parse: integer(0, 86400, 'The request timeout'),
  },
  headersTimeout: {
    flags: '--headers-timeout <seconds>',
    description: 'time for the request head to arrive, at most the request timeout (default: the request timeout, or 30 when that is 0)',
    parse: integer(0, 86400, 'The headers timeout'),
  },
  taskQueueLimit: {
    flags: '--task-queue-limit <n>',
    description: 'task processes that may wait for a free slot at once (default 10000); Invoke-PodeTask past it fails with TaskQueueFull',
    parse: integer(1, 10_000_000, 'The task queue limit'),
  },
  metrics: {
    flags: '--metrics',
    description: 'expose Prometheus metrics at /metrics (cluster-wide under --workers; Enable-PodeMetricsEndpoint sets another path or an authentication)',
  },
  watch: { flags: '--watch', description: 'restart the server when the script or a file beside it changes' },
  quiet: { flags: '--quiet', description: 'print only errors (and the Listening lines)' },
  logLevel: { flags: '--log-level <level>', description: 'how much to log', choices: LOG_LEVELS },
  status: { flags: '--status', description: 'serve a live status page at /podets/status (connections, events per second, workers; off by default)' },
  statusAuthentication: {
    flags: '--status-authentication <name>',
    description: "protect the status page and its stream with this authentication method of the script's (Add-PodeAuth); implies --status",
  },
} satisfies Record<string, OptionSpec>;

export type ServeOptionValues = {
  address?: string;
  port?: number;
  sseDefaultScope?: 'Local' | 'Global';
  sseSecret?: string;
  sseStrict?: boolean;
  ssePingInterval?: number;
  sseHistory?: number;
  sseMaxBuffer?: number;
  sseBroadcastLevel?: 'Name' | 'Group' | 'ClientId';
  workers?: number | 'auto';
  redis?: string;
  bodyLimit?: number;
  bodyBudget?: number;
  requestTimeout?: number;
  headersTimeout?: number;
  taskQueueLimit?: number;
  metrics?: boolean;
  watch?: boolean;
  quiet?: boolean;
  logLevel?: (typeof LOG_LEVELS)[number];
  status?: boolean;
  statusAuthentication?: string;
};

/** How a flag's text becomes its value: its choices (case-insensitive) or its parser; none for plain text. */
function parserOf(spec: OptionSpec): ((value: string) => unknown) | undefined {
  return spec.choices ? choice(spec.choices) : spec.parse;
}

export function commanderOptions(): Option[] {
  return Object.values(SERVE_OPTIONS as Record<string, OptionSpec>).map((spec) => {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    const parse = parserOf(spec);
    if (parse) option.argParser(parse);
    if (spec.env) option.env(spec.env);
    return option;
  });
}

/** The options createPodeServer takes: those of `podets serve` that make sense without a CLI, camelCase. */
const CLI_ONLY = ['workers', 'watch', 'address', 'port'] as const;
export type EmbeddedOptionValues = Omit<ServeOptionValues, (typeof CLI_ONLY)[number]>;
const NOT_EMBEDDED = new Set<string>(CLI_ONLY);

/**
 * Checks option values given in code with the CLI's own parsers, so `{ sseHistory: -1 }` is refused with
 * the text `--sse-history -1` gets. Returns the parsed values; throws `option: message` for the first bad one.
 */
export function checkEmbeddedOptions(given: Record<string, unknown>): EmbeddedOptionValues {
  const specs = SERVE_OPTIONS as Record<string, OptionSpec>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const spec = Object.hasOwn(specs, key) && !NOT_EMBEDDED.has(key) ? specs[key]! : undefined;
    if (!spec) {
      const valid = Object.keys(specs).filter((k) => !NOT_EMBEDDED.has(k));
      throw new InvalidArgumentError(`'${key}' is not an option; valid options are ${valid.join(', ')}.`);
    }
    const takesValue = spec.flags.includes('<');
    if (!takesValue) {
      if (typeof value !== 'boolean') throw new InvalidArgumentError(`'${key}' must be true or false.`);
      out[key] = value;
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw new InvalidArgumentError(`'${key}' must be a string or a number.`);
    try {
      out[key] = (parserOf(spec) ?? String)(String(value));
    } catch (err) {
      throw new InvalidArgumentError(`'${key}': ${(err as Error).message}`);
    }
  }
  return out as EmbeddedOptionValues;
}
