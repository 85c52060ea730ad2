// Turns a Send-PodeSseEvent -Data value into the event's data string, the way Pode does with
// `ConvertTo-Json -Compress -Depth <n>`: a string goes as-is, anything else becomes compact JSON through
// the engine's one serializer (host/values/json.ts, the same text Write-PodeJsonResponse sends). Unlike
// ConvertTo-Json, Depth <= 0 means "no bound" (the spec's choice); a cycle then asks for a -Depth.
import { errors } from '../errors/catalog.ts';
import { toPsJson } from '../values/json.ts';

/**
 * The cycle error per command, made once: this runs on every send, and a closure made per call costs more
 * than the JSON (under tsx every function expression is also named at run time).
 */
const circularFor = new Map<string, () => Error>();

export function toEventData(value: unknown, depth = 10, command = 'Send-PodeSseEvent'): string {
  if (typeof value === 'string') return value;
  let circular = circularFor.get(command);
  if (circular === undefined) circularFor.set(command, (circular = () => errors.SseDataCircularReference(command)));
  return toPsJson(value, { depth: depth > 0 ? depth : Infinity, circular });
}
