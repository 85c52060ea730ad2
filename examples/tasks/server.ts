/// <reference path="../../globals.d.ts" />
// Tasks with live progress: `podets serve examples/tasks/server.ts`, then open http://localhost:8080/.
//
// The page opens one SSE stream (`/events`, Name 'jobs') and gets its ClientId in pode.open. Its "Start a job"
// button POSTs /jobs with the stream's X-PODE-SSE-* headers, so the route's $WebEvent.Sse is that connection:
// the route invokes the 'render' task with the connection's ClientId and answers 202 at once. The task runs in
// the background (at most two at a time, Set-PodeTaskConcurrency; later ones wait, queued) and sends `progress`
// events to that one connection, then `done` (or `failed`) — other pages see none of it. GET /jobs lists the
// task processes; POST /jobs?fail=1 starts a job that fails half-way, to show a failure reported to its page.
// JOB_STEP_MS (default 300) sets the length of a step (the tests make jobs fast with it).

const JOBS = 'jobs';

AddPodeEndpoint({ Address: 'localhost', Port: 8080, Protocol: 'Http' });
EnablePodeErrorLogging({ Method: NewPodeLogTerminalMethod() });
SetPodeTaskConcurrency({ Maximum: 2 });

// One job: ten steps, each one a pause standing for real work (a render, an import…).
AddPodeTask({
  Name: 'render',
  ArgumentList: { Steps: 10, StepMs: Number(process.env.JOB_STEP_MS ?? 300) },
  ScriptBlock: async ({ ClientId, Job, Steps, StepMs, Fail }: { ClientId: string; Job: number; Steps: number; StepMs: number; Fail: boolean }) => {
    const tell = (EventType: string, Data: object) => SendPodeSseEvent({ Name: JOBS, ClientId, EventType, Data: { job: Job, ...Data } });
    tell('progress', { percent: 0, state: 'running' });
    for (let step = 1; step <= Steps; step++) {
      await new Promise((resolve) => setTimeout(resolve, StepMs));
      if (Fail && step > Steps / 2) throw new Error(`job ${Job} failed at step ${step}`);
      tell('progress', { percent: Math.round((step / Steps) * 100), state: 'running' });
    }
    tell('done', { percent: 100 });
    return `job ${Job} rendered`;
  },
});

AddPodeStaticRoute({ Path: '/', Source: './public' });

AddPodeRoute({
  Method: 'Get',
  Path: '/events',
  ScriptBlock: () => ConvertToPodeSseConnection({ Name: JOBS }),
});

let jobs = 0;
AddPodeRoute({
  Method: 'Post',
  Path: '/jobs',
  ScriptBlock: () => {
    // Set from the X-PODE-SSE-NAME / X-PODE-SSE-CLIENT-ID headers the page sends: the page's own stream.
    const sse = $WebEvent.Sse;
    if (!sse || sse.Name !== JOBS) {
      WritePodeJsonResponse({ StatusCode: 400, Value: { error: 'send the X-PODE-SSE-NAME and X-PODE-SSE-CLIENT-ID of your /events stream' } });
      return;
    }
    const job = ++jobs;
    // Without -Wait, Invoke-PodeTask returns the task process (its Result is a Promise of what the script returns).
    const run = InvokePodeTask({ Name: 'render', ArgumentList: { ClientId: sse.ClientId, Job: job, Fail: $WebEvent.Query.fail === '1' } }) as {
      ID: string;
      State: string;
      Result: Promise<unknown>;
    };
    // The task's failure reaches its page as an event; here it is only logged (by the task engine) and told.
    run.Result.catch((err: Error) => SendPodeSseEvent({ Name: JOBS, ClientId: sse.ClientId, EventType: 'failed', Data: { job, error: err.message } }));
    WritePodeJsonResponse({ StatusCode: 202, Value: { job, id: run.ID, state: run.State } });
  },
});

AddPodeRoute({
  Method: 'Get',
  Path: '/jobs',
  ScriptBlock: () =>
    WritePodeJsonResponse({ Value: GetPodeTaskProcess({ Name: 'render' }).map((p) => ({ id: p.ID, state: p.State, created: p.CreateTime })) }),
});
