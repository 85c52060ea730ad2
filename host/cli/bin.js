#!/usr/bin/env node
// The `podets` command. tsx's loader is registered first so the CLI, the cmdlets and the user's script all
// run from TypeScript source with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main(process.argv);
