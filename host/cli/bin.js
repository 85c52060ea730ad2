#!/usr/bin/env node
// The `podets` command. tsx's loader is registered first so that users' scripts run from TypeScript with no
// build step. This one file is both the source launcher (host/cli/bin.js) and the published one (the build
// copies it to dist/host/cli/bin.js).
//
// One module graph, always: podets keeps the server being configured in module state, so the CLI must run
// the same copy of podets that the script imports. A clone's scripts (examples, bench, test fixtures) import
// the TypeScript source (`../../index.ts`), so wherever this file sits, if the source is there (a clone, or
// a git install that kept it) the CLI runs the source; an installed package has only dist/ and runs that,
// which is also what `import … from 'podets'` resolves to.
import { existsSync } from 'node:fs';
import Module from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { register as registerCommonJs } from 'tsx/cjs/api';

const source = [new URL('./main.ts', import.meta.url), new URL('../../../host/cli/main.ts', import.meta.url)].find((u) =>
  existsSync(u),
);
register();
const nativeJs = Module._extensions['.js'];
// A script in a folder without "type": "module" (npm init's default) loads as CommonJS: that loader needs
// tsx too. Its `require('podets')` reaches dist/index.js, which tsx's CommonJS loader would recompile to
// CommonJS: a second copy of podets, whose cmdlets see no server. podets' own compiled files are left to
// Node's require(esm) instead, which returns the very modules the CLI has imported.
registerCommonJs();
if (!source) {
  const tsxJs = Module._extensions['.js'];
  const dist = fileURLToPath(new URL('../../', import.meta.url));
  Module._extensions['.js'] = function podetsOrTsx(module, filename) {
    return (filename.startsWith(dist) ? nativeJs : tsxJs).call(this, module, filename);
  };
}
const { main } = await import((source ?? new URL('./main.js', import.meta.url)).href);
await main(process.argv);
