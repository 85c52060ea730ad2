// Shutdown with tasks running, end to end: the server's stop waits for a running task, and the tasks' stop
// hook runs before the SSE engine's, so the task's last event reaches its stream before `pode.close`.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddPodeRoute, AddPodeTask, ConvertToPodeSseConnection, InvokePodeTask, SendPodeSseEvent, createPodeServer } from '../../../index.ts';
import { currentWebEvent } from '../../../host/http/context.ts';
import { closeAllClients, CLOSE_FRAME, frame, RawHttp } from '../../sse/helpers.ts';
import { deferred } from '../timers/helpers.ts';

describe('host/tasks: the server stop and running tasks', () => {
  afterEach(() => closeAllClients());

  it("waits for the running task, whose last SSE event comes before the stream's pode.close", async () => {
    const started = deferred();
    const gate = deferred();
    const pode = await createPodeServer(
      () => {
        AddPodeTask({
          Name: 'finisher',
          ScriptBlock: async ({ ClientId }: { ClientId: string }) => {
            started.resolve();
            await gate.promise;
            SendPodeSseEvent({ Name: 'jobs', ClientId, EventType: 'last', Data: 'sent while stopping' });
          },
        });
        AddPodeRoute({
          Method: 'Get',
          Path: '/jobs',
          ScriptBlock: () => {
            ConvertToPodeSseConnection({ Name: 'jobs' });
            InvokePodeTask({ Name: 'finisher', ArgumentList: { ClientId: currentWebEvent()!.Sse!.ClientId } });
          },
        });
      },
      { quiet: true },
    );
    const listener = http.createServer(pode.handler);
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/`;
    try {
      const client = await RawHttp.sse({ url }, '/jobs');
      await client.until('event: pode.open\n');
      await started.promise;
      let closed = false;
      const closing = pode.close().then(() => (closed = true));
      // The stop is waiting on the task: nothing closed yet.
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(closed).to.equal(false);
      expect(client.body()).to.not.include('pode.close');
      gate.resolve();
      await closing;
      const body = await client.until(CLOSE_FRAME);
      const last = body.indexOf(frame({ event: 'last', data: 'sent while stopping' }));
      expect(last).to.be.greaterThan(0);
      expect(body.indexOf(CLOSE_FRAME)).to.be.greaterThan(last);
    } finally {
      listener.closeAllConnections();
      await new Promise((done) => listener.close(done));
    }
  });
});
