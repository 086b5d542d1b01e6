/**
 * Upsample Guidance (UG; arXiv 2404.01709, kexue.fm/archives/10055): run an ε-prediction diffusion model
 * trained at $h\times w$ on images $s$ times larger, without training. With $\mathcal D$ = s×s average pooling and
 * $\mathcal U$ = nearest-neighbour upsampling, pooling $\boldsymbol x_t = \bar\alpha_t\boldsymbol x_0 + \bar\beta_t\boldsymbol\varepsilon$
 * gives $\mathcal D[\boldsymbol x_t] = \bar\alpha_t\mathcal D[\boldsymbol x_0] + \frac{\bar\beta_t}{s}\boldsymbol\varepsilon$ (in distribution), whose
 * SNR is $s^2$ times larger. The guided noise prediction is
 * $$\tilde{\boldsymbol\epsilon}_\theta = \boldsymbol\epsilon_\theta(\boldsymbol x_t, t) + (1+w)\,\mathcal U\Big[\tfrac1s\boldsymbol\epsilon_\theta\big(\mathcal D[\boldsymbol x_t]/\rho_t, \tau\big) - \mathcal D[\boldsymbol\epsilon_\theta(\boldsymbol x_t, t)]\Big],$$
 * $\rho_t^2 = \bar\alpha_t^2 + \bar\beta_t^2/s^2$, $\mathrm{SNR}(\tau) = s^2\,\mathrm{SNR}(t)$; $w = -1$ switches UG off.
 *
 * Images are single-channel, row-major; a batch is n images back to back in one `Float64Array`.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, checkPositive, checkRange, rangeError, typeError } from "../core/validate.ts";
import { avgPool, upsampleNearest } from "../data/image_ops.ts";
import type { Gmm } from "../prob/gmm.ts";
import { gmmEps } from "./gmm_path.ts";
import { type GaussianPath, snr, timeForSnr } from "./paths.ts";
import { ddimStep } from "./samplers.ts";

/** A noise-prediction model on a batch of n single-channel H×W images (n·H·W values) at time t. */
export type EpsFn = (X: Float64Array, H: number, W: number, t: number) => Float64Array;

function _checkPath(where: string, p: GaussianPath): void {
  if (p === null || typeof p !== "object" || typeof p.a !== "function" || typeof p.b !== "function") {
    typeError(where, "p", "a GaussianPath", p);
  }
}

function _checkTs(where: string, p: GaussianPath, t: number, s: number): void {
  _checkPath(where, p);
  checkFinite(where, "t", t);
  if (t < p.tMin || t > p.tMax) rangeError(where, "t", `in [${p.tMin}, ${p.tMax}]`, t);
  checkInt(where, "s", s, 1);
}

function _checkBatch(where: string, X: Float64Array, H: number, W: number, s: number): number {
  if (!(X instanceof Float64Array)) typeError(where, "X", "a Float64Array", X);
  checkInt(where, "H", H, 1);
  checkInt(where, "W", W, 1);
  if (H % s !== 0 || W % s !== 0) rangeError(where, "s", `a divisor of H = ${H} and W = ${W}`, s);
  if (X.length === 0 || X.length % (H * W) !== 0) {
    rangeError(where, "X.length", `a positive multiple of H·W = ${H * W}`, X.length);
  }
  return X.length / (H * W);
}

/**
 * The time τ whose SNR is s² times that of t (G02 eq. 4): $\frac{\bar\alpha_\tau^2}{\bar\beta_\tau^2} = s^2\frac{\bar\alpha_t^2}{\bar\beta_t^2}$.
 * Closed form on the cosine path, $\tau = \frac2\pi\arctan\big(\tan(\frac{\pi t}2)/s\big)$; bisection
 * (`timeForSnr`) otherwise, clamped to the path's ends.
 *
 * @param p the path (SNR decreasing in t)
 * @param t the high-resolution time
 * @param s the pooling factor, integer ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * import { ugTau } from "@lib/diffusion/upsample_guidance.ts";
 * // SNR(0.5) = 1 on the cosine path; τ has SNR 4, i.e. tan(πτ/2) = 1/2
 * assertAlmostEquals(ugTau(vpCosinePath(), 0.5, 2), (2 / Math.PI) * Math.atan(0.5), 1e-15);
 * ```
 */
export function ugTau(p: GaussianPath, t: number, s: number): number {
  _checkTs("ugTau", p, t, s);
  if (s === 1) return t;
  if (p.name === "vp-cosine" && p.tMin === 0 && p.tMax === 1) {
    return t >= 1 ? 1 : (2 / Math.PI) * Math.atan(Math.tan((Math.PI * t) / 2) / s);
  }
  if (p.b(t) === 0) return t;
  const target = s * s * snr(p, t), lo = snr(p, p.tMax);
  if (target <= lo) return p.tMax;
  return timeForSnr(p, target);
}

/**
 * The renormalisation $\rho_t = \sqrt{\bar\alpha_t^2 + \bar\beta_t^2/s^2}$ of the pooled input (G02 eq. 5), so that
 * $\mathcal D[\boldsymbol x_t]/\rho_t$ has coefficients with unit square sum like the training inputs. Defined for
 * variance-preserving paths ($a^2 + b^2 = 1$), where $\bar\alpha_\tau = \bar\alpha_t/\rho_t$ exactly.
 *
 * @param p a VP path
 * @param t the time
 * @param s the pooling factor, integer ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * import { ugRho, ugTau } from "@lib/diffusion/upsample_guidance.ts";
 * const p = vpCosinePath();
 * assertAlmostEquals(p.a(ugTau(p, 0.7, 2)), p.a(0.7) / ugRho(p, 0.7, 2), 1e-12);
 * ```
 */
export function ugRho(p: GaussianPath, t: number, s: number): number {
  _checkTs("ugRho", p, t, s);
  const a = p.a(t), b = p.b(t);
  if (Math.abs(a * a + b * b - 1) > 1e-9) {
    rangeError("ugRho", "p", "a variance-preserving path (a² + b² = 1)", p.name);
  }
  return Math.sqrt(a * a + (b * b) / (s * s));
}

/**
 * s×s average pooling $\mathcal D$ of each image in a batch.
 *
 * @param X n·H·W values
 * @param H height (multiple of s)
 * @param W width (multiple of s)
 * @param s factor ≥ 1
 * @returns n·(H/s)·(W/s) values
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { poolBatch } from "@lib/diffusion/upsample_guidance.ts";
 * assertEquals(Array.from(poolBatch(Float64Array.of(1, 2, 3, 4, 0, 0, 0, 8), 2, 2, 2)), [2.5, 2]);
 * ```
 */
export function poolBatch(X: Float64Array, H: number, W: number, s: number): Float64Array {
  checkInt("poolBatch", "s", s, 1);
  const n = _checkBatch("poolBatch", X, H, W, s), m = (H / s) * (W / s), out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) out.set(avgPool(X.subarray(i * H * W, (i + 1) * H * W), H, W, s), i * m);
  return out;
}

/**
 * Nearest-neighbour upsampling $\mathcal U$ (each pixel repeated s×s) of each image in a batch.
 *
 * @param X n·h·w values
 * @param h height
 * @param w width
 * @param s factor ≥ 1
 * @returns n·(sh)·(sw) values
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { upsampleBatch } from "@lib/diffusion/upsample_guidance.ts";
 * assertEquals(Array.from(upsampleBatch(Float64Array.of(1, 2), 1, 1, 2)), [1, 1, 1, 1, 2, 2, 2, 2]);
 * ```
 */
export function upsampleBatch(X: Float64Array, h: number, w: number, s: number): Float64Array {
  checkInt("upsampleBatch", "s", s, 1);
  const n = _checkBatch("upsampleBatch", X, h, w, 1), M = h * w * s * s, out = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    out.set(upsampleNearest(X.subarray(i * h * w, (i + 1) * h * w), h, w, s), i * M);
  }
  return out;
}

function _callEps(where: string, eps: EpsFn, X: Float64Array, H: number, W: number, t: number): Float64Array {
  const e = eps(X, H, W, t);
  if (!(e instanceof Float64Array) || e.length !== X.length) {
    rangeError(where, "eps(X, H, W, t).length", `X.length = ${X.length}`, (e as Float64Array)?.length);
  }
  return e;
}

/**
 * The low-resolution main term of UG (G02 eq. 7),
 * $\mathcal D[\boldsymbol\epsilon^{\text{high}}(\boldsymbol x_t, t)] \approx \frac1s\boldsymbol\epsilon_\theta(\mathcal D[\boldsymbol x_t]/\rho_t, \tau)$,
 * with switches for the two corrections (for ablations): without `rescale` the pooled input is not divided by
 * ρ_t; without `matchSnr` the model is called at t instead of τ.
 *
 * @param eps the (low-resolution) model
 * @param X n high-resolution images at time t
 * @param H height (multiple of s)
 * @param W width (multiple of s)
 * @param t the time
 * @param s pooling factor ≥ 1
 * @param p a VP path
 * @param opts `rescale` (default true), `matchSnr` (default true)
 * @returns n·(H/s)·(W/s) values
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * import { ugMainTerm } from "@lib/diffusion/upsample_guidance.ts";
 * // a model that returns its input: main = D[x]/(ρ s)
 * const p = vpCosinePath(), id = (X: Float64Array) => X.slice();
 * const m = ugMainTerm(id, Float64Array.of(1, 1, 1, 1), 2, 2, 0.5, 2, p);
 * assertAlmostEquals(m[0]!, 1 / (Math.sqrt(0.5 + 0.5 / 4) * 2), 1e-12);
 * ```
 */
export function ugMainTerm(
  eps: EpsFn,
  X: Float64Array,
  H: number,
  W: number,
  t: number,
  s: number,
  p: GaussianPath,
  opts: { rescale?: boolean; matchSnr?: boolean } = {},
): Float64Array {
  const where = "ugMainTerm";
  if (typeof eps !== "function") typeError(where, "eps", "a function", eps);
  _checkTs(where, p, t, s);
  _checkBatch(where, X, H, W, s);
  const rho = opts.rescale === false ? 1 : ugRho(p, t, s);
  const tau = opts.matchSnr === false ? t : ugTau(p, t, s);
  const Dx = poolBatch(X, H, W, s);
  for (let i = 0; i < Dx.length; i++) Dx[i] = Dx[i]! / rho;
  const e = _callEps(where, eps, Dx, H / s, W / s, tau);
  for (let i = 0; i < e.length; i++) e[i] = e[i]! / s;
  return e;
}

/**
 * The upsample-guided noise prediction (G02 eq. 10):
 * $\tilde{\boldsymbol\epsilon} = \boldsymbol\epsilon_\theta(\boldsymbol x_t, t) + (1+w)\,\mathcal U\big[\tfrac1s\boldsymbol\epsilon_\theta(\mathcal D[\boldsymbol x_t]/\rho_t, \tau) - \mathcal D[\boldsymbol\epsilon_\theta(\boldsymbol x_t, t)]\big]$.
 * w = −1 returns $\boldsymbol\epsilon_\theta(\boldsymbol x_t, t)$ itself (one model call); w = 0 is the plain
 * approximation $\boldsymbol\epsilon^{\text{approx}}$ (eq. 9); the paper's best is w ≈ 0.2.
 *
 * @param eps the model, usable at H×W and at (H/s)×(W/s)
 * @param X n images at time t
 * @param H height (multiple of s)
 * @param W width (multiple of s)
 * @param t the time
 * @param s pooling factor ≥ 1
 * @param w guidance weight ≥ −1
 * @param p a VP path
 * @returns n·H·W values
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * import { ugEps } from "@lib/diffusion/upsample_guidance.ts";
 * const eps = (X: Float64Array) => X.map((v) => 0.5 * v), X = Float64Array.of(1, 2, 3, 4);
 * assertEquals(ugEps(eps, X, 2, 2, 0.4, 2, -1, vpCosinePath()), eps(X));
 * ```
 */
export function ugEps(
  eps: EpsFn,
  X: Float64Array,
  H: number,
  W: number,
  t: number,
  s: number,
  w: number,
  p: GaussianPath,
): Float64Array {
  const where = "ugEps";
  if (typeof eps !== "function") typeError(where, "eps", "a function", eps);
  _checkTs(where, p, t, s);
  _checkBatch(where, X, H, W, s);
  checkFinite(where, "w", w);
  if (w < -1) rangeError(where, "w", "≥ −1", w);
  const e = _callEps(where, eps, X, H, W, t);
  if (w === -1) return e;
  const main = ugMainTerm(eps, X, H, W, t, s, p), De = poolBatch(e, H, W, s);
  for (let i = 0; i < main.length; i++) main[i] = (1 + w) * (main[i]! - De[i]!);
  const up = upsampleBatch(main, H / s, W / s, s);
  for (let i = 0; i < e.length; i++) e[i] = e[i]! + up[i]!;
  return e;
}

/**
 * The latent-diffusion schedule of the guidance weight (G02 eq. 11): $w_t = w$ for $t \ge (1-\eta)T$ (the early,
 * noisy phase) and $-1$ (UG off) afterwards; here `tFrac` = t/T ∈ [0, 1], 1 = pure noise.
 *
 * @param w guidance weight ≥ −1 in the early phase
 * @param eta fraction of the sampling time (from the noise end) with UG on, in [0, 1]
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ugWeightSchedule } from "@lib/diffusion/upsample_guidance.ts";
 * const f = ugWeightSchedule(0.2, 0.5);
 * assertEquals([f(0.9), f(0.5), f(0.2)], [0.2, 0.2, -1]);
 * ```
 */
export function ugWeightSchedule(w: number, eta: number): (tFrac: number) => number {
  checkFinite("ugWeightSchedule", "w", w);
  if (w < -1) rangeError("ugWeightSchedule", "w", "≥ −1", w);
  checkRange("ugWeightSchedule", "eta", eta, 0, 1);
  return (tFrac: number) => (tFrac >= 1 - eta ? w : -1);
}

/**
 * The exact noise prediction $\mathbb E[\boldsymbol\varepsilon|\boldsymbol x_t]$ of a Gaussian mixture (e.g. an empirical
 * data set, variances 0) as an {@link EpsFn}: the ideal model UG approximates.
 *
 * @param g the data mixture in d = H·W dimensions
 * @param p the path
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * import { gmmEpsFn } from "@lib/diffusion/upsample_guidance.ts";
 * // one atom at 0: E[ε|x] = x/b
 * const e = gmmEpsFn(makeGmm([1], [[0, 0, 0, 0]], 0), vpCosinePath())(Float64Array.of(1, 0, 0, 0), 2, 2, 0.5);
 * assertAlmostEquals(e[0]!, Math.SQRT2, 1e-12);
 * ```
 */
export function gmmEpsFn(g: Gmm, p: GaussianPath): EpsFn {
  _checkPath("gmmEpsFn", p);
  return (X, H, W, t) => {
    if (H * W !== g.d) rangeError("gmmEpsFn", "H·W", `the mixture's dimension ${g.d}`, H * W);
    return gmmEps(g, p, t, X);
  };
}

/** Options of {@link ugSample}. */
export interface UgSampleOptions {
  /** Number of images ≥ 1. */
  n: number;
  /** Output height (multiple of s). */
  H: number;
  /** Output width (multiple of s). */
  W: number;
  /** Pooling factor ≥ 1 (the model's native resolution is H/s × W/s). */
  s: number;
  /** Guidance weight ≥ −1 (−1: plain sampling), or a function of t/tMax (e.g. {@link ugWeightSchedule}). */
  w: number | ((tFrac: number) => number);
  /** A VP path. */
  path: GaussianPath;
  /** Number of sampling steps ≥ 1. */
  steps: number;
  /** Source of the initial noise and of the ancestral noise. */
  rng: Rng;
  /** 1 = DDPM ancestral (default), 0 = DDIM. */
  eta?: number;
  /** Starting time (default 0.999·path.tMax, where a(t) > 0). */
  tStart?: number;
  /** Clamp $\hat x_0 = (x_t - b_t\tilde\epsilon)/a_t$ to [−clip, clip] in every step and use the matching
   * $\tilde\epsilon = (x_t - a_t\hat x_0)/b_t$, as DDPM codes do (default: no clamp). */
  clip?: number;
}

/** In place: ε ← (x − a·clamp((x − bε)/a, ±c))/b. */
function _clipEps(X: Float64Array, e: Float64Array, a: number, b: number, c: number): void {
  for (let i = 0; i < X.length; i++) {
    const x0 = Math.min(c, Math.max(-c, (X[i]! - b * e[i]!) / a));
    e[i] = (X[i]! - a * x0) / b;
  }
}

/**
 * Samples with the guided prediction {@link ugEps}: $\boldsymbol x_{t_0}\sim\mathcal N(0, I)$ at $t_0$ = `tStart`, then
 * `steps` DDIM/DDPM steps (`ddimStep` of `samplers.ts`) on a uniform grid down to t = path.tMin.
 *
 * @param eps the model
 * @param o see {@link UgSampleOptions}
 * @returns `X` (n·H·W values) and the model cost: `nfeHigh` calls at H×W and `nfeLow` at (H/s)×(W/s) per image
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeGmm } from "@lib/prob/gmm.ts";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * import { gmmEpsFn, ugSample } from "@lib/diffusion/upsample_guidance.ts";
 * // a single 2×2 atom: every sample lands on it
 * const p = vpCosinePath(), g = makeGmm([1], [[0.5, -0.5, 0.25, 0]], 0);
 * const r = ugSample(gmmEpsFn(g, p), { n: 2, H: 2, W: 2, s: 1, w: -1, path: p, steps: 20, rng: createRng(0) });
 * assertAlmostEquals(r.X[5]!, -0.5, 1e-9);
 * ```
 */
export function ugSample(
  eps: EpsFn,
  o: UgSampleOptions,
): { X: Float64Array; nfeHigh: number; nfeLow: number } {
  const where = "ugSample";
  if (typeof eps !== "function") typeError(where, "eps", "a function", eps);
  if (o === null || typeof o !== "object") typeError(where, "o", "UgSampleOptions", o);
  const { n, H, W, s, path: p, steps, rng } = o;
  checkInt(where, "o.n", n, 1);
  checkInt(where, "o.steps", steps, 1);
  _checkTs(where, p, p.tMin, s);
  _checkBatch(where, new Float64Array(H * W), H, W, s);
  const eta = o.eta ?? 1, t0 = o.tStart ?? 0.999 * p.tMax;
  checkRange(where, "o.eta", eta, 0, 1);
  checkRange(where, "o.tStart", t0, p.tMin, p.tMax, "lo");
  if (o.clip !== undefined) checkPositive(where, "o.clip", o.clip);
  const wOf = typeof o.w === "function" ? o.w : () => o.w as number;
  if (typeof o.w === "number") checkFinite(where, "o.w", o.w);
  let X: Float64Array = Float64Array.from({ length: n * H * W }, () => rng.normal());
  let nfeHigh = 0, nfeLow = 0;
  for (let k = 0; k < steps; k++) {
    const t = t0 + ((p.tMin - t0) * k) / steps,
      tn = k + 1 === steps ? p.tMin : t0 + ((p.tMin - t0) * (k + 1)) / steps;
    const w = wOf(t / p.tMax);
    const e = ugEps(eps, X, H, W, t, s, w, p);
    if (o.clip !== undefined) _clipEps(X, e, p.a(t), p.b(t), o.clip);
    nfeHigh++;
    if (w !== -1) nfeLow++;
    const Z = eta > 0 ? Float64Array.from({ length: X.length }, () => rng.normal()) : undefined;
    X = ddimStep(X, e, p, t, tn, eta, Z);
  }
  return { X, nfeHigh, nfeLow };
}
