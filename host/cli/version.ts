import { readFileSync } from 'node:fs';

// This file runs from host/cli/ (source) or dist/host/cli/ (the package): package.json is two or three up.
const CANDIDATES = ['../../package.json', '../../../package.json'];

export function version(): string {
  for (const rel of CANDIDATES) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'podets') return pkg.version;
    } catch {
      // not this one
    }
  }
  return '0.0.0';
}
