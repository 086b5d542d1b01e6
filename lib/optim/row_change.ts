/**
 * How far each row of a matrix moved during training, relative to where it started:
 * $r_k = \Vert E_k(T) - E_k(0)\Vert / \Vert E_k(0)\Vert$ for row $k$ (an embedding row per token).
 *
 * Used to test the author's conjecture in kexue.fm/archives/9473 that sign updates "treat every
 * coordinate equally": under SGD a rare token's row gets rare, small gradients and barely moves;
 * under Lion every row with non-zero momentum moves by η per coordinate and step.
 *
 * @module
 */
import { checkInt, rangeError } from "../core/validate.ts";

/**
 * Relative change of every row between two row-major matrices with `cols` columns. A zero row in
 * `before` gives `Infinity` if it moved and 0 if not.
 *
 * @throws RangeError on mismatched lengths or a length that is not a multiple of `cols`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rowRelativeChange } from "@lib/optim/row_change.ts";
 * const r = rowRelativeChange([3, 4, 1, 0], [3, 4, 1, 1], 2);
 * assertEquals(Array.from(r), [0, 1]);
 * ```
 */
export function rowRelativeChange(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  cols: number,
): Float64Array {
  checkInt("rowRelativeChange", "cols", cols, 1);
  if (after.length !== before.length) {
    rangeError("rowRelativeChange", "after.length", String(before.length), after.length);
  }
  if (before.length % cols !== 0) {
    rangeError("rowRelativeChange", "before.length", `a multiple of cols (${cols})`, before.length);
  }
  const rows = before.length / cols;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let num = 0, den = 0;
    for (let c = 0; c < cols; c++) {
      const b = before[r * cols + c]!, d = after[r * cols + c]! - b;
      num += d * d;
      den += b * b;
    }
    out[r] = num === 0 ? 0 : Math.sqrt(num / den);
  }
  return out;
}

/**
 * Means of `values[k]` (k = 0-based frequency rank, so rank = k + 1) over logarithmic rank bins with
 * `binsPerOctave` bins per doubling: a compact curve of a per-row quantity against rank. Each bin
 * reports the geometric mean of its ranks and the arithmetic mean of its values; empty bins are
 * skipped.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rankBinnedMean } from "@lib/optim/row_change.ts";
 * assertEquals(rankBinnedMean([1, 2, 3, 5], 1), [{ rank: 1, mean: 1 }, { rank: Math.sqrt(6), mean: 2.5 }, { rank: 4, mean: 5 }]);
 * ```
 */
export function rankBinnedMean(
  values: ArrayLike<number>,
  binsPerOctave = 4,
): Array<{ rank: number; mean: number }> {
  checkInt("rankBinnedMean", "binsPerOctave", binsPerOctave, 1);
  const bins = new Map<number, { logSum: number; sum: number; n: number }>();
  for (let k = 0; k < values.length; k++) {
    const b = Math.floor(Math.log2(k + 1) * binsPerOctave + 1e-9);
    const e = bins.get(b) ?? { logSum: 0, sum: 0, n: 0 };
    e.logSum += Math.log(k + 1);
    e.sum += values[k]!;
    e.n++;
    bins.set(b, e);
  }
  return [...bins.values()].map((e) => ({ rank: Math.exp(e.logSum / e.n), mean: e.sum / e.n }));
}
