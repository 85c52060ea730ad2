// Write-PodeHtmlResponse with a non-string Value: Pode pipes it through ConvertTo-Html, which renders
// objects as a table, one row per object and one column per property. This is that, for JS values.
import { isPlainObject } from '../values/hashtable.ts';
import { psString } from '../values/text.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const cell = (v: unknown) => escapeHtml(isPlainObject(v) || (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) ? JSON.stringify(v) : psString(v));

/** A whole page holding the table, as ConvertTo-Html writes (title "HTML TABLE"). */
export function toHtmlTable(value: unknown): string {
  const rows = Array.isArray(value) ? value : [value];
  const objects = rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && !(r instanceof Date));
  let head: string;
  let body: string;
  if (objects && rows.length > 0) {
    // Columns in first-seen order across all rows, so ragged objects still line up.
    // A Set: request data can hold many rows with distinct keys, and a list search would make that quadratic.
    const seen = new Set<string>();
    for (const r of rows) for (const k of Object.keys(r as object)) seen.add(k);
    const columns = [...seen];
    head = `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
    body = rows.map((r) => `<tr>${columns.map((c) => `<td>${cell((r as Record<string, unknown>)[c])}</td>`).join('')}</tr>`).join('\n');
  } else {
    // Scalars: ConvertTo-Html's single `*` column.
    head = '<tr><th>*</th></tr>';
    body = rows.map((r) => `<tr><td>${cell(r)}</td></tr>`).join('\n');
  }
  return (
    '<!DOCTYPE html>\n<html>\n<head>\n<title>HTML TABLE</title>\n</head><body>\n<table>\n' +
    `${head}\n${body}\n</table>\n</body></html>`
  );
}
