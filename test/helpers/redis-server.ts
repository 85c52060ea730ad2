// A redis-server of the test's own, on a free port, for the tests that stop, kill, freeze or restart
// Redis (never the shared one on 6379). No persistence, so a restart forgets everything, as the machines'
// own Redis does.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.start();
    return r;
  }

  /** Starts (again) on the same port and resolves once it answers PING. */
  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`redis-server on ${this.port} exited (${code}) at start`))));
    exited.catch(() => {});
    for (;;) {
      const probe = new Redis({ port: this.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => {});
      try {
        await Promise.race([probe.connect().then(() => probe.ping()), exited]);
        probe.disconnect();
        return;
      } catch (err) {
        probe.disconnect();
        if (child.exitCode !== null) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** SHUTDOWN NOSAVE: clients see their connections close; everything Redis held is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    this.resume(); // a frozen Redis cannot shut down
    const conn = new Redis({ port: this.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    conn.on('error', () => {});
    try {
      await conn.connect();
      await conn.call('SHUTDOWN', 'NOSAVE').catch(() => {});
    } catch {
      child.kill('SIGKILL');
    }
    conn.disconnect();
    await exited;
  }

  /** SIGSTOP: the connections stay open, and nothing answers. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  url(db = 0, query = ''): string {
    return `redis://127.0.0.1:${this.port}/${db}${query ? `?${query}` : ''}`;
  }
}

/** The TCP ports this process has open (from /proc), to find its connections in CLIENT LIST. */
function localPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (inodes.has(f[9]!)) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** CLIENT LIST entries whose client address is one of the process's ports. */
export async function redisClientsOf(admin: Redis, pid: number): Promise<string[]> {
  const ports = localPorts(pid);
  const text = (await admin.call('CLIENT', 'LIST')) as string;
  return text.split('\n').filter((l) => {
    const port = Number(/\baddr=[^ ]*:(\d+)\b/.exec(l)?.[1]);
    return ports.has(port);
  });
}


/** Deletes every key matching `pattern` (a test's own prefix followed by `*`), with SCAN so Redis never blocks on KEYS. */
export async function deleteKeys(admin: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await admin.del(...keys);
  } while (cursor !== '0');
}
