// docs/architecture.md is a map of the code: every path it names must exist, so the map cannot drift from
// the layout without this failing. A path is a backticked `host/…`, `cmdlets/…`, `scripts/…` or `test/…`
// item, or a name relative to the folder named before it (`h1.ts`, `hub/redis.ts`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

const root = join(import.meta.dirname, '..', '..');
const text = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');

describe('docs/architecture.md', () => {
  const named = [...text.matchAll(/`((?:host|cmdlets|scripts|test|docs)\/[\w./-]*)`/g)].map((m) => m[1]!);

  it('names the server object, the transport interface and the error catalog', () => {
    expect(named).to.include.members(['host/runtime/server.ts', 'host/http/transport/', 'host/errors/catalog.ts']);
  });

  it('names only paths that exist', () => {
    const missing = named.filter((path) => !existsSync(join(root, path)));
    expect(missing).to.deep.equal([]);
  });

  it('each file it names relative to a folder (`writer.ts`, `hub/redis.ts` after `host/sse/…`) exists there', () => {
    const missing: string[] = [];
    let folder = '';
    for (const m of text.matchAll(/`([\w./-]+)`/g)) {
      const item = m[1]!;
      if (/^(scripts|test|docs)\//.test(item)) folder = '';
      else if (/^(host|cmdlets)\//.test(item)) folder = item.endsWith('/') ? item : item.slice(0, item.lastIndexOf('/') + 1);
      else if (/^[\w/-]+\.ts$/.test(item) && folder && !existsSync(join(root, folder, item))) missing.push(folder + item);
    }
    expect(missing).to.deep.equal([]);
  });
});
