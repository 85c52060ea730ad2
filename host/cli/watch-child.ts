// The child side of `podets serve --watch`. The watcher talks to its child over the IPC channel it opens:
// the child reports the ports it bound (so a restart binds the same ones, even after --port 0), and the
// watcher asks for a restart with a message rather than a signal, because a SIGTERM or Ctrl+C is a real stop.
import type { BoundEndpoint } from '../http/endpoints.ts';
import { WORKER_ENV } from '../sse/hub/ipc.ts';

/** Set by the watcher on its child (and inherited by --workers' workers through the primary). */
export const WATCH_ENV = 'PODETS_WATCH_CHILD';
/** The ports the previous child bound, one per endpoint in order (`8080,0` keeps the order). */
export const WATCH_PORTS_ENV = 'PODETS_WATCH_PORTS';

export type WatchMessage = { podetsWatch: 'listening'; ports: number[] } | { podetsWatch: 'restart' };

export const isWatchChild = (): boolean => process.env[WATCH_ENV] === '1' && typeof process.send === 'function';

/** Ports to bind instead of 0, from the previous child: index i pins endpoint i. */
export function pinnedPorts(): number[] {
  const text = process.env[WATCH_PORTS_ENV];
  if (!text) return [];
  return text.split(',').map((p) => (/^\d{1,5}$/.test(p) ? Number(p) : 0));
}

export function reportListening(endpoints: readonly Pick<BoundEndpoint, 'port'>[]): void {
  if (!isWatchChild()) return;
  const message: WatchMessage = { podetsWatch: 'listening', ports: endpoints.map((e) => e.port) };
  process.send!(message, undefined, undefined, () => {});
}

/**
 * Runs `restart` when the watcher asks for one, and `stop` when the watcher has gone (killed without a
 * chance to stop us): a child must not outlive its watcher and keep the port.
 */
export function onWatchRequests(restart: () => void, stop: () => void): void {
  if (!isWatchChild()) return;
  process.on('message', (m: unknown) => {
    if ((m as WatchMessage | null)?.podetsWatch === 'restart') restart();
  });
  // A --workers worker's channel is the cluster's (node:cluster handles its loss); only the watcher's own
  // child stops when the watcher goes, and its channel alone must not keep it alive once it has stopped.
  if (process.env[WORKER_ENV]) return;
  process.on('disconnect', stop);
  process.channel?.unref();
}
