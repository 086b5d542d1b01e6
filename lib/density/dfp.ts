/**
 * A deep-factorized-prior style density (Ballé et al., arXiv 1802.01436), the "DFP" baseline of G08
 * (https://kexue.fm/archives/10007): a monotone network $\Phi_\theta:\mathbb R\to[0,1]$,
 * $\Phi(y)=\mathrm{sigmoid}\big(w_3^\top\tanh(W_2\tanh(w_1y+b_1)+b_2)+b_3\big)$ with all weights
 * $w_1, W_2, w_3 = \mathrm{softplus}(\text{raw}) > 0$, is a CDF up to its limits; the density is its derivative,
 * renormalised by $Z=\Phi(+\infty)-\Phi(-\infty)$ so that it integrates to 1.
 *
 * Parameter vector θ = [raw w₁ (H), b₁ (H), raw W₂ (H×H row-major, W₂[i][j] maps h₁ⱼ to a₂ᵢ), b₂ (H), raw w₃ (H), b₃],
 * H² + 4H + 1 numbers. Gradients are written out by hand (no autodiff) and checked against finite differences.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, checkPositive, rangeError } from "../core/validate.ts";
import { adamwUpdate } from "../optim/adamw.ts";

const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigm = (x: number) => 1 / (1 + Math.exp(-x));
const logSig = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/** Number of parameters of a DFP with hidden width H. */
export function dfpParamCount(H: number): number {
  checkInt("dfpParamCount", "H", H, 1);
  return H * H + 4 * H + 1;
}

function _hidden(theta: Float64Array): number {
  const H = Math.round(-2 + Math.sqrt(3 + theta.length));
  if (H < 1 || H * H + 4 * H + 1 !== theta.length) {
    rangeError("dfp", "theta.length", "H² + 4H + 1 for some H ≥ 1", theta.length);
  }
  return H;
}

/**
 * Mean negative log-likelihood $-\frac1n\sum_i\log p_\theta(y_i)$ of the normalised DFP density and its exact gradient.
 *
 * @param theta packed parameters
 * @param y data
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { dfpNllGrad } from "@lib/density/dfp.ts";
 * const r = dfpNllGrad(new Float64Array(6), [0, 1]); // H = 1
 * assert(Number.isFinite(r.loss) && r.grad.length === 6);
 * ```
 */
export function dfpNllGrad(theta: Float64Array, y: ArrayLike<number>): { loss: number; grad: Float64Array } {
  const H = _hidden(theta);
  const oW1 = 0, oB1 = H, oW2 = 2 * H, oB2 = 2 * H + H * H, oW3 = 3 * H + H * H, oB3 = 4 * H + H * H;
  const W1 = Float64Array.from({ length: H }, (_, j) => softplus(theta[oW1 + j]!));
  const W2 = Float64Array.from({ length: H * H }, (_, k) => softplus(theta[oW2 + k]!));
  const W3 = Float64Array.from({ length: H }, (_, i) => softplus(theta[oW3 + i]!));
  const b1 = theta.subarray(oB1, oB1 + H), b2 = theta.subarray(oB2, oB2 + H), b3 = theta[oB3]!;
  // gradient w.r.t. the positive weights, converted to raw at the end
  const gW1 = new Float64Array(H), gW2 = new Float64Array(H * H), gW3 = new Float64Array(H);
  const gb1 = new Float64Array(H), gb2 = new Float64Array(H);
  let gb3 = 0, loss = 0;
  const h1 = new Float64Array(H), d1 = new Float64Array(H), h2 = new Float64Array(H), e = new Float64Array(H);
  const d2 = new Float64Array(H),
    gh2 = new Float64Array(H),
    ge = new Float64Array(H),
    ga2 = new Float64Array(H);
  const n = y.length;
  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    for (let j = 0; j < H; j++) {
      h1[j] = Math.tanh(W1[j]! * yt + b1[j]!);
      d1[j] = W1[j]! * (1 - h1[j]! * h1[j]!);
    }
    let a3 = b3, s = 0;
    for (let i = 0; i < H; i++) {
      let a2 = b2[i]!, ei = 0;
      for (let j = 0; j < H; j++) {
        a2 += W2[i * H + j]! * h1[j]!;
        ei += W2[i * H + j]! * d1[j]!;
      }
      h2[i] = Math.tanh(a2);
      e[i] = ei;
      d2[i] = (1 - h2[i]! * h2[i]!) * ei;
      a3 += W3[i]! * h2[i]!;
      s += W3[i]! * d2[i]!;
    }
    loss -= logSig(a3) + logSig(-a3) + Math.log(s);
    // backward of ℓ = logσ(a3) + logσ(−a3) + log s  (we accumulate −ℓ)
    const g3 = 1 - 2 * sigm(a3), gs = 1 / s;
    gb3 -= g3;
    for (let i = 0; i < H; i++) {
      gW3[i]! -= g3 * h2[i]! + gs * d2[i]!;
      const gd2 = gs * W3[i]!;
      gh2[i] = g3 * W3[i]! + gd2 * (-2 * h2[i]! * e[i]!);
      ge[i] = gd2 * (1 - h2[i]! * h2[i]!);
      ga2[i] = gh2[i]! * (1 - h2[i]! * h2[i]!);
      gb2[i]! -= ga2[i]!;
    }
    for (let j = 0; j < H; j++) {
      let gd1 = 0, gh1 = 0;
      for (let i = 0; i < H; i++) {
        gW2[i * H + j]! -= ge[i]! * d1[j]! + ga2[i]! * h1[j]!;
        gd1 += ge[i]! * W2[i * H + j]!;
        gh1 += ga2[i]! * W2[i * H + j]!;
      }
      const q = 1 - h1[j]! * h1[j]!;
      gh1 += gd1 * W1[j]! * (-2 * h1[j]!);
      const ga1 = gh1 * q;
      gW1[j]! -= gd1 * q + ga1 * yt;
      gb1[j]! -= ga1;
    }
  }
  loss /= n;
  const grad = new Float64Array(theta.length);
  for (let j = 0; j < H; j++) {
    grad[oW1 + j] = gW1[j]! / n;
    grad[oB1 + j] = gb1[j]! / n;
  }
  for (let k = 0; k < H * H; k++) grad[oW2 + k] = gW2[k]! / n;
  for (let i = 0; i < H; i++) {
    grad[oB2 + i] = gb2[i]! / n;
    grad[oW3 + i] = gW3[i]! / n;
  }
  grad[oB3] = gb3 / n;
  // + log Z, Z = σ(A+) − σ(A−), A± = Σ_i w3_i tanh(±S_i + b2_i) + b3 with S_i = Σ_j W2_ij (h1 → ±1)
  const tp = new Float64Array(H), tm = new Float64Array(H);
  let Ap = b3, Am = b3;
  for (let i = 0; i < H; i++) {
    let S = 0;
    for (let j = 0; j < H; j++) S += W2[i * H + j]!;
    tp[i] = Math.tanh(S + b2[i]!);
    tm[i] = Math.tanh(-S + b2[i]!);
    Ap += W3[i]! * tp[i]!;
    Am += W3[i]! * tm[i]!;
  }
  const Z = sigm(Ap) - sigm(Am);
  loss += Math.log(Z);
  const gp = (sigm(Ap) * (1 - sigm(Ap))) / Z, gm = -(sigm(Am) * (1 - sigm(Am))) / Z;
  grad[oB3]! += gp + gm;
  for (let i = 0; i < H; i++) {
    grad[oW3 + i]! += gp * tp[i]! + gm * tm[i]!;
    const cp = gp * W3[i]! * (1 - tp[i]! * tp[i]!), cm = gm * W3[i]! * (1 - tm[i]! * tm[i]!);
    grad[oB2 + i]! += cp + cm;
    for (let j = 0; j < H; j++) grad[oW2 + i * H + j]! += cp - cm;
  }
  // chain through softplus: dW/draw = σ(raw)
  for (let j = 0; j < H; j++) grad[oW1 + j]! *= sigm(theta[oW1 + j]!);
  for (let k = 0; k < H * H; k++) grad[oW2 + k]! *= sigm(theta[oW2 + k]!);
  for (let i = 0; i < H; i++) grad[oW3 + i]! *= sigm(theta[oW3 + i]!);
  return { loss, grad };
}

/**
 * Density and CDF functions of a DFP (normalised to total mass 1).
 *
 * @param theta packed parameters
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { dfpFunctions } from "@lib/density/dfp.ts";
 * const { cdf } = dfpFunctions(Float64Array.from({ length: 13 }, (_, i) => Math.sin(i))); // H = 2
 * assertAlmostEquals(cdf(-1e6), 0, 1e-12);
 * assertAlmostEquals(cdf(1e6), 1, 1e-12);
 * ```
 */
export function dfpFunctions(
  theta: Float64Array,
): { pdf: (y: number) => number; cdf: (y: number) => number } {
  const H = _hidden(theta);
  const oB1 = H, oW2 = 2 * H, oB2 = 2 * H + H * H, oW3 = 3 * H + H * H, oB3 = 4 * H + H * H;
  const W1 = Float64Array.from({ length: H }, (_, j) => softplus(theta[j]!));
  const W2 = Float64Array.from({ length: H * H }, (_, k) => softplus(theta[oW2 + k]!));
  const W3 = Float64Array.from({ length: H }, (_, i) => softplus(theta[oW3 + i]!));
  const fwd = (y: number, h1Override?: number) => {
    let a3 = theta[oB3]!, s = 0;
    const h1 = Float64Array.from(
      { length: H },
      (_, j) => h1Override ?? Math.tanh(W1[j]! * y + theta[oB1 + j]!),
    );
    const d1 = h1.map((h, j) => W1[j]! * (1 - h * h));
    for (let i = 0; i < H; i++) {
      let a2 = theta[oB2 + i]!, ei = 0;
      for (let j = 0; j < H; j++) {
        a2 += W2[i * H + j]! * h1[j]!;
        ei += W2[i * H + j]! * d1[j]!;
      }
      const h2 = Math.tanh(a2);
      a3 += W3[i]! * h2;
      s += W3[i]! * (1 - h2 * h2) * ei;
    }
    return { a3, s };
  };
  const lo = sigm(fwd(0, -1).a3), hi = sigm(fwd(0, 1).a3), Z = hi - lo;
  return {
    pdf: (y: number) => {
      const { a3, s } = fwd(y);
      return (sigm(a3) * (1 - sigm(a3)) * s) / Z;
    },
    cdf: (y: number) => Math.min(1, Math.max(0, (sigm(fwd(y).a3) - lo) / Z)),
  };
}

/**
 * Fits a DFP by full-batch Adam on the exact gradient. The input is standardised first (y → (y − mean)/std) and
 * the returned functions undo it. Initialisation: raw weights ~ N(0, 1), biases ~ N(0, 1).
 *
 * @param y data (≥ 2 values, not all equal)
 * @param H hidden width ≥ 1 (H² + 4H + 1 parameters)
 * @param steps Adam steps ≥ 0
 * @param lr learning rate > 0
 * @param rng stream for the initialisation
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { fitDfp } from "@lib/density/dfp.ts";
 * const y = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i * 1.3));
 * const m = fitDfp(y, 3, 300, 0.02, createRng(0));
 * assert(m.losses.at(-1)! < m.losses[0]! && m.pdf(0) > 0);
 * ```
 */
export function fitDfp(
  y: ArrayLike<number>,
  H: number,
  steps: number,
  lr: number,
  rng: Rng,
): { pdf: (y: number) => number; cdf: (y: number) => number; theta: Float64Array; losses: number[] } {
  const where = "fitDfp";
  checkInt(where, "H", H, 1);
  checkInt(where, "steps", steps, 0);
  checkPositive(where, "lr", lr);
  if (y.length < 2) rangeError(where, "y.length", "≥ 2", y.length);
  let m = 0, v = 0;
  for (let i = 0; i < y.length; i++) m += checkFinite(where, `y[${i}]`, y[i]) / y.length;
  for (let i = 0; i < y.length; i++) v += (y[i]! - m) ** 2 / y.length;
  const sd = Math.sqrt(v);
  if (!(sd > 0)) rangeError(where, "y", "not all equal", y);
  const z = Float64Array.from(y, (t) => (t - m) / sd);
  const theta = Float64Array.from({ length: dfpParamCount(H) }, () => rng.normal());
  const state = { m: new Float64Array(theta.length), v: new Float64Array(theta.length) };
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { loss, grad } = dfpNllGrad(theta, z);
    if (t % 50 === 0 || t === steps - 1) losses.push(loss + Math.log(sd));
    adamwUpdate(theta, grad, state, t + 1, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  }
  const f = dfpFunctions(theta);
  return {
    pdf: (t: number) => f.pdf((t - m) / sd) / sd,
    cdf: (t: number) => f.cdf((t - m) / sd),
    theta,
    losses,
  };
}
