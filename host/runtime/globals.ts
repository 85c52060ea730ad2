// What a `podets serve` script sees without importing anything: every cmdlet as `VerbPodeNoun`, the `pode`
// tag, `$WebEvent` (the current request, resolved per async context), and the common-parameter variables.
import { allCmdlets, scriptName } from '../cmdlet/registry.ts';
import { pode } from '../cmdlet/template.ts';
import { variables } from '../cmdlet/variables.ts';
import { currentWebEvent } from '../http/context.ts';
import { currentTriggeredEvent } from '../sse/events.ts';
import { currentScheduleEvent, currentTimerEvent } from './server.ts';

let installed = false;

export function installGlobals(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as Record<string, unknown>;
  for (const entry of allCmdlets()) g[scriptName(entry.decl.name)] = entry.fn;
  g.pode = pode;
  g.PodeVariables = variables;
  Object.defineProperty(globalThis, '$WebEvent', { get: currentWebEvent, configurable: true });
  // Pode's $TimerEvent / $ScheduleEvent: Name, Sender, Timestamp, Count, Metadata of the run in progress.
  Object.defineProperty(globalThis, '$TimerEvent', { get: currentTimerEvent, configurable: true });
  Object.defineProperty(globalThis, '$ScheduleEvent', { get: currentScheduleEvent, configurable: true });
  Object.defineProperty(globalThis, '$TriggeredEvent', { get: currentTriggeredEvent, configurable: true });
}
