// The Tasks engine (host/tasks/tasks.ts) on its own: no server, a ManualClock, a recording runner.
import { expect } from 'chai';
import { Tasks, TASK_RETENTION_MS, type TaskEvent } from '../../../host/tasks/tasks.ts';
import { ManualClock } from '../../../host/timers/clock.ts';
import { captureLogs, flush, type Captured } from '../timers/helpers.ts';

describe('host/tasks/tasks.ts', () => {
  let clock: ManualClock;
  let tasks: Tasks;
  let events: TaskEvent[];
  let logs: Captured;

  beforeEach(() => {
    clock = new ManualClock(0);
    events = [];
    tasks = new Tasks({ clock, runner: (event, run) => (events.push(event), run()) });
    logs = captureLogs('info');
  });
  /** Set by a test whose scripts wait on it: called before the stop, so the stop has nothing to wait for. */
  let releaseAll: (() => void) | undefined;
  afterEach(async () => {
    logs.restore();
    releaseAll?.();
    releaseAll = undefined;
    await tasks.stop();
  });

  it('runs each script through the runner with its $TaskEvent (Sender, ProcessId, fresh Metadata)', async () => {
    const def = tasks.add('Add-PodeTask', { Name: 'x', Script: ({ Event }) => Event });
    const p = tasks.invoke('Invoke-PodeTask', 'x');
    const got = (await p.Result) as TaskEvent;
    expect(events).to.have.length(1);
    expect(got).to.equal(events[0]);
    expect(got.Sender).to.equal(def);
    expect(got.ProcessId).to.equal(p.ID);
    expect(got.Metadata).to.deep.equal({});
    expect(got.Timestamp).to.deep.equal(new Date(0));
  });

  it('a script that throws synchronously never throws out of invoke: the process fails, the error is logged', async () => {
    tasks.add('Add-PodeTask', { Name: 'sync', Script: () => { throw new TypeError('sync failure'); } });
    const p = tasks.invoke('Invoke-PodeTask', 'sync');
    const err = await p.Result.catch((e: unknown) => e);
    expect((err as Error).message).to.equal('sync failure');
    expect(p.State).to.equal('Failed');
    expect(p.Error).to.equal(err);
    expect(logs.at('error').some((l) => l.includes("Task 'sync' failed"))).to.equal(true);
  });

  it('bounded: a completed process is forgotten after the retention minute; a rejection nobody awaits is not unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      tasks.add('Add-PodeTask', { Name: 'n', Script: ({ i }) => { if ((i as number) % 2) throw new Error('odd'); return i; } });
      for (let i = 0; i < 50; i++) tasks.invoke('Invoke-PodeTask', 'n', { i });
      while (tasks.running + tasks.queued > 0) await flush();
      await flush();
      expect(tasks.listProcesses()).to.have.length(50);
      clock.advance(TASK_RETENTION_MS);
      expect(tasks.listProcesses()).to.have.length(0);
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('after stop, an invocation is cancelled at once, never run', async () => {
    let ran = false;
    tasks.add('Add-PodeTask', { Name: 'late', Script: () => (ran = true) });
    await tasks.stop();
    const p = tasks.invoke('Invoke-PodeTask', 'late');
    expect(p.State).to.equal('Failed');
    expect(((await p.Result.catch((e: unknown) => e)) as Error).message).to.equal(`Task 'late' process ${p.ID} did not run: the server is stopping.`);
    expect(ran).to.equal(false);
  });

  it('a timed-out process frees its slot for the next queued one (the script it abandoned still runs to its end)', async () => {
    tasks.maximum = 1;
    let release!: () => void;
    tasks.add('Add-PodeTask', { Name: 'hang', Timeout: 1, TimeoutFrom: 'Start', Script: () => new Promise<void>((r) => (release = r)) });
    tasks.add('Add-PodeTask', { Name: 'next', Script: () => 'next ran' });
    const hang = tasks.invoke('Invoke-PodeTask', 'hang');
    const next = tasks.invoke('Invoke-PodeTask', 'next');
    expect(next.State).to.equal('Pending');
    clock.advance(1000);
    expect(hang.State).to.equal('Failed');
    expect(await next.Result).to.equal('next ran');
    release();
    await flush();
    expect(hang.State).to.equal('Failed');
  });

  it('bounded queue: past queueLimit waiting processes an invocation fails with TaskQueueFull and nothing is queued; a freed slot takes the next', async () => {
    tasks = new Tasks({ clock, queueLimit: 2, runner: (_e, run) => run() });
    tasks.maximum = 1;
    const releases: Array<() => void> = [];
    releaseAll = () => releases.splice(0).forEach((r) => r());
    tasks.add('Add-PodeTask', { Name: 'slow', Script: () => new Promise<void>((r) => releases.push(r)) });
    const running = tasks.invoke('Invoke-PodeTask', 'slow');
    const waiting = [tasks.invoke('Invoke-PodeTask', 'slow'), tasks.invoke('Invoke-PodeTask', 'slow')];
    expect([running.State, ...waiting.map((p) => p.State)]).to.deep.equal(['Running', 'Pending', 'Pending']);
    let refused: unknown;
    try {
      tasks.invoke('Invoke-PodeTask', 'slow');
    } catch (err) {
      refused = err;
    }
    expect((refused as { ErrorId?: string }).ErrorId).to.equal('TaskQueueFull,Invoke-PodeTask');
    expect((refused as Error).message).to.equal(
      "Task 'slow' cannot be invoked: 2 task processes are already waiting for a free slot (the task queue limit; see --task-queue-limit).",
    );
    expect(tasks.queued).to.equal(2);
    expect(tasks.listProcesses()).to.have.length(3);
    releases.shift()!();
    await running.Result;
    await flush();
    expect(tasks.queued).to.equal(1);
    expect(tasks.invoke('Invoke-PodeTask', 'slow').State).to.equal('Pending');
  });
});
