// TCP keep-alive probes on an SSE socket: set only when the heartbeat is off. With pode.ping on, the ping finds a
// vanished client and the probes would cost a system call per accepted connection (issue 15's accept path). Read
// off the kernel: /proc/net/tcp's `tr` column is 2 while a socket's keep-alive timer runs (Linux only).
import { readFileSync, existsSync } from 'node:fs';
import { expect } from 'chai';
import { closeAllClients, RawHttp, serveSse, type ServedScript } from './helpers.ts';

/** The timer kind (`tr`) of the server's socket of the connection whose client port is `clientPort`. */
function serverSocketTimer(serverPort: number, clientPort: number): number | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const [local, remote, state, , timer] = [f[1]!, f[2]!, f[3]!, f[4]!, f[5]!];
    if (state === '01' && local.endsWith(`:${hex(serverPort)}`) && remote.endsWith(`:${hex(clientPort)}`)) return Number.parseInt(timer.split(':')[0]!, 16);
  }
  return undefined;
}

describe('SSE sockets: TCP keep-alive probes only without the heartbeat', function () {
  before(function () {
    if (!existsSync('/proc/net/tcp')) this.skip();
  });
  let server: ServedScript | undefined;
  afterEach(async () => {
    closeAllClients();
    if (server) expect(await server.stop()).to.equal(0);
    server = undefined;
  });

  const timerOf = async (args: string[]) => {
    server = await serveSse('wire.ts', args);
    const client = await RawHttp.sse(server, '/sse');
    expect(client.status).to.equal(200);
    await client.until('event: pode.open\n');
    return serverSocketTimer(Number(new URL(server.url).port), client.socket.localPort!);
  };

  it('with the heartbeat on (the default 60 s), the server socket has no keep-alive timer', async () => {
    expect(await timerOf([])).to.equal(0);
  });

  it('with --sse-ping-interval 0, the server socket has its keep-alive timer (2)', async () => {
    expect(await timerOf(['--sse-ping-interval', '0'])).to.equal(2);
  });
});
