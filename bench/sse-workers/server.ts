/// <reference types="../../globals.d.ts" />
// The podets side of bench/sse-workers.ts, served by `podets serve` (one process, or --workers <n>): a route
// that turns the request into a global SSE connection, and a POST route that broadcasts one event whose data
// carries the sequence number and the timestamp the orchestrator put in the query string. With --workers the
// POST lands on one worker; the primary relays the send to every worker.
import { AddPodeRoute, ConvertToPodeSseConnection, SendPodeSseEvent, WritePodeJsonResponse } from '../../index.ts';

AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'bench' }) });

AddPodeRoute({
  Method: 'Post',
  Path: '/broadcast',
  ScriptBlock: () => {
    const q = $WebEvent.Query as Record<string, string | undefined>;
    // The client's stamp pattern is "s":<n>,"t":<n>} — keep that key order.
    SendPodeSseEvent({ Name: 'bench', Data: { s: Number(q.s), t: Number(q.t) } });
    WritePodeJsonResponse({ Value: { ok: true, pid: process.pid } });
  },
});
