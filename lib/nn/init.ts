/**
 * Initializer scales and activation moments in plain TypeScript
 * (Su, "On the initialization, parameterization and normalization of Transformers",
 * https://kexue.fm/archives/8620).
 *
 * The article measures the size of a signal by its **second moment** $\mathbb E[x^2]$ rather than by
 * mean 0 / variance 1. For a linear layer $y_j = \sum_{i=1}^m x_iw_{i,j}$ with i.i.d. zero-mean weights,
 * $\mathbb E[y_j^2] = m\,\mathbb E[w^2]\,\mathbb E[x^2]$, whatever the mean of x; every scale below follows
 * from that identity plus one Gaussian integral per activation, computed by quadrature
 * (`lib/core/quadrature.ts`), never hard-coded.
 *
 * @module
 */
import { gaussExpectation } from "../core/quadrature.ts";
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";

function checkFn(where: string, f: unknown): (x: number) => number {
  if (typeof f !== "function") typeError(where, "f", "a function (x: number) => number", f);
  return f as (x: number) => number;
}

function checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== "function" || typeof (rng as Rng).normal !== "function") {
    typeError(where, "rng", "an Rng (createRng)", rng);
  }
  return rng as Rng;
}

/**
 * LeCun's standard deviation $\sigma = \sqrt{1/m}$: with $\mathbb E[w^2] = 1/m$ a linear layer keeps the
 * second moment, $\mathbb E[y_j^2] = m\,\mathbb E[w^2]\,\mathbb E[x^2] = \mathbb E[x^2]$.
 *
 * @param fanIn the number of inputs m, an integer ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lecunStd } from "@lib/nn/init.ts";
 * assertEquals(lecunStd(256), 1 / 16);
 * ```
 */
export function lecunStd(fanIn: number): number {
  checkInt("lecunStd", "fanIn", fanIn, 1);
  return 1 / Math.sqrt(fanIn);
}

/**
 * He's standard deviation $\sigma = \sqrt{2/m}$: ReLU zeroes about half of its inputs, so
 * $\mathbb E[\mathrm{relu}(y)^2] = \frac m2\mathbb E[w^2]\mathbb E[x^2]$ and the variance must double.
 *
 * @param fanIn the number of inputs m, an integer ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { heStd } from "@lib/nn/init.ts";
 * assertAlmostEquals(heStd(512), 1 / 16, 1e-17);
 * ```
 */
export function heStd(fanIn: number): number {
  checkInt("heStd", "fanIn", fanIn, 1);
  return Math.sqrt(2 / fanIn);
}

/**
 * The bounds of the uniform distribution with mean μ and standard deviation σ: $U[\mu-\sqrt3\sigma, \mu+\sqrt3\sigma]$,
 * since $U[a, b]$ has variance $(b-a)^2/12$.
 *
 * @param mean μ (finite)
 * @param std σ > 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { uniformBounds } from "@lib/nn/init.ts";
 * const [a, b] = uniformBounds(0, 1);
 * assertAlmostEquals((b - a) ** 2 / 12, 1, 1e-15);
 * ```
 */
export function uniformBounds(mean: number, std: number): [number, number] {
  checkFinite("uniformBounds", "mean", mean);
  checkPositive("uniformBounds", "std", std);
  const h = Math.sqrt(3) * std;
  return [mean - h, mean + h];
}

/**
 * The variance factor γ of a normal truncated to ±c standard deviations (TensorFlow's
 * `truncated_normal` uses c = 2): the draws have variance γσ², with
 * $$\gamma = \frac{\int_{-c}^{c} e^{-x^2/2}x^2\,dx}{\int_{-c}^{c} e^{-x^2/2}\,dx} \quad(= 0.7737413\ldots \text{ for } c = 2),$$
 * so to obtain variance σ² one passes $\sigma/\sqrt\gamma$ ({@link truncatedNormalStdFactor}).
 * Computed by Gauss–Legendre quadrature of the truncated normal.
 *
 * @param cut c > 0 in standard deviations (default 2)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { truncatedNormalVarianceFactor } from "@lib/nn/init.ts";
 * assertAlmostEquals(truncatedNormalVarianceFactor(), 0.7737413, 1e-7);
 * ```
 */
export function truncatedNormalVarianceFactor(cut = 2): number {
  checkPositive("truncatedNormalVarianceFactor", "cut", cut);
  return gaussExpectation((x) => x * x, { a: -cut, b: cut });
}

/**
 * The factor $1/\sqrt\gamma$ by which to enlarge the standard deviation passed to a ±c truncated
 * normal so that its draws have the intended variance (1.1368472… for c = 2).
 *
 * @param cut c > 0 in standard deviations (default 2)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { truncatedNormalStdFactor } from "@lib/nn/init.ts";
 * assertAlmostEquals(truncatedNormalStdFactor(), 1.1368472, 1e-7);
 * ```
 */
export function truncatedNormalStdFactor(cut = 2): number {
  checkPositive("truncatedNormalStdFactor", "cut", cut);
  return 1 / Math.sqrt(truncatedNormalVarianceFactor(cut));
}

/**
 * One draw of $\mathcal N(0, \sigma^2)$ conditioned on $|x| \le c\sigma$, by rejection (redraw until the
 * sample lands inside), as `tf.random.truncated_normal` does with c = 2. Its variance is γσ²
 * ({@link truncatedNormalVarianceFactor}), not σ².
 *
 * @param rng the random stream
 * @param std σ > 0, the standard deviation *before* truncation
 * @param cut c > 0 in standard deviations (default 2); acceptance rate 2Φ(c) − 1 (95.4 % for c = 2)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { sampleTruncatedNormal } from "@lib/nn/init.ts";
 * const rng = createRng(0);
 * for (let i = 0; i < 1000; i++) assert(Math.abs(sampleTruncatedNormal(rng, 0.5)) <= 1);
 * ```
 */
export function sampleTruncatedNormal(rng: Rng, std: number, cut = 2): number {
  checkRng("sampleTruncatedNormal", rng);
  checkPositive("sampleTruncatedNormal", "std", std);
  checkPositive("sampleTruncatedNormal", "cut", cut);
  if (cut < 0.05) rangeError("sampleTruncatedNormal", "cut", "≥ 0.05 (rejection would be too slow)", cut);
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= cut) return std * z;
  }
}

/**
 * The mean $\mathbb E[f(z)]$ of an activation for $z \sim \mathcal N(0, \sigma^2)$, by quadrature.
 *
 * @param f the activation
 * @param std σ > 0 of the pre-activation (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { activationMean } from "@lib/nn/init.ts";
 * assertAlmostEquals(activationMean((x) => Math.max(x, 0)), 1 / Math.sqrt(2 * Math.PI), 1e-12);
 * ```
 */
export function activationMean(f: (x: number) => number, std = 1): number {
  checkFn("activationMean", f);
  checkPositive("activationMean", "std", std);
  return gaussExpectation(f, { std });
}

/**
 * The second moment of an activation under a normal pre-activation,
 * $$\mathbb E[f(z)^2] = \int_{-\infty}^{\infty}\frac{e^{-x^2/(2\sigma^2)}}{\sqrt{2\pi}\sigma}f(x)^2\,dx,$$
 * e.g. 0.2933790… for the sigmoid and 0.3942945… for tanh at σ = 1, ½ for ReLU. Gauss–Legendre over
 * 16 panels of [−12σ, 12σ]; a kink at 0 (ReLU, ELU) sits on a panel edge, so it costs no accuracy.
 *
 * @param f the activation
 * @param std σ > 0 of the pre-activation (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sigmoid } from "@lib/core/special.ts";
 * import { activationSecondMoment } from "@lib/nn/init.ts";
 * assertAlmostEquals(activationSecondMoment(sigmoid), 0.2933790, 1e-7);
 * assertAlmostEquals(activationSecondMoment((x) => Math.max(x, 0)), 0.5, 1e-12);
 * ```
 */
export function activationSecondMoment(f: (x: number) => number, std = 1): number {
  checkFn("activationSecondMoment", f);
  checkPositive("activationSecondMoment", "std", std);
  return gaussExpectation((x) => {
    const v = f(x);
    return v * v;
  }, { std });
}

/**
 * The article's "fine-tuned" activation $f(x)/\sqrt{\mathbb E[f(z)^2]}$, $z\sim\mathcal N(0,1)$: with a
 * LeCun-initialized layer before it, a unit second moment goes in and comes out
 * (sigmoid → sigmoid(x)/√0.293379).
 *
 * @param f the activation
 * @returns the rescaled activation and the second moment it was divided by
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { activationSecondMoment, rescaleActivation } from "@lib/nn/init.ts";
 * const { fn } = rescaleActivation(Math.tanh);
 * assertAlmostEquals(activationSecondMoment(fn), 1, 1e-12);
 * ```
 */
export function rescaleActivation(
  f: (x: number) => number,
): { fn: (x: number) => number; secondMoment: number } {
  checkFn("rescaleActivation", f);
  const secondMoment = activationSecondMoment(f);
  if (!(secondMoment > 0)) rangeError("rescaleActivation", "E[f(z)²]", "> 0", secondMoment);
  const s = 1 / Math.sqrt(secondMoment);
  return { fn: (x: number) => s * f(x), secondMoment };
}

/**
 * SELU (Klambauer et al., arXiv 1706.02515):
 * $$\mathrm{selu}(x) = \lambda\begin{cases}x, & x > 0\\ \alpha e^x - \alpha, & x \le 0\end{cases}$$
 * with the constants of {@link seluConstants} unless given.
 *
 * @param x the input
 * @param lambda λ > 0 (default: solved, 1.0507…)
 * @param alpha α ≥ 0 (default: solved, 1.6732…)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { selu } from "@lib/nn/init.ts";
 * assertAlmostEquals(selu(1), 1.0507010, 1e-6);
 * assertAlmostEquals(selu(-50), -1.0507010 * 1.6732632, 1e-5);
 * ```
 */
export function selu(x: number, lambda?: number, alpha?: number): number {
  const c = lambda === undefined || alpha === undefined ? seluConstants() : undefined;
  const l = lambda ?? c!.lambda, a = alpha ?? c!.alpha;
  return x > 0 ? l * x : l * a * Math.expm1(x);
}

let _selu: { lambda: number; alpha: number } | undefined;

/**
 * The SELU constants, solved numerically from the two conditions the article states: for
 * $z\sim\mathcal N(0,1)$, $\mathbb E[\mathrm{selu}(z)] = 0$ and $\mathbb E[\mathrm{selu}(z)^2] = 1$.
 * Both moments are combinations of four Gaussian integrals (by quadrature),
 * $A = \mathbb E[z\,1_{z>0}]$, $B = \mathbb E[(e^z-1)1_{z\le0}]$, $C = \mathbb E[z^21_{z>0}]$,
 * $D = \mathbb E[(e^z-1)^21_{z\le0}]$: $\lambda(A + \alpha B) = 0$, $\lambda^2(C + \alpha^2D) = 1$.
 * Newton's method on this 2×2 system (started at λ = α = 1) converges to
 * λ = 1.0507010, α = 1.6732632. Cached after the first call.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { seluConstants } from "@lib/nn/init.ts";
 * const { lambda, alpha } = seluConstants();
 * assertAlmostEquals(lambda, 1.0507010, 1e-6);
 * assertAlmostEquals(alpha, 1.6732632, 1e-6);
 * ```
 */
export function seluConstants(): { lambda: number; alpha: number } {
  if (_selu) return { ..._selu };
  const A = gaussExpectation((z) => (z > 0 ? z : 0));
  const B = gaussExpectation((z) => (z > 0 ? 0 : Math.expm1(z)));
  const C = gaussExpectation((z) => (z > 0 ? z * z : 0));
  const D = gaussExpectation((z) => (z > 0 ? 0 : Math.expm1(z) ** 2));
  let l = 1, a = 1;
  for (let it = 0; it < 100; it++) {
    const f1 = l * (A + a * B), f2 = l * l * (C + a * a * D) - 1;
    // Jacobian [[∂f1/∂λ, ∂f1/∂α], [∂f2/∂λ, ∂f2/∂α]]
    const j11 = A + a * B, j12 = l * B, j21 = 2 * l * (C + a * a * D), j22 = 2 * l * l * a * D;
    const det = j11 * j22 - j12 * j21;
    const dl = (f1 * j22 - f2 * j12) / det, da = (j11 * f2 - j21 * f1) / det;
    l -= dl;
    a -= da;
    if (Math.abs(dl) + Math.abs(da) < 1e-15) break;
  }
  _selu = { lambda: l, alpha: a };
  return { ..._selu };
}

/**
 * Monte Carlo estimate of $\mathbb E[(q\cdot k)^2]$ for independent $q, k \sim \mathcal N(0, \sigma_q^2I_d)$,
 * $\mathcal N(0, \sigma_k^2 I_d)$. The article's identity
 * $$\mathbb E[(q\cdot k)^2] = \sum_{i,j}\mathbb E[q_iq_j]\mathbb E[k_ik_j] = \sum_i\mathbb E[q_i^2]\mathbb E[k_i^2] = d\,\sigma_q^2\sigma_k^2$$
 * says this is d for unit variances: hence the 1/√d in attention, or T5's smaller q/k initialization
 * ($\sigma_q^2 = \sigma_k^2 = 1/\sqrt d$ gives 1).
 *
 * @param d the dimension, an integer ≥ 1
 * @param pairs the number of (q, k) pairs, an integer ≥ 1
 * @param rng the random stream
 * @param opts `qStd`, `kStd` (default 1)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { dotSecondMoment } from "@lib/nn/init.ts";
 * const m = dotSecondMoment(64, 4000, createRng(1));
 * assert(Math.abs(m / 64 - 1) < 0.1);
 * ```
 */
export function dotSecondMoment(
  d: number,
  pairs: number,
  rng: Rng,
  opts: { qStd?: number; kStd?: number } = {},
): number {
  checkInt("dotSecondMoment", "d", d, 1);
  checkInt("dotSecondMoment", "pairs", pairs, 1);
  checkRng("dotSecondMoment", rng);
  const qs = checkPositive("dotSecondMoment", "qStd", opts.qStd ?? 1);
  const ks = checkPositive("dotSecondMoment", "kStd", opts.kStd ?? 1);
  let s = 0;
  for (let p = 0; p < pairs; p++) {
    let dot = 0;
    for (let i = 0; i < d; i++) dot += qs * rng.normal() * ks * rng.normal();
    s += dot * dot;
  }
  return s / pairs;
}
