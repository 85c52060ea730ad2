// The worker side of a cluster-wide scrape (--workers): the worker that gets GET /metrics asks the primary,
// which asks every worker exposing metrics for its figures (this worker too), aggregates them with
// prom-client's AggregatorRegistry (host/metrics/gather.ts) and answers the text.
import { logException } from '../log.ts';
import { unwrap, type ToPrimary, type ToWorker } from '../sse/hub/ipc.ts';

/** How long a scrape waits for the primary's answer (it waits for the workers itself, less long). */
const ANSWER_MS = 10_000;

export interface ClusterText {
  text: string;
  contentType: string;
}

export class ClusterScrape {
  private nextReq = 1;
  private readonly pending = new Map<number, { resolve: (a: ClusterText) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly onMessage = (raw: unknown) => {
    try {
      this.receive(unwrap<ToWorker>(raw));
    } catch (err) {
      logException('Metrics message from the primary', err);
    }
  };

  /** `collect`: this worker's figures (prom-client's getMetricsAsJSON()). */
  constructor(private readonly collect: () => Promise<unknown[]>) {
    process.on('message', this.onMessage);
    this.post({ t: 'metrics-on' });
  }

  /** The cluster's figures, aggregated by the primary. */
  scrape(): Promise<ClusterText> {
    if (!process.connected) return Promise.reject(new Error('the cluster primary is gone'));
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(req);
        reject(new Error(`the cluster primary did not answer within ${ANSWER_MS / 1000} s`));
      }, ANSWER_MS);
      this.pending.set(req, { resolve, reject, timer });
      this.post({ t: 'metrics-scrape', req });
    });
  }

  /** The server stops: the IPC listener goes (it would keep the channel, and so the process, alive). */
  close(): void {
    process.off('message', this.onMessage);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the server is stopping'));
    }
    this.pending.clear();
  }

  private post(message: ToPrimary): void {
    if (!process.send || !process.connected) return;
    process.send({ podets: message }, undefined, undefined, () => {});
  }

  private receive(m: ToWorker | undefined): void {
    if (m?.t === 'metrics-collect') {
      const round = m.round;
      this.collect().then(
        (metrics) => this.post({ t: 'metrics-part', round, metrics }),
        (err) => {
          logException('Collecting metrics for the cluster', err);
          this.post({ t: 'metrics-part', round, metrics: [] });
        },
      );
    } else if (m?.t === 'metrics-text') {
      const p = this.pending.get(m.req);
      if (p === undefined) return;
      this.pending.delete(m.req);
      clearTimeout(p.timer);
      p.resolve({ text: m.text, contentType: m.contentType });
    }
  }
}
