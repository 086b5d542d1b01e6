/**
 * Recursive position encodings in their continuous form, FLOATER (Liu et al., arXiv 2003.09229, in Su's
 * survey https://kexue.fm/archives/8130): the encodings are samples $p_k = p(k)$ of a solution of
 * $dp/dt = h(p, t)$. The Sinusoidal encoding is the special solution of the linear field
 * $h(p) = Ap$ with $A = \mathrm{blockdiag}\big(\begin{smallmatrix}0 & \theta_i\\ -\theta_i & 0\end{smallmatrix}\big)$
 * started at $p_0 = (0, 1, 0, 1, \dots)$.
 *
 * @module
 */
import { checkMatrix, type Matrix, matrix, matVec } from "../core/matrix.ts";
import { type OdeField, rk4 } from "../core/ode.ts";
import {
  checkFinite,
  checkInt,
  checkLength,
  checkPositive,
  rangeError,
  typeError,
} from "../core/validate.ts";
import { ropeInvFreq } from "./rope.ts";

/**
 * The generator A of the Sinusoidal encoding, $\frac{d}{dt}p(t) = A\,p(t)$ for
 * $p(t) = (\sin t\theta_0, \cos t\theta_0, \sin t\theta_1, \dots)$: block diagonal with blocks
 * $\begin{pmatrix}0 & \theta_i\\ -\theta_i & 0\end{pmatrix}$, $\theta_i = \mathrm{base}^{-2i/d}$
 * (this sign suits the (sin, cos) ordering: $(\sin)' = \theta\cos$, $(\cos)' = -\theta\sin$).
 *
 * @param d the dimension, an even integer ≥ 2
 * @param base the base, > 0 (default 10000)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sinusoidalGenerator } from "@lib/position/floater.ts";
 * assertEquals(Array.from(sinusoidalGenerator(2).data), [0, 1, -1, 0]);
 * ```
 */
export function sinusoidalGenerator(d: number, base = 10000): Matrix {
  checkInt("sinusoidalGenerator", "d", d, 2);
  if (d % 2 !== 0) rangeError("sinusoidalGenerator", "d", "an even integer ≥ 2", d);
  checkPositive("sinusoidalGenerator", "base", base);
  const th = ropeInvFreq(d, base), a = matrix(d, d);
  for (let i = 0; i < d / 2; i++) {
    a.data[2 * i * d + 2 * i + 1] = th[i] as number;
    a.data[(2 * i + 1) * d + 2 * i] = -(th[i] as number);
  }
  return a;
}

/**
 * The linear vector field $h(p, t) = Ap$ of a square matrix A, as an {@link OdeField}.
 *
 * @param a a square matrix
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { linearField } from "@lib/position/floater.ts";
 * assertEquals(Array.from(linearField(matrix(2, 2, [0, 1, -1, 0]))(Float64Array.of(0, 1), 0)), [1, 0]);
 * ```
 */
export function linearField(a: Matrix): OdeField {
  checkMatrix("linearField", "a", a);
  if (a.rows !== a.cols || a.rows < 1) {
    rangeError("linearField", "a", "a non-empty square matrix", `${a.rows}×${a.cols}`);
  }
  return (y) => matVec(a, y);
}

/**
 * FLOATER-style encodings: integrates $dp/dt = h(p, t)$ from $p(0) = p_0$ with RK4 and returns
 * $p_0, p_1, \dots, p_{\mathrm{maxPos}}$ (the solution at integer times), `stepsPerUnit` steps per unit.
 * Position k depends on position k − 1: a recursion, so positions cannot be computed in parallel.
 *
 * @param h the vector field (p, t) ↦ dp/dt
 * @param p0 the initial encoding, ≥ 1 finite numbers
 * @param maxPos the last position, an integer ≥ 0
 * @param stepsPerUnit RK4 steps per unit of time, an integer ≥ 1 (default 100)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { floaterEncodings, linearField, sinusoidalGenerator } from "@lib/position/floater.ts";
 * import { sinusoidalEncoding } from "@lib/position/sinusoidal.ts";
 * const p = floaterEncodings(linearField(sinusoidalGenerator(8)), sinusoidalEncoding(0, 8), 10);
 * assert(maxAbsDiff(p[10]!, sinusoidalEncoding(10, 8)) < 1e-8);
 * ```
 */
export function floaterEncodings(
  h: OdeField,
  p0: Float64Array,
  maxPos: number,
  stepsPerUnit = 100,
): Float64Array[] {
  const where = "floaterEncodings";
  if (typeof h !== "function") typeError(where, "h", "a function (p, t) => dp/dt", h);
  if (!(p0 instanceof Float64Array)) typeError(where, "p0", "a Float64Array", p0);
  checkLength(where, "p0", p0);
  for (let i = 0; i < p0.length; i++) checkFinite(where, `p0[${i}]`, p0[i]);
  checkInt(where, "maxPos", maxPos, 0);
  checkInt(where, "stepsPerUnit", stepsPerUnit, 1);
  const out: Float64Array[] = [Float64Array.from(p0)];
  for (let k = 1; k <= maxPos; k++) out.push(rk4(h, out[k - 1] as Float64Array, k - 1, k, stepsPerUnit));
  return out;
}
