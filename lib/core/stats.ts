/**
 * Small descriptive statistics on plain arrays: mean, quantiles, the empirical CDF and rank
 * correlations (Kendall's τ-b, Spearman's ρ).
 *
 * @module
 */
import { checkLength, checkRange, rangeError } from "./validate.ts";

/**
 * Arithmetic mean $\bar x = \frac1n\sum_i x_i$.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mean } from "@lib/core/stats.ts";
 * assertEquals(mean([1, 2, 3, 6]), 3);
 * ```
 */
export function mean(x: ArrayLike<number>): number {
  checkLength("mean", "x", x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/**
 * The q-quantile with linear interpolation between order statistics (the default of numpy and R
 * type 7): $Q(q) = x_{(\lfloor h\rfloor)} + (h-\lfloor h\rfloor)(x_{(\lfloor h\rfloor+1)}-x_{(\lfloor h\rfloor)})$,
 * $h=(n-1)q$, 0-based.
 *
 * @param xs the sample (not modified)
 * @param q in [0, 1]
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { quantile } from "@lib/core/stats.ts";
 * assertEquals(quantile([4, 1, 3, 2], 0.5), 2.5);
 * assertEquals(quantile([0, 10], 0.95), 9.5);
 * ```
 */
export function quantile(xs: ArrayLike<number>, q: number): number {
  checkLength("quantile", "xs", xs);
  checkRange("quantile", "q", q, 0, 1);
  const s = Float64Array.from(xs).sort();
  const h = (s.length - 1) * q, lo = Math.floor(h), hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/**
 * The empirical CDF as step points: for each distinct value x (ascending), y = share of the sample ≤ x.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ecdf } from "@lib/core/stats.ts";
 * assertEquals(ecdf([2, 1, 2, 3]), [{ x: 1, y: 0.25 }, { x: 2, y: 0.75 }, { x: 3, y: 1 }]);
 * ```
 */
export function ecdf(xs: ArrayLike<number>): { x: number; y: number }[] {
  checkLength("ecdf", "xs", xs);
  const s = Float64Array.from(xs).sort(), out: { x: number; y: number }[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && s[i + 1] === s[i]) continue;
    out.push({ x: s[i]!, y: (i + 1) / s.length });
  }
  return out;
}

function _pair(where: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  checkLength(where, "a", a);
  checkLength(where, "b", b, a.length);
  if (a.length < 2) rangeError(where, "a.length", "at least 2", a.length);
}

/**
 * Kendall's τ-b, which corrects for ties:
 * $\tau_b = \dfrac{n_c - n_d}{\sqrt{(n_0-n_1)(n_0-n_2)}}$ with $n_0 = n(n-1)/2$ and $n_1, n_2$ the tied
 * pairs in a and in b. O(n²). NaN when one input is constant.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kendallTau } from "@lib/core/stats.ts";
 * assertEquals(kendallTau([1, 2, 3], [10, 20, 30]), 1);
 * assertEquals(kendallTau([1, 2, 3], [3, 2, 1]), -1);
 * ```
 */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  _pair("kendallTau", a, b);
  let s = 0, ta = 0, tb = 0;
  const n = a.length, n0 = (n * (n - 1)) / 2;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[j]! - a[i]!), db = Math.sign(b[j]! - b[i]!);
      if (da === 0) ta++;
      if (db === 0) tb++;
      s += da * db;
    }
  }
  return s / Math.sqrt((n0 - ta) * (n0 - tb));
}

/** Average ranks (1-based), ties share the mean of their positions. */
function _ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((i, j) => x[i]! - x[j]!);
  const r = new Float64Array(x.length);
  for (let k = 0; k < idx.length;) {
    let e = k;
    while (e + 1 < idx.length && x[idx[e + 1]!] === x[idx[k]!]) e++;
    for (let m = k; m <= e; m++) r[idx[m]!] = (k + e) / 2 + 1;
    k = e + 1;
  }
  return r;
}

/**
 * Spearman's ρ: the Pearson correlation of the average ranks.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { spearman } from "@lib/core/stats.ts";
 * assertAlmostEquals(spearman([1, 2, 3, 4], [1, 4, 9, 16]), 1, 1e-12);
 * assertAlmostEquals(spearman([1, 2, 3], [2, 2, 1]), -Math.sqrt(3) / 2, 1e-12);
 * ```
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  _pair("spearman", a, b);
  const ra = _ranks(a), rb = _ranks(b), ma = mean(ra), mb = mean(rb);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < ra.length; i++) {
    const da = ra[i]! - ma, db = rb[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}
