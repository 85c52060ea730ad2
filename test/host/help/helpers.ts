// Used by the help tests: the repo root, Pode's pages kept under test/fixtures/pode/, and registry look-ups.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../../cmdlets/index.ts';
import { findCmdlet, type RegisteredCmdlet } from '../../../host/cmdlet/registry.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A page of Pode's, kept in the repo (test/fixtures/pode/, see its README for where each comes from). */
export function readPodePage(file: string): string {
  const path = join(repoRoot, 'test', 'fixtures', 'pode', file);
  if (!existsSync(path)) throw new Error(`Pode page not found at ${path}`);
  return readFileSync(path, 'utf8');
}

export function entry(name: string): RegisteredCmdlet {
  const e = findCmdlet(name);
  if (!e) throw new Error(`${name} is not registered`);
  return e;
}
