/**
 * Signal propagation at initialization: deep plain MLPs (does the second moment survive the depth?)
 * and residual stacks in the Post-Norm, Pre-Norm and ReZero arrangements
 * (Su, "On the initialization, parameterization and normalization of Transformers",
 * https://kexue.fm/archives/8620).
 *
 * Everything is plain Float64 with hand-written backpropagation, seeded by `createRng`; sizes are
 * those of a notebook (widths of a few hundred, tens of layers), not of a real model.
 *
 * @module
 */
import { gaussExpectation } from "../core/quadrature.ts";
import { createRng, type Rng } from "../core/rng.ts";
import { sigmoid } from "../core/special.ts";
import { checkFinite, checkInt, rangeError } from "../core/validate.ts";
import { heStd, lecunStd, rescaleActivation, selu, seluConstants } from "./init.ts";

/** The activations {@link simulateMlpSecondMoments} knows. */
export type MlpActivation = "linear" | "relu" | "tanh" | "sigmoid" | "sigmoid-rescaled" | "selu";
/** Weight scales: LeCun σ² = 1/m or He σ² = 2/m. */
export type MlpInit = "lecun" | "he";
/** Residual arrangements of {@link simulateResidualStack}. */
export type ResidualKind = "post" | "pre" | "rezero";

let _sigRescaled: ((x: number) => number) | undefined;

/**
 * The scalar activation behind each {@link MlpActivation} name; "sigmoid-rescaled" is
 * sigmoid(x)/√E[sigmoid(z)²] = sigmoid(x)/√0.293379 (computed), "selu" uses the solved constants.
 *
 * @param act the activation name
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { activationFn } from "@lib/nn/residual.ts";
 * assertEquals(activationFn("relu")(-2), 0);
 * ```
 */
export function activationFn(act: MlpActivation): (x: number) => number {
  switch (act) {
    case "linear":
      return (x) => x;
    case "relu":
      return (x) => (x > 0 ? x : 0);
    case "tanh":
      return Math.tanh;
    case "sigmoid":
      return sigmoid;
    case "sigmoid-rescaled":
      _sigRescaled ??= rescaleActivation(sigmoid).fn;
      return _sigRescaled;
    case "selu": {
      const { lambda, alpha } = seluConstants();
      return (x) => selu(x, lambda, alpha);
    }
    default:
      return rangeError(
        "activationFn",
        "act",
        '"linear", "relu", "tanh", "sigmoid", "sigmoid-rescaled" or "selu"',
        act,
      );
  }
}

function gainOf(where: string, init: MlpInit): number {
  if (init === "lecun") return 1;
  if (init === "he") return 2;
  return rangeError(where, "init", '"lecun" or "he"', init);
}

/**
 * The infinite-width ("mean-field") prediction of {@link simulateMlpSecondMoments}: with
 * $h_0 \sim \mathcal N(0, 1)$, pre-activations of a layer with $m\,\mathbb E[w^2] = g$ (g = 1 LeCun, 2 He)
 * are Gaussian with second moment $g\,q_{l-1}$, so
 * $$q_l = \mathbb E\big[f\big(\sqrt{g\,q_{l-1}}\,z\big)^2\big],\quad z\sim\mathcal N(0,1),\qquad q_0 = 1.$$
 * For linear + LeCun and ReLU + He, $q_l = 1$; ReLU + LeCun halves each layer; bounded activations
 * approach a fixed point of the map.
 *
 * @param act the activation
 * @param init "lecun" or "he"
 * @param layers the depth L, an integer in [0, 10000]
 * @returns $q_0, \dots, q_L$
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { meanFieldSecondMoments } from "@lib/nn/residual.ts";
 * assertAlmostEquals(meanFieldSecondMoments("relu", "lecun", 3)[3]!, 1 / 8, 1e-12);
 * ```
 */
export function meanFieldSecondMoments(act: MlpActivation, init: MlpInit, layers: number): Float64Array {
  const f = activationFn(act), g = gainOf("meanFieldSecondMoments", init);
  checkInt("meanFieldSecondMoments", "layers", layers, 0, 10000);
  const q = new Float64Array(layers + 1);
  q[0] = 1;
  for (let l = 1; l <= layers; l++) {
    const s = Math.sqrt(g * (q[l - 1] as number));
    q[l] = s === 0 ? f(0) ** 2 : gaussExpectation((z) => f(s * z) ** 2);
  }
  return q;
}

/** Fills a rows×cols row-major matrix with N(0, std²) draws. */
function _gauss(rows: number, cols: number, std: number, rng: Rng): Float64Array {
  const w = new Float64Array(rows * cols);
  for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
  return w;
}

/** out[b, j] = Σ_i w[j, i] x[b, i] for x: batch×nIn, w: nOut×nIn. */
function _affine(x: Float64Array, batch: number, nIn: number, w: Float64Array, nOut: number): Float64Array {
  const out = new Float64Array(batch * nOut);
  for (let b = 0; b < batch; b++) {
    const xo = b * nIn;
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      const wo = j * nIn;
      for (let i = 0; i < nIn; i++) s += (w[wo + i] as number) * (x[xo + i] as number);
      out[b * nOut + j] = s;
    }
  }
  return out;
}

/** out[b, i] = Σ_j w[j, i] g[b, j] (the transpose of {@link _affine}). */
function _affineT(g: Float64Array, batch: number, nIn: number, w: Float64Array, nOut: number): Float64Array {
  const out = new Float64Array(batch * nIn);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < nOut; j++) {
      const gj = g[b * nOut + j] as number;
      if (gj === 0) continue;
      const wo = j * nIn, oo = b * nIn;
      for (let i = 0; i < nIn; i++) out[oo + i] = (out[oo + i] as number) + gj * (w[wo + i] as number);
    }
  }
  return out;
}

function meanSquare(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) ** 2;
  return s / x.length;
}

/**
 * Monte Carlo second moments through a plain deep MLP at initialization:
 * $h_0 \sim \mathcal N(0, I)$, $h_l = f(W_lh_{l-1})$ with $W_l$ width×width, entries
 * $\mathcal N(0, \sigma^2)$, σ = LeCun $\sqrt{1/m}$ or He $\sqrt{2/m}$, no biases. Returns the empirical
 * $\mathbb E[h_l^2]$ (mean over a batch of inputs and all units) for l = 0…L. Compare with
 * {@link meanFieldSecondMoments}.
 *
 * @param act the activation
 * @param init "lecun" or "he"
 * @param opts `layers` L ≥ 1, `width` m ≥ 1, `seed`, `batch` (inputs, default 32)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { simulateMlpSecondMoments } from "@lib/nn/residual.ts";
 * const q = simulateMlpSecondMoments("relu", "lecun", { layers: 10, width: 128, seed: 0 });
 * assert(q[10]! < 0.01); // about 2^-10
 * ```
 */
export function simulateMlpSecondMoments(
  act: MlpActivation,
  init: MlpInit,
  opts: { layers: number; width: number; seed: number; batch?: number },
): Float64Array {
  const where = "simulateMlpSecondMoments";
  const f = activationFn(act);
  const g = gainOf(where, init);
  const layers = checkInt(where, "layers", opts.layers, 1, 10000);
  const width = checkInt(where, "width", opts.width, 1, 8192);
  const batch = checkInt(where, "batch", opts.batch ?? 32, 1);
  const rng = createRng(opts.seed);
  const dataRng = rng.fork("input"), initRng = rng.fork("weights");
  const std = g === 1 ? lecunStd(width) : heStd(width);
  let h = _gauss(batch, width, 1, dataRng);
  const q = new Float64Array(layers + 1);
  q[0] = meanSquare(h);
  for (let l = 1; l <= layers; l++) {
    const w = _gauss(width, width, std, initRng);
    h = _affine(h, batch, width, w, width);
    for (let i = 0; i < h.length; i++) h[i] = f(h[i] as number);
    q[l] = meanSquare(h);
  }
  return q;
}

/**
 * The weights of the unrolled Post-Norm recursion at initialization. If x and F(x) both have unit
 * second moment, Norm(x + F(x)) acts like (x + F(x))/√2, and unrolling
 * $$x_l = \frac{x_0}{2^{l/2}} + \frac{F_0(x_0)}{2^{l/2}} + \frac{F_1(x_1)}{2^{(l-1)/2}} + \dots + \frac{F_{l-1}(x_{l-1})}{2^{1/2}}$$
 * gives the coefficients of $x_0, F_0, \dots, F_{l-1}$: the earlier the branch, the weaker its path.
 *
 * @param layers l, an integer in [1, 2000]
 * @returns l + 1 numbers: $[2^{-l/2}, 2^{-l/2}, 2^{-(l-1)/2}, \dots, 2^{-1/2}]$
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { postNormWeights } from "@lib/nn/residual.ts";
 * const w = postNormWeights(4);
 * assertAlmostEquals(w[0]!, 0.25, 1e-16);
 * assertAlmostEquals(w[4]!, Math.SQRT1_2, 1e-16);
 * ```
 */
export function postNormWeights(layers: number): Float64Array {
  checkInt("postNormWeights", "layers", layers, 1, 2000);
  const w = new Float64Array(layers + 1);
  w[0] = 2 ** (-layers / 2);
  for (let k = 0; k < layers; k++) w[k + 1] = 2 ** (-(layers - k) / 2);
  return w;
}

/**
 * The step-wise ReZero schedule the article prefers to learning α: raise α by a fixed small step per
 * training step until it reaches 1, $\alpha_s = \min(1, s\,\delta)$.
 *
 * @param step the training step s ≥ 0 (an integer)
 * @param rate δ > 0, the increase per step
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rezeroRamp } from "@lib/nn/residual.ts";
 * assertEquals([rezeroRamp(0, 1e-3), rezeroRamp(500, 1e-3), rezeroRamp(5000, 1e-3)], [0, 0.5, 1]);
 * ```
 */
export function rezeroRamp(step: number, rate: number): number {
  checkInt("rezeroRamp", "step", step, 0);
  checkFinite("rezeroRamp", "rate", rate);
  if (!(rate > 0)) rangeError("rezeroRamp", "rate", "a positive number", rate);
  return Math.min(1, step * rate);
}

/** What {@link simulateResidualStack} measures. */
export interface ResidualStackResult {
  /** RMS of $x_t$ (over the batch and the width) for t = 0…L. */
  rms: Float64Array;
  /** $\lVert\partial\mathcal L/\partial x_t\rVert / \lVert\partial\mathcal L/\partial x_L\rVert$ for t = 0…L, $\mathcal L = \sum c\cdot x_L$, c random normal. */
  gradNorm: Float64Array;
  /** = gradNorm[0]: how much of the output gradient reaches the input of block 0. */
  inputGradNorm: number;
  /** Coefficients of $x_0, F_0, \dots, F_{L-1}$ in the exact decomposition of $x_L$ (mean over the batch). */
  weights: Float64Array;
  /** Mean cosine between $x_L$ and $x_0$ per input vector. */
  outputInputCosine: number;
  /** The loss $\mathcal L = \sum c\cdot x_L$ and its gradient w.r.t. $x_0$ (batch×width, row-major). */
  loss: number;
  inputGrad: Float64Array;
}

/**
 * Forward and backward pass of a residual stack at initialization, in three arrangements with a
 * random 2-layer ReLU MLP branch $F_t(x) = W_2\,\mathrm{relu}(W_1x)$ (He for W₁, LeCun for W₂, so
 * F keeps the second moment):
 * - `"post"`: $x_{t+1} = \mathrm{Norm}(x_t + F_t(x_t))$ (original Transformer, BERT);
 * - `"pre"`: $x_{t+1} = x_t + F_t(\mathrm{Norm}(x_t))$ (no final Norm applied here);
 * - `"rezero"`: $x_{t+1} = x_t + \alpha F_t(x_t)$ (SkipInit / ReZero; α = 0 at initialization, then
 *   e.g. {@link rezeroRamp}).
 *
 * Norm is LayerNorm or RMSNorm without γ, β (ε = 0). Because Norm only centers and divides by a
 * per-vector scalar, $x_L$ decomposes exactly into $c_0x_0 + \sum_k c_{k+1}F_k$ (centered terms for
 * LayerNorm); `weights` are the $c$ (Post-Norm: products of 1/RMS, compare {@link postNormWeights}).
 *
 * @param kind "post", "pre" or "rezero"
 * @param opts `layers` L ≥ 1, `width` d ≥ 2, `seed`; `alpha` (rezero, default 0), `batch` (default 16),
 *   `hidden` (branch width, default 2d), `norm` ("layer" default, or "rms"), `input` (batch×width
 *   values replacing the random $x_0$, for gradient checks)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { simulateResidualStack } from "@lib/nn/residual.ts";
 * const r = simulateResidualStack("rezero", { layers: 8, width: 16, seed: 0 });
 * assertEquals(r.inputGradNorm, 1); // the identity at α = 0
 * ```
 */
export function simulateResidualStack(
  kind: ResidualKind,
  opts: {
    layers: number;
    width: number;
    seed: number;
    alpha?: number;
    batch?: number;
    hidden?: number;
    norm?: "layer" | "rms";
    input?: Float64Array;
  },
): ResidualStackResult {
  const where = "simulateResidualStack";
  if (kind !== "post" && kind !== "pre" && kind !== "rezero") {
    rangeError(where, "kind", '"post", "pre" or "rezero"', kind);
  }
  const L = checkInt(where, "layers", opts.layers, 1, 2000);
  const d = checkInt(where, "width", opts.width, 2, 4096);
  const B = checkInt(where, "batch", opts.batch ?? 16, 1);
  const H = checkInt(where, "hidden", opts.hidden ?? 2 * d, 1, 16384);
  const alpha = checkFinite(where, "alpha", opts.alpha ?? 0);
  const norm = opts.norm ?? "layer";
  if (norm !== "layer" && norm !== "rms") rangeError(where, "norm", '"layer" or "rms"', norm);
  const rng = createRng(opts.seed);
  const dataRng = rng.fork("input"), initRng = rng.fork("weights"), lossRng = rng.fork("loss");

  // Norm of each row of u (B×d): returns y and the per-row divisors s.
  const normalize = (u: Float64Array): { y: Float64Array; s: Float64Array } => {
    const y = new Float64Array(u.length), s = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let mu = 0;
      if (norm === "layer") {
        for (let k = 0; k < d; k++) mu += u[b * d + k] as number;
        mu /= d;
      }
      let v = 0;
      for (let k = 0; k < d; k++) v += ((u[b * d + k] as number) - mu) ** 2;
      const sb = Math.sqrt(v / d);
      s[b] = sb;
      for (let k = 0; k < d; k++) y[b * d + k] = ((u[b * d + k] as number) - mu) / sb;
    }
    return { y, s };
  };
  // Gradient w.r.t. u of Norm(u), given y = Norm(u), s and the gradient g w.r.t. y.
  const normBack = (y: Float64Array, s: Float64Array, g: Float64Array): Float64Array => {
    const out = new Float64Array(g.length);
    for (let b = 0; b < B; b++) {
      let mg = 0, mgy = 0;
      for (let k = 0; k < d; k++) {
        const i = b * d + k;
        mg += g[i] as number;
        mgy += (g[i] as number) * (y[i] as number);
      }
      mg = norm === "layer" ? mg / d : 0;
      mgy /= d;
      for (let k = 0; k < d; k++) {
        const i = b * d + k;
        out[i] = ((g[i] as number) - mg - (y[i] as number) * mgy) / (s[b] as number);
      }
    }
    return out;
  };

  const x0 = _gauss(B, d, 1, dataRng);
  if (opts.input !== undefined) {
    if (!(opts.input instanceof Float64Array) || opts.input.length !== B * d) {
      rangeError(where, "input", `a Float64Array of batch·width = ${B * d} values`, opts.input);
    }
    x0.set(opts.input);
  }
  const blocks: {
    w1: Float64Array;
    w2: Float64Array;
    a: Float64Array;
    y?: Float64Array;
    s?: Float64Array;
  }[] = [];
  const rms = new Float64Array(L + 1);
  const coef = new Float64Array(B * (L + 1)); // per input: coefficients of x0, F_0..F_{L−1}
  for (let b = 0; b < B; b++) coef[b * (L + 1)] = 1;
  let x = x0;
  rms[0] = Math.sqrt(meanSquare(x));
  for (let t = 0; t < L; t++) {
    const w1 = _gauss(H, d, heStd(d), initRng), w2 = _gauss(d, H, lecunStd(H), initRng);
    const block: (typeof blocks)[number] = { w1, w2, a: new Float64Array(0) };
    let input = x;
    if (kind === "pre") {
      const n = normalize(x);
      block.y = n.y;
      block.s = n.s;
      input = n.y;
    }
    block.a = _affine(input, B, d, w1, H);
    const r = block.a.map((v) => (v > 0 ? v : 0));
    const f = _affine(r, B, H, w2, d);
    const next = new Float64Array(B * d);
    const fc = kind === "rezero" ? alpha : 1;
    for (let i = 0; i < next.length; i++) next[i] = (x[i] as number) + fc * (f[i] as number);
    for (let b = 0; b < B; b++) coef[b * (L + 1) + t + 1] = fc;
    if (kind === "post") {
      const n = normalize(next);
      block.y = n.y;
      block.s = n.s;
      for (let b = 0; b < B; b++) {
        for (let k = 0; k <= t + 1; k++) {
          coef[b * (L + 1) + k] = (coef[b * (L + 1) + k] as number) / (n.s[b] as number);
        }
      }
      x = n.y;
    } else x = next;
    blocks.push(block);
    rms[t + 1] = Math.sqrt(meanSquare(x));
  }

  // Backward pass of 𝓛 = Σ c·x_L.
  let g = _gauss(B, d, 1, lossRng);
  let loss = 0;
  for (let i = 0; i < g.length; i++) loss += (g[i] as number) * (x[i] as number);
  const gradNorm = new Float64Array(L + 1);
  const g0 = Math.sqrt(meanSquare(g));
  gradNorm[L] = 1;
  // Gradient through the branch F (W₂ relu(W₁ ·)) at a stored pre-activation a.
  const branchBack = (blk: (typeof blocks)[number], gf: Float64Array): Float64Array => {
    const gr = _affineT(gf, B, H, blk.w2, d);
    for (let i = 0; i < gr.length; i++) if (!((blk.a[i] as number) > 0)) gr[i] = 0;
    return _affineT(gr, B, d, blk.w1, H);
  };
  for (let t = L - 1; t >= 0; t--) {
    const blk = blocks[t]!;
    if (kind === "post") {
      const gu = normBack(blk.y!, blk.s!, g);
      const gf = branchBack(blk, gu);
      g = gu.map((v, i) => v + (gf[i] as number));
    } else if (kind === "pre") {
      const gn = normBack(blk.y!, blk.s!, branchBack(blk, g));
      g = g.map((v, i) => v + (gn[i] as number));
    } else if (alpha !== 0) {
      const gf = branchBack(blk, g);
      g = g.map((v, i) => v + alpha * (gf[i] as number));
    }
    gradNorm[t] = Math.sqrt(meanSquare(g)) / g0;
  }

  const weights = new Float64Array(L + 1);
  for (let k = 0; k <= L; k++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += coef[b * (L + 1) + k] as number;
    weights[k] = s / B;
  }
  let cos = 0;
  for (let b = 0; b < B; b++) {
    let xy = 0, xx = 0, yy = 0;
    for (let k = 0; k < d; k++) {
      const p = x0[b * d + k] as number, q = x[b * d + k] as number;
      xy += p * q;
      xx += p * p;
      yy += q * q;
    }
    cos += xy / Math.sqrt(xx * yy);
  }
  return {
    rms,
    gradNorm,
    inputGradNorm: gradNorm[0] as number,
    weights,
    outputInputCosine: cos / B,
    loss,
    inputGrad: g,
  };
}
