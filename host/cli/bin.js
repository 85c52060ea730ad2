#!/usr/bin/env node
// The `podets` command. tsx's loader is registered first so the CLI, the cmdlets and the user's script all
// run from TypeScript source with no build step.
import { register } from 'tsx/esm/api';
import { register as registerCommonJs } from 'tsx/cjs/api';

register();
// A script in a folder without "type": "module" loads as CommonJS: that loader needs tsx too.
registerCommonJs();
const { main } = await import('./main.ts');
await main(process.argv);
