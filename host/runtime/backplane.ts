// The Redis backplane of a server (`--redis <url>`, Set-PodeSseBackplane -Url): connect, give it to the server
// (server.backplane, and its SSE engine as the hub), and leave Redis cleanly (own presence removed) when the
// server stops. Without either, nothing here runs and no Redis is contacted.
import { logError, logInfo, logVerbose } from '../log.ts';
import type { RedisHub } from '../sse/hub/redis.ts';
import { parseBackplaneUrl } from '../sse/hub/redis-url.ts';
import { attachRedisState } from '../state/attach.ts';
import type { PodeServer } from './server.ts';

/** Connects to Redis and makes the server's SSE engine share its space through it; rejects with a clear error. */
export async function connectBackplane(server: PodeServer, url: string): Promise<RedisHub> {
  const target = parseBackplaneUrl(url);
  const current = server.backplane;
  if (current && current.target.url === target.url && current.target.prefix === target.prefix) return current;
  const { RedisHub } = await import('../sse/hub/redis.ts'); // ioredis loads only when a backplane is used
  const hub = new RedisHub(url);
  await hub.connect();
  // The state and Lock-PodeObject's locks go through the same Redis (host/state/redis-state.ts).
  try {
    await attachRedisState(server, hub.target, hub.instance);
  } catch (err) {
    await hub.close();
    throw err;
  }
  if (current) {
    logInfo(`Redis backplane ${current.target.display} replaced by ${hub.target.display}`);
    await current.close();
  }
  // Under --workers the worker's cluster hub is replaced: each worker is then an instance of its own in Redis.
  if (!current && server.sse.scaledOut) logVerbose(`Redis backplane replaces this process's cluster hub: ${hub.instance} shares the space through Redis`);
  server.backplane = hub;
  server.sse.attachHub(hub);
  // Connections opened before (a call from a route, say) join the shared space too.
  for (const conn of server.sse.registry.all()) hub.join({ name: conn.Name, clientId: conn.ClientId, group: conn.group });
  // Before the engine's own teardown, so this instance's presence leaves Redis before the process exits.
  server.onStop(() => hub.close());
  return hub;
}

/** `podets serve --redis <url>`: true once connected; false after logging why (the caller exits 1). */
export async function startBackplane(server: PodeServer, url: string): Promise<boolean> {
  try {
    await connectBackplane(server, url);
    return true;
  } catch (err) {
    logError((err as Error).message);
    return false;
  }
}
