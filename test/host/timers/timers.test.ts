import { AsyncLocalStorage } from 'node:async_hooks';
import { expect } from 'chai';
import { PodeError } from '../../../host/errors/error.ts';
import { ManualClock, systemClock } from '../../../host/timers/clock.ts';
import { Timers } from '../../../host/timers/timers.ts';
import type { TimerEvent } from '../../../host/timers/timers.ts';
import { captureLogs, deferred, flush } from './helpers.ts';
import type { Captured } from './helpers.ts';

const SEC = 1000;

describe('timers/timers', () => {
  let clock: ManualClock;
  let timers: Timers;
  let logs: Captured;

  beforeEach(() => {
    clock = new ManualClock(new Date(2024, 0, 15, 10, 0, 0));
    timers = new Timers({ clock });
    logs = captureLogs('verbose');
  });
  afterEach(async () => {
    logs.restore();
    await timers.stop();
  });

  it('fires every Interval seconds once started', () => {
    let runs = 0;
    timers.add({ Name: 't', Interval: 5, ScriptBlock: () => void runs++ });
    clock.advance(20 * SEC);
    expect(runs, 'nothing before start()').to.equal(0);
    timers.start();
    clock.advance(5 * SEC - 1);
    expect(runs).to.equal(0);
    clock.advance(1);
    expect(runs).to.equal(1);
    clock.advance(10 * SEC);
    expect(runs).to.equal(3);
    expect(timers.get('t')?.Count).to.equal(3);
    expect(timers.get('t')?.NextTriggerTime?.getTime()).to.equal(clock.now().getTime() + 5 * SEC);
  });

  it('begins a timer added after start() straight away', () => {
    timers.start();
    clock.advance(2 * SEC);
    let runs = 0;
    timers.add({ Name: 't', Interval: 5, ScriptBlock: () => void runs++ });
    clock.advance(5 * SEC);
    expect(runs).to.equal(1);
  });

  it('passes ArgumentList to the script', () => {
    const seen: unknown[][] = [];
    timers.add({ Name: 't', Interval: 1, ArgumentList: ['a', 2] as [string, number], ScriptBlock: (s: string, n: number) => void seen.push([s, n]) });
    timers.start();
    clock.advance(2 * SEC);
    expect(seen).to.deep.equal([
      ['a', 2],
      ['a', 2],
    ]);
  });

  it('stops after Limit runs and removes itself', () => {
    let runs = 0;
    timers.add({ Name: 't', Interval: 1, Limit: 3, ScriptBlock: () => void runs++ });
    timers.start();
    clock.advance(2 * SEC);
    expect(timers.has('t')).to.equal(true);
    clock.advance(60 * SEC);
    expect(runs).to.equal(3);
    expect(timers.has('t')).to.equal(false);
    expect(clock.pending).to.equal(0);
    expect(logs.at('verbose').join('\n')).to.contain("Timer 't' reached its limit of 3 run(s)");
  });

  it('skips the first Skip intervals', () => {
    const at: number[] = [];
    const start = clock.now().getTime();
    timers.add({ Name: 't', Interval: 10, Skip: 2, ScriptBlock: () => void at.push((clock.now().getTime() - start) / SEC) });
    timers.start();
    clock.advance(50 * SEC);
    expect(at).to.deep.equal([30, 40, 50]);
  });

  it('OnStart runs once at start, counts towards Limit, and leaves the interval schedule alone', () => {
    const at: number[] = [];
    const start = clock.now().getTime();
    timers.add({ Name: 't', Interval: 10, Skip: 1, Limit: 3, OnStart: true, ScriptBlock: () => void at.push((clock.now().getTime() - start) / SEC) });
    timers.start();
    expect(at).to.deep.equal([0]);
    clock.advance(100 * SEC);
    expect(at).to.deep.equal([0, 20, 30]);
    expect(timers.has('t')).to.equal(false);
  });

  it('OnStart with Limit 1 runs once and never arms', () => {
    let runs = 0;
    timers.add({ Name: 't', Interval: 5, Limit: 1, OnStart: true, ScriptBlock: () => void runs++ });
    timers.start();
    expect(runs).to.equal(1);
    expect(timers.has('t')).to.equal(false);
    expect(clock.pending).to.equal(0);
  });

  it('OnStart on a timer added after start() runs on add', () => {
    timers.start();
    let runs = 0;
    timers.add({ Name: 't', Interval: 5, OnStart: true, ScriptBlock: () => void runs++ });
    expect(runs).to.equal(1);
  });

  it('logs a throwing run with its name and stack, and keeps firing', () => {
    let runs = 0;
    timers.add({
      Name: 'boom',
      Interval: 1,
      ScriptBlock: () => {
        runs++;
        throw new Error('kaput');
      },
    });
    timers.start();
    clock.advance(3 * SEC);
    expect(runs).to.equal(3);
    const errors = logs.at('error');
    expect(errors).to.have.length(3);
    expect(errors[0]).to.contain("Timer 'boom' failed").and.contain('Error: kaput').and.match(/\n\s+at /);
    expect(timers.has('boom')).to.equal(true);
  });

  it('logs a rejecting async run and keeps firing', async () => {
    let runs = 0;
    timers.add({
      Name: 'async-boom',
      Interval: 1,
      ScriptBlock: async () => {
        runs++;
        await Promise.resolve();
        throw new Error('later');
      },
    });
    timers.start();
    await clock.advanceAsync(3 * SEC);
    expect(runs).to.equal(3);
    expect(logs.at('error')).to.have.length(3);
    expect(logs.at('error')[0]).to.contain("Timer 'async-boom' failed").and.contain('later');
  });

  it('never overlaps a slow async run: the due run is skipped and logged at verbose', async () => {
    const gate = deferred();
    let started = 0;
    timers.add({
      Name: 'slow',
      Interval: 5,
      ScriptBlock: async () => {
        started++;
        if (started === 1) await gate.promise;
      },
    });
    timers.start();
    await clock.advanceAsync(5 * SEC);
    expect(started).to.equal(1);
    await clock.advanceAsync(10 * SEC);
    expect(started, 'still running, so the next two are skipped').to.equal(1);
    expect(logs.at('verbose').filter((l) => l.includes("Timer 'slow' is still running; skipping this run"))).to.have.length(2);
    expect(timers.get('slow')?.Count, 'skipped runs do not count').to.equal(1);
    gate.resolve();
    await flush();
    await clock.advanceAsync(5 * SEC);
    expect(started).to.equal(2);
  });

  it('runs each run through the runner with the timer event (AsyncLocalStorage-friendly)', async () => {
    const als = new AsyncLocalStorage<TimerEvent>();
    const seen: TimerEvent[] = [];
    const inside: (string | undefined)[] = [];
    timers = new Timers({
      clock,
      runner: (event, run) => {
        seen.push(event);
        return als.run(event, run);
      },
    });
    timers.add({
      Name: 'ctx',
      Interval: 2,
      ScriptBlock: async () => {
        await Promise.resolve();
        inside.push(als.getStore()?.Name);
        (als.getStore() as TimerEvent).Metadata.touched = true;
      },
    });
    timers.start();
    await clock.advanceAsync(4 * SEC);
    expect(inside).to.deep.equal(['ctx', 'ctx']);
    expect(seen.map((e) => e.Count)).to.deep.equal([1, 2]);
    expect(seen[0]!.Timestamp.getTime()).to.equal(new Date(2024, 0, 15, 10, 0, 2).getTime());
    expect(seen[0]!.Sender).to.equal(timers.get('ctx'));
    expect(seen[0]!.Metadata).to.deep.equal({ touched: true });
    expect(seen[0]!.Metadata, 'fresh Metadata per run').to.not.equal(seen[1]!.Metadata);
  });

  it('refuses a duplicate name with a clear error', () => {
    timers.add({ Name: 'dup', Interval: 1, ScriptBlock: () => {} });
    let caught: unknown;
    try {
      timers.add({ Name: 'dup', Interval: 2, ScriptBlock: () => {} });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(PodeError);
    expect((caught as PodeError).message).to.equal('[Timer] dup: Timer already defined.'); // Pode's timerAlreadyDefinedExceptionMessage
    expect((caught as PodeError).ErrorId).to.equal('TimerAlreadyDefined,Add-PodeTimer');
    // Pode's Add-PodeTimer checks the name before the Interval.
    expect(() => timers.add({ Name: 'dup', Interval: 0, ScriptBlock: () => {} })).to.throw('[Timer] dup: Timer already defined.');
  });

  it('validates Interval, Limit and Skip', () => {
    // Pode's timerParameterMustBeGreaterThanZeroExceptionMessage for each.
    expect(() => timers.add({ Name: 'a', Interval: 0, ScriptBlock: () => {} })).to.throw('[Timer] a: Interval must be greater than 0.');
    expect(() => timers.add({ Name: 'b', Interval: 1, Limit: -1, ScriptBlock: () => {} })).to.throw('[Timer] b: Limit must be greater than 0.');
    expect(() => timers.add({ Name: 'c', Interval: 1, Skip: 1.5, ScriptBlock: () => {} })).to.throw('[Timer] c: Skip must be greater than 0.');
    expect(timers.names()).to.deep.equal([]);
  });

  it('remove() unschedules, frees the name, and reports whether it existed', () => {
    let runs = 0;
    timers.add({ Name: 't', Interval: 1, ScriptBlock: () => void runs++ });
    timers.start();
    clock.advance(1 * SEC);
    expect(timers.remove('t')).to.equal(true);
    expect(timers.remove('t')).to.equal(false);
    expect(timers.has('t')).to.equal(false);
    clock.advance(10 * SEC);
    expect(runs).to.equal(1);
    expect(clock.pending).to.equal(0);
    timers.add({ Name: 't', Interval: 1, ScriptBlock: () => {} });
    expect(timers.has('t')).to.equal(true);
  });

  it('a script can remove its own timer', () => {
    let runs = 0;
    timers.add({ Name: 'self', Interval: 1, ScriptBlock: () => void (++runs === 2 && timers.remove('self')) });
    timers.start();
    clock.advance(10 * SEC);
    expect(runs).to.equal(2);
    expect(clock.pending).to.equal(0);
  });

  it('stop() clears everything and waits for in-flight runs', async () => {
    const gate = deferred();
    let finished = false;
    timers.add({
      Name: 'busy',
      Interval: 1,
      ScriptBlock: async () => {
        await gate.promise;
        finished = true;
      },
    });
    timers.add({ Name: 'idle', Interval: 100, ScriptBlock: () => {} });
    timers.start();
    clock.advance(1 * SEC);
    let stopped = false;
    const stopping = timers.stop().then(() => (stopped = true));
    await flush();
    expect(stopped, 'waits while a run is in flight').to.equal(false);
    expect(timers.names()).to.deep.equal([]);
    gate.resolve();
    await stopping;
    expect(finished).to.equal(true);
    // Only stop()'s own (now cancelled) bound was ever pending besides the timers.
    expect(clock.pending).to.equal(0);
  });

  it('stop() also waits for a run whose timer was already removed', async () => {
    const gate = deferred();
    timers.add({ Name: 'once', Interval: 1, Limit: 1, ScriptBlock: () => gate.promise });
    timers.start();
    clock.advance(1 * SEC);
    expect(timers.has('once')).to.equal(false);
    let stopped = false;
    const stopping = timers.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).to.equal(false);
    gate.resolve();
    await stopping;
  });

  it('stop() gives up after stopTimeoutMs and warns', async () => {
    timers = new Timers({ clock, stopTimeoutMs: 3 * SEC });
    timers.add({ Name: 'hang', Interval: 1, ScriptBlock: () => new Promise(() => {}) });
    timers.start();
    clock.advance(1 * SEC);
    let stopped = false;
    const stopping = timers.stop().then(() => (stopped = true));
    await flush();
    clock.advance(3 * SEC - 1);
    await flush();
    expect(stopped).to.equal(false);
    clock.advance(1);
    await stopping;
    expect(logs.at('warn').join('\n')).to.contain('Gave up waiting for 1 timer run(s) to finish after 3000ms');
  });

  it('can start again after stop()', () => {
    timers.start();
    void timers.stop();
    let runs = 0;
    timers.add({ Name: 't', Interval: 1, ScriptBlock: () => void runs++ });
    clock.advance(5 * SEC);
    expect(runs, 'not started').to.equal(0);
    timers.start();
    clock.advance(1 * SEC);
    expect(runs).to.equal(1);
  });

  it('works on the system clock (fires; no timing assertion)', async () => {
    const real = new Timers({ clock: systemClock });
    const fired = deferred();
    real.add({ Name: 'real', Interval: 0.001, Limit: 1, ScriptBlock: () => fired.resolve() });
    real.start();
    await fired.promise;
    await real.stop();
    expect(real.has('real')).to.equal(false);
  });
});
