// Two copies of podets in one process (a script importing another copy than the one `podets serve` runs)
// must be named as the cause, not reported as "run the script with podets serve". Run in a child process:
// the list of loaded copies is process-wide.
import { expect } from 'chai';
import { execa } from 'execa';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../helpers/serve.ts';

const serverModule = pathToFileURL(`${repoRoot}/host/runtime/server.ts`).href;

describe('podets loaded twice in one process', () => {
  it('currentServer() in the copy with no server names both copies (PodetsLoadedTwice)', async () => {
    const code = `
      const first = await import(${JSON.stringify(serverModule)});
      const second = await import(${JSON.stringify(serverModule + '?second-copy')});
      // No copy has a server yet: the plain error, whatever else is loaded.
      try { second.currentServer('Add-PodeRoute'); } catch (e) { console.log(e.ErrorId); }
      first.setCurrentServer(new first.PodeServer());
      first.currentServer('Add-PodeRoute');
      try { second.currentServer('Add-PodeRoute'); } catch (e) { console.log(e.ErrorId); console.log(e.message); }
    `;
    const r = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, reject: false });
    expect(r.stderr).to.equal('');
    const [before, id, message] = r.stdout.split('\n');
    expect(before).to.equal('NoPodeServer,Add-PodeRoute');
    expect(id).to.equal('PodetsLoadedTwice,Add-PodeRoute');
    expect(message).to.equal(
      `No podets server is being configured in this copy of podets: the process has loaded podets 2 times (${serverModule}; ${serverModule}?second-copy). ` +
        "A script must import the podets that runs it: `import … from 'podets'` in a project that installed podets, run with that project's `podets serve`.",
    );
  });
});
