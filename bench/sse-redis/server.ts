// The podets side of bench/sse-redis.ts, served by `podets serve` (with or without --redis): a route that
// turns the request into a global SSE connection, and, on an IPC message from the orchestrator, one
// Send-PodeSseEvent whose data carries the sequence number the orchestrator timed.
import { AddPodeRoute, ConvertToPodeSseConnection, SendPodeSseEvent } from '../../index.ts';
import { currentServer } from '../../host/runtime/server.ts';

AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'bench' }) });

const sse = currentServer().sse;
process.on('message', (m: { type: string; seq?: number }) => {
  if (m.type === 'send') SendPodeSseEvent({ Name: 'bench', Data: JSON.stringify({ s: m.seq }) });
  else if (m.type === 'stats') process.send!({ type: 'stats', local: sse.registry.size, all: sse.clientIds('bench').length });
});
