// The hub's own bookkeeping, wherever the hub runs (the cluster primary): it numbers events per Name,
// keeps their frames for replay, and answers replay queries. One place assigns ids, so ids increase
// across every instance.
import { frameEvent } from '../framing.ts';
import { SseHistory, type HistoryBound } from '../history.ts';
import type { HubSend, ReplayAnswer, ReplayQuery } from './types.ts';

const sameBound = (a: HistoryBound | undefined, b: HistoryBound) => a?.count === b.count && (a?.maxAgeSeconds ?? 0) === (b.maxAgeSeconds ?? 0);

export class HubCore {
  private readonly history = new SseHistory();

  /** Numbers the send for each Name whose history is on, keeps it, and returns it with its ids. */
  order(message: HubSend): HubSend {
    if (!message.history) return message;
    const ids: Record<string, string> = {};
    for (const [name, bound] of Object.entries(message.history)) {
      if (!sameBound(this.history.boundOf(name), bound)) this.history.setBound(name, bound);
      const { id } = this.history.record(name, {
        id: message.id,
        frame: (id) => frameEvent({ id, event: message.eventType, data: message.data }),
        groups: message.groups,
        clientIds: message.clientIds,
      });
      if (id !== undefined) ids[name] = id;
    }
    return { ...message, ids };
  }

  replay(q: ReplayQuery): ReplayAnswer {
    if (!sameBound(this.history.boundOf(q.name), q.bound)) this.history.setBound(q.name, q.bound);
    return this.history.replay(q.name, q.lastEventId, { clientId: q.clientId, group: q.group });
  }
}
