// Shared by the help tests: the repo root, the shared seed pages, and registry look-ups.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../../cmdlets/index.ts';
import { findCmdlet, type RegisteredCmdlet } from '../../../host/cmdlet/registry.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function readSeed(file: string): string {
  const path = join(repoRoot, '..', 'shared', 'seeds', file);
  if (!existsSync(path))
    throw new Error(`Seed page not found at ${path}: the shared/ folder (spec and seeds) must sit next to the repo root.`);
  return readFileSync(path, 'utf8');
}

export function entry(name: string): RegisteredCmdlet {
  const e = findCmdlet(name);
  if (!e) throw new Error(`${name} is not registered`);
  return e;
}
