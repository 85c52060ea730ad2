// The bench orchestrators' side of a child process: spawned with a raised file-descriptor limit, spoken to
// over IPC, with messages queued by type so a test step can await "the next `ready`".
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs node with `args` under `ulimit -n fdLimit` (bash is the only way to raise it for a child), at `nice`
 * (0: the orchestrator's priority).
 */
export function spawnNode(root: string, fdLimit: number, args: string[], stdout: 'pipe' | 'inherit', nice = 0): ChildProcess {
  const script = `ulimit -n ${fdLimit} 2>/dev/null; exec ${nice ? `nice -n ${nice} ` : ''}"$0" "$@"`;
  return spawn('bash', ['-c', script, process.execPath, ...args], { cwd: root, stdio: ['ignore', stdout, 'inherit', 'ipc'] });
}

/** Messages of one type from a child, in order. */
export class Channel {
  private readonly queues = new Map<string, unknown[]>();
  private readonly waiters = new Map<string, ((m: unknown) => void)[]>();
  private exited: Error | undefined;
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.on('message', (m: { type: string }) => {
      const waiting = this.waiters.get(m.type)?.shift();
      if (waiting) waiting(m);
      else this.queue(m.type).push(m);
    });
    child.once('exit', (code, signal) => {
      this.exited = new Error(`${name} exited (${signal ?? code})`);
      for (const list of this.waiters.values()) for (const w of list.splice(0)) w(this.exited);
    });
  }
  private queue(type: string): unknown[] {
    let q = this.queues.get(type);
    if (!q) this.queues.set(type, (q = []));
    return q;
  }
  send(m: object): void {
    this.child.send(m);
  }
  next<T>(type: string, timeoutMs = 60_000): Promise<T> {
    const queued = this.queue(type);
    if (queued.length) return Promise.resolve(queued.shift() as T);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<T>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${this.name}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      let list = this.waiters.get(type);
      if (!list) this.waiters.set(type, (list = []));
      list.push((m) => {
        clearTimeout(timer);
        if (m instanceof Error) fail(m);
        else done(m as T);
      });
    });
  }
  /** Sends `m` and waits for the reply of type `replyType` (by default the request's own type). */
  async request<T>(m: { type: string }, replyType = m.type, timeoutMs?: number): Promise<T> {
    this.send(m);
    return this.next<T>(replyType, timeoutMs);
  }
  /** Asks the child to exit (a CPU profile is written then); kills it if it has not within 5 s. */
  stop(): Promise<void> {
    return new Promise((done) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return done();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      this.send({ type: 'exit' });
    });
  }
}
