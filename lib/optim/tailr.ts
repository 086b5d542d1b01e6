/**
 * TaiLr: a cross-entropy that pays less attention to samples the model finds unlikely
 * (Su, "A simple remedy for the over-confidence of cross-entropy", https://kexue.fm/archives/9526;
 * Ji et al., "Tailoring Language Generation Models under Total Variation Distance", arXiv 2302.13344).
 *
 * With $p = p_\theta(y|x)$ the predicted probability of the true class, the loss is
 * $$\ell_\gamma(p) = -\frac{\log\big[\gamma + (1-\gamma)p\big]}{1-\gamma},\qquad \gamma\in[0,1],$$
 * cross-entropy $-\log p$ at γ = 0 and $1 - p$ (the negative smooth accuracy plus a constant) in the
 * limit γ → 1. Its gradient is cross-entropy's gradient times a weight,
 * $$\nabla_\theta\ell_\gamma = -\frac{\nabla_\theta p}{\gamma + (1-\gamma)p}
 *   = w\cdot\big(-\nabla_\theta\log p\big),\qquad w = \frac{p}{\gamma + (1-\gamma)p}\in[0, 1],$$
 * and the paper's rule floors the weight, $w = \max\big(b, \frac{p}{\gamma + (1-\gamma)p}\big)$,
 * implemented as the weighted cross-entropy $-[w]_{\text{stop\_grad}}\log p$. For softmax logits
 * $\boldsymbol z$ the per-sample gradient is $\nabla_{\boldsymbol z} = w\,(\boldsymbol p - \boldsymbol e_y)$.
 *
 * Float64 references ({@link tailrLossValue}, {@link tailrWeight}, {@link tailrLossGrad}) and tfjs
 * losses on logits for the benchmark's `trainRun` ({@link tailrLoss}, {@link tailrStopGradLoss},
 * {@link weightedCrossEntropyLoss}).
 *
 * @module
 */
import { logsumexp2 } from "../core/special.ts";
import { stopGradient } from "../core/tf_ops.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkLength, checkNonNegative, checkRange, rangeError } from "../core/validate.ts";
import type { LogitLoss } from "./bow_mlp.ts";

function _gamma(where: string, gamma: unknown): number {
  return checkRange(where, "gamma", gamma, 0, 1);
}

function _minWeight(where: string, b: unknown): number {
  return checkRange(where, "minWeight", b, 0, 1);
}

/** ℓ_γ from log p (stable for tiny p and for γ close to 1). */
function _lossFromLogP(logp: number, gamma: number): number {
  let v: number;
  if (logp === 0) return 0; // p = 1 exactly
  if (gamma === 0) v = -logp;
  else if (gamma === 1) v = -Math.expm1(logp);
  else if (gamma >= 0.5) v = -Math.log1p((1 - gamma) * Math.expm1(logp)) / (1 - gamma);
  else v = -logsumexp2(Math.log(gamma), Math.log1p(-gamma) + logp) / (1 - gamma);
  return v === 0 ? 0 : v; // no −0
}

/**
 * The TaiLr loss of one sample,
 * $\ell_\gamma(p) = -\log\big[\gamma + (1-\gamma)p\big]/(1-\gamma)$, with $\ell_0 = -\log p$ and
 * $\ell_1 = 1 - p$ (the limit; the article writes $-p$, which differs by the constant 1).
 * Computed through `log1p` for γ ≥ ½, so γ = 1 − 1e-9 is accurate; p is clamped to ≥ 1e-300.
 *
 * @param p predicted probability of the true class, in [0, 1]
 * @param gamma γ ∈ [0, 1]
 * @throws RangeError/TypeError on p or γ outside [0, 1]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { tailrLossValue } from "@lib/optim/tailr.ts";
 * assertAlmostEquals(tailrLossValue(0.3, 0), -Math.log(0.3), 1e-15);   // cross-entropy
 * assertAlmostEquals(tailrLossValue(0.3, 1), 0.7, 1e-15);              // 1 − p
 * assertAlmostEquals(tailrLossValue(0.3, 1 - 1e-9), 0.7, 1e-9);
 * ```
 */
export function tailrLossValue(p: number, gamma: number): number {
  const f = "tailrLossValue";
  checkRange(f, "p", p, 0, 1);
  _gamma(f, gamma);
  return _lossFromLogP(Math.log(Math.max(p, 1e-300)), gamma);
}

/**
 * The weight that turns the cross-entropy gradient into the TaiLr gradient,
 * $w = \max\big(b, \frac{p}{\gamma + (1-\gamma)p}\big)$ (b = `minWeight`, the paper's threshold). Without
 * the floor $w\in[0,1]$: 1 for every p at γ = 0, p itself at γ = 1; so the paper's clamp of w to at
 * most 1 never binds.
 *
 * @param p predicted probability of the true class, in [0, 1]
 * @param gamma γ ∈ [0, 1]
 * @param minWeight the floor b ∈ [0, 1] (default 0)
 * @throws RangeError/TypeError on an argument outside [0, 1]
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { tailrWeight } from "@lib/optim/tailr.ts";
 * assertEquals(tailrWeight(0.2, 0), 1);
 * assertAlmostEquals(tailrWeight(0.2, 0.5), 0.2 / 0.6, 1e-15);
 * assertEquals(tailrWeight(0.2, 0.5, 0.5), 0.5);
 * ```
 */
export function tailrWeight(p: number, gamma: number, minWeight = 0): number {
  const f = "tailrWeight";
  checkRange(f, "p", p, 0, 1);
  _gamma(f, gamma);
  _minWeight(f, minWeight);
  const w = gamma === 0 ? 1 : p / (gamma + (1 - gamma) * p);
  return Math.max(minWeight, w);
}

/** Result of {@link tailrLossGrad}. */
export interface TailrGrad {
  /** mean loss: Eq. 2 if `minWeight` = 0, else the surrogate mean of $-w\log p_y$ */
  loss: number;
  /** ∂loss/∂logits (B×C row-major), already divided by the batch size B */
  dLogits: Float64Array;
  /** per-sample weights w */
  weights: Float64Array;
  /** softmax probabilities (B×C) */
  probs: Float64Array;
}

/**
 * Float64 reference of the TaiLr loss on softmax logits and its analytic gradient
 * $\partial\,\text{loss}/\partial\boldsymbol z_i = w_i\,(\boldsymbol p_i - \boldsymbol e_{y_i})/B$ —
 * the gradient of the w-weighted cross-entropy with w held fixed.
 *
 * @param logits B×C row-major
 * @param labels B integer labels in [0, C)
 * @param numClasses C ≥ 2
 * @param gamma γ ∈ [0, 1]
 * @param minWeight weight floor b ∈ [0, 1] (default 0; b > 0 reports the surrogate loss, which has no
 *   closed-form antiderivative)
 * @throws RangeError on mismatched lengths, labels out of range, non-finite logits or bad γ/b
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { tailrLossGrad } from "@lib/optim/tailr.ts";
 * const g = tailrLossGrad([0, 0], [0], 2, 1);        // p = ½, w = p = ½
 * assertAlmostEquals(g.loss, 0.5, 1e-15);
 * assertAlmostEquals(g.dLogits[0]!, 0.5 * (0.5 - 1), 1e-15);
 * ```
 */
export function tailrLossGrad(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
  gamma: number,
  minWeight = 0,
): TailrGrad {
  const f = "tailrLossGrad";
  const C = checkInt(f, "numClasses", numClasses, 2);
  checkLength(f, "labels", labels);
  const B = labels.length;
  checkLength(f, "logits", logits, B * C);
  _gamma(f, gamma);
  _minWeight(f, minWeight);
  const dLogits = new Float64Array(B * C), probs = new Float64Array(B * C), weights = new Float64Array(B);
  let lossSum = 0;
  for (let i = 0; i < B; i++) {
    const y = checkInt(f, `labels[${i}]`, labels[i], 0, C - 1);
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      const z = logits[i * C + c]!;
      if (!Number.isFinite(z)) rangeError(f, `logits[${i * C + c}]`, "a finite number", z);
      m = Math.max(m, z);
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += probs[i * C + c] = Math.exp(logits[i * C + c]! - m);
    for (let c = 0; c < C; c++) probs[i * C + c]! /= s;
    const logp = logits[i * C + y]! - m - Math.log(s), p = Math.exp(logp);
    const w = Math.max(minWeight, gamma === 0 ? 1 : p / (gamma + (1 - gamma) * p));
    weights[i] = w;
    lossSum += minWeight === 0 ? _lossFromLogP(logp, gamma) : -w * logp;
    for (let c = 0; c < C; c++) {
      dLogits[i * C + c] = (w * (probs[i * C + c]! - (c === y ? 1 : 0))) / B;
    }
  }
  return { loss: lossSum / B, dLogits, weights, probs };
}

/** log p_y per row (B) from logits (B×C) and labels. */
function _logPy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), tf.logSoftmax(logits)), 1);
}

/**
 * Weighted cross-entropy $-\frac1B\sum_i w_i\log\operatorname{softmax}(\boldsymbol z_i)_{y_i}$ with the
 * weights treated as constants (their gradient is stopped), so
 * $\nabla_{\boldsymbol z_i} = w_i(\boldsymbol p_i - \boldsymbol e_{y_i})/B$.
 *
 * @param weights B per-sample weights (a tensor or numbers)
 * @throws RangeError when the number of weights is not B
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { weightedCrossEntropyLoss } from "@lib/optim/tailr.ts";
 * await initTf();
 * const l = weightedCrossEntropyLoss(tf.tensor2d([[0, 0], [0, 0]]), tf.tensor1d([0, 1], "int32"), [1, 0]);
 * assertAlmostEquals(l.dataSync()[0]!, Math.LN2 / 2, 1e-6);
 * ```
 */
export function weightedCrossEntropyLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  weights: tf.Tensor1D | ArrayLike<number>,
): tf.Scalar {
  const B = logits.shape[0];
  const n = weights instanceof tf.Tensor ? weights.size : weights.length;
  if (n !== B) rangeError("weightedCrossEntropyLoss", "weights.length", String(B), n);
  return tf.tidy(() => {
    const w = weights instanceof tf.Tensor ? weights : tf.tensor1d(Array.from(weights));
    return tf.neg(tf.mean(tf.mul(stopGradient(w), _logPy(logits, labels))));
  });
}

/**
 * The TaiLr loss on logits as a benchmark `LogitLoss`: the batch mean of
 * $-\log\big[\gamma + (1-\gamma)p_y\big]/(1-\gamma)$ written in closed form, so tfjs autodiff gives
 * the TaiLr gradient directly (γ = 0: cross-entropy through `logSoftmax`; 0 < γ < ½: a log-sum-exp of
 * $\log\gamma$ and $\log(1-\gamma) + \log p_y$; ½ ≤ γ < 1: $(1-p_y)\,g(x)$ with
 * $x = (1-\gamma)(1-p_y)$, $g(x) = -\log(1-x)/x$, a 5-term series for x < 0.01 so that γ = 1 − 1e-9
 * stays accurate in float32; γ = 1: $1 - p_y$). With `minWeight` b > 0 it returns {@link tailrStopGradLoss} (the paper's floored
 * rule has no closed form).
 *
 * @param gamma γ ∈ [0, 1]
 * @param minWeight weight floor b ∈ [0, 1] (default 0)
 * @throws RangeError/TypeError on γ or b outside [0, 1]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { tailrLoss } from "@lib/optim/tailr.ts";
 * await initTf();
 * const logits = tf.tensor2d([[0, 0]]), labels = tf.tensor1d([0], "int32");
 * assertAlmostEquals(tailrLoss(0)(logits, labels).dataSync()[0]!, Math.LN2, 1e-6);
 * assertAlmostEquals(tailrLoss(1)(logits, labels).dataSync()[0]!, 0.5, 1e-6);
 * ```
 */
export function tailrLoss(gamma: number, minWeight = 0): LogitLoss {
  _gamma("tailrLoss", gamma);
  _minWeight("tailrLoss", minWeight);
  if (minWeight > 0) return tailrStopGradLoss(gamma, minWeight);
  return (logits, labels) =>
    tf.tidy(() => {
      const logp = _logPy(logits, labels);
      if (gamma === 0) return tf.neg(tf.mean(logp));
      if (gamma === 1) return tf.sub(1, tf.mean(tf.exp(logp)));
      if (gamma < 0.5) {
        const a = tf.fill([logits.shape[0]], Math.log(gamma)) as tf.Tensor1D;
        const l = tf.logSumExp(tf.stack([a, tf.add(logp, Math.log1p(-gamma))], 1), 1) as tf.Tensor1D;
        return tf.div(tf.neg(tf.mean(l)), 1 - gamma) as tf.Scalar;
      }
      // ℓ = (1 − p)·g(x), x = (1 − γ)(1 − p) ≤ ½, g(x) = −log(1 − x)/x (a series below 0.01:
      // float32 log(1 − x) loses the small x that γ → 1 produces)
      const q = tf.sub(1, tf.exp(logp)), x = tf.mul(q, 1 - gamma);
      const xs = tf.maximum(x, 0.01);
      const series = tf.add(
        1,
        tf.mul(x, tf.add(0.5, tf.mul(x, tf.add(1 / 3, tf.mul(x, tf.add(0.25, tf.mul(x, 0.2))))))),
      );
      const g = tf.where(tf.less(x, 0.01), series, tf.div(tf.neg(tf.log(tf.sub(1, xs))), xs));
      return tf.mean(tf.mul(q, g)) as tf.Scalar;
    });
}

/**
 * The paper's implementation of TaiLr as a benchmark `LogitLoss`: the weighted cross-entropy
 * $-\frac1B\sum_i\big[\max\big(b, \tfrac{p_i}{\gamma + (1-\gamma)p_i}\big)\big]_{\text{stop\_grad}}\log p_i$
 * (p_i = p(y_i|x_i)). Its value is not Eq. 2, but its gradient is Eq. 2's when b = 0.
 *
 * @param gamma γ ∈ [0, 1]
 * @param minWeight weight floor b ∈ [0, 1] (default 0)
 * @throws RangeError/TypeError on γ or b outside [0, 1]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { tailrStopGradLoss } from "@lib/optim/tailr.ts";
 * await initTf();
 * const logits = tf.tensor2d([[0, 0]]), labels = tf.tensor1d([0], "int32");
 * assertAlmostEquals(tailrStopGradLoss(1)(logits, labels).dataSync()[0]!, 0.5 * Math.LN2, 1e-6);   // w = p = ½
 * ```
 */
export function tailrStopGradLoss(gamma: number, minWeight = 0): LogitLoss {
  _gamma("tailrStopGradLoss", gamma);
  _minWeight("tailrStopGradLoss", minWeight);
  return (logits, labels) =>
    tf.tidy(() => {
      const p = tf.exp(_logPy(logits, labels));
      const w = gamma === 0 ? tf.onesLike(p) : tf.div(p, tf.add(tf.mul(p, 1 - gamma), gamma));
      return weightedCrossEntropyLoss(logits, labels, tf.maximum(w, minWeight) as tf.Tensor1D);
    });
}

/**
 * A linear γ schedule for `RunConfig.lossAt`: $\gamma_t = \gamma_0 + (\gamma_1 - \gamma_0)\min(t/T, 1)$,
 * returning {@link tailrLoss}(γ_t) at step t (the article's "start from CE, move towards γ = 1").
 *
 * @param steps T ≥ 1
 * @param from γ_0 (default 0)
 * @param to γ_1 (default 1)
 * @throws RangeError on T < 1 or γ outside [0, 1]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { tailrSchedule } from "@lib/optim/tailr.ts";
 * await initTf();
 * const at = tailrSchedule(100), logits = tf.tensor2d([[0, 0]]), labels = tf.tensor1d([0], "int32");
 * assertAlmostEquals(at(100)(logits, labels).dataSync()[0]!, 0.5, 1e-6);   // γ = 1: 1 − p
 * ```
 */
export function tailrSchedule(steps: number, from = 0, to = 1): (t: number) => LogitLoss {
  const f = "tailrSchedule";
  checkInt(f, "steps", steps, 1);
  checkRange(f, "from", from, 0, 1);
  checkRange(f, "to", to, 0, 1);
  return (t: number) => {
    checkNonNegative(f, "t", t);
    return tailrLoss(from + (to - from) * Math.min(t / steps, 1));
  };
}
