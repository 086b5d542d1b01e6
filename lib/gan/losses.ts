/**
 * GAN losses on a batch (G10, https://kexue.fm/archives/6163; G11, https://kexue.fm/archives/8757):
 * SGAN (minimax and non-saturating), WGAN with gradient penalty, and GAN-QP (Su's quadratic-potential GAN).
 * Each returns a scalar to be *minimised* by the player named in the function.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { logSigmoid } from "../core/tf_ops.ts";
import { tf } from "../core/tf_setup.ts";
import { checkPositive, rangeError, typeError } from "../core/validate.ts";
import { type Critic, inputGrad } from "./input_grad.ts";

function checkBatch(where: string, name: string, x: tf.Tensor2D): void {
  if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[0] < 1) {
    typeError(
      where,
      name,
      "a non-empty rank-2 tensor (n × d)",
      x instanceof tf.Tensor ? x.shape.join("×") : x,
    );
  }
}

function checkPair(where: string, xr: tf.Tensor2D, xf: tf.Tensor2D): void {
  checkBatch(where, "xr", xr);
  checkBatch(where, "xf", xf);
  if (xr.shape[0] !== xf.shape[0] || xr.shape[1] !== xf.shape[1]) {
    rangeError(where, "xf.shape", `equal to xr.shape ${xr.shape.join("×")}`, xf.shape.join("×"));
  }
}

/**
 * SGAN critic loss in the dual form of the JS divergence (G10 eq. 2, negated and without the constant):
 * $-\tfrac12\mathbb E\log\sigma(T(x_r))-\tfrac12\mathbb E\log(1-\sigma(T(x_f)))$. Its minimum over $T$ is
 * $\log2-\mathrm{JS}(p,q)$; $\log(1-\sigma(t))=\log\sigma(-t)$ is evaluated stably.
 *
 * @param T critic (logit)
 * @param xr real batch
 * @param xf fake batch
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { sganCriticLoss } from "@lib/gan/losses.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.zeros([x.shape[0]]) as tf.Tensor1D; // σ = ½ everywhere
 * assertAlmostEquals(sganCriticLoss(T, tf.ones([4, 2]), tf.zeros([4, 2])).dataSync()[0]!, Math.LN2, 1e-6);
 * ```
 */
export function sganCriticLoss(T: Critic, xr: tf.Tensor2D, xf: tf.Tensor2D): tf.Scalar {
  checkPair("sganCriticLoss", xr, xf);
  return tf.tidy(() =>
    tf.mul(-0.5, tf.add(tf.mean(logSigmoid(T(xr))), tf.mean(logSigmoid(tf.neg(T(xf)))))) as tf.Scalar
  );
}

/**
 * SGAN generator loss: `minimax` $\mathbb E\log(1-\sigma(T(x_f)))$ (the original game, whose gradient
 * vanishes when the critic wins) or `nonsaturating` $-\mathbb E\log\sigma(T(x_f))$.
 *
 * @param T critic (logit)
 * @param xf fake batch
 * @param mode "minimax" | "nonsaturating"
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { sganGenLoss } from "@lib/gan/losses.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.fill([x.shape[0]], 2) as tf.Tensor1D;
 * assertAlmostEquals(sganGenLoss(T, tf.zeros([3, 1]), "nonsaturating").dataSync()[0]!, Math.log(1 + Math.exp(-2)), 1e-6);
 * assertAlmostEquals(sganGenLoss(T, tf.zeros([3, 1]), "minimax").dataSync()[0]!, -Math.log(1 + Math.exp(2)), 1e-5);
 * ```
 */
export function sganGenLoss(T: Critic, xf: tf.Tensor2D, mode: "minimax" | "nonsaturating"): tf.Scalar {
  checkBatch("sganGenLoss", "xf", xf);
  if (mode !== "minimax" && mode !== "nonsaturating") {
    rangeError("sganGenLoss", "mode", '"minimax" | "nonsaturating"', mode);
  }
  return tf.tidy(() => {
    const t = T(xf);
    return (mode === "minimax"
      ? tf.mean(logSigmoid(tf.neg(t)))
      : tf.neg(tf.mean(logSigmoid(t)))) as tf.Scalar;
  });
}

/**
 * Gradient penalty $\lambda\,\mathbb E_{\hat x}(\Vert\nabla_{\hat x}T(\hat x)\Vert-1)^2$ at random interpolates
 * $\hat x=x_r+u(x_f-x_r)$, $u\sim U(0,1)$ per row (drawn from `rng`).
 *
 * @param T critic
 * @param xr real batch
 * @param xf fake batch
 * @param lambdaGp penalty weight > 0
 * @param rng source of the interpolation weights
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gradientPenalty } from "@lib/gan/losses.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.reshape(tf.matMul(x, tf.tensor2d([[3], [4]])), [-1]) as tf.Tensor1D; // ‖∇‖ = 5
 * const p = gradientPenalty(T, tf.zeros([5, 2]), tf.ones([5, 2]), 10, createRng(0));
 * assertAlmostEquals(p.dataSync()[0]!, 10 * 16, 1e-3);
 * ```
 */
export function gradientPenalty(
  T: Critic,
  xr: tf.Tensor2D,
  xf: tf.Tensor2D,
  lambdaGp: number,
  rng: Rng,
): tf.Scalar {
  const where = "gradientPenalty";
  checkPair(where, xr, xf);
  checkPositive(where, "lambdaGp", lambdaGp);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  const n = xr.shape[0];
  const u = Float32Array.from({ length: n }, () => rng.uniform());
  return tf.tidy(() => {
    const uT = tf.tensor2d(u, [n, 1]);
    const xh = tf.add(xr, tf.mul(uT, tf.sub(xf, xr))) as tf.Tensor2D;
    const g = inputGrad(T, xh);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-12));
    return tf.mul(lambdaGp, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
  });
}

/**
 * WGAN-GP critic loss $-(\mathbb E T(x_r)-\mathbb E T(x_f)) + \lambda_{gp}\mathbb E(\Vert\nabla T(\hat x)\Vert-1)^2$
 * (G11 eqs. 1 and 3).
 *
 * @param T critic
 * @param xr real batch
 * @param xf fake batch
 * @param lambdaGp penalty weight > 0 (10 in the WGAN-GP paper)
 * @param rng source of the interpolation weights
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { wganGpCriticLoss } from "@lib/gan/losses.ts";
 * await initTf();
 * // T(x) = x₁ has unit gradient: no penalty, loss = −(1 − 0)
 * const T = (x: tf.Tensor2D) => tf.reshape(tf.slice(x, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D;
 * const l = wganGpCriticLoss(T, tf.ones([4, 2]), tf.zeros([4, 2]), 10, createRng(1));
 * assertAlmostEquals(l.dataSync()[0]!, -1, 1e-4);
 * ```
 */
export function wganGpCriticLoss(
  T: Critic,
  xr: tf.Tensor2D,
  xf: tf.Tensor2D,
  lambdaGp: number,
  rng: Rng,
): tf.Scalar {
  checkPair("wganGpCriticLoss", xr, xf);
  checkPositive("wganGpCriticLoss", "lambdaGp", lambdaGp);
  return tf.tidy(() =>
    tf.add(tf.sub(tf.mean(T(xf)), tf.mean(T(xr))), gradientPenalty(T, xr, xf, lambdaGp, rng)) as tf.Scalar
  );
}

/**
 * WGAN critic loss without any constraint, $-(\mathbb E T(x_r)-\mathbb E T(x_f))$ — used with a critic that
 * is constrained by construction (gradient normalization, G11).
 *
 * @param T critic
 * @param xr real batch
 * @param xf fake batch
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { wganCriticLoss } from "@lib/gan/losses.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.sum(x, 1) as tf.Tensor1D;
 * assertAlmostEquals(wganCriticLoss(T, tf.ones([2, 3]), tf.zeros([2, 3])).dataSync()[0]!, -3, 1e-6);
 * ```
 */
export function wganCriticLoss(T: Critic, xr: tf.Tensor2D, xf: tf.Tensor2D): tf.Scalar {
  checkPair("wganCriticLoss", xr, xf);
  return tf.tidy(() => tf.sub(tf.mean(T(xf)), tf.mean(T(xr))) as tf.Scalar);
}

/**
 * WGAN generator loss $-\mathbb E\,T(x_f)$.
 *
 * @param T critic
 * @param xf fake batch
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { wganGenLoss } from "@lib/gan/losses.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.sum(x, 1) as tf.Tensor1D;
 * assertAlmostEquals(wganGenLoss(T, tf.fill([2, 2], 0.5)).dataSync()[0]!, -1, 1e-6);
 * ```
 */
export function wganGenLoss(T: Critic, xf: tf.Tensor2D): tf.Scalar {
  checkBatch("wganGenLoss", "xf", xf);
  return tf.tidy(() => tf.neg(tf.mean(T(xf))) as tf.Scalar);
}

/** Distances for GAN-QP: Euclidean, or the official code's per-pixel RMS / mean-absolute versions. */
export type QpDistance = "l2" | "l2rms" | "l1mean";

/**
 * Row-wise distance $d(x_r,x_f)$ for GAN-QP: `l2` $\Vert x_r-x_f\Vert_2$, `l2rms` $\sqrt{\mathrm{mean}_j(x_r-x_f)_j^2}$,
 * `l1mean` $\mathrm{mean}_j|x_r-x_f|_j$.
 *
 * @param xr real batch
 * @param xf fake batch
 * @param dist which distance
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { qpDistance } from "@lib/gan/losses.ts";
 * await initTf();
 * const d = qpDistance(tf.tensor2d([[3, 4]]), tf.zeros([1, 2]), "l2rms").dataSync()[0]!;
 * assertAlmostEquals(d, Math.sqrt(12.5), 1e-6);
 * ```
 */
export function qpDistance(xr: tf.Tensor2D, xf: tf.Tensor2D, dist: QpDistance): tf.Tensor1D {
  checkPair("qpDistance", xr, xf);
  if (dist !== "l2" && dist !== "l2rms" && dist !== "l1mean") {
    rangeError("qpDistance", "dist", '"l2" | "l2rms" | "l1mean"', dist);
  }
  return tf.tidy(() => {
    const diff = tf.sub(xr, xf);
    if (dist === "l1mean") return tf.mean(tf.abs(diff), 1) as tf.Tensor1D;
    const ss = dist === "l2" ? tf.sum(tf.square(diff), 1) : tf.mean(tf.square(diff), 1);
    return tf.sqrt(ss) as tf.Tensor1D;
  });
}

/**
 * GAN-QP critic loss with the unary critic (G10 eqs. 4, 9, 10):
 * $\mathrm{mean}\big(-\Delta+\frac{\Delta^2}{2\lambda\,d(x_r,x_f)}\big)$, $\Delta=T(x_r)-T(x_f)$, rows paired.
 * (The official code's `d_norm = 10·rms` is `dist = "l2rms"`, λ = 10.) Distances are floored at 1e-8.
 *
 * @param T critic
 * @param xr real batch
 * @param xf fake batch (same shape)
 * @param lambda λ > 0
 * @param dist row distance
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { ganQpCriticLoss } from "@lib/gan/losses.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.reshape(tf.slice(x, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D;
 * // Δ = 2, d = 2: −2 + 4/(2·1·2) = −1
 * const l = ganQpCriticLoss(T, tf.tensor2d([[2, 0]]), tf.zeros([1, 2]), 1, "l2");
 * assertAlmostEquals(l.dataSync()[0]!, -1, 1e-6);
 * ```
 */
export function ganQpCriticLoss(
  T: Critic,
  xr: tf.Tensor2D,
  xf: tf.Tensor2D,
  lambda: number,
  dist: QpDistance,
): tf.Scalar {
  checkPair("ganQpCriticLoss", xr, xf);
  checkPositive("ganQpCriticLoss", "lambda", lambda);
  return tf.tidy(() => {
    const delta = tf.sub(T(xr), T(xf));
    const d = tf.maximum(qpDistance(xr, xf, dist), 1e-8);
    return tf.mean(tf.sub(tf.div(tf.square(delta), tf.mul(2 * lambda, d)), delta)) as tf.Scalar;
  });
}

/**
 * GAN-QP generator loss $\mathrm{mean}(T(x_r)-T(x_f))$ (G10 eq. 6; the quadratic term is deliberately left out).
 *
 * @param T critic
 * @param xr real batch
 * @param xf fake batch
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { ganQpGenLoss } from "@lib/gan/losses.ts";
 * await initTf();
 * const T = (x: tf.Tensor2D) => tf.sum(x, 1) as tf.Tensor1D;
 * assertAlmostEquals(ganQpGenLoss(T, tf.ones([2, 2]), tf.zeros([2, 2])).dataSync()[0]!, 2, 1e-6);
 * ```
 */
export function ganQpGenLoss(T: Critic, xr: tf.Tensor2D, xf: tf.Tensor2D): tf.Scalar {
  checkPair("ganQpGenLoss", xr, xf);
  return tf.tidy(() => tf.mean(tf.sub(T(xr), T(xf))) as tf.Scalar);
}
