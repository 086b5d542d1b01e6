/**
 * Gaussian noising paths $\boldsymbol x_t = a(t)\boldsymbol x_0 + b(t)\boldsymbol\varepsilon$,
 * $\boldsymbol\varepsilon\sim\mathcal N(0, I)$ (Su writes $\bar\alpha_t, \bar\beta_t$ for a, b), plus the discrete
 * schedule of Su's DDPM code and EDM's time grid (X-gen §2).
 *
 * @module
 */
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";

/** A path $x_t = a(t)x_0 + b(t)\varepsilon$ with derivatives, defined on [tMin, tMax]. */
export interface GaussianPath {
  /** Short name for tables. */
  name: string;
  /** Signal coefficient a(t). */
  a(t: number): number;
  /** Noise coefficient b(t). */
  b(t: number): number;
  /** a'(t). */
  da(t: number): number;
  /** b'(t). */
  db(t: number): number;
  /** Smallest usable t. */
  tMin: number;
  /** Largest usable t. */
  tMax: number;
}

/**
 * Variance-preserving cosine path $a = \cos\frac{\pi t}2$, $b = \sin\frac{\pi t}2$ on [0, 1] ($a^2 + b^2 = 1$).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { vpCosinePath } from "@lib/diffusion/paths.ts";
 * const p = vpCosinePath();
 * assertAlmostEquals(p.a(0.3) ** 2 + p.b(0.3) ** 2, 1, 1e-15);
 * ```
 */
export function vpCosinePath(): GaussianPath {
  const h = Math.PI / 2;
  return {
    name: "vp-cosine",
    a: (t) => Math.cos(h * t),
    b: (t) => Math.sin(h * t),
    da: (t) => -h * Math.sin(h * t),
    db: (t) => h * Math.cos(h * t),
    tMin: 0,
    tMax: 1,
  };
}

/**
 * Rectified-flow path $a = 1 - t$, $b = t$ on [0, 1] (t = 0 data, t = 1 noise, as in Su's G04).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rectifiedFlowPath } from "@lib/diffusion/paths.ts";
 * const p = rectifiedFlowPath();
 * assertEquals([p.a(0.25), p.b(0.25), p.da(0.5), p.db(0.5)], [0.75, 0.25, -1, 1]);
 * ```
 */
export function rectifiedFlowPath(): GaussianPath {
  return {
    name: "rectified-flow",
    a: (t) => 1 - t,
    b: (t) => t,
    da: () => -1,
    db: () => 1,
    tMin: 0,
    tMax: 1,
  };
}

/**
 * Variance-exploding path of EDM: $a = 1$, $b = t = \sigma$ on [0.002, sigmaMax].
 *
 * @param sigmaMax the largest σ, > 0.002 (default 80)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { vePath } from "@lib/diffusion/paths.ts";
 * const p = vePath();
 * assertEquals([p.a(3), p.b(3), p.tMin, p.tMax], [1, 3, 0.002, 80]);
 * ```
 */
export function vePath(sigmaMax = 80): GaussianPath {
  checkPositive("vePath", "sigmaMax", sigmaMax);
  if (!(sigmaMax > 0.002)) rangeError("vePath", "sigmaMax", "> 0.002", sigmaMax);
  return { name: "ve", a: () => 1, b: (t) => t, da: () => 0, db: () => 1, tMin: 0.002, tMax: sigmaMax };
}

function checkPath(where: string, p: GaussianPath): void {
  if (p === null || typeof p !== "object" || typeof p.a !== "function" || typeof p.b !== "function") {
    typeError(where, "p", "a GaussianPath", p);
  }
}

/**
 * Signal-to-noise ratio $\mathrm{SNR}(t) = a(t)^2/b(t)^2$.
 *
 * @param p the path
 * @param t a time with b(t) ≠ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { snr, vpCosinePath } from "@lib/diffusion/paths.ts";
 * assertAlmostEquals(snr(vpCosinePath(), 0.5), 1, 1e-12);
 * ```
 */
export function snr(p: GaussianPath, t: number): number {
  checkPath("snr", p);
  checkFinite("snr", "t", t);
  const a = p.a(t), b = p.b(t);
  if (b === 0) rangeError("snr", "b(t)", "≠ 0", b);
  return (a * a) / (b * b);
}

/**
 * The time with SNR(t) = target, by bisection on [tMin, tMax] (SNR must decrease in t).
 *
 * @param p the path
 * @param target the wanted SNR > 0, between SNR(tMax) and SNR(tMin)
 * @param tol bracket width to stop at (default 1e-13)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { timeForSnr, vpCosinePath } from "@lib/diffusion/paths.ts";
 * assertAlmostEquals(timeForSnr(vpCosinePath(), 1), 0.5, 1e-12);
 * ```
 */
export function timeForSnr(p: GaussianPath, target: number, tol = 1e-13): number {
  checkPath("timeForSnr", p);
  checkPositive("timeForSnr", "target", target);
  checkPositive("timeForSnr", "tol", tol);
  const f = (t: number) => {
    const a = p.a(t), b = p.b(t);
    return b === 0 ? Infinity : (a * a) / (b * b);
  };
  let lo = p.tMin, hi = p.tMax;
  if (target > f(lo) || target < f(hi)) {
    rangeError("timeForSnr", "target", `in [SNR(tMax), SNR(tMin)] = [${f(hi)}, ${f(lo)}]`, target);
  }
  for (let i = 0; i < 300 && hi - lo > tol; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** A discrete schedule indexed t = 1 … T (index 0 unused, set to α = 1, β = 0). */
export interface DiscreteSchedule {
  /** Number of steps T. */
  T: number;
  /** Per-step α_t. */
  alpha: Float64Array;
  /** Per-step β_t = √(1 − α_t²). */
  beta: Float64Array;
  /** Cumulative ᾱ_t = ∏_{s≤t} α_s. */
  barAlpha: Float64Array;
  /** β̄_t = √(1 − ᾱ_t²). */
  barBeta: Float64Array;
  /** Sampling noise σ_t = β_t. */
  sigma: Float64Array;
}

/**
 * Su's Keras-DDPM schedule: $\alpha_t = \sqrt{1 - 0.02t/T}$, $\beta_t = \sqrt{1-\alpha_t^2}$,
 * $\bar\alpha_t = \prod_{s\le t}\alpha_s$, $\bar\beta_t = \sqrt{1-\bar\alpha_t^2}$, $\sigma_t = \beta_t$.
 *
 * @param T number of steps, integer ≥ 1 (default 1000)
 * @example
 * ```ts
 * import { assert, assertAlmostEquals } from "@std/assert";
 * import { suDdpmSchedule } from "@lib/diffusion/paths.ts";
 * const s = suDdpmSchedule();
 * assertAlmostEquals(s.alpha[1000]! ** 2, 0.98, 1e-12);
 * assert(s.barAlpha[1000]! > 0.006 && s.barAlpha[1000]! < 0.007); // ≈ e^{-5}
 * ```
 */
export function suDdpmSchedule(T = 1000): DiscreteSchedule {
  checkInt("suDdpmSchedule", "T", T, 1);
  const alpha = new Float64Array(T + 1), beta = new Float64Array(T + 1);
  const barAlpha = new Float64Array(T + 1), barBeta = new Float64Array(T + 1);
  alpha[0] = 1;
  barAlpha[0] = 1;
  for (let t = 1; t <= T; t++) {
    alpha[t] = Math.sqrt(1 - 0.02 * t / T);
    beta[t] = Math.sqrt(1 - alpha[t]! ** 2);
    barAlpha[t] = barAlpha[t - 1]! * alpha[t]!;
    barBeta[t] = Math.sqrt(1 - barAlpha[t]! ** 2);
  }
  return { T, alpha, beta, barAlpha, barBeta, sigma: beta.slice() };
}

/**
 * EDM's time grid $t_n = \big(t_1^{1/\rho} + \frac{n-1}{N-1}(t_N^{1/\rho} - t_1^{1/\rho})\big)^\rho$,
 * returned decreasing ($t_N, …, t_1$) for sampling.
 *
 * @param N number of times, integer ≥ 2
 * @param tMin t_1 > 0
 * @param tMax t_N > tMin
 * @param rho ρ > 0 (EDM: 7)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { edmTimeSteps } from "@lib/diffusion/paths.ts";
 * const ts = edmTimeSteps(5, 0.002, 80, 7);
 * assertAlmostEquals(ts[0]!, 80, 1e-9);
 * assertAlmostEquals(ts[4]!, 0.002, 1e-12);
 * ```
 */
export function edmTimeSteps(N: number, tMin: number, tMax: number, rho: number): Float64Array {
  checkInt("edmTimeSteps", "N", N, 2);
  checkPositive("edmTimeSteps", "tMin", tMin);
  checkPositive("edmTimeSteps", "rho", rho);
  checkFinite("edmTimeSteps", "tMax", tMax);
  if (!(tMax > tMin)) rangeError("edmTimeSteps", "tMax", `> tMin = ${tMin}`, tMax);
  const lo = tMin ** (1 / rho), hi = tMax ** (1 / rho), out = new Float64Array(N);
  for (let n = 0; n < N; n++) out[N - 1 - n] = (lo + (n / (N - 1)) * (hi - lo)) ** rho;
  return out;
}
