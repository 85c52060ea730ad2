// `podets serve --watch`: the server runs in a child process that is replaced when the script or a file
// beside it changes. A fresh process means a fresh module graph.
//
// - Folders are watched, never files: an editor that saves by writing a new file and renaming it over the
//   old one (vim, many IDEs, `sed -i`) gives the file a new inode, and a watch on the old inode goes
//   silent. (Node 20's `recursive` watch on Linux watches every file that way, so it is not used.)
// - Editors' temporary files (swap files, backups, lock files) never restart the server.
// - A restart is asked for over IPC, not with a signal: the child then ends its SSE streams with a short
//   `retry:` instead of pode.close, so open pages reconnect to the new server by themselves. SIGINT and
//   SIGTERM stop the child for good (pode.close).
// - The ports the first child bound are passed on, so `--port 0` keeps its port across restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logInfo } from '../log.ts';
import { WATCH_ENV, WATCH_PORTS_ENV, type WatchMessage } from './watch-child.ts';
import { WATCH_LOADED_ENV, WATCH_RESTARTS_ENV } from '../metrics/metrics.ts';

const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));
const DEBOUNCE_MS = 150;
/** Longer than the server's 5 s grace for in-flight requests. */
const STOP_TIMEOUT_MS = 10_000;
/** Folders that never restart the server. */
const IGNORED_DIRS = new Set(['node_modules', '.git']);

/**
 * Editors' temporary files: vim's swap files (.x.swp, .swo, …, and .swx), its write test `4913`, backups `x~`,
 * emacs's lock `.#x` and autosave `#x#`, `*.tmp`, sed -i's `sedXXXXXX`, JetBrains' `x___jb_tmp___`.
 */
export function isTemporaryFile(name: string): boolean {
  return /\.sw[a-px]$|~$|^4913$|^\.#|^#.*#$|\.tmp$|^sed[A-Za-z0-9]{6}$|___jb_(tmp|old)___$/i.test(name);
}

/** Watches `root` and the folders under it, one non-recursive watcher each; new folders are picked up. */
function watchTree(root: string, onChange: (relative: string) => void): void {
  const watchers = new Map<string, FSWatcher>();
  const add = (dir: string) => {
    if (watchers.has(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, (_event, name) => {
        if (!name) return onChange(relativeTo(root, dir));
        const file = String(name);
        if (isTemporaryFile(basename(file)) || IGNORED_DIRS.has(file)) return;
        const full = join(dir, file);
        if (isDirectory(full)) add(full);
        onChange(relativeTo(root, full));
      });
    } catch {
      return; // gone already, or unreadable: nothing to watch there
    }
    // A removed folder's watcher errors or closes: forget it, so a folder of that name is watched again.
    w.on('error', () => (w.close(), watchers.delete(dir)));
    w.on('close', () => watchers.delete(dir));
    watchers.set(dir, w);
    for (const entry of safeReaddir(dir)) if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) add(join(dir, entry.name));
  };
  add(root);
}

export async function watchAndRestart(script: string, args: string[]): Promise<void> {
  const folder = dirname(resolve(script));
  let child: ChildProcess | undefined;
  let ports: number[] | undefined;
  let stopping = false;
  // Get-PodeServerRestartCount and Get-PodeServerUptime -Total in the children: restarts so far, first start.
  let starts = 0;
  const loadedAt = Date.now();

  const start = () => {
    const metrics = { [WATCH_RESTARTS_ENV]: String(starts++), [WATCH_LOADED_ENV]: String(loadedAt) };
    const env = { ...process.env, [WATCH_ENV]: '1', ...metrics, ...(ports && { [WATCH_PORTS_ENV]: ports.join(',') }) };
    const c = spawn(process.execPath, [BIN, ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env });
    child = c;
    c.on('message', (m: WatchMessage) => {
      // The first child's ports stay the ones every later child binds.
      if (m?.podetsWatch === 'listening' && !ports) ports = m.ports;
    });
    c.on('exit', (code) => {
      if (stopping) process.exit(code ?? 0);
    });
  };
  /** Stops the child: a restart asks it over IPC (streams end with a retry), a stop sends SIGTERM. */
  const stopChild = (restart: boolean) =>
    new Promise<void>((done) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return done();
      // A child that does not go (a script stuck in a loop) is stopped for good after a while.
      const stuck = setTimeout(() => c.kill('SIGKILL'), STOP_TIMEOUT_MS);
      c.once('exit', () => (clearTimeout(stuck), done()));
      if (restart && c.connected) c.send({ podetsWatch: 'restart' } satisfies WatchMessage);
      else c.kill('SIGTERM');
    });

  // Restarts run one after another: a change during a restart gives one more restart, not two children.
  let queue = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  // Every file changed within the debounce window is named (a save can touch several).
  let changed = new Set<string>();
  watchTree(folder, (file) => {
    if (file) changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed];
      changed = new Set();
      queue = queue.then(async () => {
        if (stopping) return;
        logInfo(`Change detected${files.length ? ` in ${files.join(', ')}` : ''}: restarting`);
        await stopChild(true);
        if (!stopping) start();
      });
    }, DEBOUNCE_MS);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, async () => {
      stopping = true;
      await stopChild(false);
      process.exit(0);
    });
  start();
  await new Promise(() => {}); // runs until a signal
}

function relativeTo(root: string, path: string): string {
  return path === root ? '' : path.slice(root.length + 1);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
