// What travels on the Redis bus channel: compact JSON. A send carries its data once (each receiver frames
// it; frames are kept only in history). Sends, closes and lost-notices go through the bus script
// (scripts.ts), which adds `b`, their place in the bus' one order, and for a send the positions `s` of its
// history Names. Presence messages are published as they are. Anything else on the channel, or a message
// of the wrong shape, is ignored: the channel is Redis', not ours alone.
import type { HubClose, HubLost, HubSend } from '../types.ts';

/** The sender's token: its instance id and a number of its own, to know its own messages when they come back. */
interface Token {
  o: string;
  k: number;
}
export interface WireSend extends Token {
  t: 's';
  n: string[];
  g?: string[];
  c?: string[];
  i?: string;
  e?: string;
  d: string;
  /** Added by the bus script. */
  b?: number;
  s?: Record<string, number>;
}
export interface WireClose extends Token {
  t: 'c';
  n: string;
  g?: string[];
  c?: string[];
  b?: number;
}
/** Names whose events the sender delivered to its own clients only (it was cut off). */
export interface WireLost extends Token {
  t: 'g';
  n: string[];
  b?: number;
}
/** Presence: j(oin), l(eave), r(ead my hash again: republished after a reconnect), x (gone). */
export interface WirePresence {
  t: 'j' | 'l' | 'r' | 'x';
  o: string;
  n?: string;
  c?: string;
  g?: string;
}
export type WireBus = WireSend | WireClose | WireLost;
export type Wire = WireBus | WirePresence;

const nonEmpty = <T>(list: T[] | undefined) => (list && list.length > 0 ? list : undefined);

export function encodeSend(m: HubSend, o: string, k: number): WireSend {
  return { t: 's', n: m.names, g: nonEmpty(m.groups), c: nonEmpty(m.clientIds), i: m.id || undefined, e: m.eventType || undefined, d: m.data, o, k };
}
export function encodeClose(m: HubClose, o: string, k: number): WireClose {
  return { t: 'c', n: m.name, g: nonEmpty(m.groups), c: nonEmpty(m.clientIds), o, k };
}

export function toDelivery(w: WireBus): HubSend | HubClose | HubLost {
  if (w.t === 'c') return { t: 'close', name: w.n, groups: w.g, clientIds: w.c };
  if (w.t === 'g') return { t: 'lost', names: w.n };
  return { t: 'send', names: w.n, groups: w.g, clientIds: w.c, id: w.i, eventType: w.e, data: w.d, seqs: w.s };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isSeqs = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isCount);

/** Parses one channel message; undefined when it is not one of ours, well formed. */
export function parseWire(text: string): Wire | undefined {
  let w: Record<string, unknown>;
  try {
    w = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (w === null || typeof w !== 'object' || !isString(w.o)) return undefined;
  const common = optional(w.g, isStrings) && optional(w.c, isStrings) && optional(w.b, isCount);
  switch (w.t) {
    case 's':
      return isStrings(w.n) && isString(w.d) && common && optional(w.i, isString) && optional(w.e, isString) && optional(w.s, isSeqs) && isCount(w.k) ? (w as unknown as WireSend) : undefined;
    case 'c':
      return isString(w.n) && common && isCount(w.k) ? (w as unknown as WireClose) : undefined;
    case 'g':
      return isStrings(w.n) && optional(w.b, isCount) && isCount(w.k) ? (w as unknown as WireLost) : undefined;
    case 'j':
    case 'l':
      return isString(w.n) && isString(w.c) && optional(w.g, isString) ? (w as unknown as WirePresence) : undefined;
    case 'r':
    case 'x':
      return w as unknown as WirePresence;
    default:
      return undefined;
  }
}
