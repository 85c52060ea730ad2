// Shared by the SSE conformance suites (one file per rule of issue 12, each citing where Pode does it): a
// podets server in this process (createPodeServer behind a real node:http server), raw requests that keep
// the exact status and body, SSE streams read as bytes, and the three call forms a cmdlet takes.
//
// Pode's sources are cited as path@commit:line from the stored copies the rules were read from:
// src/Public/SSE.ps1@46abfd9, src/Listener/Protocols/Http/PodeHttpRequestStrategy.cs@a278dc8,
// src/Listener/Protocols/Http/PodeHttpContext.cs@f19a460, src/Listener/Protocols/Http/Client/*.cs@f19a460
// (PodeClientConnectionNestedMap.cs@46abfd9), src/Private/Context.ps1@f19a460, src/Private/SSE.ps1@75fba42,
// src/Listener/Utilities/PodeItemNestedMap.cs@8c6bba2 (namespace Pode.Utilities), and src/Private/WebServer.ps1
// (its Protocols-era version), whose stored copy names no commit. The commits in full:
// 46abfd9ae107442af2e292ccad5158f4a0d6b93c, a278dc8111fa101c47aeb2aa61bd02ae6829eee0,
// f19a460a81bb01b440d6da1a996d58f405241b96, 75fba427090d2343b72d88da57ef8833ee3f762c,
// 8c6bba2e0aa45198f51e356f0436487be3443b1f. Lines are 1-based lines of the whole stored copy. SSE.ps1@46abfd9 opens
// with a `using namespace` line and a blank one, so its lines run two after those of SSE.ps1@1d26fae, the copy
// test/fixtures/pode/declarations.ts cites.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPodeServer, type PodeApp, type PodeServerOptions } from '../../../index.ts';
import { call as sseCall, closeAllClients, RawHttp, type JsonReply } from '../helpers.ts';

export { closeAllClients, RawHttp };
export { CLOSE_FRAME, frame, openFrame } from '../helpers.ts';

export interface App {
  url: string;
  pode: PodeApp;
  close(): Promise<void>;
}

/** A podets server for `block`, listening on a port of its own. */
export async function serve(block: () => unknown, options: PodeServerOptions = {}): Promise<App> {
  // Quiet: the refusals these suites provoke on purpose would print a warning each.
  const pode = await createPodeServer(block, { quiet: true, ...options });
  const server = http.createServer(pode.handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    pode,
    async close() {
      closeAllClients();
      await pode.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

export type Reply = JsonReply;

/** One request on its own connection; `headers` go as they are (no Accept unless given). */
export const call = (app: App, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> =>
  sseCall(app, method, path, body, headers);

export async function stream(app: App, path: string, headers: Record<string, string | null> = {}, method = 'GET'): Promise<RawHttp> {
  const client = await RawHttp.open(app.url, { method, path, headers });
  await client.headReady();
  if (client.status === 200) await client.until('event: pode.open\n');
  return client;
}

/** What a cmdlet call gave, as JSON: its value, or the error it failed with. */
export function attempt(fn: () => unknown): { ok: true; value: unknown } | { ok: false; errorId: string; message: string } {
  try {
    const value = fn();
    return { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    const e = err as { ErrorId?: string; message?: string };
    return { ok: false, errorId: e.ErrorId ?? '', message: e.message ?? String(err) };
  }
}

/** The three ways a script calls a cmdlet: JS positional values, positional values with a trailing splat, a `pode` command line. */
export const FORMS = ['positional', 'splat', 'template'] as const;
export type Form = (typeof FORMS)[number];
