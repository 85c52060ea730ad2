// `podets serve --watch` on a temp copy of a script, as editors save it: in place, by writing a temp file and
// renaming it over the script (vim, IDEs), with `sed -i`. Each save restarts the server with the new code,
// on the same port (even with --port 0); editors' temp files restart nothing; an open page keeps receiving.
import { expect } from 'chai';
import { EventSource } from 'eventsource';
import { execa } from 'execa';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTemporaryFile } from '../../../host/cli/watch.ts';
import { start, type ServedScript } from '../../helpers/serve.ts';

/** A globals-only script answering `text` on `/`, with an SSE route and a route that sends `text` to it. */
const script = (text: string) => `
AddPodeRoute({ Method: 'Get', Path: '/', ScriptBlock: () => WritePodeTextResponse('${text}') });
AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: () => { ConvertToPodeSseConnection({ Name: 'Page' }); } });
AddPodeRoute({ Method: 'Post', Path: '/send', ScriptBlock: () => {
  SendPodeSseEvent({ Name: 'Page', EventType: 'note', Data: '${text}' });
  WritePodeTextResponse('sent');
} });
`;

describe('podets serve --watch (end to end)', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  let served: ServedScript | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'podets-watch-'));
    file = join(dir, 'server.ts');
    writeFileSync(file, script('v1'));
  });
  afterEach(async () => {
    if (served) expect(await served.stop()).to.equal(0);
    served = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Saves with `save`, then waits for the restart it causes and for the server to answer `text` on the same URL. */
  async function savedAndRestarted(save: () => unknown, text: string, changed = 'server.ts') {
    const from = served!.stdout.length;
    await save();
    await served!.waitForLine('stdout', /^Change detected in /, 20_000, from);
    await served!.waitForLine('stdout', /^Listening on /, 20_000, from);
    const lines = served!.stdout.slice(from).filter((l) => /^(Change detected|Listening on)/.test(l));
    // One restart, naming the file, back on the port it had (first chosen by --port 0).
    expect(lines).to.deep.equal([`Change detected in ${changed}: restarting`, `Listening on ${served!.url}`]);
    expect(await (await fetch(served!.url)).text()).to.equal(text);
  }

  it('a save in place restarts on the same port (--port 0), serving the new behaviour', async () => {
    served = await start(file, ['--watch']);
    expect(await (await fetch(served.url)).text()).to.equal('v1');
    await savedAndRestarted(() => writeFileSync(file, script('v2')), 'v2');
    await savedAndRestarted(() => writeFileSync(file, script('v3')), 'v3');
  });

  it('a save that replaces the file (temp file renamed over it) keeps restarting, save after save', async () => {
    served = await start(file, ['--watch']);
    const replace = (text: string) => () => {
      writeFileSync(`${file}.tmp`, script(text));
      renameSync(`${file}.tmp`, file);
    };
    await savedAndRestarted(replace('v2'), 'v2');
    await savedAndRestarted(replace('v3'), 'v3');
    await savedAndRestarted(replace('v4'), 'v4');
  });

  it('sed -i (a new file renamed over the script) keeps restarting, save after save', async () => {
    served = await start(file, ['--watch']);
    await savedAndRestarted(() => execa('sed', ['-i', 's/v1/v2/g', file]), 'v2');
    await savedAndRestarted(() => execa('sed', ['-i', 's/v2/v3/g', file]), 'v3');
  });

  it("editors' temporary files restart nothing: only the script is named", async () => {
    served = await start(file, ['--watch']);
    await savedAndRestarted(() => {
      for (const temp of ['.server.ts.swp', '.server.ts.swx', 'server.ts~', '4913', '.#server.ts', '#server.ts#', 'notes.tmp', 'server.ts___jb_tmp___'])
        writeFileSync(join(dir, temp), 'x');
      writeFileSync(file, script('v2'));
    }, 'v2');
  });

  /** A page as the docs write it (closing on pode.close) follows a restart, and is told of the real stop. */
  async function pageKeepsReceiving(args: string[]) {
    served = await start(file, ['--watch', ...args]);
    const es = new EventSource(`${served.url}sse`);
    const seen: string[] = [];
    let wake = () => {};
    const record = (e: MessageEvent) => (seen.push(`${e.type} ${e.type === 'pode.open' ? '' : e.data}`.trim()), wake());
    es.addEventListener('pode.open', record);
    es.addEventListener('note', record);
    // What the docs advise a page to do: stop for good when the server says pode.close.
    es.addEventListener('pode.close', (e) => (record(e), es.close()));
    const until = (entry: string, count = 1) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${entry} (×${count}) within 20 s; seen: ${seen.join(' | ')}`)), 20_000);
        const check = () => (seen.filter((s) => s === entry).length >= count ? (clearTimeout(timer), resolve()) : (wake = check));
        check();
      });
    try {
      await until('pode.open');
      await fetch(`${served.url}send`, { method: 'POST' });
      await until('note v1');

      await savedAndRestarted(() => writeFileSync(file, script('v2')), 'v2');
      await until('pode.open', 2);
      await fetch(`${served.url}send`, { method: 'POST' });
      await until('note v2');
      expect(seen).to.deep.equal(['pode.open', 'note v1', 'pode.open', 'note v2']);
      expect(es.readyState).to.equal(EventSource.OPEN);

      // Stopping the watcher is a real stop: the page is told so.
      expect(await served.stop()).to.equal(0);
      served = undefined;
      await until('pode.close');
      expect(seen).to.deep.equal(['pode.open', 'note v1', 'pode.open', 'note v2', 'pode.close']);
    } finally {
      es.close();
    }
  }

  it('an open page keeps receiving after a restart: no pode.close, a retry, and it reconnects', () => pageKeepsReceiving([]));

  it('with --workers 2 too: the restart reaches every worker, the page reconnects on the same port', () => pageKeepsReceiving(['--workers', '2']));
});

describe('--watch: which file names are temporary', () => {
  for (const name of ['.server.ts.swp', '.server.ts.swo', 'server.ts~', '4913', '.#server.ts', '#server.ts#', 'a.tmp', 'A.TMP', 'sedAb12Cd', 'server.ts___jb_old___'])
    it(`${name}: ignored`, () => expect(isTemporaryFile(name)).to.equal(true));
  for (const name of ['server.ts', 'routes.mjs', 'swap.ts', 'tmp.ts', '49130', 'sed.ts', 'views', 'index.html'])
    it(`${name}: watched`, () => expect(isTemporaryFile(name)).to.equal(false));
});
