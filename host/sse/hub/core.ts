// The hub's own bookkeeping, wherever the hub runs (the cluster primary): it gives events their positions
// per Name, keeps their frames for replay, and answers replay queries. One place assigns positions, so they
// increase across every instance.
import { EventFrames } from '../framing.ts';
import { SseHistory, type HistoryBound } from '../history.ts';
import type { HubSend, ReplayAnswer, ReplayQuery } from './types.ts';

const sameBound = (a: HistoryBound | undefined, b: HistoryBound) => a?.count === b.count && (a?.maxAgeSeconds ?? 0) === (b.maxAgeSeconds ?? 0);

export class HubCore {
  private readonly history = new SseHistory();

  /** Numbers the send for each Name whose history is on, keeps it, and returns it with its positions. */
  order(message: HubSend): HubSend {
    if (!message.history) return message;
    const seqs: Record<string, number> = {};
    const frames = new EventFrames(message.eventType, message.data);
    for (const [name, bound] of Object.entries(message.history)) {
      if (!sameBound(this.history.boundOf(name), bound)) this.history.setBound(name, bound);
      const { seq } = this.history.record(name, { id: message.id, frame: (id) => frames.for(id), groups: message.groups, clientIds: message.clientIds });
      if (seq !== undefined) seqs[name] = seq;
    }
    return { ...message, seqs };
  }

  replay(q: ReplayQuery): ReplayAnswer {
    if (!sameBound(this.history.boundOf(q.name), q.bound)) this.history.setBound(q.name, q.bound);
    return this.history.replay(q.name, q.lastEventId, { clientId: q.clientId, group: q.group });
  }
}
