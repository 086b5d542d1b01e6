/**
 * Small helpers on plain number arrays: grids, prefix sums, arg-max, gathers and error measures.
 *
 * Inputs are any `ArrayLike<number>` (plain arrays or typed arrays); outputs are fresh
 * `Float64Array`s, never views of the input.
 *
 * @module
 */
import { checkFinite, checkInt, checkLength, checkPositive, rangeError } from "./validate.ts";

/**
 * `n` evenly spaced points from `a` to `b`, both included:
 * $x_k = a + k\,\frac{b-a}{n-1}$, $k = 0,\dots,n-1$ (the last point is exactly `b`).
 *
 * @param a first point
 * @param b last point
 * @param n number of points, an integer ≥ 1 (`n = 1` gives `[a]`)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { linspace } from "@lib/core/array.ts";
 * assertEquals(Array.from(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function linspace(a: number, b: number, n: number): Float64Array {
  checkFinite("linspace", "a", a);
  checkFinite("linspace", "b", b);
  checkInt("linspace", "n", n, 1);
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = a;
    return out;
  }
  const step = (b - a) / (n - 1);
  for (let k = 0; k < n; k++) out[k] = a + k * step;
  out[n - 1] = b;
  return out;
}

/**
 * `n` points evenly spaced in the exponent: $x_k = \mathrm{base}^{\,e_k}$ with $e = \mathrm{linspace}(a, b, n)$.
 *
 * @param a first exponent
 * @param b last exponent
 * @param n number of points, an integer ≥ 1
 * @param base the base, a positive number (default 10)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logspace } from "@lib/core/array.ts";
 * const x = logspace(0, 3, 4); // 1, 10, 100, 1000
 * assertAlmostEquals(x[2]!, 100, 1e-12);
 * ```
 */
export function logspace(a: number, b: number, n: number, base = 10): Float64Array {
  checkPositive("logspace", "base", base);
  const e = linspace(a, b, n);
  return e.map((v) => Math.pow(base, v));
}

/**
 * Inclusive prefix sums: $y_k = \sum_{j\le k} x_j$.
 *
 * @param x the values (may be empty)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cumsum } from "@lib/core/array.ts";
 * assertEquals(Array.from(cumsum([1, 2, 3, 4])), [1, 3, 6, 10]);
 * ```
 */
export function cumsum(x: ArrayLike<number>): Float64Array {
  checkLength("cumsum", "x", x, x?.length);
  const out = new Float64Array(x.length);
  let s = 0;
  for (let k = 0; k < x.length; k++) {
    s += x[k] as number;
    out[k] = s;
  }
  return out;
}

/**
 * Index of the largest entry, $\arg\max_k x_k$ (the first one on ties; NaN entries are skipped).
 *
 * @param x a non-empty array
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { argmax } from "@lib/core/array.ts";
 * assertEquals(argmax([3, 7, 7, 1]), 1);
 * ```
 */
export function argmax(x: ArrayLike<number>): number {
  checkLength("argmax", "x", x);
  let best = -1;
  let bestVal = -Infinity;
  for (let k = 0; k < x.length; k++) {
    const v = x[k] as number;
    if (best < 0 ? !Number.isNaN(v) : v > bestVal) {
      best = k;
      bestVal = v;
    }
  }
  if (best < 0) rangeError("argmax", "x", "an array with at least one non-NaN entry", "all NaN");
  return best;
}

/**
 * Largest absolute entry-wise difference, $\max_k |a_k - b_k|$ (0 for two empty arrays).
 *
 * @param a first array
 * @param b second array, same length as `a`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * assertEquals(maxAbsDiff([1, 2, 3], [1, 2.5, 2]), 1);
 * ```
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLength("maxAbsDiff", "a", a, a?.length);
  checkLength("maxAbsDiff", "b", b, a.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs((a[k] as number) - (b[k] as number));
    if (d > m || Number.isNaN(d)) m = d;
  }
  return m;
}

/**
 * Relative error in the Euclidean norm, $\|a-b\|_2 / \|b\|_2$ (`b` is the reference).
 * When $\|b\| = 0$ the result is 0 if `a` equals `b` and `Infinity` otherwise.
 *
 * @param a the approximation
 * @param b the reference, same length as `a`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { relErr } from "@lib/core/array.ts";
 * assertAlmostEquals(relErr([3, 4.5], [3, 4]), 0.1, 1e-15);
 * ```
 */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLength("relErr", "a", a);
  checkLength("relErr", "b", b, a.length);
  let num = 0, den = 0;
  for (let k = 0; k < a.length; k++) {
    const bk = b[k] as number;
    const d = (a[k] as number) - bk;
    num += d * d;
    den += bk * bk;
  }
  if (den === 0) return num === 0 ? 0 : Infinity;
  return Math.sqrt(num / den);
}

/**
 * Gathers entries by index: $y_k = x_{\mathrm{idx}_k}$ (NumPy's `x[idx]`), e.g. to apply a
 * permutation of dimensions.
 *
 * @param x the source values
 * @param idx integer indices into `x`, each in [0, x.length)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { take } from "@lib/core/array.ts";
 * assertEquals(Array.from(take([10, 20, 30], [2, 0, 0])), [30, 10, 10]);
 * ```
 */
export function take(x: ArrayLike<number>, idx: ArrayLike<number>): Float64Array {
  checkLength("take", "x", x, x?.length);
  checkLength("take", "idx", idx, idx?.length);
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const j = idx[k] as number;
    if (!Number.isInteger(j) || j < 0 || j >= x.length) {
      rangeError("take", `idx[${k}]`, `an integer in [0, ${x.length - 1}]`, j);
    }
    out[k] = x[j] as number;
  }
  return out;
}
