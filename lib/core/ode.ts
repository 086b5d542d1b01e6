/**
 * Ordinary differential equations on a flat Float64 state: the classical fourth-order Runge–Kutta method
 * (first user: the FLOATER view of position encodings as solutions of $dp/dt = h(p, t)$,
 * https://kexue.fm/archives/8130).
 *
 * @module
 */
import { checkFinite, checkInt, checkLength, rangeError, typeError } from "./validate.ts";

/** A vector field: the time derivative $dy/dt$ at state y and time t (a new array of y's length). */
export type OdeField = (y: Float64Array, t: number) => Float64Array;

/**
 * Integrates $dy/dt = f(y, t)$ from $y(t_0) = y_0$ to $t_1$ with `steps` equal classical RK4 steps
 * (local error $O(h^5)$, global $O(h^4)$):
 * $$k_1 = f(y, t),\ k_2 = f(y + \tfrac h2 k_1, t + \tfrac h2),\ k_3 = f(y + \tfrac h2 k_2, t + \tfrac h2),\
 * k_4 = f(y + h k_3, t + h),\quad y \leftarrow y + \tfrac h6(k_1 + 2k_2 + 2k_3 + k_4).$$
 * $t_1 < t_0$ integrates backwards.
 *
 * @param f the vector field (y, t) ↦ dy/dt; must return finite values of y's length
 * @param y0 the initial state, ≥ 1 finite numbers (not modified)
 * @param t0 the initial time
 * @param t1 the final time
 * @param steps the number of steps, an integer ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { rk4 } from "@lib/core/ode.ts";
 * // dy/dt = y from y(0) = 1: y(1) = e
 * const y = rk4((y) => Float64Array.from(y), Float64Array.of(1), 0, 1, 100);
 * assertAlmostEquals(y[0]!, Math.E, 1e-9);
 * ```
 */
export function rk4(f: OdeField, y0: Float64Array, t0: number, t1: number, steps: number): Float64Array {
  const where = "rk4";
  if (typeof f !== "function") typeError(where, "f", "a function (y, t) => dy/dt", f);
  if (!(y0 instanceof Float64Array)) typeError(where, "y0", "a Float64Array", y0);
  checkLength(where, "y0", y0);
  for (let i = 0; i < y0.length; i++) checkFinite(where, `y0[${i}]`, y0[i]);
  checkFinite(where, "t0", t0);
  checkFinite(where, "t1", t1);
  checkInt(where, "steps", steps, 1);
  const n = y0.length, h = (t1 - t0) / steps;
  const call = (y: Float64Array, t: number) => {
    const d = f(y, t);
    if (!(d instanceof Float64Array) || d.length !== n) {
      rangeError(where, "f(y, t)", `a Float64Array of length ${n}`, d);
    }
    return d;
  };
  const axpy = (y: Float64Array, a: number, k: Float64Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (y[i] as number) + a * (k[i] as number);
    return out;
  };
  let y = Float64Array.from(y0);
  for (let s = 0; s < steps; s++) {
    const t = t0 + s * h;
    const k1 = call(y, t);
    const k2 = call(axpy(y, h / 2, k1), t + h / 2);
    const k3 = call(axpy(y, h / 2, k2), t + h / 2);
    const k4 = call(axpy(y, h, k3), t + h);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = (y[i] as number) +
        (h / 6) * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number));
    }
    for (let i = 0; i < n; i++) checkFinite(where, `y(t = ${t + h})[${i}]`, next[i]);
    y = next;
  }
  return y;
}
