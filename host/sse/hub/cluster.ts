// The worker side of the node:cluster hub: sends and closes go to the primary, which hands them back to
// every worker in one order; presence and replay also go through it. The primary's answers to one worker
// arrive in the order it handled things, so a replay answer comes after every delivery it covers.
import { logException, logWarn } from '../../log.ts';
import { JoinEchoes } from './join-echoes.ts';
import { PresenceMirror } from './presence.ts';
import { unwrap, WORKER_ENV, type ToPrimary, type ToWorker } from './ipc.ts';
import type { HubClose, HubListener, HubSend, Ordered, PeerLink, PeerListener, PresenceEntry, ReplayAnswer, ReplayQuery, SseHub } from './types.ts';

export class ClusterHub implements SseHub {
  readonly instance = `worker-${process.env[WORKER_ENV] ?? process.pid}`;
  readonly remote = new PresenceMirror();
  /** Own joins the primary has not handed back yet: a remote join heard meanwhile is the older one. */
  private readonly echoes = new JoinEchoes();
  private listener: HubListener | undefined;
  /** Orphans handed over before the engine listened: their Disconnect still fires, once it does. */
  private readonly early: PresenceEntry[] = [];
  private nextReq = 1;
  private peerListener: PeerListener | undefined;
  /** Figures go to the primary, which relays them to the other workers and says when one is gone. */
  readonly peers: PeerLink = {
    publish: (snapshot) => this.post({ t: 'peer', snapshot }),
    listen: (listener) => void (this.peerListener = listener),
  };
  onLag: ((ms: number) => void) | undefined = undefined;
  /** When each of this worker's sends still on its way through the primary was posted (performance.now()). */
  private readonly sentAt: number[] = [];
  /** Replays and syncs waiting for the primary's answer, by request number. */
  private readonly pending = new Map<number, (a: ReplayAnswer) => void>();
  private readonly onMessage = (raw: unknown) => {
    try {
      this.receive(unwrap<ToWorker>(raw));
    } catch (err) {
      logException('Cluster message from the primary', err);
    }
  };

  constructor() {
    process.on('message', this.onMessage);
    // Only now can this worker hear the presence snapshot: ask for it (sent earlier, it would be lost).
    this.post({ t: 'hello' });
  }

  get connected(): boolean {
    return process.connected === true;
  }

  private post(message: ToPrimary): void {
    if (!process.send || !process.connected) return;
    // A primary that is going away: the callback takes the error instead of an 'error' event.
    process.send({ podets: message }, undefined, undefined, () => {});
  }

  listen(listener: HubListener): void {
    this.listener = listener;
    const early = this.early.splice(0);
    if (early.length > 0) listener.orphaned(early);
  }
  /**
   * The primary handles one worker's messages in order, so a sync asked for after this message is answered
   * once the message has its place. It is asked for only when someone waits on the answer: a send that no
   * one awaits costs one message, as before.
   */
  publish(message: HubSend | HubClose): Ordered {
    // Bounded: a primary that stopped answering leaves no more than this many times behind.
    if (message.t === 'send' && this.connected && this.sentAt.length < 100_000) this.sentAt.push(performance.now());
    this.post(message);
    return this.ordered;
  }

  /** One for every publish: a sync asked for when awaited covers everything posted before it. */
  private readonly ordered: Ordered = { then: (done, failed) => this.sync().then(done, failed) };

  private sync(): Promise<void> {
    if (!this.connected) return Promise.resolve();
    const req = this.nextReq++;
    return new Promise((resolve) => {
      this.pending.set(req, () => resolve());
      this.post({ t: 'sync', req });
    });
  }
  /** Cut off from the primary means the cluster is going away: there is no one left to tell. */
  deliveredLocally(): void {}
  join(entry: PresenceEntry): void {
    if (this.connected) this.echoes.joined(entry);
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
    if (!this.connected) return Promise.reject(new Error('the cluster primary is gone'));
    const req = this.nextReq++;
    return new Promise((resolve) => {
      this.pending.set(req, resolve);
      this.post({ t: 'replay', req, query });
    });
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
    for (const resolve of this.pending.values()) resolve({ kind: 'none' });
    this.pending.clear();
  }

  private receive(m: ToWorker | undefined): void {
    if (!m) return;
    switch (m.t) {
      case 'deliver':
        // The primary answers one worker in the order it posted: the oldest send waiting is this one.
        if (m.from === this.instance) {
          const at = this.sentAt.shift();
          if (at !== undefined) this.onLag?.(performance.now() - at);
        }
        this.listener?.delivery(m.message);
        return;
      case 'presence':
        if (m.op === 'join') {
          if (m.instance === this.instance) return this.echoes.echoed(m.entry);
          this.remote.add(m.instance, m.entry);
          if (!this.echoes.awaiting(m.entry)) this.listener?.remoteJoin(m.entry);
        } else this.remote.remove(m.instance, m.entry);
        return;
      case 'gone':
        this.remote.dropInstance(m.instance);
        this.peerListener?.gone(m.instance);
        return;
      case 'peer':
        this.peerListener?.heard(m.snapshot);
        return;
      case 'peers':
        for (const snapshot of m.snapshots) this.peerListener?.heard(snapshot);
        return;
      case 'snapshot':
        for (const [instance, entries] of Object.entries(m.presence)) if (instance !== this.instance) this.remote.replaceInstance(instance, entries);
        return;
      case 'orphaned':
        if (this.listener) this.listener.orphaned(m.entries);
        else this.early.push(...m.entries);
        return;
      case 'replacements':
        return; // followed by onWorkerReplacements, which outlives this hub
      case 'synced':
      case 'replayed': {
        const resolve = this.pending.get(m.req);
        this.pending.delete(m.req);
        if (resolve) resolve(m.t === 'replayed' ? m.answer : { kind: 'none' });
        else logWarn(`SSE ${m.t === 'replayed' ? 'replay' : 'sync'} answer ${m.req} arrived for no request`);
        return;
      }
    }
  }
}

/**
 * Calls `counted` with the number of workers the primary has replaced so far, each time it changes. Its own
 * listener, not the hub's: a Redis backplane may replace the cluster hub, the count still matters.
 */
export function onWorkerReplacements(counted: (count: number) => void): void {
  process.on('message', (raw) => {
    const m = unwrap<ToWorker>(raw);
    if (m?.t === 'replacements' && Number.isSafeInteger(m.count)) counted(m.count);
  });
}
