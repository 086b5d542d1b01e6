/**
 * Diffusion-specific ODE sampling steps on top of `lib/core/ode_solve.ts` (G06, https://kexue.fm/archives/9881):
 * a fast exact GMM velocity field, GENIE's analytical first step (AFS), the AMED mean-direction step, and the
 * discrete DDIM / DDPM updates.
 *
 * Sampling solves $\frac{d\boldsymbol x_t}{dt} = \boldsymbol v(\boldsymbol x_t, t)$ from $t = T$ down to
 * $t_{\min}$; grids are decreasing. States are flat n×d `Float64Array`s.
 *
 * @module
 */
import type { OdeField } from "../core/ode.ts";
import { odeSolve, type OdeSolveMethod } from "../core/ode_solve.ts";
import { checkFinite, checkInt, checkRange, rangeError, typeError } from "../core/validate.ts";
import { _checkGmm, type Gmm } from "../prob/gmm.ts";
import { _pathArgs, gmmVelocity } from "./gmm_path.ts";
import type { DiscreteSchedule, GaussianPath } from "./paths.ts";

/** A velocity field (n×d points, t) ↦ n×d velocities; the same type as `OdeField`. */
export type VelocityFn = OdeField;

/** Validates a sampling grid: ≥ 2 finite, strictly decreasing, positive times. @internal */
export function _checkGrid(where: string, ts: Float64Array, positive = true): void {
  if (!(ts instanceof Float64Array) || ts.length < 2) {
    rangeError(where, "ts", "a Float64Array of ≥ 2 times", ts?.length);
  }
  for (let i = 0; i < ts.length; i++) {
    checkFinite(where, `ts[${i}]`, ts[i]);
    if (positive && !(ts[i]! > 0)) rangeError(where, `ts[${i}]`, "> 0", ts[i]);
    if (i > 0 && !(ts[i]! < ts[i - 1]!)) {
      rangeError(
        where,
        "ts",
        "strictly decreasing times",
        `ts[${i - 1}] = ${ts[i - 1]}, ts[${i}] = ${ts[i]}`,
      );
    }
  }
}

/**
 * The exact probability-flow velocity of a Gaussian mixture along a path, as a reusable field
 * $\boldsymbol v(\boldsymbol x,t) = a'(t)\,\mathbb E[\boldsymbol x_0|\boldsymbol x_t] + b'(t)\,\mathbb E[\boldsymbol\varepsilon|\boldsymbol x_t]$
 * with $\mathbb E[\boldsymbol\varepsilon|\boldsymbol x] = -b\nabla\log p_t$ (X-gen §3). Same numbers as
 * `gmmVelocity(g, p, t, X)` (which it calls), as a field for the ODE solvers. For the VE path this is $(\boldsymbol x - D(\boldsymbol x;\sigma))/\sigma$.
 *
 * @param g the data mixture p_0 (component variances > 0)
 * @param p the path; t must stay in [p.tMin, p.tMax] with b(t) > 0
 * @returns a {@link VelocityFn}; its input length must be a multiple of g.d
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { vePath } from "@lib/diffusion/paths.ts";
 * import { gmmVelocityField } from "@lib/diffusion/samplers.ts";
 * // one Gaussian N(0, 1) on the VE path: v = t·x/(1 + t²)
 * const v = gmmVelocityField(makeGmm([1], [[0]], 1), vePath());
 * assertAlmostEquals(v(Float64Array.of(3), 2)[0]!, 2 * 3 / 5, 1e-12);
 * ```
 */
export function gmmVelocityField(g: Gmm, p: GaussianPath): VelocityFn {
  _checkGmm("gmmVelocityField", g);
  if (g.vars.some((v) => !(v > 0))) rangeError("gmmVelocityField", "g.vars", "all > 0", "a zero variance");
  return (X: Float64Array, t: number) => {
    if (!(X instanceof Float64Array) || X.length % g.d !== 0) {
      rangeError("gmmVelocityField", "X.length", `a multiple of d = ${g.d}`, X?.length);
    }
    return gmmVelocity(g, p, t, X);
  };
}

/**
 * GENIE's analytical first step (AFS): at the first (largest) time the slope is taken as
 * $\boldsymbol d = \boldsymbol x/\sqrt{1+t^2}$ instead of a model call, which saves one NFE. On the VE path with
 * unit-scale data $\boldsymbol v(\boldsymbol x, T)\approx\boldsymbol x/T$ for large T.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { afsSlope } from "@lib/diffusion/samplers.ts";
 * assertAlmostEquals(afsSlope(Float64Array.of(80), 80)[0]!, 80 / Math.sqrt(6401), 1e-15);
 * ```
 */
export const afsSlope: VelocityFn = (X: Float64Array, t: number) => {
  checkFinite("afsSlope", "t", t);
  const c = 1 / Math.sqrt(1 + t * t);
  return X.map((x) => c * x);
};

/**
 * A fixed-grid sampler whose first slope comes from {@link afsSlope} (no model call): the first interval is done
 * by hand with $\boldsymbol k_1 = $ AFS, the rest by `odeSolve`. Saves one NFE: Euler N − 1, Heun/midpoint/dpm2
 * 2N − 1, RK4 4N − 1 for N intervals.
 *
 * @param v velocity field
 * @param X start states at ts[0] (n×d, not modified)
 * @param ts decreasing positive grid (≥ 2 times)
 * @param method "euler" | "heun" | "midpoint" | "dpm2" | "rk4"
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { afsSolve } from "@lib/diffusion/samplers.ts";
 * const r = afsSolve((X) => X.map((x) => -x), Float64Array.of(1), Float64Array.of(4, 2, 1), "heun");
 * assertEquals(r.nfe, 3);
 * ```
 */
export function afsSolve(
  v: VelocityFn,
  X: Float64Array,
  ts: Float64Array,
  method: OdeSolveMethod,
): { X: Float64Array; nfe: number } {
  const where = "afsSolve";
  if (typeof v !== "function") typeError(where, "v", "a function (X, t) => velocity", v);
  if (!(X instanceof Float64Array) || X.length === 0) typeError(where, "X", "a non-empty Float64Array", X);
  _checkGrid(where, ts);
  const t = ts[0]!, h = ts[1]! - t, k1 = afsSlope(X, t), n = X.length;
  const ax = (y: Float64Array, c: number, k: Float64Array) => y.map((yi, i) => yi + c * k[i]!);
  let nfe = 0;
  const call = (Y: Float64Array, s: number) => {
    nfe++;
    const out = v(Y, s);
    if (!(out instanceof Float64Array) || out.length !== n) {
      rangeError(where, "v(X, t)", `length ${n}`, out?.length);
    }
    return out;
  };
  let Y: Float64Array;
  if (method === "euler") Y = ax(X, h, k1);
  else if (method === "heun") {
    const k2 = call(ax(X, h, k1), t + h);
    Y = X.map((x, i) => x + (h / 2) * (k1[i]! + k2[i]!));
  } else if (method === "midpoint") Y = ax(X, h, call(ax(X, h / 2, k1), t + h / 2));
  else if (method === "dpm2") {
    const m = Math.sqrt(t * (t + h));
    Y = ax(X, h, call(ax(X, m - t, k1), m));
  } else if (method === "rk4") {
    const k2 = call(ax(X, h / 2, k1), t + h / 2), k3 = call(ax(X, h / 2, k2), t + h / 2);
    const k4 = call(ax(X, h, k3), t + h);
    Y = X.map((x, i) => x + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  } else rangeError(where, "method", '"euler" | "heun" | "midpoint" | "dpm2" | "rk4"', method);
  if (ts.length === 2) return { X: Y, nfe };
  const rest = odeSolve(call, Y, ts.subarray(1), method);
  return { X: rest.y, nfe };
}

/** Per-step parameters of an AMED step: the mean-value position r ∈ [0, 1] and the direction scale c. */
export type AmedParams = { r: Float64Array | number; c: Float64Array | number };

/**
 * AMED-style sampler (Zhou et al., arXiv 2312.00094; Su's eq. for the mean-value step). Per interval
 * $t_{\rm cur} > t_{\rm next}$, with $\boldsymbol d_{\rm cur} = \boldsymbol v(\boldsymbol x, t_{\rm cur})$ (or AFS on the first):
 * $$t_{\rm mid} = t_{\rm next}^{\,r}t_{\rm cur}^{\,1-r},\quad \tilde{\boldsymbol x}_{\rm mid} = \boldsymbol x + (t_{\rm mid}-t_{\rm cur})\boldsymbol d_{\rm cur},\quad
 * \boldsymbol x_{\rm next} = \boldsymbol x + c\,(t_{\rm next}-t_{\rm cur})\,\boldsymbol v(\tilde{\boldsymbol x}_{\rm mid}, t_{\rm mid}).$$
 * r = ½, c = 1 is the DPM-Solver-2 geometric midpoint; r = 0, c = 1 is Euler (but still costs 2 NFE).
 * `predict` may return one number for all samples or one value per sample (length n).
 *
 * @param v velocity field
 * @param X start states (n×d) at ts[0]
 * @param ts decreasing positive grid (K + 1 times → K intervals, 2K NFE, 2K − 1 with AFS)
 * @param predict (Xcur, tCur, tNext, dCur) ↦ {r, c}; r ∈ [0, 1], c finite
 * @param opts afs: replace the first model call by {@link afsSlope}
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { odeSolve } from "@lib/core/ode_solve.ts";
 * import { amedSolve } from "@lib/diffusion/samplers.ts";
 * const v = (X: Float64Array, t: number) => X.map((x) => x / t + Math.sin(t));
 * const ts = Float64Array.of(8, 3, 1, 0.2), X = Float64Array.of(1, -2);
 * const a = amedSolve(v, X, ts, () => ({ r: 0.5, c: 1 }));
 * assertEquals(a.nfe, 6);
 * assertAlmostEquals(a.X[1]!, odeSolve(v, X, ts, "dpm2").y[1]!, 1e-12);
 * ```
 */
export function amedSolve(
  v: VelocityFn,
  X: Float64Array,
  ts: Float64Array,
  predict: (Xcur: Float64Array, tCur: number, tNext: number, dCur: Float64Array) => AmedParams,
  opts: { afs?: boolean } = {},
): { X: Float64Array; nfe: number } {
  const where = "amedSolve";
  if (typeof v !== "function") typeError(where, "v", "a function (X, t) => velocity", v);
  if (typeof predict !== "function") typeError(where, "predict", "a function returning { r, c }", predict);
  if (!(X instanceof Float64Array) || X.length === 0) typeError(where, "X", "a non-empty Float64Array", X);
  _checkGrid(where, ts);
  let nfe = 0, Y: Float64Array = Float64Array.from(X);
  const call = (Z: Float64Array, s: number) => {
    const out = v(Z, s);
    if (!(out instanceof Float64Array) || out.length !== Z.length) {
      rangeError(where, "v(X, t)", `length ${Z.length}`, out?.length);
    }
    return out;
  };
  for (let s = 0; s + 1 < ts.length; s++) {
    const tc = ts[s]!, tn = ts[s + 1]!;
    const dCur = s === 0 && opts.afs ? afsSlope(Y, tc) : (nfe++, call(Y, tc));
    const { r, c } = predict(Y, tc, tn, dCur);
    nfe++; // the mid-point evaluation (one batched call, or one per sample when r varies per sample)
    Y = amedStep(call, Y, dCur, tc, tn, r, c, where);
  }
  return { X: Y, nfe };
}

/** Per-sample parameter broadcast: a number or an array with one entry per sample. */
function perSample(
  where: string,
  name: string,
  x: Float64Array | number,
  n: number,
  lo: number,
  hi: number,
  closed = false,
) {
  const open = closed ? "none" : "hi";
  if (typeof x === "number") {
    checkRange(where, name, x, lo, hi, open);
    return () => x;
  }
  if (!(x instanceof Float64Array) || x.length !== n) {
    rangeError(where, `${name}.length`, `${n} (one per sample)`, x?.length);
  }
  for (let j = 0; j < n; j++) checkRange(where, `${name}[${j}]`, x[j], lo, hi, open);
  return (j: number) => x[j]!;
}

/**
 * One AMED step given the current slope (see {@link amedSolve}); r, c per sample or shared.
 * @internal
 */
export function amedStep(
  v: VelocityFn,
  X: Float64Array,
  dCur: Float64Array,
  tCur: number,
  tNext: number,
  r: Float64Array | number,
  c: Float64Array | number,
  where = "amedStep",
): Float64Array {
  const len = X.length;
  const n = typeof r === "number" ? (typeof c === "number" ? 1 : c.length) : r.length;
  if (len % n !== 0) rangeError(where, "r/c length", `a divisor of X.length = ${len}`, n);
  const d = len / n,
    rr = perSample(where, "r", r, n, 0, 1, true),
    cc = perSample(where, "c", c, n, -1e9, 1e9);
  if (typeof r === "number") {
    const tm = tNext ** r * tCur ** (1 - r);
    const Xm = X.map((x, i) => x + (tm - tCur) * dCur[i]!);
    const dm = v(Xm, tm);
    return X.map((x, i) => x + cc(Math.floor(i / d)) * (tNext - tCur) * dm[i]!);
  }
  // per-sample mid times: evaluate sample by sample groups of equal r (usually all distinct → per point)
  const out = new Float64Array(len);
  for (let j = 0; j < n; j++) {
    const tm = tNext ** rr(j) * tCur ** (1 - rr(j));
    const xm = new Float64Array(d);
    for (let i = 0; i < d; i++) xm[i] = X[j * d + i]! + (tm - tCur) * dCur[j * d + i]!;
    const dm = v(xm, tm);
    for (let i = 0; i < d; i++) out[j * d + i] = X[j * d + i]! + cc(j) * (tNext - tCur) * dm[i]!;
  }
  return out;
}

/**
 * One DDIM / DDPM step on a Gaussian path from time t to s < t, given a noise prediction $\hat{\boldsymbol\varepsilon}$:
 * $$\hat{\boldsymbol x}_0 = \frac{\boldsymbol x_t - b_t\hat{\boldsymbol\varepsilon}}{a_t},\qquad
 * \boldsymbol x_s = a_s\hat{\boldsymbol x}_0 + \sqrt{b_s^2-\sigma^2}\,\hat{\boldsymbol\varepsilon} + \sigma\boldsymbol z,\qquad
 * \sigma = \eta\,\frac{b_s}{b_t}\sqrt{b_t^2 - \tfrac{a_t^2}{a_s^2}b_s^2}.$$
 * η = 0 is DDIM (deterministic; on the VE path it is exactly an Euler step of the PF-ODE), η = 1 the DDPM
 * posterior $q(\boldsymbol x_s|\boldsymbol x_t, \boldsymbol x_0 = \hat{\boldsymbol x}_0)$ of the Markov chain with these marginals.
 *
 * @param X x_t (flat, any shape)
 * @param epsHat predicted noise, same length
 * @param p the path (a > 0 at t and s)
 * @param t current time
 * @param s next time, s < t
 * @param eta η ∈ [0, 1]
 * @param Z standard normal draws (same length), required when η > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { vePath } from "@lib/diffusion/paths.ts";
 * import { ddimStep } from "@lib/diffusion/samplers.ts";
 * // VE: x_s = x_t + (s − t)·ε̂ (an Euler step with velocity ε̂)
 * assertAlmostEquals(ddimStep(Float64Array.of(5), Float64Array.of(0.5), vePath(), 4, 1, 0)[0]!, 3.5, 1e-12);
 * ```
 */
export function ddimStep(
  X: Float64Array,
  epsHat: Float64Array,
  p: GaussianPath,
  t: number,
  s: number,
  eta: number,
  Z?: Float64Array,
): Float64Array {
  const where = "ddimStep";
  if (!(X instanceof Float64Array) || !(epsHat instanceof Float64Array) || X.length !== epsHat.length) {
    rangeError(where, "epsHat.length", `X.length = ${X?.length}`, epsHat?.length);
  }
  if (p === null || typeof p !== "object" || typeof p.a !== "function") {
    typeError(where, "p", "a GaussianPath", p);
  }
  checkFinite(where, "t", t);
  checkFinite(where, "s", s);
  if (!(s < t)) rangeError(where, "s", `< t = ${t}`, s);
  checkRange(where, "eta", eta, 0, 1);
  const at = p.a(t), bt = p.b(t), as = p.a(s), bs = p.b(s);
  if (!(at > 0) || !(as > 0) || !(bt > 0)) {
    rangeError(where, "a(t), a(s), b(t)", "> 0", `${at}, ${as}, ${bt}`);
  }
  const beta2 = Math.max(0, bt * bt - (at / as) ** 2 * bs * bs), sigma = eta * (bs / bt) * Math.sqrt(beta2);
  if (eta > 0 && (!(Z instanceof Float64Array) || Z.length !== X.length)) {
    rangeError(where, "Z.length", `X.length = ${X.length} (noise needed for eta > 0)`, Z?.length);
  }
  const ce = Math.sqrt(Math.max(0, bs * bs - sigma * sigma));
  return X.map((x, i) => {
    const x0 = (x - bt * epsHat[i]!) / at;
    return as * x0 + ce * epsHat[i]! + (sigma > 0 ? sigma * Z![i]! : 0);
  });
}

/**
 * Su's DDPM sampling step for the discrete schedule (`suDdpmSchedule`):
 * $$\boldsymbol x_{t-1} = \frac{1}{\alpha_t}\Big(\boldsymbol x_t - \frac{\beta_t^2}{\bar\beta_t}\hat{\boldsymbol\varepsilon}\Big) + \sigma_t\boldsymbol z.$$
 *
 * @param X x_t
 * @param epsHat predicted noise ε̂(x_t, t), same length
 * @param sch the schedule
 * @param t step index in 1 … T
 * @param Z standard normal draws, same length (zeros for the mean)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { suDdpmSchedule } from "@lib/diffusion/paths.ts";
 * import { ddpmSuStep } from "@lib/diffusion/samplers.ts";
 * const sch = suDdpmSchedule(10);
 * const y = ddpmSuStep(Float64Array.of(1), Float64Array.of(0), sch, 3, Float64Array.of(0));
 * assertAlmostEquals(y[0]!, 1 / sch.alpha[3]!, 1e-12);
 * ```
 */
export function ddpmSuStep(
  X: Float64Array,
  epsHat: Float64Array,
  sch: DiscreteSchedule,
  t: number,
  Z: Float64Array,
): Float64Array {
  const where = "ddpmSuStep";
  if (!(X instanceof Float64Array) || !(epsHat instanceof Float64Array) || X.length !== epsHat.length) {
    rangeError(where, "epsHat.length", `X.length = ${X?.length}`, epsHat?.length);
  }
  if (!(Z instanceof Float64Array) || Z.length !== X.length) {
    rangeError(where, "Z.length", `X.length = ${X.length}`, Z?.length);
  }
  if (sch === null || typeof sch !== "object" || !(sch.alpha instanceof Float64Array)) {
    typeError(where, "sch", "a DiscreteSchedule", sch);
  }
  checkInt(where, "t", t, 1, sch.T);
  const al = sch.alpha[t]!, k = sch.beta[t]! ** 2 / sch.barBeta[t]!, sg = sch.sigma[t]!;
  return X.map((x, i) => (x - k * epsHat[i]!) / al + sg * Z[i]!);
}

/**
 * EDM's Heun sampler: Heun (eq. 4 of G06) on every interval but the last, a plain Euler step on the last one (EDM ends
 * at σ = 0, where the corrector's end slope does not exist), so K intervals cost 2K − 1 NFE (2K − 2 with AFS).
 *
 * @param v velocity field
 * @param X start states at ts[0]
 * @param ts decreasing positive grid, ≥ 2 times
 * @param opts afs: first slope from {@link afsSlope}
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { edmHeunSolve } from "@lib/diffusion/samplers.ts";
 * const r = edmHeunSolve((X) => X.map((x) => -x), Float64Array.of(1), Float64Array.of(4, 2, 1, 0.5));
 * assertEquals(r.nfe, 5);
 * ```
 */
export function edmHeunSolve(
  v: VelocityFn,
  X: Float64Array,
  ts: Float64Array,
  opts: { afs?: boolean } = {},
): { X: Float64Array; nfe: number } {
  _checkGrid("edmHeunSolve", ts);
  const K = ts.length - 1;
  if (K === 1) {
    return opts.afs
      ? afsSolve(v, X, ts, "euler")
      : ((r) => ({ X: r.y, nfe: r.nfe }))(odeSolve(v, X, ts, "euler"));
  }
  const head = opts.afs
    ? afsSolve(v, X, ts.subarray(0, K), "heun")
    : ((r) => ({ X: r.y, nfe: r.nfe }))(odeSolve(v, X, ts.subarray(0, K), "heun"));
  const last = odeSolve(v, head.X, ts.subarray(K - 1), "euler");
  return { X: last.y, nfe: head.nfe + last.nfe };
}
