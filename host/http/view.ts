// Write-PodeViewResponse. Views live in the server root's views/ folder. A name without an extension
// is an `.html` view (Pode's default view engine), sent as it is. A `.pode` view is dynamic, as with
// Pode's own engine: each `$($data.Name)` (a property path into -Data) is replaced by its value.
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { isPlainObject } from '../values/hashtable.ts';
import { psString } from '../values/text.ts';
import { logWarn } from '../log.ts';
import { respondStatus } from './failure.ts';
import { html, view } from './respond.ts';
import type { WebEvent } from './webevent.ts';

const PLACEHOLDER = /\$\(\s*\$data((?:\.\w+)+)\s*\)/gi;

/** Fills `$($data.a.b)` placeholders; property names match case-insensitively, like PowerShell's. */
export function renderPodeView(template: string, data: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_, path: string) => {
    let value: unknown = data;
    for (const name of path.slice(1).split('.')) value = propertyOf(value, name);
    if (value === undefined || value === null) return '';
    return isPlainObject(value) ? JSON.stringify(value) : psString(value);
  });
}

function propertyOf(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.hasOwn(rec, name)) return rec[name];
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : rec[key];
}

/** Sends view `name` from `viewsDir`; `data` gets Pode's `pagename` (the name asked for) unless set. */
export async function viewResponse(event: WebEvent, viewsDir: string, name: string, data: Record<string, unknown>, status?: number): Promise<void> {
  if (status !== undefined) event.Response.StatusCode = status;
  if (extname(name).toLowerCase() !== '.pode') return view(event, viewsDir, name, data);

  const root = resolve(viewsDir);
  const file = resolve(root, name);
  const rel = relative(root, file);
  if (name.includes('\0') || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    logWarn(`Write-PodeViewResponse: refused view '${name}': it is outside ${root}`);
    return respondStatus(event, 403);
  }
  let template: string;
  try {
    template = await readFile(file, 'utf8');
  } catch {
    return respondStatus(event, 404);
  }
  html(event, renderPodeView(template, { pagename: name, ...data }));
}
