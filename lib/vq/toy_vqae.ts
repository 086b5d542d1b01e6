/**
 * A tiny VQ-VAE on flattened images for comparing gradient estimators (G09, https://kexue.fm/archives/10489):
 * MLP encoder → m latent vectors of dimension d → nearest of K codes → STE or rotation trick → MLP decoder
 * (sigmoid output). Per image the loss is
 * $\Vert x - \hat x\Vert^2 + \beta\sum_j\Vert q_j - \mathrm{sg}[z_j]\Vert^2 + \gamma\sum_j\Vert z_j - \mathrm{sg}[q_j]\Vert^2$,
 * averaged over the batch and minimised with Adam.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { createRng } from "../core/rng.ts";
import { checkInt, checkNonNegative, checkPositive, rangeError } from "../core/validate.ts";
import { Mlp } from "../nn/mlp.ts";
import { kmeans } from "./kmeans.ts";
import { codebookUsage, nearestCode, vqLosses } from "./quantize.ts";
import { vqRotationTf, vqSteTf } from "./rotation.ts";

/** Configuration of {@link trainToyVqAe}. */
export interface ToyVqAeConfig {
  /** Gradient estimator through the quantizer. */
  estimator: "ste" | "rotation";
  /** Codebook initialisation: N(0, smallStd²) entries, or k-means on the initial encoder outputs. */
  init: "small" | "kmeans";
  /** Codebook size K ≥ 1. */
  K: number;
  /** Latent vectors per image m ≥ 1. */
  nLatent: number;
  /** Dimension of each latent vector d ≥ 1. */
  codeDim: number;
  /** Hidden width of encoder and decoder. */
  hidden: number;
  /** Codebook-loss weight β ≥ 0. */
  beta: number;
  /** Commitment weight γ ≥ 0. */
  gamma: number;
  /** Adam learning rate > 0. */
  lr: number;
  /** Batch size ≥ 1. */
  batch: number;
  /** Training steps ≥ 0. */
  steps: number;
  /** Log every this many steps (and at step 0 and the end). */
  logEvery: number;
  /** Std of the "small" codebook init (default 0.01). */
  smallStd?: number;
  /** k-means iterations for the "kmeans" init (default 10). */
  kmeansIters?: number;
  /** Seed of weights, batches and k-means. */
  seed: number;
}

/** One log row of {@link trainToyVqAe}; evaluation quantities are on the evaluation images. */
export interface ToyVqAeLog {
  step: number;
  /** Reconstruction MSE per pixel. */
  mse: number;
  /** Mean ‖q − z‖² per latent vector. */
  codebookDist: number;
  /** Mean ‖z‖ and mean ‖q‖ per latent vector. */
  zNorm: number;
  qNorm: number;
  /** Distinct codes used and the perplexity of the code distribution. */
  used: number;
  perplexity: number;
  /** ‖∂(Σ‖x − x̂‖²/batch)/∂z‖ (Frobenius, over the training batch at this step): the encoder's reconstruction signal. */
  reconGradNorm: number;
}

/** A trained toy VQ-VAE. */
export interface ToyVqAe {
  logs: ToyVqAeLog[];
  /** Quantised reconstructions of n images (n×pixels). */
  reconstruct(images: Float32Array, n: number): Float32Array;
  /** Frees all tensors. */
  dispose(): void;
}

/**
 * Trains the toy VQ-VAE and logs reconstruction, codebook distance, norms, usage and the encoder's
 * reconstruction-gradient norm.
 *
 * @param train training images, nTrain×pixels in [0, 1]
 * @param evalImages evaluation images, nEval×pixels
 * @param pixels pixels per image
 * @param cfg configuration
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { trainToyVqAe } from "@lib/vq/toy_vqae.ts";
 * await initTf();
 * const X = Float32Array.from({ length: 40 * 4 }, (_, i) => (i % 4 === (i >> 2) % 4 ? 1 : 0));
 * const m = trainToyVqAe(X, X, 4, { estimator: "rotation", init: "kmeans", K: 4, nLatent: 1, codeDim: 2,
 *   hidden: 8, beta: 1, gamma: 0.25, lr: 0.01, batch: 8, steps: 20, logEvery: 10, seed: 1 });
 * assert(m.logs.at(-1)!.mse < m.logs[0]!.mse);
 * m.dispose();
 * ```
 */
export function trainToyVqAe(
  train: Float32Array,
  evalImages: Float32Array,
  pixels: number,
  cfg: ToyVqAeConfig,
): ToyVqAe {
  const where = "trainToyVqAe";
  checkInt(where, "pixels", pixels, 1);
  checkInt(where, "cfg.K (codebook size)", cfg.K, 1);
  checkInt(where, "cfg.nLatent", cfg.nLatent, 1);
  checkInt(where, "cfg.codeDim", cfg.codeDim, 1);
  checkInt(where, "cfg.hidden", cfg.hidden, 1);
  checkNonNegative(where, "cfg.beta", cfg.beta);
  checkNonNegative(where, "cfg.gamma", cfg.gamma);
  checkPositive(where, "cfg.lr", cfg.lr);
  checkInt(where, "cfg.batch", cfg.batch, 1);
  checkInt(where, "cfg.steps", cfg.steps, 0);
  checkInt(where, "cfg.logEvery", cfg.logEvery, 1);
  if (cfg.estimator !== "ste" && cfg.estimator !== "rotation") {
    rangeError(where, "cfg.estimator", '"ste" | "rotation"', cfg.estimator);
  }
  if (cfg.init !== "small" && cfg.init !== "kmeans") {
    rangeError(where, "cfg.init", '"small" | "kmeans"', cfg.init);
  }
  if (train.length === 0 || train.length % pixels !== 0) {
    rangeError(where, "train.length", `a positive multiple of pixels = ${pixels}`, train.length);
  }
  if (evalImages.length === 0 || evalImages.length % pixels !== 0) {
    rangeError(where, "evalImages.length", `a positive multiple of pixels = ${pixels}`, evalImages.length);
  }
  const { K, nLatent: m, codeDim: d } = cfg;
  const nTrain = train.length / pixels, nEval = evalImages.length / pixels;
  const rng = createRng(cfg.seed);
  const enc = new Mlp({ inDim: pixels, hidden: [cfg.hidden], outDim: m * d, act: "relu" }, cfg.seed * 3 + 1);
  const dec = new Mlp({ inDim: m * d, hidden: [cfg.hidden], outDim: pixels, act: "relu" }, cfg.seed * 3 + 2);
  const Xtr = tf.tensor2d(train, [nTrain, pixels]), Xev = tf.tensor2d(evalImages, [nEval, pixels]);
  const encode = (x: tf.Tensor2D) => enc.apply(x).reshape([-1, d]) as tf.Tensor2D;
  const decode = (zq: tf.Tensor2D) =>
    tf.sigmoid(dec.apply(zq.reshape([-1, m * d]) as tf.Tensor2D)) as tf.Tensor2D;
  let init: Float32Array;
  if (cfg.init === "small") {
    const s = cfg.smallStd ?? 0.01;
    const r = rng.fork("codebook");
    init = Float32Array.from({ length: K * d }, () => s * r.normal());
  } else {
    const nk = Math.min(nTrain, 1000);
    const Z = tf.tidy(() => encode(Xtr.slice([0, 0], [nk, pixels])).dataSync()) as Float32Array;
    if (nk * m < K) rangeError(where, "training images × nLatent", `≥ K = ${K}`, nk * m);
    init = kmeans(Z, nk * m, d, K, cfg.kmeansIters ?? 10, rng.fork("kmeans")).centroids;
  }
  const init2d = tf.tensor2d(init, [K, d]);
  const codebook = tf.variable(init2d, true);
  init2d.dispose();
  const quant = cfg.estimator === "ste" ? vqSteTf : vqRotationTf;
  const vars = [...enc.variables, ...dec.variables, codebook];
  const opt = tf.train.adam(cfg.lr);
  const batchRng = rng.fork("batches");
  const logs: ToyVqAeLog[] = [];

  const evaluate = (step: number, xb: tf.Tensor2D) => {
    const [mse, dist, zN, qN, idx] = tf.tidy(() => {
      const z = encode(Xev);
      const { q, idx } = nearestCode(z, codebook);
      const xh = decode(q);
      return [
        tf.mean(tf.square(tf.sub(xh, Xev))).dataSync()[0]!,
        tf.mean(tf.sum(tf.square(tf.sub(q, z)), 1)).dataSync()[0]!,
        tf.mean(tf.norm(z, "euclidean", 1)).dataSync()[0]!,
        tf.mean(tf.norm(q, "euclidean", 1)).dataSync()[0]!,
        idx.dataSync() as Int32Array,
      ] as const;
    });
    const gn = tf.tidy(() => {
      const z0 = encode(xb);
      const { q } = nearestCode(z0, codebook);
      const g = tf.grad((z: tf.Tensor) => {
        const xh = decode(quant(z as tf.Tensor2D, q));
        return tf.div(tf.sum(tf.square(tf.sub(xh, xb))), xb.shape[0]);
      })(z0);
      return tf.norm(g).dataSync()[0]!;
    });
    const u = codebookUsage(idx, K);
    logs.push({
      step,
      mse,
      codebookDist: dist,
      zNorm: zN,
      qNorm: qN,
      used: u.used,
      perplexity: u.perplexity,
      reconGradNorm: gn,
    });
  };

  const B = cfg.batch;
  for (let step = 0; step <= cfg.steps; step++) {
    const ids = Int32Array.from({ length: B }, () => batchRng.int(nTrain));
    const xb = tf.tidy(() => tf.gather(Xtr, tf.tensor1d(ids, "int32")) as tf.Tensor2D);
    if (step % cfg.logEvery === 0 || step === cfg.steps) evaluate(step, xb);
    if (step < cfg.steps) {
      opt.minimize(
        () => {
          const z = encode(xb);
          const { q } = nearestCode(z, codebook);
          const xh = decode(quant(z, q));
          const rec = tf.div(tf.sum(tf.square(tf.sub(xh, xb))), B);
          const { codebook: lc, commitment: lm } = vqLosses(z, q, cfg.beta, cfg.gamma);
          return tf.add(rec, tf.mul(m, tf.add(lc, lm))) as tf.Scalar;
        },
        false,
        vars,
      );
    }
    xb.dispose();
  }

  return {
    logs,
    reconstruct(images: Float32Array, n: number): Float32Array {
      checkInt("ToyVqAe.reconstruct", "n", n, 1);
      if (images.length !== n * pixels) {
        rangeError("ToyVqAe.reconstruct", "images.length", `n·pixels = ${n * pixels}`, images.length);
      }
      return tf.tidy(() => {
        const x = tf.tensor2d(images, [n, pixels]);
        return decode(nearestCode(encode(x), codebook).q).dataSync() as Float32Array;
      });
    },
    dispose(): void {
      tf.dispose([Xtr, Xev, codebook]);
      opt.dispose();
      enc.dispose();
      dec.dispose();
    },
  };
}
