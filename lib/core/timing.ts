/**
 * Micro-benchmarks: wall-clock timings of a synchronous function.
 *
 * Timings vary between runs and machines; notebooks show them only in cells tagged `timing` and
 * compare them only as ratios measured in the same run.
 *
 * @module
 */
import { checkInt, typeError } from "./validate.ts";

/** Result of {@link timeIt}, in milliseconds. */
export interface Timing {
  medianMs: number;
  minMs: number;
  runsMs: number[];
}

/**
 * Runs `fn` `warmup` times untimed, then `repeats` times timed with `performance.now()`.
 *
 * @param fn the work to time (synchronous)
 * @param opts repeats (default 20, ≥ 1) and warmup runs (default 3, ≥ 0)
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { timeIt } from "@lib/core/timing.ts";
 * let calls = 0;
 * const r = timeIt(() => { calls++; }, { repeats: 5, warmup: 2 });
 * assertEquals([calls, r.runsMs.length], [7, 5]);
 * assert(r.minMs <= r.medianMs);
 * ```
 */
export function timeIt(fn: () => void, opts: { repeats?: number; warmup?: number } = {}): Timing {
  if (typeof fn !== "function") typeError("timeIt", "fn", "a function", fn);
  const repeats = checkInt("timeIt", "repeats", opts.repeats ?? 20, 1);
  const warmup = checkInt("timeIt", "warmup", opts.warmup ?? 3, 0);
  for (let i = 0; i < warmup; i++) fn();
  const runsMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    runsMs.push(performance.now() - t0);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs, minMs: sorted[0]!, runsMs };
}
