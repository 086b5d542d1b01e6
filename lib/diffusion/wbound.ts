/**
 * The bound "W distance ≤ score matching" for probability-flow ODEs (G05, https://kexue.fm/archives/9467), after
 * Su's elementary proof: run the exact ODE $d\boldsymbol x_t/dt = \boldsymbol f_t(\boldsymbol x_t)$ and the model ODE
 * $d\boldsymbol y_t/dt = \boldsymbol g_t(\boldsymbol y_t)$ from the same start z at time T, use the pairing
 * $\boldsymbol x_t(z)\leftrightarrow\boldsymbol y_t(z)$ as a coupling, and bound its growth with Cauchy–Schwarz and a one-sided
 * Lipschitz constant $L_t$:
 * $$\mathcal W_2[p_0,q_0]\le\tilde{\mathcal W}_2(0)\le\int_0^T I_t\,e_t\,dt + I_T\tilde{\mathcal W}_2(T),\quad I_t = e^{\int_0^tL_sds},\quad
 * e_t = \big(\mathbb E_{p_t}\Vert\boldsymbol f_t-\boldsymbol g_t\Vert^2\big)^{1/2}.$$
 * Sign note: the proof integrates backwards in time, so it needs
 * $(\boldsymbol x-\boldsymbol y)\cdot(\boldsymbol g_t(\boldsymbol x)-\boldsymbol g_t(\boldsymbol y))\ge-L_t\Vert\boldsymbol x-\boldsymbol y\Vert^2$,
 * i.e. one-sided Lipschitz of the reverse-time field $-\boldsymbol g_t$.
 *
 * @module
 */
import { rk4 } from "../core/ode.ts";
import { checkFinite, checkInt, checkNonNegative, rangeError, typeError } from "../core/validate.ts";
import { _checkGmm, type Gmm } from "../prob/gmm.ts";
import type { VelocityFn } from "./samplers.ts";

/**
 * One-sided Lipschitz constant of the reverse-time VE field $t\,\nabla\log q_t$ for an equal-variance isotropic
 * mixture q (variance s²): with $S_t = s^2+t^2$ and D the diameter of q's means,
 * $$\nabla(t\nabla\log q_t) = t\Big(-\frac{I}{S_t} + \frac{\mathrm{Cov}_r(\boldsymbol m)}{S_t^2}\Big)\preceq t\Big(-\frac1{S_t}+\frac{D^2}{4S_t^2}\Big) = L_t,$$
 * since a distribution on a set of diameter D has variance ≤ D²/4 in every direction (Popoviciu).
 *
 * @param g the model mixture q_0 (all variances equal)
 * @param t σ = t > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { oneSidedLipschitzVeGmm } from "@lib/diffusion/wbound.ts";
 * // means ±1 (D = 2), s² = 0.25, t = 1: S = 1.25, L = −1/1.25 + 1/1.5625
 * assertAlmostEquals(oneSidedLipschitzVeGmm(makeGmm([1, 1], [[-1], [1]], 0.25), 1), -0.8 + 0.64, 1e-12);
 * ```
 */
export function oneSidedLipschitzVeGmm(g: Gmm, t: number): number {
  const where = "oneSidedLipschitzVeGmm", K = _checkGmm(where, g), d = g.d;
  checkNonNegative(where, "t", t);
  const s2 = g.vars[0]!;
  if (g.vars.some((v) => Math.abs(v - s2) > 1e-12 * Math.max(1, s2))) {
    rangeError(where, "g.vars", "all equal (isotropic, equal-variance mixture)", Array.from(g.vars));
  }
  let D2 = 0;
  for (let a = 0; a < K; a++) {
    for (let b = a + 1; b < K; b++) {
      let q = 0;
      for (let i = 0; i < d; i++) q += (g.means[a * d + i]! - g.means[b * d + i]!) ** 2;
      D2 = Math.max(D2, q);
    }
  }
  const S = s2 + t * t;
  return t * (-1 / S + D2 / (4 * S * S));
}

/**
 * A numerical check of a 1-D one-sided Lipschitz constant: the largest difference quotient
 * $\max_i\frac{f(x_{i+1})-f(x_i)}{x_{i+1}-x_i}$ on n equally spaced points of [lo, hi].
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { numericOneSidedLipschitz1d } from "@lib/diffusion/wbound.ts";
 * assertAlmostEquals(numericOneSidedLipschitz1d(Math.sin, -3, 3, 6001), 1, 1e-6);
 * ```
 */
export function numericOneSidedLipschitz1d(
  field: (x: number) => number,
  lo: number,
  hi: number,
  n: number,
): number {
  const where = "numericOneSidedLipschitz1d";
  if (typeof field !== "function") typeError(where, "field", "a function x => number", field);
  checkFinite(where, "lo", lo);
  checkFinite(where, "hi", hi);
  if (!(hi > lo)) rangeError(where, "hi", `> lo = ${lo}`, hi);
  checkInt(where, "n", n, 2);
  const h = (hi - lo) / (n - 1);
  let prev = field(lo), best = -Infinity;
  for (let i = 1; i < n; i++) {
    const cur = field(lo + i * h);
    best = Math.max(best, (cur - prev) / h);
    prev = cur;
  }
  return best;
}

function checkIncreasing(where: string, ts: Float64Array): void {
  if (!(ts instanceof Float64Array) || ts.length < 2) {
    rangeError(where, "ts", "a Float64Array of ≥ 2 times", ts?.length);
  }
  for (let i = 0; i < ts.length; i++) {
    checkFinite(where, `ts[${i}]`, ts[i]);
    if (i > 0 && !(ts[i]! > ts[i - 1]!)) {
      rangeError(
        where,
        "ts",
        "strictly increasing times",
        `ts[${i - 1}] = ${ts[i - 1]}, ts[${i}] = ${ts[i]}`,
      );
    }
  }
}

/**
 * Cumulative trapezoid integral $\Lambda(t_i)=\int_{t_0}^{t_i}L(s)\,ds$ on an increasing grid.
 *
 * @param L the integrand (a function of t) or its values at ts
 * @param ts strictly increasing grid
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { integrateL } from "@lib/diffusion/wbound.ts";
 * const ts = Float64Array.from({ length: 101 }, (_, i) => i / 100);
 * assertAlmostEquals(integrateL((t) => 2 * t, ts)[100]!, 1, 1e-12);
 * ```
 */
export function integrateL(L: ((t: number) => number) | Float64Array, ts: Float64Array): Float64Array {
  checkIncreasing("integrateL", ts);
  const vals = typeof L === "function" ? ts.map((t) => L(t)) : L;
  if (!(vals instanceof Float64Array) || vals.length !== ts.length) {
    rangeError("integrateL", "L.length", `ts.length = ${ts.length}`, (vals as Float64Array)?.length);
  }
  const out = new Float64Array(ts.length);
  for (let i = 1; i < ts.length; i++) {
    out[i] = out[i - 1]! + 0.5 * (ts[i]! - ts[i - 1]!) * (vals[i - 1]! + vals[i]!);
  }
  return out;
}

/**
 * The bound of eq. 8 and its time-resolved form (eq. 11), by trapezoids on the grid:
 * $$B(t)=\int_t^T e^{\int_t^uL_r\,dr}\,e_u\,du + e^{\int_t^TL_r\,dr}\,\mathcal W_2[p_T,q_T].$$
 *
 * @param o.ts strictly increasing grid from t_min to T
 * @param o.velErrRms $e_u = (\mathbb E_{p_u}\Vert\boldsymbol f_u-\boldsymbol g_u\Vert^2)^{1/2}$ at ts (≥ 0)
 * @param o.L one-sided Lipschitz constants L at ts
 * @param o.w2T the start mismatch W2[p_T, q_T] (default 0: both ODEs start from the same z)
 * @returns total = B(ts[0]), running[i] = B(ts[i])
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { wBound } from "@lib/diffusion/wbound.ts";
 * // L = 0: B(0) = ∫ e_u du = 2 for e ≡ 1 on [0, 2]
 * const ts = Float64Array.of(0, 1, 2);
 * assertAlmostEquals(wBound({ ts, velErrRms: Float64Array.of(1, 1, 1), L: new Float64Array(3) }).total, 2, 1e-15);
 * ```
 */
export function wBound(
  o: { ts: Float64Array; velErrRms: Float64Array; L: Float64Array; w2T?: number },
): { total: number; running: Float64Array } {
  const where = "wBound", { ts, velErrRms: e, L } = o;
  checkIncreasing(where, ts);
  const N = ts.length;
  if (!(e instanceof Float64Array) || e.length !== N) {
    rangeError(where, "velErrRms.length", `ts.length = ${N}`, e?.length);
  }
  if (!(L instanceof Float64Array) || L.length !== N) {
    rangeError(where, "L.length", `ts.length = ${N}`, L?.length);
  }
  e.forEach((x, i) => checkNonNegative(where, `velErrRms[${i}]`, x));
  const w2T = checkNonNegative(where, "w2T", o.w2T ?? 0),
    Lam = integrateL(L, ts),
    running = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let u = i + 1; u < N; u++) {
      const f0 = Math.exp(Lam[u - 1]! - Lam[i]!) * e[u - 1]!, f1 = Math.exp(Lam[u]! - Lam[i]!) * e[u]!;
      s += 0.5 * (ts[u]! - ts[u - 1]!) * (f0 + f1);
    }
    running[i] = s + Math.exp(Lam[N - 1]! - Lam[i]!) * w2T;
  }
  return { total: running[0]!, running };
}

/**
 * The synchronous coupling: integrates both ODEs with RK4 on the grid `ts` (decreasing from T), starting from the same
 * points Z, and records $\tilde{\mathcal W}_2(t)=\big(\frac1n\sum_j\Vert\boldsymbol x_t^{(j)}-\boldsymbol y_t^{(j)}\Vert^2\big)^{1/2}$ at every
 * grid time — an upper bound on $\mathcal W_2$ between the two empirical laws.
 *
 * @param f exact field (X, t) ↦ velocity
 * @param g model field
 * @param Z start points at ts[0] (n×d)
 * @param ts strictly decreasing grid (one RK4 step per interval)
 * @param d point dimension
 * @returns final X, Y, wTildeByT (aligned with ts) and the exact-ODE states at every grid time (for e_t)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { synchronousCoupling } from "@lib/diffusion/wbound.ts";
 * // f = 0, g = 1 from t = 1 to 0: y moves by −1
 * const c = synchronousCoupling((X) => X.map(() => 0), (X) => X.map(() => 1), Float64Array.of(0, 2), Float64Array.of(1, 0.5, 0), 1);
 * assertAlmostEquals(c.wTildeByT[2]!, 1, 1e-12);
 * ```
 */
export function synchronousCoupling(
  f: VelocityFn,
  g: VelocityFn,
  Z: Float64Array,
  ts: Float64Array,
  d: number,
): { X: Float64Array; Y: Float64Array; wTildeByT: Float64Array; trajX: Float64Array[] } {
  const where = "synchronousCoupling";
  if (typeof f !== "function" || typeof g !== "function") typeError(where, "f, g", "velocity functions", f);
  checkInt(where, "d", d, 1);
  if (!(Z instanceof Float64Array) || Z.length === 0 || Z.length % d !== 0) {
    rangeError(where, "Z.length", `a positive multiple of d = ${d}`, Z?.length);
  }
  if (!(ts instanceof Float64Array) || ts.length < 2) {
    rangeError(where, "ts", "a Float64Array of ≥ 2 times", ts?.length);
  }
  for (let i = 1; i < ts.length; i++) {
    if (!(ts[i]! < ts[i - 1]!)) {
      rangeError(
        where,
        "ts",
        "strictly decreasing times",
        `ts[${i - 1}] = ${ts[i - 1]}, ts[${i}] = ${ts[i]}`,
      );
    }
  }
  const n = Z.length / d,
    wTildeByT = new Float64Array(ts.length),
    trajX: Float64Array[] = [Float64Array.from(Z)];
  let X = Float64Array.from(Z), Y = Float64Array.from(Z);
  for (let s = 0; s + 1 < ts.length; s++) {
    X = rk4(f, X, ts[s]!, ts[s + 1]!, 1) as Float64Array<ArrayBuffer>;
    Y = rk4(g, Y, ts[s]!, ts[s + 1]!, 1) as Float64Array<ArrayBuffer>;
    trajX.push(X);
    let q = 0;
    for (let i = 0; i < X.length; i++) q += (X[i]! - Y[i]!) ** 2;
    wTildeByT[s + 1] = Math.sqrt(q / n);
  }
  return { X, Y, wTildeByT, trajX };
}

/**
 * The score-matching error at one time, $\mathrm{SM}_t=\frac1n\sum_j\Vert\nabla\log p_t(\boldsymbol x^{(j)})-\boldsymbol s(\boldsymbol x^{(j)})\Vert^2$
 * over points $\boldsymbol x^{(j)}\sim p_t$.
 *
 * @param scoreP exact score (X ↦ n×d)
 * @param scoreQ model score
 * @param Xt points (n×d)
 * @param d point dimension
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { smAtT } from "@lib/diffusion/wbound.ts";
 * assertAlmostEquals(smAtT((X) => X.map((x) => -x), (X) => X.map((x) => -x + 1), Float64Array.of(1, 2, 3, 4), 2), 2, 1e-15);
 * ```
 */
export function smAtT(
  scoreP: (X: Float64Array) => Float64Array,
  scoreQ: (X: Float64Array) => Float64Array,
  Xt: Float64Array,
  d: number,
): number {
  checkInt("smAtT", "d", d, 1);
  if (!(Xt instanceof Float64Array) || Xt.length === 0 || Xt.length % d !== 0) {
    rangeError("smAtT", "Xt.length", `a positive multiple of d = ${d}`, Xt?.length);
  }
  const a = scoreP(Xt), b = scoreQ(Xt);
  if (a.length !== Xt.length || b.length !== Xt.length) {
    rangeError("smAtT", "score output length", `${Xt.length}`, a.length);
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / (Xt.length / d);
}
