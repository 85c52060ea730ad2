// Timers and a cron schedule through the real CLI: runs are observed through routes, and the tests wait
// for the host's own lines (the runs, the error, the Limit removals) instead of sleeping.
import { expect } from 'chai';
import { fixtureScript, start, type ServedScript } from '../../helpers/serve.ts';

const getJson = async (url: string): Promise<unknown> => (await fetch(url)).json();

describe('podets serve: timers and schedules (end to end)', function () {
  // The timer fires at 0 s (OnStart), 1 s and 2 s; the schedule on the next two whole seconds.
  this.timeout(20_000);
  let served: ServedScript;

  before(async () => {
    served = await start(fixtureScript('timers.ts'), ['--log-level', 'verbose']);
  });
  after(async () => {
    expect(await served?.stop()).to.equal(0);
  });

  it('a run that throws is logged with its stack, and the timer keeps going', async () => {
    const error = await served.waitForLine('stderr', /^ERROR: Timer 'counter' failed:/);
    expect(error).to.equal("ERROR: Timer 'counter' failed: Error: second run fails on purpose");
    const next = served.stderr[served.stderr.indexOf(error) + 1];
    expect(next).to.match(/^\s+at .*\/test\/fixtures\/scripts\/timers\.ts:14:\d+\)?$/);
    await served.waitForLine('stdout', /^counter ran 3$/);
  });

  it('Limit: the timer fires exactly that many times, then is removed; a route sees the count', async () => {
    await served.waitForLine('stdout', /^VERBOSE: Timer 'counter' reached its limit of 3 run\(s\) and was removed$/);
    await served.waitForLine('stdout', /^counter ran 3$/);
    expect(await getJson(`${served.url}count`)).to.deep.equal({ runs: 3 });
    expect(served.stdout.filter((l) => l.startsWith('counter ran '))).to.deep.equal(['counter ran 1', 'counter ran 2', 'counter ran 3']);
  });

  it("a '*/1 * * * * *' schedule fires every second, with its ArgumentList and $ScheduleEvent, up to its Limit", async () => {
    await served.waitForLine('stdout', /^VERBOSE: Schedule 'every-second' reached its limit of 2 run\(s\) and was removed$/);
    expect(await getJson(`${served.url}fired`)).to.deep.equal({ fired: ['tick 1', 'tick 2'] });
  });
});
