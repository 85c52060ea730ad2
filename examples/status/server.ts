/// <reference path="../../globals.d.ts" />
// Example (docs/status.md): a small live workload to watch on the status page. Serve it with
//   podets serve examples/status/server.ts --status
// and open http://127.0.0.1:8080/podets/status, then open a few streams (GET /live/prices?group=eu,
// /live/chat?group=lobby, /live/alerts) in other tabs or with curl. A timer sends prices at a rate that
// swells and ebbs over a minute, chat messages to each Group now and then, and an alert every ten seconds;
// a task queue (one at a time) takes the jobs POST /jobs queues. scripts/status-screenshot.ts drives it.

// GET /live/:name?group=<group>: an SSE connection of that Name (prices, chat or alerts).
AddPodeRoute({
  Method: 'Get',
  Path: '/live/:name',
  ScriptBlock: () => {
    const name = String($WebEvent.Parameters['name']);
    if (!['prices', 'chat', 'alerts'].includes(name)) return SetPodeResponseStatus({ Code: 404 });
    const group = $WebEvent.Query['group'];
    ConvertToPodeSseConnection({ Name: name, ...(typeof group === 'string' && group !== '' ? { Group: group } : {}) });
  },
});

let second = 0;
AddPodeTimer({
  Name: 'workload',
  Interval: 1,
  ScriptBlock: async () => {
    second++;
    // 5 to 45 price updates a second, in a one-minute wave.
    const prices = Math.round(25 + 20 * Math.sin((second * 2 * Math.PI) / 60));
    for (let i = 0; i < prices; i++) await SendPodeSseEvent({ Name: 'prices', EventType: 'price', Data: { symbol: 'PODE', price: 100 + Math.sin(second + i) } });
    if (second % 3 === 0) await SendPodeSseEvent({ Name: 'chat', Group: ['lobby'], EventType: 'message', Data: { text: `hello #${second}` } });
    if (second % 5 === 0) await SendPodeSseEvent({ Name: 'chat', Group: ['ops'], EventType: 'message', Data: { text: 'deploy done' } });
    if (second % 10 === 0) await SendPodeSseEvent({ Name: 'alerts', EventType: 'alert', Data: { level: 'info', at: second } });
  },
});

// POST /jobs { count, seconds }: queues that many jobs of `seconds` each (default 20); one runs at a time, the
// rest wait in the queue.
SetPodeTaskConcurrency({ Maximum: 1 });
AddPodeTask({ Name: 'job', ScriptBlock: ({ Seconds }: { Seconds: number }) => new Promise<void>((done) => setTimeout(done, Seconds * 1000).unref()) });
AddPodeRoute({
  Method: 'Post',
  Path: '/jobs',
  ScriptBlock: () => {
    const body = ($WebEvent.Data ?? {}) as { count?: number; seconds?: number };
    const count = Math.max(0, Math.min(10, Number(body.count ?? 1)));
    const seconds = Math.max(0, Math.min(600, Number(body.seconds ?? 20)));
    for (let i = 0; i < count; i++) InvokePodeTask({ Name: 'job', ArgumentList: { Seconds: seconds } });
    WritePodeJsonResponse({ Value: { queued: count } });
  },
});
