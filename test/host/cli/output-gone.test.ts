// A server whose stdout and stderr readers have gone (a process manager's log pipe, `podets serve | head`)
// keeps serving and stays idle. Before the fix, the first log line after that failed with EPIPE, the error
// was an uncaught exception, its log line failed the same way, and the process spun a core for ever.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fixtureScript, start } from '../../helpers/serve.ts';

/** CPU ticks (1/100 s) the process has used: /proc/<pid>/stat utime + stime. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

describe('podets serve with its output gone (EPIPE)', () => {
  it('keeps answering, and does not spin, after stdout and stderr are closed', async () => {
    const server = await start(fixtureScript('output-gone.ts'));
    try {
      server.process.stdout!.destroy();
      server.process.stderr!.destroy();
      for (const path of ['/log', '/throw', '/stray', '/log', '/throw']) await fetch(new URL(path, server.url)).then((r) => r.text());
      const ok = await fetch(new URL('/ok', server.url));
      expect(ok.status).to.equal(200);
      expect(await ok.text()).to.equal('ok');
      // A spinning process burns a core between the two readings (100 ticks a second on an idle machine,
      // still well over half that with every core busy); an idle one uses next to nothing.
      const pid = server.process.pid!;
      const before = cpuTicks(pid);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(cpuTicks(pid) - before).to.be.below(20);
      expect((await fetch(new URL('/ok', server.url))).status).to.equal(200);
    } finally {
      server.process.kill('SIGKILL');
      await server.process.catch(() => undefined);
    }
  });
});
