// The table of the rows that run one server at a time (bench/sse/burst.ts, large.ts): rows × servers, then
// podets ÷ each other server, with podets' own figure checked against a row's goal.

export interface FigureRow<R> {
  label: string;
  unit: string;
  digits: number;
  value(r: R): number | undefined;
  /** podets' own figure at most this. */
  goal?: number;
}

/** The results as a Markdown table; `missed(row, figure)` words a goal podets missed. */
export function oneAtATimeTable<R>(
  corner: string,
  names: string[],
  results: Map<string, R>,
  rows: FigureRow<R>[],
  missed: (row: FigureRow<R>, figure: string) => string,
): { text: string; misses: string[] } {
  const others = names.filter((name) => name !== 'podets' && names.includes('podets'));
  const header = [corner, 'unit', ...names, ...others.map((o) => `podets/${o}`)];
  const misses: string[] = [];
  const lines = rows.map((row) => {
    const v = (name: string) => {
      const r = results.get(name);
      const x = r === undefined ? undefined : row.value(r);
      return x === undefined || Number.isNaN(x) ? undefined : x;
    };
    const line = [row.label, row.unit, ...names.map((name) => (v(name) === undefined ? '—' : v(name)!.toFixed(row.digits)))];
    for (const o of others) {
      const a = v('podets');
      const b = v(o);
      line.push(a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
    }
    const mine = v('podets');
    if (row.goal !== undefined) {
      line[0] += ` (goal ≤ ${row.goal})`;
      if (mine !== undefined && mine > row.goal) misses.push(missed(row, `${mine.toFixed(row.digits)} ${row.unit}`));
    }
    return line;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${header.map((_, i) => (cells[i] ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`;
  return { text: [fmt(header), rule, ...lines.map(fmt)].join('\n'), misses };
}
