// Write-PodeHost: text to the terminal in an optional console colour, silenced only by --quiet (as
// Pode's -Quiet silences it, and -Force overrides it), never by the log level: it is the script's own output.
import { inspect } from 'node:util';
import chalk from 'chalk';
import { isPlainObject } from '../values/hashtable.ts';
import { psString } from '../values/text.ts';
import { dotnetTypeOf } from '../values/typename.ts';
import { isQuiet } from '../log.ts';

/** [System.ConsoleColor], mapped onto the 16 ANSI colours the way Windows Terminal does. */
export const CONSOLE_COLORS = [
  'Black', 'DarkBlue', 'DarkGreen', 'DarkCyan', 'DarkRed', 'DarkMagenta', 'DarkYellow', 'Gray',
  'DarkGray', 'Blue', 'Green', 'Cyan', 'Red', 'Magenta', 'Yellow', 'White',
] as const;
export type ConsoleColor = (typeof CONSOLE_COLORS)[number];

const PAINT: Record<ConsoleColor, (s: string) => string> = {
  Black: (s) => chalk.black(s),
  DarkBlue: (s) => chalk.blue(s),
  DarkGreen: (s) => chalk.green(s),
  DarkCyan: (s) => chalk.cyan(s),
  DarkRed: (s) => chalk.red(s),
  DarkMagenta: (s) => chalk.magenta(s),
  DarkYellow: (s) => chalk.yellow(s),
  Gray: (s) => chalk.white(s),
  DarkGray: (s) => chalk.gray(s),
  Blue: (s) => chalk.blueBright(s),
  Green: (s) => chalk.greenBright(s),
  Cyan: (s) => chalk.cyanBright(s),
  Red: (s) => chalk.redBright(s),
  Magenta: (s) => chalk.magentaBright(s),
  Yellow: (s) => chalk.yellowBright(s),
  White: (s) => chalk.whiteBright(s),
};

export interface HostWriteOptions {
  foregroundColor?: string;
  noNewLine?: boolean;
  /** -Explode: the object's whole content, over several lines if need be. */
  explode?: boolean;
  showType?: boolean;
  label?: string;
  /** -Force: written even under --quiet. */
  force?: boolean;
}

/**
 * Write-Host's text for a value: arrays joined by spaces (Write-Host's separator), plain objects as
 * JSON rather than PowerShell's bare type name, which would say nothing.
 */
export function hostText(value: unknown): string {
  if (Array.isArray(value)) return value.map(hostText).join(' ');
  if (isPlainObject(value)) return JSON.stringify(value);
  return psString(value);
}

/** The text Write-PodeHost prints for `value` (without the newline). */
export function formatHostOutput(value: unknown, options: HostWriteOptions = {}): string {
  if (!options.explode) return hostText(value);
  let text: string;
  if (value === null || value === undefined) text = options.showType ? '\tNull Value' : '';
  else {
    text = typeof value === 'string' ? value : inspect(value, { depth: null, colors: false, breakLength: 100 });
    if (options.showType) text = `\tTypeName: ${dotnetTypeOf(value)}\n${text}`;
  }
  return options.label ? `\tName: ${options.label} ${text}` : text;
}

/** Where Write-PodeHost's text goes: the text as written, its newline included (none with -NoNewLine). */
export type HostSink = (text: string) => void;

/** The terminal is the process's: one sink for every server, as for log lines (host/log.ts). */
let hostSink: HostSink = (text) => void process.stdout.write(text);

/**
 * Tests that run a script in this process read what it wrote by swapping the sink (as setLogSink does for
 * log lines); returns the previous one, to put back.
 */
export function setHostSink(sink: HostSink): HostSink {
  const old = hostSink;
  hostSink = sink;
  return old;
}

export function writeHost(value: unknown, options: HostWriteOptions = {}): void {
  if (isQuiet() && !options.force) return;
  let text = formatHostOutput(value, options);
  const color = CONSOLE_COLORS.find((c) => c.toLowerCase() === options.foregroundColor?.toLowerCase());
  if (color) text = PAINT[color](text);
  hostSink(options.noNewLine ? text : text + '\n');
}
