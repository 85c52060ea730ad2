// The position of an event in its Name's stream, and so its automatic id: a hybrid clock. It is the time
// in microseconds since the Unix epoch, pushed one past the previous position when the clock has not moved
// on (several events in one microsecond, or a clock that stepped back). So positions strictly increase,
// and a counter that starts again from nothing (a restarted process, a Redis that lost its data) starts
// above every id handed out before, as long as the clock has not gone back further than the time between.
// The Redis backplane computes the same thing in Lua, from Redis' own clock (hub/redis/scripts.ts).

/** The next position after `last`, at `nowMs` (milliseconds, as Date.now()). */
export function nextSeq(last: number, nowMs: number): number {
  return Math.max(last + 1, Math.floor(nowMs * 1000));
}
