// Scrapes a podets /metrics endpoint and reads it with a real Prometheus text-format parser
// (parse-prometheus-text-format, prom2json's output shape), so tests compare parsed series, not text.
import parsePrometheusTextFormat, { type Family } from 'parse-prometheus-text-format';
import { call, type Served } from '../sse/helpers.ts';

export interface Scrape {
  status: number;
  contentType: string | undefined;
  text: string;
  families: Map<string, Family>;
}

export async function scrape(server: Served, path = '/metrics', headers: Record<string, string> = {}): Promise<Scrape> {
  const reply = await call(server, 'GET', path, undefined, headers);
  const families = new Map<string, Family>();
  if (reply.status === 200) for (const f of parsePrometheusTextFormat(reply.text)) families.set(f.name, f);
  return { status: reply.status, contentType: reply.headers['content-type'], text: reply.text, families };
}

/** Every series of a counter or gauge as `labels → value`, labels written `k=v,k=v` in name order ('' for none). */
export function series(s: Scrape, name: string, drop: readonly string[] = []): Record<string, number> {
  const family = s.families.get(name);
  if (family === undefined) throw new Error(`no ${name} in the scrape:\n${s.text}`);
  const out: Record<string, number> = {};
  for (const m of family.metrics) out[labelKey(m.labels, drop)] = Number(m.value);
  return out;
}

/**
 * A histogram's observation counts by series, as series() writes them (its `+Inf` bucket checked to agree).
 * The parser folds a histogram's samples into one, which holds only for a histogram without labels; so its
 * `_count` and `_bucket` lines are read as the plain samples they are, from the text without its TYPE line.
 */
export function histogramCounts(s: Scrape, name: string): Record<string, number> {
  if (s.families.get(name)?.type !== 'HISTOGRAM') throw new Error(`no histogram ${name} in the scrape:\n${s.text}`);
  const plain = new Map<string, Family>();
  // Untyped, each run of `_bucket`, `_sum` or `_count` lines is a family of its own: one per series, merged here.
  for (const f of parsePrometheusTextFormat(s.text.replace(`# TYPE ${name} histogram\n`, ''))) {
    const seen = plain.get(f.name);
    if (seen) seen.metrics.push(...f.metrics);
    else plain.set(f.name, f);
  }
  const read = (suffix: string, drop: readonly string[]) => series({ ...s, families: plain }, name + suffix, drop);
  const counts = read('_count', []);
  const inf: Record<string, number> = {};
  for (const m of plain.get(`${name}_bucket`)?.metrics ?? []) if (m.labels?.['le'] === '+Inf') inf[labelKey(m.labels, ['le'])] = Number(m.value);
  if (JSON.stringify(Object.entries(inf).sort()) !== JSON.stringify(Object.entries(counts).sort())) throw new Error(`${name}: +Inf buckets ${JSON.stringify(inf)} differ from counts ${JSON.stringify(counts)}`);
  return counts;
}

function labelKey(labels: Record<string, string> | undefined, drop: readonly string[]): string {
  return Object.keys(labels ?? {})
    .filter((k) => !drop.includes(k))
    .sort()
    .map((k) => `${k}=${labels![k]}`)
    .join(',');
}
