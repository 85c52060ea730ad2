// The podets side of `npm run bench:sse`, served by `podets serve`: a route that turns the request into a
// global SSE connection, and a broadcast that is one Send-PodeSseEvent to the Name.
import { AddPodeRoute, ConvertToPodeSseConnection, SendPodeSseEvent, SetPodeSseHeartbeat, WritePodeTextResponse } from '../../index.ts';
import { currentServer } from '../../host/runtime/server.ts';
import { flushed } from '../../host/sse/writer.ts';
import { serveControl } from './control.ts';

AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'bench' }) });
// The burst row's probe: how long another request waits while a fan-out runs.
AddPodeRoute({ Method: 'Get', Path: '/ping', ScriptBlock: () => WritePodeTextResponse({ Value: 'pong' }) });

// The subscriber count only (read outside the measured call): the engine's registry size.
const { registry, counters } = currentServer().sse;
serveControl({
  broadcast(payload) {
    SendPodeSseEvent({ Name: 'bench', Data: payload });
  },
  sendToNobody(payload) {
    SendPodeSseEvent({ Name: 'nobody', Data: payload });
  },
  subscribers: () => registry.size,
  settled: flushed,
  pings: () => counters.pings,
  heartbeat: (seconds) => SetPodeSseHeartbeat({ Interval: seconds }),
});
