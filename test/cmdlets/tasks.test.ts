// Pode's task cmdlets (cmdlets/tasks.ts) through their declarations, on a server whose task timeouts run on a
// ManualClock. Facts from src/Public/Tasks.ps1@8c745f1c456e7c47f4f7821e3ec9617ff9de89c4 (Add-PodeTask @804,
// Invoke-PodeTask @4476, Edit-PodeTask @6581, Get-PodeTask @7864, Wait-PodeTask @10574, Get-PodeTaskProcess @12110),
// src/Private/Tasks.ps1 (Invoke-PodeInternalTask: Default → the task's timeout; Get-PodeTaskScriptBlock: the
// arguments splatted with Event = $TaskEvent, a failure logged and the state Failed; Wait-PodeTaskInternal: seconds,
// then Close-PodeTask) and src/Private/Context.ps1 (Threads.Tasks = 2).
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AddPodeRoute,
  AddPodeTask,
  ClearPodeTasks,
  ClosePodeTask,
  EditPodeTask,
  GetPodeTask,
  GetPodeTaskProcess,
  InvokePodeTask,
  RemovePodeTask,
  RestartPodeTaskProcess,
  SetPodeTaskConcurrency,
  TestPodeTaskCompleted,
  UsePodeTasks,
  TestPodeTaskFailed,
  WaitPodeTask,
  WritePodeJsonResponse,
} from '../../cmdlets/index.ts';
import { pode } from '../../host/cmdlet/template.ts';
import { PodeError } from '../../host/errors/error.ts';
import { runAmbient } from '../../host/runtime/ambient.ts';
import { installGlobals, uninstallGlobals } from '../../host/runtime/globals.ts';
import { PodeServer, currentTaskEvent, setCurrentServer } from '../../host/runtime/server.ts';
import type { TaskProcess } from '../../host/tasks/tasks.ts';
import { ManualClock } from '../../host/timers/clock.ts';
import { captureLogs, deferred, flush, type Captured } from '../host/timers/helpers.ts';
import { failure } from '../helpers/failure.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');


describe('cmdlets/tasks.ts', () => {
  let clock: ManualClock;
  let server: PodeServer;
  let logs: Captured;

  beforeEach(() => {
    clock = new ManualClock(new Date(Date.UTC(2025, 0, 1, 12, 0, 0)));
    server = new PodeServer({ clock, rootPath: FIXTURES });
    setCurrentServer(server);
    logs = captureLogs('info');
  });
  afterEach(async () => {
    logs.restore();
    await server.tasks.stop();
    setCurrentServer(undefined);
  });

  it('Add-PodeTask then Invoke-PodeTask -Wait: the script gets the merged arguments and Event ($TaskEvent), its value is the result', async () => {
    const seen: unknown[] = [];
    AddPodeTask({
      Name: 'sum',
      ArgumentList: { a: 1, b: 2 },
      ScriptBlock: async ({ a, b, Event }: { a: number; b: number; Event: unknown }) => {
        await flush();
        seen.push(Event === currentTaskEvent(), (Event as { Sender: { Name: string } }).Sender.Name);
        return a + b;
      },
    });
    expect(await InvokePodeTask({ Name: 'sum', Wait: true })).to.equal(3);
    // Invoke's -ArgumentList goes over Add's, key by key.
    expect(await InvokePodeTask({ Name: 'sum', ArgumentList: { b: 40 }, Wait: true })).to.equal(41);
    expect(seen).to.deep.equal([true, 'sum', true, 'sum']);
    // Waiting closed them: no processes left.
    expect(GetPodeTaskProcess()).to.deep.equal([]);
  });

  it('returns the process with Pode\'s fields; Result is awaitable; Test-PodeTaskCompleted and Test-PodeTaskFailed read it', async () => {
    const gate = deferred();
    AddPodeTask({ Name: 'slow', ScriptBlock: async () => (await gate.promise, 'ok') });
    const p = InvokePodeTask({ Name: 'slow' }) as TaskProcess;
    expect(p.Task).to.equal('slow');
    expect(p.ID).to.match(/^[0-9a-f-]{36}$/);
    expect(p.State).to.equal('Running');
    expect(p.CreateTime).to.deep.equal(clock.now());
    expect(p.ExpireTime).to.equal(undefined);
    expect(p.Timeout).to.deep.equal({ Value: -1, From: 'Create' });
    expect(TestPodeTaskCompleted({ Process: p })).to.equal(false);
    expect(TestPodeTaskCompleted({ Task: p } as never), 'alias Task').to.equal(false);
    gate.resolve();
    expect(await p.Result).to.equal('ok');
    expect(p.State).to.equal('Completed');
    expect(TestPodeTaskCompleted.pipe(p)).to.equal(true);
    expect(TestPodeTaskFailed({ Process: p })).to.equal(false);
    expect(GetPodeTaskProcess({ State: 'Completed' })).to.deep.equal([p]);
    expect(GetPodeTaskProcess({ Name: 'SLOW', Id: p.ID })).to.deep.equal([p]);
    expect(GetPodeTaskProcess({ State: ['Running', 'Pending'] })).to.deep.equal([]);
    // Pode's housekeeper forgets a completed process after a minute.
    clock.advance(60_000);
    expect(GetPodeTaskProcess()).to.deep.equal([]);
  });

  it('a failing script: logged, State Failed, its error reported to the waiter; the server carries on', async () => {
    AddPodeTask({ Name: 'boom', ScriptBlock: () => { throw new Error('task broke'); } });
    const p = InvokePodeTask({ Name: 'boom' }) as TaskProcess;
    const err = await WaitPodeTask({ Process: p }).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).to.equal('task broke');
    expect(p.State).to.equal('Failed');
    expect(TestPodeTaskFailed({ Process: p })).to.equal(true);
    const errors = logs.at('error');
    expect(errors.some((l) => l.includes("Task 'boom' failed") && l.includes('task broke'))).to.equal(true);
    AddPodeTask({ Name: 'fine', ScriptBlock: () => 'still here' });
    expect(await InvokePodeTask({ Name: 'fine', Wait: true })).to.equal('still here');
  });

  it("Wait-PodeTask -Timeout (seconds, on a process) reports Pode's taskTimedOut text; the script's later result is ignored", async () => {
    const gate = deferred();
    AddPodeTask({ Name: 'stuck', ScriptBlock: async () => (await gate.promise, 'late') });
    const p = InvokePodeTask({ Name: 'stuck' }) as TaskProcess;
    const waiting = WaitPodeTask({ Process: p, Timeout: 2 }).then(() => undefined, (e: unknown) => e);
    await flush();
    clock.advance(1999);
    await flush();
    expect(p.State).to.equal('Running');
    clock.advance(1);
    const err = (await waiting) as PodeError;
    expect(err).to.be.instanceOf(PodeError);
    expect(err.message).to.equal('Task has timed out after 2000ms.');
    expect(err.ErrorId).to.equal('TaskTimedOut,Wait-PodeTask');
    expect(p.State).to.equal('Failed');
    gate.resolve();
    await flush();
    expect(p.State, 'a late value changes nothing').to.equal('Failed');
    expect(GetPodeTaskProcess(), 'closed after the wait').to.deep.equal([]);
  });

  it('Wait-PodeTask on a plain Promise: -Timeout in milliseconds, as on a .NET Task', async () => {
    const never = new Promise(() => undefined);
    const waiting = WaitPodeTask({ Process: never, Timeout: 250 }).then(() => undefined, (e: unknown) => e);
    await flush();
    clock.advance(250);
    expect(((await waiting) as Error).message).to.equal('Task has timed out after 250ms.');
    expect(await WaitPodeTask({ Process: Promise.resolve(7) })).to.equal(7);
    const bad = await failure(() => WaitPodeTask({ Process: 'nope' }));
    expect(bad.ErrorId).to.equal('InvalidTaskType,Wait-PodeTask');
  });

  it("Add-PodeTask -Timeout: from Create counts queued time, from Start only running time; Invoke's -TimeoutFrom overrides", async () => {
    SetPodeTaskConcurrency({ Maximum: 1 });
    const gate = deferred();
    AddPodeTask({ Name: 'hold', ScriptBlock: async () => gate.promise });
    AddPodeTask({ Name: 'quick', Timeout: 5, ScriptBlock: () => 'q' });
    const first = InvokePodeTask({ Name: 'hold' }) as TaskProcess;
    const fromCreate = InvokePodeTask({ Name: 'quick' }) as TaskProcess;
    const fromStart = InvokePodeTask({ Name: 'quick', TimeoutFrom: 'Start' }) as TaskProcess;
    expect([first.State, fromCreate.State, fromStart.State]).to.deep.equal(['Running', 'Pending', 'Pending']);
    expect(fromCreate.ExpireTime).to.deep.equal(new Date(clock.now().getTime() + 5000));
    expect(fromStart.ExpireTime, 'not known before it starts').to.equal(undefined);
    clock.advance(5000);
    expect(fromCreate.State).to.equal('Failed');
    expect(((await fromCreate.Result.catch((e: unknown) => e)) as Error).message).to.equal('Task has timed out after 5000ms.');
    expect(fromStart.State).to.equal('Pending');
    gate.resolve();
    expect(await fromStart.Result).to.equal('q');
    expect(logs.at('error').some((l) => l.includes(`process ${fromCreate.ID}) timed out`))).to.equal(true);
  });

  it('Set-PodeTaskConcurrency: beyond the limit processes queue, and start first in, first out', async () => {
    expect(server.tasks.maximum, "Pode's default").to.equal(2);
    SetPodeTaskConcurrency({ Maximum: 2 });
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred>>();
    AddPodeTask({
      Name: 'job',
      ScriptBlock: async ({ id }: { id: string }) => {
        order.push(`start ${id}`);
        const gate = deferred();
        gates.set(id, gate);
        await gate.promise;
        order.push(`end ${id}`);
        return id;
      },
    });
    const ps = ['a', 'b', 'c', 'd', 'e'].map((id) => InvokePodeTask({ Name: 'job', ArgumentList: { id } }) as TaskProcess);
    expect(ps.map((p) => p.State)).to.deep.equal(['Running', 'Running', 'Pending', 'Pending', 'Pending']);
    gates.get('b')!.resolve();
    await ps[1]!.Result;
    await flush();
    expect(ps.map((p) => p.State)).to.deep.equal(['Running', 'Completed', 'Running', 'Pending', 'Pending']);
    SetPodeTaskConcurrency({ Maximum: 3 });
    expect(ps[3]!.State, 'raising the limit starts the next at once').to.equal('Running');
    for (const id of ['a', 'c', 'd']) gates.get(id)!.resolve();
    await Promise.all(ps.slice(0, 4).map((p) => p.Result));
    await flush();
    gates.get('e')!.resolve();
    await ps[4]!.Result;
    expect(order.filter((o) => o.startsWith('start'))).to.deep.equal(['start a', 'start b', 'start c', 'start d', 'start e']);
    const err = await failure(() => SetPodeTaskConcurrency({ Maximum: 0 }));
    expect(err.message).to.equal('Maximum concurrent tasks must be >=1 but got: 0');
  });

  it('Remove-PodeTask, Clear-PodeTasks, Edit-PodeTask, Get-PodeTask', async () => {
    AddPodeTask({ Name: 'one', ScriptBlock: ({ x }: { x: number }) => `one ${x}`, ArgumentList: { x: 1 } });
    AddPodeTask({ Name: 'two', ScriptBlock: () => 'two' });
    expect((await failure(() => AddPodeTask({ Name: 'ONE', ScriptBlock: () => 0 }))).message).to.equal('[Task] ONE: Task already defined.');
    expect(GetPodeTask().map((t) => t.Name)).to.deep.equal(['one', 'two']);
    expect(GetPodeTask({ Name: ['two', 'ONE'] }).map((t) => t.Name)).to.deep.equal(['two', 'one']);

    EditPodeTask({ Name: 'one', ScriptBlock: ({ x }: { x: number }) => `edited ${x}` });
    expect(await InvokePodeTask({ Name: 'one', Wait: true })).to.equal('edited 1');
    EditPodeTask({ Name: 'one', ArgumentList: {} });
    expect(await InvokePodeTask({ Name: 'one', Wait: true }), 'an empty hashtable leaves them').to.equal('edited 1');
    EditPodeTask.pipe('one', { ArgumentList: { x: 9 } });
    expect(await InvokePodeTask({ Name: 'one', Wait: true })).to.equal('edited 9');
    expect((await failure(() => EditPodeTask({ Name: 'nope' }))).message).to.equal("Task 'nope' does not exist.");

    RemovePodeTask({ Name: 'one' });
    RemovePodeTask({ Name: 'never-was' });
    expect(GetPodeTask().map((t) => t.Name)).to.deep.equal(['two']);
    const missing = await failure(() => InvokePodeTask({ Name: 'one' }));
    expect(missing.message).to.equal("Task 'one' does not exist.");
    expect(missing.ErrorId).to.equal('TaskDoesNotExist,Invoke-PodeTask');
    ClearPodeTasks();
    expect(GetPodeTask()).to.deep.equal([]);
  });

  it('Close-PodeTask: a queued process never starts; a running one is reported Failed and forgotten', async () => {
    SetPodeTaskConcurrency({ Maximum: 1 });
    const started: string[] = [];
    const gate = deferred();
    AddPodeTask({ Name: 't', ScriptBlock: async ({ id }: { id: string }) => (started.push(id), await gate.promise, id) });
    const running = InvokePodeTask({ Name: 't', ArgumentList: { id: 'r' } }) as TaskProcess;
    const queued = InvokePodeTask({ Name: 't', ArgumentList: { id: 'q' } }) as TaskProcess;
    const next = InvokePodeTask({ Name: 't', ArgumentList: { id: 'n' } }) as TaskProcess;
    ClosePodeTask.pipe(queued);
    expect(queued.State).to.equal('Failed');
    expect(((await queued.Result.catch((e: unknown) => e)) as Error).message).to.equal(`Task 't' process ${queued.ID} was closed before it finished.`);
    ClosePodeTask({ Process: running });
    expect(running.State).to.equal('Failed');
    expect(next.State, 'the closed one gave its slot to the next in the queue').to.equal('Running');
    expect(GetPodeTaskProcess().map((p) => p.ID)).to.deep.equal([next.ID]);
    gate.resolve();
    expect(await next.Result).to.equal('n');
    expect(started).to.deep.equal(['r', 'n']);
    expect((await failure(() => ClosePodeTask({ Process: { not: 'a process' } }))).ErrorId).to.equal('InvalidTaskType,Close-PodeTask');
  });

  it('-AutoRetry with -MaxRetries and -RetryDelay (minutes); Restart-PodeTaskProcess runs a failed one again', async () => {
    let tries = 0;
    AddPodeTask({
      Name: 'flaky',
      MaxRetries: 2,
      RetryDelay: 1,
      AutoRetry: true,
      ScriptBlock: () => {
        tries++;
        if (tries < 3) throw new Error(`try ${tries} fails`);
        return `ok after ${tries}`;
      },
    });
    const p = InvokePodeTask({ Name: 'flaky' }) as TaskProcess;
    await flush();
    expect([p.State, TestPodeTaskCompleted({ Process: p })]).to.deep.equal(['Failed', false]);
    await clock.advanceAsync(60_000);
    await flush();
    expect(tries).to.equal(2);
    await clock.advanceAsync(60_000);
    expect(await p.Result).to.equal('ok after 3');
    expect(p.Retry).to.deep.equal({ Count: 2, Max: 2 });

    let fail = true;
    AddPodeTask({ Name: 'once', ScriptBlock: () => { if (fail) throw new Error('first'); return 'second'; } });
    const q = InvokePodeTask({ Name: 'once' }) as TaskProcess;
    await q.Result.catch(() => undefined);
    expect(q.State).to.equal('Failed');
    fail = false;
    expect(await RestartPodeTaskProcess({ Process: q, Wait: true })).to.equal('second');
  });

  it('three call forms: splat, positional with pipeline (Invoke-PodeTask | Wait-PodeTask), and the `pode` command line', async () => {
    AddPodeTask({ Name: 'echo', ScriptBlock: ({ v }: { v?: string }) => v ?? 'none' });
    expect(await InvokePodeTask({ Name: 'echo', ArgumentList: { v: 'splat' }, Wait: true })).to.equal('splat');
    expect(await WaitPodeTask.pipe(InvokePodeTask('echo') as TaskProcess)).to.equal('none');
    const viaTag = pode`Invoke-PodeTask -Name echo -ArgumentList ${{ v: 'tag' }}` as TaskProcess;
    expect(await (pode`Wait-PodeTask -Task ${viaTag} -Timeout 3` as Promise<unknown>)).to.equal('tag');
    pode`Add-PodeTask -Name fromTag -ScriptBlock ${() => 42} -Timeout 10 -TimeoutFrom Start`;
    expect(GetPodeTask({ Name: 'fromTag' })[0]!.Timeout).to.deep.equal({ Value: 10, From: 'Start' });
    const bad = await failure(() => pode`Invoke-PodeTask -Name echo -TimeoutFrom Later`);
    expect(bad.message).to.match(/^Cannot validate argument on parameter 'TimeoutFrom'\. The argument "Later" does not belong to the set "Default,Create,Start"/);
  });

  it('invoked from a route over real HTTP: the task runs in the server\'s context, without the request\'s $WebEvent', async () => {
    AddPodeTask({
      Name: 'report',
      ScriptBlock: async ({ path }: { path: string }) => {
        await flush();
        return { path, hasTaskEvent: currentTaskEvent() !== undefined };
      },
    });
    AddPodeRoute({
      Method: 'Get',
      Path: '/run',
      ScriptBlock: async () => {
        const value = await InvokePodeTask({ Name: 'report', ArgumentList: { path: '/run' }, Wait: true, Timeout: 5 });
        WritePodeJsonResponse({ Value: value });
      },
    });
    AddPodeRoute({ Method: 'Get', Path: '/missing', ScriptBlock: () => void InvokePodeTask({ Name: 'nope' }) });
    const listener = http.createServer(server.handler);
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/run`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ path: '/run', hasTaskEvent: true });
      const missing = await fetch(`${base}/missing`);
      expect(missing.status).to.equal(500);
    } finally {
      listener.closeAllConnections();
      await new Promise((done) => listener.close(done));
    }
  });

  it('the server stop waits for running tasks and cancels queued ones', async () => {
    SetPodeTaskConcurrency({ Maximum: 1 });
    const gate = deferred();
    let finished = false;
    AddPodeTask({ Name: 'long', ScriptBlock: async () => { await gate.promise; finished = true; return 'done'; } });
    const running = InvokePodeTask({ Name: 'long' }) as TaskProcess;
    const queued = InvokePodeTask({ Name: 'long' }) as TaskProcess;
    let stopped = false;
    const stopping = server.stop().then(() => (stopped = true));
    await flush();
    expect(queued.State).to.equal('Failed');
    expect(((await queued.Result.catch((e: unknown) => e)) as Error).message).to.equal(`Task 'long' process ${queued.ID} did not run: the server is stopping.`);
    expect(stopped, 'still waiting for the running one').to.equal(false);
    gate.resolve();
    await stopping;
    expect([finished, running.State]).to.deep.equal([true, 'Completed']);
    expect(await running.Result).to.equal('done');
  });

  it('the stop gives up on a task still running after the grace period (10 s), with a warning', async () => {
    AddPodeTask({ Name: 'forever', ScriptBlock: () => new Promise(() => undefined) });
    InvokePodeTask({ Name: 'forever' });
    const stopping = server.tasks.stop();
    await flush();
    clock.advance(10_000);
    await stopping;
    expect(logs.at('warn').some((l) => l.includes('Gave up waiting for 1 task run(s) to finish after 10000ms'))).to.equal(true);
  });

  it('$TaskEvent is set across the awaits of a task script only', async () => {
    const events: unknown[] = [];
    AddPodeTask({
      Name: 'ev',
      ScriptBlock: async () => {
        events.push(currentTaskEvent()?.Sender.Name);
        await flush();
        events.push(currentTaskEvent()?.ProcessId);
      },
    });
    const p = runAmbient({ server }, () => InvokePodeTask({ Name: 'ev' })) as TaskProcess;
    expect(currentTaskEvent()).to.equal(undefined);
    await p.Result;
    expect(events).to.deep.equal(['ev', p.ID]);
  });

  it("Use-PodeTasks: ./tasks (or -Path), its modules in name order, subfolders too; a missing folder is Pode's pathToLoadNotFound", async () => {
    // The files use a script's globals, as under `podets serve`.
    const installed = installGlobals();
    try {
      UsePodeTasks();
      await Promise.all(server.setup);
    } finally {
      if (installed) uninstallGlobals();
    }
    expect(GetPodeTask().map((t) => t.Name)).to.deep.equal(['fromFolder', 'fromSubfolder']);
    expect(await InvokePodeTask({ Name: 'fromSubfolder', Wait: true })).to.equal('nested');
    const err = await failure(() => UsePodeTasks({ Path: './no-such-folder' }));
    expect(err.message).to.equal(`Path to load tasks not found: ${join(FIXTURES, 'no-such-folder')}`);
  });

  it('a queued process reads its task when it starts: Edit-PodeTask applies to it, Remove-PodeTask fails it (Private/Tasks.ps1)', async () => {
    SetPodeTaskConcurrency({ Maximum: 1 });
    const gate = deferred();
    AddPodeTask({ Name: 'hold', ScriptBlock: async () => gate.promise });
    AddPodeTask({ Name: 'later', ScriptBlock: () => 'old', ArgumentList: { who: 'add' } });
    AddPodeTask({ Name: 'gone', ScriptBlock: () => 'never' });
    InvokePodeTask({ Name: 'hold' });
    const later = InvokePodeTask({ Name: 'later', ArgumentList: { extra: 1 } }) as TaskProcess;
    const gone = InvokePodeTask({ Name: 'gone' }) as TaskProcess;
    EditPodeTask({ Name: 'later', ScriptBlock: ({ who, extra }: { who: string; extra: number }) => `new ${who} ${extra}`, ArgumentList: { who: 'edit' } });
    RemovePodeTask({ Name: 'gone' });
    gate.resolve();
    expect(await later.Result).to.equal('new edit 1');
    expect(((await gone.Result.catch((e: unknown) => e)) as Error).message).to.equal("Task 'gone' does not exist.");
    expect(gone.State).to.equal('Failed');
  });
});
