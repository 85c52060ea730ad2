// The worker side of the node:cluster hub: sends and closes go to the primary, which hands them back to
// every worker in one order; presence and replay also go through it.
import { logWarn } from '../../log.ts';
import { PresenceMirror } from './presence.ts';
import { unwrap, WORKER_ENV, type ToPrimary, type ToWorker } from './ipc.ts';
import type { HubDelivery, PresenceEntry, ReplayAnswer, ReplayQuery, SseHub } from './types.ts';

export class ClusterHub implements SseHub {
  readonly instance = `worker-${process.env[WORKER_ENV] ?? process.pid}`;
  readonly remote = new PresenceMirror();
  private handler: ((m: HubDelivery) => void) | undefined;
  private remoteJoin: ((e: PresenceEntry) => void) | undefined;
  private nextReq = 1;
  private readonly pending = new Map<number, (a: ReplayAnswer) => void>();
  private readonly listener = (raw: unknown) => this.receive(unwrap<ToWorker>(raw));

  constructor() {
    process.on('message', this.listener);
  }

  get connected(): boolean {
    return process.connected === true;
  }

  private post(message: ToPrimary): void {
    if (!process.send || !process.connected) return;
    process.send({ podets: message });
  }

  publish(message: HubDelivery): void {
    this.post(message);
  }
  onDelivery(handler: (m: HubDelivery) => void): void {
    this.handler = handler;
  }
  onRemoteJoin(handler: (e: PresenceEntry) => void): void {
    this.remoteJoin = handler;
  }
  join(entry: PresenceEntry): void {
    this.post({ t: 'join', entry });
  }
  leave(entry: PresenceEntry): void {
    this.post({ t: 'leave', entry });
  }
  listening(endpoints: ToPrimary & { t: 'listening' }): void {
    this.post(endpoints);
  }
  stopCluster(): void {
    this.post({ t: 'stop-cluster' });
  }

  replay(query: ReplayQuery): Promise<ReplayAnswer> {
    const req = this.nextReq++;
    return new Promise((resolve) => {
      this.pending.set(req, resolve);
      this.post({ t: 'replay', req, query });
    });
  }

  async close(): Promise<void> {
    process.off('message', this.listener);
    for (const resolve of this.pending.values()) resolve({ kind: 'none' });
    this.pending.clear();
  }

  private receive(m: ToWorker | undefined): void {
    if (!m) return;
    switch (m.t) {
      case 'deliver':
        this.handler?.(m.message);
        return;
      case 'presence':
        if (m.op === 'join') {
          this.remote.add(m.instance, m.entry);
          this.remoteJoin?.(m.entry);
        } else this.remote.remove(m.instance, m.entry);
        return;
      case 'gone':
        this.remote.dropInstance(m.instance);
        return;
      case 'snapshot':
        for (const [instance, entries] of Object.entries(m.presence)) if (instance !== this.instance) this.remote.replaceInstance(instance, entries);
        return;
      case 'replayed': {
        const resolve = this.pending.get(m.req);
        this.pending.delete(m.req);
        if (resolve) resolve(m.answer);
        else logWarn(`SSE replay answer ${m.req} arrived for no request`);
        return;
      }
    }
  }
}
