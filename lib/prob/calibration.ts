/**
 * Quality and calibration of predicted class probabilities (n×C, row-major): accuracy, mean negative
 * log-likelihood and the expected calibration error
 * $$\mathrm{ECE} = \sum_{m=1}^{M}\frac{|B_m|}{n}\,\big|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\big|,$$
 * where the confidence of a row is its largest probability, the prediction its arg max, and
 * $B_m$ the rows whose confidence falls in the m-th of M equal-width bins $((m-1)/M, m/M]$ (confidence 0
 * goes to the first bin). Used for the over-confidence of cross-entropy (O07, kexue.fm/archives/9526).
 *
 * @module
 */
import { checkInt, checkLength, rangeError } from "../core/validate.ts";

function _check(f: string, probs: ArrayLike<number>, labels: ArrayLike<number>, C: number): number {
  checkInt(f, "numClasses", C, 2);
  checkLength(f, "labels", labels);
  checkLength(f, "probs", probs, labels.length * C);
  for (let i = 0; i < labels.length; i++) checkInt(f, `labels[${i}]`, labels[i], 0, C - 1);
  return labels.length;
}

/** Arg max and max of row i (first index on ties). */
function _top(probs: ArrayLike<number>, i: number, C: number): [number, number] {
  let best = 0, conf = probs[i * C]!;
  for (let c = 1; c < C; c++) {
    if (probs[i * C + c]! > conf) [best, conf] = [c, probs[i * C + c]!];
  }
  return [best, conf];
}

/**
 * Fraction of rows whose arg max equals the label.
 *
 * @throws RangeError on mismatched lengths or labels outside [0, C)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { accuracy } from "@lib/prob/calibration.ts";
 * assertEquals(accuracy([0.9, 0.1, 0.4, 0.6], [0, 0], 2), 0.5);
 * ```
 */
export function accuracy(probs: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  const n = _check("accuracy", probs, labels, numClasses);
  let hits = 0;
  for (let i = 0; i < n; i++) if (_top(probs, i, numClasses)[0] === labels[i]) hits++;
  return hits / n;
}

/**
 * Mean negative log-likelihood $-\frac1n\sum_i\log p_{i,y_i}$ (probabilities clamped to ≥ 1e-300).
 *
 * @throws RangeError on mismatched lengths or labels outside [0, C)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { meanNll } from "@lib/prob/calibration.ts";
 * assertAlmostEquals(meanNll([0.5, 0.5, 0.25, 0.75], [0, 1], 2), (Math.LN2 + Math.log(4 / 3)) / 2, 1e-15);
 * ```
 */
export function meanNll(probs: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  const n = _check("meanNll", probs, labels, numClasses);
  let s = 0;
  for (let i = 0; i < n; i++) s -= Math.log(Math.max(probs[i * numClasses + labels[i]!]!, 1e-300));
  return s / n;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** mean confidence of the rows in the bin (NaN when empty) */
  meanConf: number;
  /** accuracy of the rows in the bin (NaN when empty) */
  acc: number;
}

/**
 * The reliability diagram: for M equal-width confidence bins, the number of rows, their mean
 * confidence and their accuracy.
 *
 * @param bins M ≥ 1 (default 15)
 * @throws RangeError on mismatched lengths, labels outside [0, C) or M < 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { reliabilityBins } from "@lib/prob/calibration.ts";
 * const b = reliabilityBins([0.9, 0.1, 0.6, 0.4], [0, 1], 2, 2);
 * assertEquals(b.map((x) => [x.count, x.meanConf, x.acc]), [[0, NaN, NaN], [2, 0.75, 0.5]]);
 * ```
 */
export function reliabilityBins(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
  bins = 15,
): ReliabilityBin[] {
  const n = _check("reliabilityBins", probs, labels, numClasses);
  const M = checkInt("reliabilityBins", "bins", bins, 1);
  const count = new Float64Array(M), conf = new Float64Array(M), hit = new Float64Array(M);
  for (let i = 0; i < n; i++) {
    const [pred, c] = _top(probs, i, numClasses);
    if (!(c >= 0 && c <= 1)) rangeError("reliabilityBins", `max of probs row ${i}`, "in [0, 1]", c);
    const m = Math.min(M - 1, Math.max(0, Math.ceil(c * M) - 1));
    count[m]!++;
    conf[m]! += c;
    if (pred === labels[i]) hit[m]!++;
  }
  return Array.from({ length: M }, (_, m) => ({
    lo: m / M,
    hi: (m + 1) / M,
    count: count[m]!,
    meanConf: count[m] ? conf[m]! / count[m]! : NaN,
    acc: count[m] ? hit[m]! / count[m]! : NaN,
  }));
}

/**
 * Expected calibration error over M equal-width confidence bins (see the module doc).
 *
 * @param bins M ≥ 1 (default 15)
 * @throws RangeError on mismatched lengths, labels outside [0, C) or M < 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { expectedCalibrationError } from "@lib/prob/calibration.ts";
 * // always fully confident, right half the time: ECE = |0.5 − 1| = 0.5
 * assertEquals(expectedCalibrationError([1, 0, 1, 0], [0, 1], 2), 0.5);
 * ```
 */
export function expectedCalibrationError(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
  bins = 15,
): number {
  const rb = reliabilityBins(probs, labels, numClasses, bins);
  const n = labels.length;
  return rb.reduce((s, b) => (b.count ? s + (b.count / n) * Math.abs(b.acc - b.meanConf) : s), 0);
}
