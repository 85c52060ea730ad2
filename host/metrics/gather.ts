// The primary's side of a cluster-wide scrape (--workers): a worker that got GET /metrics asks; every worker
// that exposes metrics is asked for its figures; prom-client's AggregatorRegistry combines them by each
// metric's aggregator (counters, histograms and most gauges summed; see docs/metrics.md) and the text goes back
// to the asking worker. prom-client is loaded on the first scrape, so a cluster without metrics never loads it.
import type { Worker } from 'node:cluster';
import { logWarn } from '../log.ts';
import type { ToWorker } from '../sse/hub/ipc.ts';

/** How long a round waits for the workers' figures: one that has not answered by then is left out. */
const ROUND_MS = 5000;

interface Round {
  from: Worker;
  req: number;
  waiting: Set<Worker>;
  parts: unknown[][];
  timer: NodeJS.Timeout;
}

export class MetricsGather {
  /** Workers that said metrics-on, alive. */
  private readonly exposing = new Set<Worker>();
  private readonly rounds = new Map<number, Round>();
  private nextRound = 1;

  constructor(private readonly send: (w: Worker, m: ToWorker) => void) {}

  exposes(w: Worker): void {
    this.exposing.add(w);
  }

  /** A worker exited: rounds stop waiting for it. */
  gone(w: Worker): void {
    this.exposing.delete(w);
    for (const [id, round] of this.rounds) if (round.waiting.delete(w)) this.settle(id);
  }

  scrape(from: Worker, req: number): void {
    const id = this.nextRound++;
    const waiting = new Set(this.exposing);
    const timer = setTimeout(() => {
      const round = this.rounds.get(id);
      if (round === undefined) return;
      logWarn(`Metrics: ${round.waiting.size} worker(s) did not send their figures within ${ROUND_MS / 1000} s; the scrape leaves them out`);
      round.waiting.clear();
      this.settle(id);
    }, ROUND_MS);
    this.rounds.set(id, { from, req, waiting, parts: [], timer });
    for (const w of waiting) this.send(w, { t: 'metrics-collect', round: id });
    this.settle(id);
  }

  part(w: Worker, id: number, metrics: unknown[]): void {
    const round = this.rounds.get(id);
    if (round === undefined || !round.waiting.delete(w)) return;
    if (Array.isArray(metrics)) round.parts.push(metrics);
    this.settle(id);
  }

  private settle(id: number): void {
    const round = this.rounds.get(id);
    if (round === undefined || round.waiting.size > 0) return;
    this.rounds.delete(id);
    clearTimeout(round.timer);
    void aggregate(round.parts).then(
      (answer) => this.send(round.from, { t: 'metrics-text', req: round.req, ...answer }),
      (err: Error) => {
        logWarn(`Metrics: the workers' figures could not be aggregated: ${err.message}`);
        this.send(round.from, { t: 'metrics-text', req: round.req, text: '', contentType: 'text/plain; charset=utf-8' });
      },
    );
  }
}

async function aggregate(parts: unknown[][]): Promise<{ text: string; contentType: string }> {
  const { AggregatorRegistry, Gauge } = await import('prom-client');
  const registry = AggregatorRegistry.aggregate(parts);
  new Gauge({ name: 'podets_cluster_workers_scraped', help: 'Workers whose figures this scrape includes (--workers).', registers: [registry] }).set(parts.length);
  return { text: await registry.metrics(), contentType: registry.contentType };
}
