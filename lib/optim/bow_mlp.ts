/**
 * The `bow-mlp` student of the shared optimizer benchmark (X-opt), as tfjs variables trained with
 * autograd:
 * $$\begin{aligned}
 * \boldsymbol e &= \tfrac1L\textstyle\sum_{j=1}^{L} E_{x_j} = C E, &
 * \boldsymbol z_1 &= \boldsymbol e W_1 + \boldsymbol b_1,\\
 * \boldsymbol h_1 &= \operatorname{relu}\big(\operatorname{LN}(\boldsymbol z_1)\odot\boldsymbol g_1 + \boldsymbol\beta_1\big), &
 * \text{logits} &= \boldsymbol h_1 W_2 + \boldsymbol b_2,
 * \end{aligned}$$
 * with $C$ the B×V matrix of normalised token counts (row i = bag of example i divided by L),
 * LayerNorm over the hidden features with ε = 1e-5, and mean cross-entropy as the default loss.
 *
 * | tensor | shape | kind | init |
 * |---|---|---|---|
 * | E | V×D (512×32) | embedding | N(0, 1/D) |
 * | W1 | D×H (32×64) | kernel | N(0, 1/D) |
 * | b1 | H | bias | 0 |
 * | g1 | H | gamma | 1 |
 * | be1 | H | beta | 0 |
 * | W2 | H×C (64×8) | kernel | N(0, 1/H) |
 * | b2 | C | bias | 0 |
 *
 * 19,144 parameters at the defaults. The mean embedding is the plain matmul $CE$, whose gradient
 * $C^\top\partial\boldsymbol e$ is another matmul: on tfjs-wasm a forward+backward pass of a batch of
 * 64 measured ≈ 1.5 ms this way against ≈ 4 ms with `tf.gather` + mean (whose gradient is the
 * scatter-add filled in `core/tf_ops.ts`), and the same with a custom gradient that uploads a
 * CPU-built $C^\top$ (so the plain form is kept; the transposed matmuls of the backward pass are
 * made fast by the `BatchMatMul` fill of `core/tf_ops.ts`).
 *
 * Variable names are `bow_mlp_<n>/<layer>/<kind>` (e.g. `bow_mlp_3/dense1/kernel`), so the default
 * kind rule of the optimizers ({@link kindFromName}) classifies them.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkPositive, rangeError } from "../core/validate.ts";
import type { Batch } from "../data/zipf_task.ts";
import type { ParamKind } from "./types.ts";

/** Sizes of the model; X-opt defaults V = 512, D = 32, H = 64, C = 8. */
export interface BowMlpConfig {
  vocab?: number;
  dim?: number;
  hidden?: number;
  classes?: number;
  /** LayerNorm ε (default 1e-5) */
  lnEps?: number;
}

/** A loss on logits (B×C) and integer labels (B), averaged over the batch. */
export type LogitLoss = (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

/** Model inputs as tensors: normalised counts C (B×V) and labels (B, int32). */
export interface BowInput {
  counts: tf.Tensor2D;
  labels: tf.Tensor1D;
}

/** The short names of the 7 parameter tensors, in {@link BowMlp.variables} order. */
export const BOW_PARAM_NAMES = ["E", "W1", "b1", "g1", "be1", "W2", "b2"] as const;
/** Their kinds, same order. */
export const BOW_PARAM_KINDS: readonly ParamKind[] = [
  "embedding",
  "kernel",
  "bias",
  "gamma",
  "beta",
  "kernel",
  "bias",
];
const _PATHS = [
  "embedding",
  "dense1/kernel",
  "dense1/bias",
  "ln1/gamma",
  "ln1/beta",
  "dense2/kernel",
  "dense2/bias",
];

/** The model; see the module doc. Dispose it when done. */
export interface BowMlp {
  readonly config: Readonly<Required<BowMlpConfig>>;
  /** [E, W1, b1, g1, be1, W2, b2] */
  readonly variables: tf.Variable[];
  /** variable name → kind */
  readonly kinds: ReadonlyMap<string, ParamKind>;
  /** logits for a prepared input */
  logits(x: BowInput): tf.Tensor2D;
  /** logits from mean embeddings e (B×D), i.e. everything after the embedding layer */
  head(e: tf.Tensor2D): tf.Tensor2D;
  /** scalar loss (default mean cross-entropy) */
  loss(x: BowInput, lossFn?: LogitLoss): tf.Scalar;
  /** copies of the parameter values, in `variables` order */
  getParams(): Float32Array[];
  /** overwrites the parameters (shapes must match) */
  setParams(values: ArrayLike<number>[]): void;
  dispose(): void;
}

/**
 * Mean cross-entropy $-\frac1B\sum_i \log\operatorname{softmax}(\text{logits}_i)_{y_i}$.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { crossEntropyLoss } from "@lib/optim/bow_mlp.ts";
 * await initTf();
 * const l = crossEntropyLoss(tf.tensor2d([[0, 0], [0, 0]]), tf.tensor1d([0, 1], "int32"));
 * assertAlmostEquals(l.dataSync()[0]!, Math.LN2, 1e-6);
 * ```
 */
export const crossEntropyLoss: LogitLoss = (logits, labels) =>
  tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));
  });

/**
 * The bag-of-words matrix C of a batch (B×V, row-major): row i holds the token counts of example i
 * divided by L, so that C·E is the mean embedding.
 *
 * @throws RangeError on a token id outside [0, vocab)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bagOfWords } from "@lib/optim/bow_mlp.ts";
 * const b = { tokens: Int32Array.from([0, 2, 2, 1]), labels: Int32Array.from([0, 1]), size: 2, seqLen: 2 };
 * assertEquals(Array.from(bagOfWords(b, 3)), [0.5, 0, 0.5, 0, 0.5, 0.5]);
 * ```
 */
export function bagOfWords(b: Batch, vocab: number): Float32Array {
  const B = b.size, L = b.seqLen, w = 1 / L;
  const counts = new Float32Array(B * vocab);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < L; j++) {
      const k = b.tokens[i * L + j]!;
      if (!(k >= 0 && k < vocab)) rangeError("bagOfWords", "token id", `in [0, ${vocab})`, k);
      counts[i * vocab + k]! += w;
    }
  }
  return counts;
}

/**
 * Mean embeddings $\boldsymbol e_i = \frac1L\sum_j E_{x_{ij}}$ of a batch computed on the CPU from the
 * values of E (V×D, row-major): the cheap way to evaluate many examples (a dense B×V count matrix
 * is 97% zeros).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { meanEmbedding } from "@lib/optim/bow_mlp.ts";
 * const E = Float32Array.from([1, 2, 3, 4, 5, 6]);   // V = 3, D = 2
 * const b = { tokens: Int32Array.from([0, 2]), labels: Int32Array.from([0]), size: 1, seqLen: 2 };
 * assertEquals(Array.from(meanEmbedding(E, 2, b)), [3, 4]);
 * ```
 */
export function meanEmbedding(E: ArrayLike<number>, dim: number, b: Batch): Float32Array {
  checkInt("meanEmbedding", "dim", dim, 1);
  const V = E.length / dim, L = b.seqLen;
  if (!Number.isInteger(V)) rangeError("meanEmbedding", "E.length", `a multiple of dim (${dim})`, E.length);
  const out = new Float32Array(b.size * dim), acc = new Float64Array(dim);
  for (let i = 0; i < b.size; i++) {
    acc.fill(0);
    for (let j = 0; j < L; j++) {
      const k = b.tokens[i * L + j]!;
      if (!(k >= 0 && k < V)) rangeError("meanEmbedding", "token id", `in [0, ${V})`, k);
      for (let d = 0; d < dim; d++) acc[d]! += E[k * dim + d]!;
    }
    for (let d = 0; d < dim; d++) out[i * dim + d] = acc[d]! / L;
  }
  return out;
}

/**
 * Tensors for a batch (see {@link BowInput}); the caller disposes them (or calls inside `tf.tidy`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { bowInput } from "@lib/optim/bow_mlp.ts";
 * await initTf();
 * const b = { tokens: Int32Array.from([0, 1]), labels: Int32Array.from([1]), size: 1, seqLen: 2 };
 * const x = bowInput(b, 4);
 * assertEquals(x.counts.shape, [1, 4]);
 * tf.dispose([x.counts, x.labels]);
 * ```
 */
export function bowInput(b: Batch, vocab: number): BowInput {
  return {
    counts: tf.tensor2d(bagOfWords(b, vocab), [b.size, vocab]),
    labels: tf.tensor1d(b.labels, "int32"),
  };
}

let _modelCounter = 0;

function _normal(n: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = std * rng.normal();
  return out;
}

/**
 * Creates a bow-mlp with the X-opt initialisation, drawn from `rng` (forked per tensor, so E does
 * not change when another tensor's size does).
 *
 * @throws RangeError on a non-positive or non-integer size
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { createBowMlp } from "@lib/optim/bow_mlp.ts";
 * await initTf();
 * const m = createBowMlp({}, createRng(0));
 * assertEquals(m.variables.reduce((s, v) => s + v.size, 0), 19144);
 * m.dispose();
 * ```
 */
export function createBowMlp(cfg: BowMlpConfig, rng: Rng): BowMlp {
  const f = "createBowMlp";
  const V = checkInt(f, "vocab", cfg.vocab ?? 512, 1);
  const D = checkInt(f, "dim", cfg.dim ?? 32, 1);
  const H = checkInt(f, "hidden", cfg.hidden ?? 64, 1);
  const C = checkInt(f, "classes", cfg.classes ?? 8, 2);
  const lnEps = checkPositive(f, "lnEps", cfg.lnEps ?? 1e-5);
  const config = { vocab: V, dim: D, hidden: H, classes: C, lnEps };
  const shapes: number[][] = [[V, D], [D, H], [H], [H], [H], [H, C], [C]];
  const inits: Array<Float32Array> = [
    _normal(V * D, Math.sqrt(1 / D), rng.fork("E")),
    _normal(D * H, Math.sqrt(1 / D), rng.fork("W1")),
    new Float32Array(H),
    new Float32Array(H).fill(1),
    new Float32Array(H),
    _normal(H * C, Math.sqrt(1 / H), rng.fork("W2")),
    new Float32Array(C),
  ];
  const prefix = `bow_mlp_${_modelCounter++}`;
  const variables = inits.map((x, i) =>
    tf.tidy(() => tf.variable(tf.tensor(x, shapes[i]!), true, `${prefix}/${_PATHS[i]}`))
  );
  const kinds = new Map(variables.map((v, i) => [v.name, BOW_PARAM_KINDS[i]!]));
  const [E, W1, b1, g1, be1, W2, b2] = variables as [
    tf.Variable<tf.Rank.R2>,
    tf.Variable<tf.Rank.R2>,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable<tf.Rank.R2>,
    tf.Variable,
  ];
  const head = (e: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      const z1 = tf.add(tf.matMul(e, W1), b1);
      const { mean, variance } = tf.moments(z1, -1, true);
      const a1 = tf.add(tf.mul(tf.div(tf.sub(z1, mean), tf.sqrt(tf.add(variance, lnEps))), g1), be1);
      return tf.add(tf.matMul(tf.relu(a1) as tf.Tensor2D, W2), b2) as tf.Tensor2D;
    });
  const logits = (x: BowInput): tf.Tensor2D => tf.tidy(() => head(tf.matMul(x.counts, E)));
  return {
    config,
    variables,
    kinds,
    logits,
    head,
    loss: (x, lossFn = crossEntropyLoss) => tf.tidy(() => lossFn(logits(x), x.labels)),
    getParams: () => variables.map((v) => v.dataSync().slice() as Float32Array),
    setParams(values) {
      if (values.length !== variables.length) {
        rangeError("BowMlp.setParams", "values.length", "7", values.length);
      }
      values.forEach((x, i) => {
        const v = variables[i]!;
        if (x.length !== v.size) {
          rangeError("BowMlp.setParams", `values[${i}].length`, String(v.size), x.length);
        }
        tf.tidy(() => v.assign(tf.tensor(Float32Array.from(x), v.shape)));
      });
    },
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}
