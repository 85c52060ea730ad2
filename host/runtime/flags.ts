// CLI flags that set server-wide settings before the script runs (the script's own cmdlet calls win).
import type { ServeOptionValues } from '../cli/serve-options.ts';
import type { PodeServer } from './server.ts';

export function applyServeFlags(_server: PodeServer, _opts: ServeOptionValues): void {
  // SSE settings (--sse-default-scope, …) are applied by the SSE engine once it lands.
}
