// Shared test plumbing: capture the host logger's lines, and let promise chains settle.
import { getLogLevel, setLogLevel, setLogSink } from '../../../host/log.ts';
import type { LogLevel, LogSink } from '../../../host/log.ts';

export interface Captured {
  lines: { level: LogLevel; line: string }[];
  restore(): void;
  /** Lines at a level, colour codes stripped. */
  at(level: LogLevel): string[];
}

export function captureLogs(level: LogLevel = 'verbose'): Captured {
  const lines: Captured['lines'] = [];
  const oldLevel = getLogLevel();
  setLogLevel(level);
  const oldSink: LogSink = setLogSink((lvl, line) => lines.push({ level: lvl, line }));
  return {
    lines,
    restore() {
      setLogSink(oldSink);
      setLogLevel(oldLevel);
    },
    at(lvl) {
      return lines.filter((l) => l.level === lvl).map((l) => l.line.replace(/\x1b\[[0-9;]*m/g, ''));
    },
  };
}

/** Let pending promise callbacks run (one turn of the event loop). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
