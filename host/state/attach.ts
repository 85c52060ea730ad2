// Makes a server's state cluster-wide: under --workers through the primary (ipc-state.ts), under --redis through
// Redis (redis-state.ts, loaded only then). Called before the script runs, so it starts from the cluster's state.
import { WORKER_ENV } from '../sse/hub/ipc.ts';
import type { BackplaneUrl } from '../sse/hub/redis-url.ts';
import type { PodeServer } from '../runtime/server.ts';
import { systemClock } from '../timers/clock.ts';
import { IpcStateBackend } from './ipc-state.ts';

/** A cluster worker: loads the primary's snapshot (a replacement worker gets the state the others have). */
export async function attachWorkerState(server: PodeServer): Promise<void> {
  const backend = new IpcStateBackend();
  const replica = server.state.replicaOf(backend, `worker-${process.env[WORKER_ENV] ?? ''}-${process.pid}`);
  await backend.start({ snapshot: (s) => void replica.load(s), ordered: (m) => void replica.ordered(m) });
  server.state.attach(replica, backend);
}

/** An instance sharing a Redis backplane; rejects with a clear error (nothing is attached then). */
export async function attachRedisState(server: PodeServer, target: BackplaneUrl, origin: string): Promise<void> {
  const { RedisStateBackend } = await import('./redis-state.ts');
  const backend = new RedisStateBackend(target, origin, server.options.clock ?? systemClock);
  const replica = server.state.replicaOf(backend, origin);
  await backend.start(replica);
  server.state.attach(replica, backend);
}
