/**
 * AMED-lite (G06, https://kexue.fm/archives/9881): the mean-value step of the AMED solver with per-interval constants
 * $(r_n, c_n)$ distilled from an accurate teacher instead of a network on U-Net features; NFE bookkeeping, the teacher
 * trajectory, the per-sample oracle mean-value point, and the PCA diagnostic of sampling trajectories.
 *
 * The integral mean value theorem says $\frac1{t_{n+1}-t_n}\int_{t_n}^{t_{n+1}}\boldsymbol v\,dt = \boldsymbol v(\boldsymbol x_{s_n}, s_n)$
 * for some $s_n$ — exactly true only in one dimension; AMED learns $s_n$ (here via $r$: $s_n = t_{n+1}^{\,r}t_n^{\,1-r}$).
 *
 * @module
 */
import { matrix } from "../core/matrix.ts";
import { symmetricEig } from "../core/linalg.ts";
import { odeSolve, type OdeSolveMethod } from "../core/ode_solve.ts";
import { checkInt, checkNonNegative, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { _checkGrid, afsSlope, amedSolve, amedStep, type VelocityFn } from "./samplers.ts";

/**
 * Number of function evaluations of a fixed-grid sampler with `intervals` steps: Euler 1, Heun / midpoint / dpm2 /
 * AMED 2, RK4 4 per step; the analytical first step (AFS) saves one.
 *
 * @param method "euler" | "heun" | "midpoint" | "dpm2" | "rk4" | "amed"
 * @param intervals number of steps K ≥ 1
 * @param afs whether the first slope is analytical
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { nfeOf } from "@lib/diffusion/amed.ts";
 * assertEquals([nfeOf("euler", 5, false), nfeOf("heun", 3, true), nfeOf("amed", 3, false)], [5, 5, 6]);
 * ```
 */
export function nfeOf(method: OdeSolveMethod | "amed", intervals: number, afs: boolean): number {
  const per: Record<string, number> = { euler: 1, heun: 2, midpoint: 2, dpm2: 2, amed: 2, rk4: 4 };
  if (!(method in per)) {
    rangeError("nfeOf", "method", '"euler" | "heun" | "midpoint" | "dpm2" | "rk4" | "amed"', method);
  }
  checkInt("nfeOf", "intervals", intervals, 1);
  if (typeof afs !== "boolean") typeError("nfeOf", "afs", "a boolean", afs);
  return per[method]! * intervals - (afs ? 1 : 0);
}

/**
 * A grid of `steps + 1` times uniform in log t from t0 to t1 (both > 0; either direction), endpoints exact.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logUniformGrid } from "@lib/diffusion/amed.ts";
 * assertAlmostEquals(logUniformGrid(100, 1, 2)[1]!, 10, 1e-12);
 * ```
 */
export function logUniformGrid(t0: number, t1: number, steps: number): Float64Array {
  checkPositive("logUniformGrid", "t0", t0);
  checkPositive("logUniformGrid", "t1", t1);
  checkInt("logUniformGrid", "steps", steps, 1);
  if (t0 === t1) rangeError("logUniformGrid", "t1", `≠ t0 = ${t0}`, t1);
  const l0 = Math.log(t0), l1 = Math.log(t1);
  return Float64Array.from(
    { length: steps + 1 },
    (_, i) => i === 0 ? t0 : i === steps ? t1 : Math.exp(l0 + (l1 - l0) * i / steps),
  );
}

/**
 * An accurate reference trajectory: RK4 with `subSteps` log-uniform sub-steps inside each interval of the student
 * grid (the VE field is stiff near small σ, where uniform-in-t sub-steps would be unstable).
 *
 * @param v velocity field
 * @param X start states at ts[0] (n×d)
 * @param ts decreasing positive student grid
 * @param subSteps RK4 steps per interval, ≥ 1
 * @returns the states at every grid time (ts.length arrays; [0] is a copy of X)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { teacherTrajectory } from "@lib/diffusion/amed.ts";
 * // dx/dt = x/t: x ∝ t
 * const tr = teacherTrajectory((X, t) => X.map((x) => x / t), Float64Array.of(8), Float64Array.of(8, 2, 0.5), 16);
 * assertAlmostEquals(tr[2]![0]!, 0.5, 1e-9);
 * ```
 */
export function teacherTrajectory(
  v: VelocityFn,
  X: Float64Array,
  ts: Float64Array,
  subSteps: number,
): Float64Array[] {
  if (typeof v !== "function") typeError("teacherTrajectory", "v", "a function (X, t) => velocity", v);
  _checkGrid("teacherTrajectory", ts);
  checkInt("teacherTrajectory", "subSteps", subSteps, 1);
  const out: Float64Array[] = [Float64Array.from(X)];
  for (let s = 0; s + 1 < ts.length; s++) {
    out.push(odeSolve(v, out[s]!, logUniformGrid(ts[s]!, ts[s + 1]!, subSteps), "rk4").y);
  }
  return out;
}

/** Mean over the n points (d = length / n) of the Euclidean distance between A and B. */
export function meanL2(A: Float64Array, B: Float64Array, d: number): number {
  checkInt("meanL2", "d", d, 1);
  if (A.length !== B.length || A.length % d !== 0 || A.length === 0) {
    rangeError("meanL2", "B.length", `A.length = ${A.length} (a multiple of d = ${d})`, B.length);
  }
  const n = A.length / d;
  let s = 0;
  for (let j = 0; j < n; j++) {
    let q = 0;
    for (let i = 0; i < d; i++) q += (A[j * d + i]! - B[j * d + i]!) ** 2;
    s += Math.sqrt(q);
  }
  return s / n;
}

/** Result of {@link fitAmedLite}. */
export interface AmedLiteFit {
  /** Mean-value position per interval, t_mid = t_next^r t_cur^(1−r). */
  r: Float64Array;
  /** Direction scale per interval. */
  c: Float64Array;
  /** Mean L2 distance to the teacher at the end of each interval (student's own trajectory). */
  lossPerInterval: Float64Array;
  /** Endpoint error of the fitted solver on the distillation set. */
  trainErr: number;
  /** Endpoint error of the initialisation r = ½, c = 1 (= DPM-Solver-2) on the same set. */
  initErr: number;
}

/**
 * Distils AMED-lite constants interval by interval along the student's own trajectory: for each interval, r on the
 * grid $\{i/(\text{rGrid}+1)\}$ (contains ½ for odd rGrid), c by least squares (the step is affine in c) clipped to
 * [1 − cRange, 1 + cRange]; keeps the (r, c) with the smallest mean $\Vert\boldsymbol x_{\rm next} - \boldsymbol x^{\rm teacher}_{t_{\rm next}}\Vert$.
 * If the greedy fit ends worse than the initialisation r = ½, c = 1 on the distillation set, the initialisation is
 * returned (so the fit never does worse by construction).
 *
 * @param v velocity field
 * @param X distillation starts at ts[0] (n×d)
 * @param ts decreasing positive student grid (K + 1 times)
 * @param teacher teacher states at every grid time ({@link teacherTrajectory})
 * @param o rGrid (default 199, odd), cRange (default 0.01), afs (default false), d (point dimension, default 1 — only
 *   used for the per-point L2 norm)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { fitAmedLite, teacherTrajectory } from "@lib/diffusion/amed.ts";
 * const v = (X: Float64Array, t: number) => X.map((x) => Math.cos(x) / t);
 * const ts = Float64Array.of(10, 1, 0.1), X = Float64Array.of(0.3, -1, 2);
 * const fit = fitAmedLite(v, X, ts, teacherTrajectory(v, X, ts, 64), { rGrid: 49 });
 * assert(fit.trainErr <= fit.initErr);
 * ```
 */
export function fitAmedLite(
  v: VelocityFn,
  X: Float64Array,
  ts: Float64Array,
  teacher: Float64Array[],
  o: { rGrid?: number; cRange?: number; afs?: boolean; d?: number } = {},
): AmedLiteFit {
  const where = "fitAmedLite";
  if (typeof v !== "function") typeError(where, "v", "a function (X, t) => velocity", v);
  _checkGrid(where, ts);
  const rGrid = checkInt(where, "o.rGrid", o.rGrid ?? 199, 1),
    cRange = checkNonNegative(where, "o.cRange", o.cRange ?? 0.01);
  const d = checkInt(where, "o.d", o.d ?? 1, 1), afs = o.afs ?? false;
  if (!Array.isArray(teacher) || teacher.length !== ts.length) {
    rangeError(where, "teacher.length", `ts.length = ${ts.length}`, teacher?.length);
  }
  teacher.forEach((T, i) => {
    if (!(T instanceof Float64Array) || T.length !== X.length) {
      rangeError(where, `teacher[${i}].length`, `${X.length}`, T?.length);
    }
  });
  const K = ts.length - 1,
    r = new Float64Array(K),
    c = new Float64Array(K),
    lossPerInterval = new Float64Array(K);
  let Y: Float64Array = Float64Array.from(X);
  for (let s = 0; s < K; s++) {
    const tc = ts[s]!, tn = ts[s + 1]!, h = tn - tc, target = teacher[s + 1]!;
    const dCur = s === 0 && afs ? afsSlope(Y, tc) : v(Y, tc);
    let best = { loss: Infinity, r: 0.5, c: 1 };
    for (let i = 1; i <= rGrid; i++) {
      const ri = i / (rGrid + 1), tm = tn ** ri * tc ** (1 - ri);
      const dm = v(Y.map((y, j) => y + (tm - tc) * dCur[j]!), tm);
      let num = 0, den = 0;
      for (let j = 0; j < Y.length; j++) {
        num += (target[j]! - Y[j]!) * h * dm[j]!;
        den += (h * dm[j]!) ** 2;
      }
      const cLs = den > 0 ? Math.min(1 + cRange, Math.max(1 - cRange, num / den)) : 1;
      for (const ci of cLs === 1 ? [1] : [cLs, 1]) {
        const loss = meanL2(Y.map((y, j) => y + ci * h * dm[j]!), target, d);
        if (loss < best.loss) best = { loss, r: ri, c: ci };
      }
    }
    r[s] = best.r;
    c[s] = best.c;
    lossPerInterval[s] = best.loss;
    Y = amedStep(v, Y, dCur, tc, tn, best.r, best.c);
  }
  const endT = teacher[K]!, trainErr = meanL2(Y, endT, d);
  const init = amedSolve(v, X, ts, () => ({ r: 0.5, c: 1 }), { afs }).X, initErr = meanL2(init, endT, d);
  if (trainErr > initErr) {
    r.fill(0.5);
    c.fill(1);
    return { r, c, lossPerInterval, trainErr: initErr, initErr };
  }
  return { r, c, lossPerInterval, trainErr, initErr };
}

/**
 * The `predict` callback of `amedSolve` for fitted per-interval constants: looks up the interval by its start time.
 *
 * @param fit the constants ({@link fitAmedLite})
 * @param ts the grid they were fitted on
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { amedLitePredictor } from "@lib/diffusion/amed.ts";
 * const p = amedLitePredictor({ r: Float64Array.of(0.3, 0.6), c: Float64Array.of(1, 1.01) }, Float64Array.of(4, 2, 1));
 * assertEquals(p(Float64Array.of(0), 2), { r: 0.6, c: 1.01 });
 * ```
 */
export function amedLitePredictor(
  fit: { r: Float64Array; c: Float64Array },
  ts: Float64Array,
): (Xcur: Float64Array, tCur: number) => { r: number; c: number } {
  _checkGrid("amedLitePredictor", ts);
  if (fit.r.length !== ts.length - 1 || fit.c.length !== ts.length - 1) {
    rangeError("amedLitePredictor", "fit.r/c length", `${ts.length - 1} (intervals of ts)`, fit.r.length);
  }
  return (_X, tCur) => {
    const i = ts.indexOf(tCur);
    if (i < 0 || i >= ts.length - 1) {
      rangeError("amedLitePredictor", "tCur", "a start time of the fitted grid", tCur);
    }
    return { r: fit.r[i]!, c: fit.c[i]! };
  };
}

/**
 * The per-sample best mean-value point: for one point x at tCur, the r on a grid of `grid` values in [0, 1] whose
 * AMED step (c = 1) lands closest to `target` (the exact state at tNext). r = 0 is Euler.
 *
 * @param v velocity field
 * @param x one point (d numbers)
 * @param tCur current time
 * @param tNext next time (< tCur, > 0)
 * @param target the exact state at tNext
 * @param grid number of r values, ≥ 2 (r_i = i/(grid − 1))
 * @returns the best r and its distance to target
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { oracleMeanValueR } from "@lib/diffusion/amed.ts";
 * // v = const: every r is exact
 * const o = oracleMeanValueR((X) => X.map(() => 1), Float64Array.of(0), 2, 1, Float64Array.of(-1), 11);
 * assertAlmostEquals(o.err, 0, 1e-15);
 * ```
 */
export function oracleMeanValueR(
  v: VelocityFn,
  x: Float64Array,
  tCur: number,
  tNext: number,
  target: Float64Array,
  grid: number,
): { r: number; err: number } {
  _checkGrid("oracleMeanValueR", Float64Array.of(tCur, tNext));
  checkInt("oracleMeanValueR", "grid", grid, 2);
  if (!(target instanceof Float64Array) || target.length !== x.length) {
    rangeError("oracleMeanValueR", "target.length", `x.length = ${x.length}`, target?.length);
  }
  const dCur = v(x, tCur), h = tNext - tCur;
  let best = { r: 0, err: Infinity };
  for (let i = 0; i < grid; i++) {
    const ri = i / (grid - 1), tm = tNext ** ri * tCur ** (1 - ri);
    const dm = v(x.map((y, j) => y + (tm - tCur) * dCur[j]!), tm);
    let q = 0;
    for (let j = 0; j < x.length; j++) q += (x[j]! + h * dm[j]! - target[j]!) ** 2;
    if (Math.sqrt(q) < best.err) best = { r: ri, err: Math.sqrt(q) };
  }
  return best;
}

/**
 * PCA of sampling trajectories (the paper's Fig. 3 diagnostic). For each of the n trajectories (points $\boldsymbol x_t$
 * at the T recorded times, d-dimensional) the points are centred, the top-k principal directions found from the d×d
 * scatter matrix, and each point reconstructed: $\mathrm{relErr}_t = \Vert\boldsymbol x_t-\bar{\boldsymbol x}-P_k(\boldsymbol x_t-\bar{\boldsymbol x})\Vert / \Vert\boldsymbol x_t-\bar{\boldsymbol x}\Vert$.
 *
 * @param traj T states, each n×d (e.g. `odeSolve(…, { keepTrajectory: true }).traj`)
 * @param d point dimension (≤ 64)
 * @param k number of components, 1 ≤ k ≤ d
 * @returns evr[j] = mean cumulative explained-variance ratio of the top j + 1 components (j < k); relErr[t] = mean
 *   over trajectories of the relative reconstruction error with k components at time index t
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { trajectoryPca } from "@lib/diffusion/amed.ts";
 * // a straight-line trajectory in 3-D is explained by one component
 * const traj = [0, 1, 2, 3].map((s) => Float64Array.of(s, 2 * s, -s));
 * assertAlmostEquals(trajectoryPca(traj, 3, 1).evr[0]!, 1, 1e-12);
 * ```
 */
export function trajectoryPca(
  traj: Float64Array[],
  d: number,
  k: number,
): { evr: Float64Array; relErr: Float64Array } {
  const where = "trajectoryPca";
  checkInt(where, "d", d, 1, 64);
  checkInt(where, "k", k, 1, d);
  if (!Array.isArray(traj) || traj.length < 2) rangeError(where, "traj.length", "≥ 2 states", traj?.length);
  const len = traj[0]!.length;
  if (len === 0 || len % d !== 0) rangeError(where, "traj[0].length", `a positive multiple of d = ${d}`, len);
  traj.forEach((S, i) => {
    if (!(S instanceof Float64Array) || S.length !== len) {
      rangeError(where, `traj[${i}].length`, `${len}`, S?.length);
    }
  });
  const T = traj.length, n = len / d, evr = new Float64Array(k), relErr = new Float64Array(T);
  const P = new Float64Array(T * d), mu = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    mu.fill(0);
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) mu[i] = mu[i]! + traj[t]![j * d + i]! / T;
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) P[t * d + i] = traj[t]![j * d + i]! - mu[i]!;
    const C = matrix(d, d);
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < d; a++) {
        const pa = P[t * d + a]!;
        if (pa === 0) continue;
        for (let b = a; b < d; b++) C.data[a * d + b] = C.data[a * d + b]! + pa * P[t * d + b]!;
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) C.data[a * d + b] = C.data[b * d + a]!;
    const { values, vectors } = symmetricEig(C); // ascending
    const total = values.reduce((s, x) => s + Math.max(0, x), 0);
    let cum = 0;
    for (let q = 0; q < k; q++) {
      cum += Math.max(0, values[d - 1 - q]!);
      evr[q] = evr[q]! + (total > 0 ? cum / total : 1) / n;
    }
    for (let t = 0; t < T; t++) {
      let norm2 = 0, proj2 = 0;
      for (let i = 0; i < d; i++) norm2 += P[t * d + i]! ** 2;
      for (let q = 0; q < k; q++) {
        const col = d - 1 - q;
        let dot = 0;
        for (let i = 0; i < d; i++) dot += P[t * d + i]! * vectors.data[i * d + col]!;
        proj2 += dot * dot;
      }
      relErr[t] = relErr[t]! + (norm2 > 0 ? Math.sqrt(Math.max(0, norm2 - proj2) / norm2) : 0) / n;
    }
  }
  return { evr, relErr };
}
