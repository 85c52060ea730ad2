import { expect } from 'chai';
import { Heartbeat } from '../../../host/sse/heartbeat.ts';
import type { HeartbeatTarget } from '../../../host/sse/heartbeat.ts';
import { SseWriter } from '../../../host/sse/writer.ts';
import type { SseCloseReason } from '../../../host/sse/writer.ts';
import { frameEvent, frameComment, PODE_PING } from '../../../host/sse/framing.ts';
import { setLogSink } from '../../../host/log.ts';
import { startServer, RawClient, on } from './helpers.ts';
import type { TestServer } from './helpers.ts';

const PING = PODE_PING.toString();

describe('sse heartbeat', () => {
  let server: TestServer;
  const clients: RawClient[] = [];
  const beats: Heartbeat[] = [];
  const connect = async () => {
    const client = await RawClient.connect(server.port);
    clients.push(client);
    const { res } = await server.next();
    return { client, res };
  };
  const heartbeat = (...args: ConstructorParameters<typeof Heartbeat>) => {
    const hb = new Heartbeat(...args);
    beats.push(hb);
    return hb;
  };

  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const hb of beats.splice(0)) hb.stop();
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
  });

  it('its one timer pings an idle connection', async () => {
    const { client, res } = await connect();
    const writer = new SseWriter(on(res));
    heartbeat(20, () => [writer]);
    expect(await client.waitForBody((b) => b.length > 0)).to.equal(PING);
  });

  it('pings the idle connection and not the busy one', async () => {
    let now = 0;
    const idle = await connect();
    const busy = await connect();
    const idleWriter = new SseWriter(on(idle.res), { now: () => now });
    const busyWriter = new SseWriter(on(busy.res), { now: () => now });
    const hb = heartbeat(1000, () => [idleWriter, busyWriter], { now: () => now });
    hb.stop(); // ticked by hand below, on the same clock as the writers
    now = 900;
    busyWriter.write(frameEvent({ data: 'work' })); // busy: active 100 ms before the tick
    now = 1000;
    expect(hb.tick()).to.equal(1);
    const marker = frameEvent({ data: 'marker' });
    idleWriter.write(marker);
    busyWriter.write(marker);
    expect(await idle.client.waitForBody((b) => b.endsWith(marker.toString()))).to.equal(PING + marker.toString());
    expect(await busy.client.waitForBody((b) => b.endsWith(marker.toString()))).to.equal('data: work\n\n' + marker.toString());
  });

  it('a ping counts as activity, so the next one waits a full interval', async () => {
    let now = 0;
    const { res } = await connect();
    const writer = new SseWriter(on(res), { now: () => now });
    const hb = heartbeat(1000, () => [writer], { now: () => now });
    hb.stop();
    now = 1000;
    expect(hb.tick()).to.equal(1);
    now = 1999;
    expect(hb.tick()).to.equal(0);
    now = 2000;
    expect(hb.tick()).to.equal(1);
  });

  it('a failed ping disposes the connection through the writer', async () => {
    let now = 0;
    const { res } = await connect();
    const reasons: SseCloseReason[] = [];
    const writer = new SseWriter(on(res), { now: () => now, onClose: (r) => reasons.push(r) });
    const hb = heartbeat(1000, () => [writer], { now: () => now });
    hb.stop();
    now = 5000;
    res.destroy(); // the client is gone; its 'close' has not been delivered yet
    expect(hb.tick()).to.equal(0);
    expect(reasons).to.deep.equal(['client']);
    expect(writer.closed).to.equal(true);
    expect(hb.tick()).to.equal(0); // closed writers are skipped
  });

  it('the interval can change at runtime; 0 stops pinging', async () => {
    const { client, res } = await connect();
    const writer = new SseWriter(on(res));
    const hb = heartbeat(0, () => [writer]);
    expect(hb.interval).to.equal(0);
    expect(hb.tick()).to.equal(0);
    hb.interval = 15;
    expect(hb.interval).to.equal(15);
    expect(await client.waitForBody((b) => b.length > 0)).to.equal(PING);
    hb.interval = -5;
    expect(hb.interval).to.equal(0);
    expect(() => (hb.interval = NaN)).to.throw(RangeError);
  });

  it('can send a comment line instead of pode.ping', async () => {
    const { client, res } = await connect();
    const writer = new SseWriter(on(res));
    heartbeat(15, () => [writer], { frame: frameComment('keep-alive') });
    expect(await client.waitForBody((b) => b.length > 0)).to.equal(': keep-alive\n\n');
  });

  it('errors from the targets are logged and never escape the timer', () => {
    const lines: string[] = [];
    const old = setLogSink((_l, line) => lines.push(line));
    try {
      const bad: HeartbeatTarget = {
        lastActivity: 0,
        closed: false,
        write: () => {
          throw new Error('bad target');
        },
      };
      const good = { lastActivity: 0, closed: false, writes: 0, write() { this.writes++; return true; } };
      const hb = heartbeat(1000, () => [bad, good], { now: () => 10_000 });
      hb.stop();
      expect(hb.tick()).to.equal(1);
      expect(good.writes).to.equal(1);
      const broken = heartbeat(1000, () => {
        throw new Error('no targets');
      });
      broken.stop();
      expect(broken.tick()).to.equal(0);
    } finally {
      setLogSink(old);
    }
    expect(lines.join('\n')).to.contain('bad target').and.to.contain('no targets');
  });
});
