/**
 * Scalar search: golden-section maximization of a unimodal function and bisection for a root.
 *
 * @module
 */
import { checkFinite, checkPositive, rangeError, typeError } from "./validate.ts";

const INV_PHI = (Math.sqrt(5) - 1) / 2; // 1/φ ≈ 0.618

function checkBracket(where: string, f: unknown, lo: number, hi: number, tol: number): (x: number) => number {
  if (typeof f !== "function") typeError(where, "f", "a function (x: number) => number", f);
  checkFinite(where, "lo", lo);
  checkFinite(where, "hi", hi);
  if (!(hi > lo)) rangeError(where, "hi", `greater than lo = ${lo}`, hi);
  checkPositive(where, "tol", tol);
  return f as (x: number) => number;
}

/**
 * The maximizer of a unimodal f on [lo, hi] by golden-section search: keep two interior points
 * $x_1 = b - (b-a)/\varphi$, $x_2 = a + (b-a)/\varphi$ and drop the side whose point is lower; the
 * bracket shrinks by $1/\varphi \approx 0.618$ per evaluation. Stops when the bracket is shorter than
 * `tol` (absolute) and returns its midpoint. A maximum at an end point is found too (the bracket
 * shrinks towards it).
 *
 * @param f the function to maximize (unimodal on [lo, hi])
 * @param lo left end
 * @param hi right end, > lo
 * @param tol bracket length at which to stop, > 0 (default 1e-10)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { goldenSectionMax } from "@lib/core/optimize.ts";
 * assertAlmostEquals(goldenSectionMax((x) => -((x - 1.3) ** 2), 0, 5), 1.3, 1e-9);
 * ```
 */
export function goldenSectionMax(f: (x: number) => number, lo: number, hi: number, tol = 1e-10): number {
  checkBracket("goldenSectionMax", f, lo, hi, tol);
  let a = lo, b = hi;
  let x1 = b - INV_PHI * (b - a), x2 = a + INV_PHI * (b - a);
  let f1 = f(x1), f2 = f(x2);
  for (let it = 0; it < 500 && b - a > tol; it++) {
    if (f1 >= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - INV_PHI * (b - a);
      f1 = f(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + INV_PHI * (b - a);
      f2 = f(x2);
    }
  }
  return (a + b) / 2;
}

/**
 * A root of f in [lo, hi] by bisection; f(lo) and f(hi) must have opposite signs (or one of them be 0).
 * Halves the bracket until it is shorter than `tol` and returns the midpoint.
 *
 * @param f a continuous function
 * @param lo left end
 * @param hi right end, > lo
 * @param tol bracket length at which to stop, > 0 (default 1e-12)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { bisect } from "@lib/core/optimize.ts";
 * assertAlmostEquals(bisect((x) => x * x - 2, 0, 2), Math.SQRT2, 1e-11);
 * ```
 */
export function bisect(f: (x: number) => number, lo: number, hi: number, tol = 1e-12): number {
  checkBracket("bisect", f, lo, hi, tol);
  let a = lo, b = hi;
  let fa = f(a);
  const fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Number.isNaN(fa) || Number.isNaN(fb) || Math.sign(fa) === Math.sign(fb)) {
    rangeError("bisect", "[f(lo), f(hi)]", "of opposite signs", [fa, fb]);
  }
  for (let it = 0; it < 2000 && b - a > tol; it++) {
    const m = (a + b) / 2, fm = f(m);
    if (fm === 0) return m;
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return (a + b) / 2;
}
