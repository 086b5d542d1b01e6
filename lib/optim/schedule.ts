/**
 * Learning-rate schedules (multipliers of the peak learning rate).
 *
 * @module
 */
import { checkFinite, rangeError, typeError } from "../core/validate.ts";

/**
 * Piecewise-linear interpolation through `points` $(t_i, v_i)$ (sorted by $t$), constant after the
 * last point. With `fromZero` (the default, as bert4keras's `piecewise_linear`) the curve starts at
 * $(0, 0)$, which gives a linear warm-up; without it the value before $t_0$ is $v_0$.
 *
 * The shared optimizer benchmark uses `piecewiseLinear(t, [[50, 1], [1000, 0.1]])`: warm-up to the
 * peak over 50 steps, then a linear decay to 0.1 of it at step 1000.
 *
 * @param t step (any finite number)
 * @param points at least one `[t, value]` pair, strictly increasing in t
 * @param fromZero start from (0, 0) (default true)
 * @throws RangeError on empty or unsorted points
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { piecewiseLinear } from "@lib/optim/schedule.ts";
 * const pts: [number, number][] = [[40000, 1], [160000, 0.5], [640000, 0.1], [1280000, 0.01]];
 * assertEquals([0, 20000, 100000, 2e6].map((t) => piecewiseLinear(t, pts)), [0, 0.5, 0.75, 0.01]);
 * ```
 */
export function piecewiseLinear(
  t: number,
  points: ReadonlyArray<readonly [number, number]>,
  fromZero = true,
): number {
  checkFinite("piecewiseLinear", "t", t);
  if (!Array.isArray(points)) typeError("piecewiseLinear", "points", "an array of [t, value] pairs", points);
  if (points.length === 0) rangeError("piecewiseLinear", "points.length", "≥ 1", 0);
  const pts: Array<readonly [number, number]> = fromZero && points[0]![0] > 0
    ? [[0, 0], ...points]
    : [...points];
  for (let i = 0; i < pts.length; i++) {
    const [ti, vi] = pts[i]!;
    checkFinite("piecewiseLinear", `points[${i}][0]`, ti);
    checkFinite("piecewiseLinear", `points[${i}][1]`, vi);
    if (i > 0 && !(ti > pts[i - 1]![0])) {
      rangeError("piecewiseLinear", `points[${i}][0]`, `> ${pts[i - 1]![0]} (strictly increasing)`, ti);
    }
  }
  if (t <= pts[0]![0]) return pts[0]![1];
  for (let i = 1; i < pts.length; i++) {
    const [t1, v1] = pts[i]!;
    if (t === t1) return v1;
    if (t < t1) {
      const [t0, v0] = pts[i - 1]!;
      return v0 + (v1 - v0) * (t - t0) / (t1 - t0);
    }
  }
  return pts[pts.length - 1]![1];
}
