/**
 * Fixed-grid ODE solvers on a flat Float64 state, for sampling diffusion / flow ODEs
 * $\frac{d\boldsymbol x_t}{dt} = \boldsymbol f_t(\boldsymbol x_t)$ on a user-given time grid (first user: G04,
 * https://kexue.fm/archives/9497). The grid may decrease (integrate from noise t = 1 back to data t = 0).
 *
 * @module
 */
import type { OdeField } from "./ode.ts";
import { checkFinite, checkLength, rangeError, typeError } from "./validate.ts";

/**
 * One-step schemes: Euler (order 1), Heun, midpoint and DPM-Solver-2-style geometric midpoint "dpm2" (order 2),
 * classical Runge–Kutta (order 4).
 */
export type OdeSolveMethod = "euler" | "heun" | "midpoint" | "dpm2" | "rk4";

/** Result of {@link odeSolve}: the final state, the number of field evaluations and optionally every grid state. */
export interface OdeSolveResult {
  y: Float64Array;
  nfe: number;
  traj?: Float64Array[];
}

const STAGES: Record<OdeSolveMethod, number> = { euler: 1, heun: 2, midpoint: 2, dpm2: 2, rk4: 4 };

/**
 * Integrates $dy/dt = f(y, t)$ along the grid $t_0, t_1, \dots, t_N$ (strictly monotone, either direction)
 * with one step of the chosen scheme per interval, $h = t_{n+1} - t_n$:
 * Euler $y + h f(y,t)$; Heun $y + \tfrac h2\,[k_1 + f(y + h k_1, t + h)]$;
 * midpoint $y + h f(y + \tfrac h2 k_1, t + \tfrac h2)$; "dpm2" the geometric midpoint
 * $m = \sqrt{t_n t_{n+1}}$, $y + h f(y + (m - t_n) k_1, m)$ (DPM-Solver-2 special case, G06; all times must share
 * one sign and be ≠ 0); RK4 the classical four-stage rule.
 * Uses $N \times \{1, 2, 2, 2, 4\}$ field evaluations.
 *
 * @param f the field (y, t) ↦ dy/dt, returning a Float64Array of y's length
 * @param y0 the state at ts[0] (not modified)
 * @param ts the time grid, ≥ 2 finite, strictly monotone values
 * @param method "euler" | "heun" | "midpoint" | "dpm2" | "rk4"
 * @param opts keepTrajectory: also return the state at every grid time (traj[0] = y0)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { odeSolve } from "@lib/core/ode_solve.ts";
 * // dy/dt = -y from y(1) = 1 back to t = 0: y(0) = e
 * const ts = Float64Array.from({ length: 101 }, (_, i) => 1 - i / 100);
 * const r = odeSolve((y) => y.map((v) => -v), Float64Array.of(1), ts, "rk4");
 * assertAlmostEquals(r.y[0]!, Math.E, 1e-9);
 * assertEquals(r.nfe, 400);
 * ```
 */
export function odeSolve(
  f: OdeField,
  y0: Float64Array,
  ts: Float64Array,
  method: OdeSolveMethod,
  opts: { keepTrajectory?: boolean } = {},
): OdeSolveResult {
  const where = "odeSolve";
  if (typeof f !== "function") typeError(where, "f", "a function (y, t) => dy/dt", f);
  if (!(y0 instanceof Float64Array)) typeError(where, "y0", "a Float64Array", y0);
  checkLength(where, "y0", y0);
  if (!(ts instanceof Float64Array) || ts.length < 2) {
    rangeError(where, "ts", "a Float64Array of ≥ 2 times", ts?.length);
  }
  if (!(method in STAGES)) {
    rangeError(where, "method", '"euler" | "heun" | "midpoint" | "dpm2" | "rk4"', method);
  }
  for (let i = 0; i < ts.length; i++) checkFinite(where, `ts[${i}]`, ts[i]);
  if (method === "dpm2" && !(ts[0]! * ts[ts.length - 1]! > 0)) {
    rangeError(
      where,
      "ts",
      'times of one sign, all ≠ 0 (method "dpm2" uses √(t_n t_{n+1}))',
      `${ts[0]} … ${ts[ts.length - 1]}`,
    );
  }
  const dir = Math.sign(ts[1]! - ts[0]!);
  for (let i = 1; i < ts.length; i++) {
    if (dir === 0 || Math.sign(ts[i]! - ts[i - 1]!) !== dir) {
      rangeError(where, "ts", "strictly monotone times", `ts[${i - 1}] = ${ts[i - 1]}, ts[${i}] = ${ts[i]}`);
    }
  }
  const n = y0.length;
  let nfe = 0;
  const call = (y: Float64Array, t: number) => {
    nfe++;
    const d = f(y, t);
    if (!(d instanceof Float64Array) || d.length !== n) {
      rangeError(where, "f(y, t)", `a Float64Array of length ${n}`, d?.length);
    }
    return d;
  };
  const axpy = (y: Float64Array, a: number, k: Float64Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = y[i]! + a * k[i]!;
    return out;
  };
  let y = Float64Array.from(y0);
  const traj = opts.keepTrajectory ? [Float64Array.from(y0)] : undefined;
  for (let s = 0; s + 1 < ts.length; s++) {
    const t = ts[s]!, h = ts[s + 1]! - t;
    const k1 = call(y, t);
    if (method === "euler") y = axpy(y, h, k1);
    else if (method === "midpoint") y = axpy(y, h, call(axpy(y, h / 2, k1), t + h / 2));
    else if (method === "dpm2") {
      const m = Math.sign(t) * Math.sqrt(t * (t + h));
      y = axpy(y, h, call(axpy(y, m - t, k1), m));
    } else if (method === "heun") {
      const k2 = call(axpy(y, h, k1), t + h);
      for (let i = 0; i < n; i++) y[i] = y[i]! + (h / 2) * (k1[i]! + k2[i]!);
    } else {
      const k2 = call(axpy(y, h / 2, k1), t + h / 2);
      const k3 = call(axpy(y, h / 2, k2), t + h / 2);
      const k4 = call(axpy(y, h, k3), t + h);
      for (let i = 0; i < n; i++) y[i] = y[i]! + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
    }
    traj?.push(Float64Array.from(y));
  }
  return traj ? { y, nfe, traj } : { y, nfe };
}

/**
 * A uniform grid of `steps + 1` times from t0 to t1 (either direction), endpoints exact.
 *
 * @param t0 first time
 * @param t1 last time, ≠ t0
 * @param steps number of intervals, an integer ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { uniformGrid } from "@lib/core/ode_solve.ts";
 * assertEquals(Array.from(uniformGrid(1, 0, 4)), [1, 0.75, 0.5, 0.25, 0]);
 * ```
 */
export function uniformGrid(t0: number, t1: number, steps: number): Float64Array {
  checkFinite("uniformGrid", "t0", t0);
  checkFinite("uniformGrid", "t1", t1);
  if (!Number.isInteger(steps) || steps < 1) rangeError("uniformGrid", "steps", "an integer ≥ 1", steps);
  if (t0 === t1) rangeError("uniformGrid", "t1", `≠ t0 = ${t0}`, t1);
  return Float64Array.from({ length: steps + 1 }, (_, i) => i === steps ? t1 : t0 + ((t1 - t0) * i) / steps);
}
