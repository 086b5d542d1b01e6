/**
 * A tiny bidirectional Transformer encoder (BERT's architecture at toy scale), tfjs. Pre-norm blocks
 * $$x \leftarrow x + \mathrm{MHA}(\mathrm{RMSNorm}(x)),\qquad x \leftarrow x + \mathrm{FFN}(\mathrm{RMSNorm}(x)),$$
 * no causal mask, learned absolute positions, a final RMSNorm, an untied MLM head
 * $\mathrm{softmax}(W_o h_i + b_o)$, mean pooling and a linear classification head for fine-tuning.
 * Every weight is drawn from a seeded `Rng` (tfjs's random ops are not used), so runs are reproducible.
 *
 * @module
 */
import { createRng, type Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { selfAttentionTf } from "./attention_tf.ts";
import { rmsNormTf } from "./norms.ts";
import { trainSteps } from "./train_loop.ts";

/** Sizes of an encoder: `vocab` input ids (including [MASK]), width d, blocks, heads, FFN width, max length. */
export interface EncoderConfig {
  vocab: number;
  d: number;
  layers: number;
  heads: number;
  ff: number;
  maxLen: number;
  /** Std of the learned position table (default 0.5). */
  posStd?: number;
  /** Std of the token embedding table (default 0.3, smaller than the positions so that position is easy to read). */
  embStd?: number;
}

/** One pre-norm block: RMSNorm gains, attention projections [d, d], FFN $W_1$ [d, ff], $b_1$, $W_2$ [ff, d], $b_2$. */
export interface EncoderBlock {
  g1: tf.Variable;
  wq: tf.Variable;
  wk: tf.Variable;
  wv: tf.Variable;
  wo: tf.Variable;
  g2: tf.Variable;
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  b2: tf.Variable;
}

/** All weights: token table [vocab, d], positions [maxLen, d], blocks, final gain, MLM head [d, vocab] + bias. */
export interface EncoderParams {
  cfg: EncoderConfig;
  emb: tf.Variable;
  pos: tf.Variable;
  blocks: EncoderBlock[];
  gf: tf.Variable;
  headW: tf.Variable;
  headB: tf.Variable;
}

function gaussVar(rng: Rng, shape: number[], std: number): tf.Variable {
  const size = shape.reduce((a, b) => a * b, 1);
  const t = tf.tensor(Float32Array.from({ length: size }, () => std * rng.normal()), shape);
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

function constVar(shape: number[], value: number): tf.Variable {
  const t = tf.fill(shape, value);
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

function checkCfg(where: string, cfg: EncoderConfig): EncoderConfig {
  if (cfg === null || typeof cfg !== "object") typeError(where, "cfg", "an EncoderConfig", cfg);
  checkInt(where, "cfg.vocab", cfg.vocab, 2);
  checkInt(where, "cfg.d", cfg.d, 1);
  checkInt(where, "cfg.layers", cfg.layers, 1);
  checkInt(where, "cfg.heads", cfg.heads, 1);
  checkInt(where, "cfg.ff", cfg.ff, 1);
  checkInt(where, "cfg.maxLen", cfg.maxLen, 1);
  if (cfg.d % cfg.heads !== 0) rangeError(where, "cfg.d", `a multiple of cfg.heads = ${cfg.heads}`, cfg.d);
  if (cfg.posStd !== undefined) checkPositive(where, "cfg.posStd", cfg.posStd);
  if (cfg.embStd !== undefined) checkPositive(where, "cfg.embStd", cfg.embStd);
  return cfg;
}

/**
 * Creates encoder weights from `seed`: matrices N(0, 1/fan_in), token table N(0, embStd²), positions N(0, posStd²),
 * gains 1, biases 0. Dispose with {@link disposeParams}.
 *
 * @param cfg the sizes
 * @param seed integer seed
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { disposeParams, initEncoder, paramList } from "@lib/nn/encoder.ts";
 * await initTf();
 * const p = initEncoder({ vocab: 17, d: 8, layers: 1, heads: 2, ff: 16, maxLen: 4 }, 0);
 * // emb 17·8 + pos 4·8 + block (2·8 + 4·64 + 8·16 + 16 + 16·8 + 8) + gf 8 + head 8·17 + 17
 * assertEquals(paramList(p).reduce((a, v) => a + v.size, 0), 136 + 32 + 552 + 8 + 153);
 * disposeParams(p);
 * ```
 */
export function initEncoder(cfg: EncoderConfig, seed: number): EncoderParams {
  checkCfg("initEncoder", cfg);
  const rng = createRng(checkInt("initEncoder", "seed", seed, 0, 2 ** 32 - 1));
  const { vocab, d, ff } = cfg;
  const s = 1 / Math.sqrt(d);
  const blocks: EncoderBlock[] = [];
  const emb = gaussVar(rng, [vocab, d], cfg.embStd ?? 0.3);
  const pos = gaussVar(rng, [cfg.maxLen, d], cfg.posStd ?? 0.5);
  for (let l = 0; l < cfg.layers; l++) {
    blocks.push({
      g1: constVar([d], 1),
      wq: gaussVar(rng, [d, d], s),
      wk: gaussVar(rng, [d, d], s),
      wv: gaussVar(rng, [d, d], s),
      wo: gaussVar(rng, [d, d], s),
      g2: constVar([d], 1),
      w1: gaussVar(rng, [d, ff], s),
      b1: constVar([ff], 0),
      w2: gaussVar(rng, [ff, d], 1 / Math.sqrt(ff)),
      b2: constVar([d], 0),
    });
  }
  return {
    cfg: { ...cfg },
    emb,
    pos,
    blocks,
    gf: constVar([d], 1),
    headW: gaussVar(rng, [d, vocab], s),
    headB: constVar([vocab], 0),
  };
}

function checkIds(where: string, p: EncoderParams, ids: tf.Tensor2D): void {
  if (p === null || typeof p !== "object" || !(p.emb instanceof tf.Variable)) {
    typeError(where, "p", "EncoderParams", p);
  }
  if (!(ids instanceof tf.Tensor) || ids.rank !== 2) {
    typeError(where, "ids", "a rank-2 int32 tf.Tensor [B, n]", ids);
  }
  if (ids.shape[1] > p.cfg.maxLen) {
    rangeError(where, "ids.shape[1]", `≤ cfg.maxLen = ${p.cfg.maxLen}`, ids.shape[1]);
  }
}

/**
 * The encoder's final (RMS-normed) hidden states $h_i(x)$, [B, n, d]. Bidirectional: every output depends on
 * every input token. Call inside `tf.tidy` in loops.
 *
 * @param p weights
 * @param ids token ids [B, n], int32, values in 0…vocab−1, n ≤ maxLen
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { disposeParams, encoderForward, initEncoder } from "@lib/nn/encoder.ts";
 * await initTf();
 * const p = initEncoder({ vocab: 5, d: 8, layers: 2, heads: 2, ff: 16, maxLen: 6 }, 1);
 * assertEquals(encoderForward(p, tf.tensor2d([[0, 1, 2], [4, 3, 2]], undefined, "int32")).shape, [2, 3, 8]);
 * disposeParams(p);
 * ```
 */
export function encoderForward(p: EncoderParams, ids: tf.Tensor2D): tf.Tensor3D {
  checkIds("encoderForward", p, ids);
  const [b, n] = ids.shape;
  const d = p.cfg.d;
  return tf.tidy(() => {
    let x = tf.gather(p.emb, ids.toInt().reshape([b * n])).reshape([b, n, d])
      .add(p.pos.slice([0, 0], [n, d])) as tf.Tensor3D;
    for (const blk of p.blocks) {
      const a = selfAttentionTf(rmsNormTf(x, blk.g1) as tf.Tensor3D, {
        wq: blk.wq as tf.Tensor2D,
        wk: blk.wk as tf.Tensor2D,
        wv: blk.wv as tf.Tensor2D,
        wo: blk.wo as tf.Tensor2D,
      }, { heads: p.cfg.heads }).out;
      x = x.add(a);
      const h = rmsNormTf(x, blk.g2).reshape([b * n, d]) as tf.Tensor2D;
      const f = tf.relu(tf.matMul(h, blk.w1 as tf.Tensor2D).add(blk.b1)).matMul(blk.w2 as tf.Tensor2D).add(
        blk.b2,
      );
      x = x.add(f.reshape([b, n, d]));
    }
    return rmsNormTf(x, p.gf) as tf.Tensor3D;
  });
}

/**
 * MLM logits $W_o h_i + b_o$ over the `vocab` ids, [B, n, vocab].
 *
 * @param p weights
 * @param h hidden states [B, n, d] from {@link encoderForward}
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { disposeParams, initEncoder, mlmHead } from "@lib/nn/encoder.ts";
 * await initTf();
 * const p = initEncoder({ vocab: 5, d: 4, layers: 1, heads: 1, ff: 8, maxLen: 3 }, 0);
 * assertEquals(mlmHead(p, tf.zeros([2, 3, 4]) as tf.Tensor3D).shape, [2, 3, 5]);
 * disposeParams(p);
 * ```
 */
export function mlmHead(p: EncoderParams, h: tf.Tensor3D): tf.Tensor3D {
  if (!(h instanceof tf.Tensor) || h.rank !== 3) typeError("mlmHead", "h", "a rank-3 tf.Tensor [B, n, d]", h);
  const [b, n, d] = h.shape;
  if (d !== p.cfg.d) rangeError("mlmHead", "h.shape[2]", `cfg.d = ${p.cfg.d}`, d);
  return tf.tidy(() =>
    tf.matMul(h.reshape([b * n, d]), p.headW as tf.Tensor2D).add(p.headB).reshape([b, n, p.cfg.vocab])
  );
}

/**
 * Mean over positions, $\bar h = \frac1n\sum_i h_i$, [B, d]: the sentence vector of the downstream probe.
 *
 * @param h [B, n, d]
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { poolMean } from "@lib/nn/encoder.ts";
 * await initTf();
 * assertEquals(poolMean(tf.tensor3d([[[1, 2], [3, 6]]])).arraySync(), [[2, 4]]);
 * ```
 */
export function poolMean(h: tf.Tensor3D): tf.Tensor2D {
  if (!(h instanceof tf.Tensor) || h.rank !== 3) {
    typeError("poolMean", "h", "a rank-3 tf.Tensor [B, n, d]", h);
  }
  return tf.mean(h, 1) as tf.Tensor2D;
}

/**
 * Deep copy of a structure holding `tf.Variable`s (fresh variables with the same values; other fields copied).
 * Used to fine-tune a pretrained encoder without touching the original.
 *
 * @param p any object/array tree of variables, numbers, strings
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { cloneParams } from "@lib/nn/encoder.ts";
 * await initTf();
 * const a = { w: tf.variable(tf.ones([2])), n: 3 };
 * const b = cloneParams(a);
 * b.w.assign(tf.zeros([2]));
 * assertEquals([a.w.dataSync()[0], b.w.dataSync()[0], b.n], [1, 0, 3]);
 * ```
 */
export function cloneParams<T>(p: T): T {
  const walk = (x: unknown): unknown => {
    if (x instanceof tf.Variable) return tf.variable(x, x.trainable);
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === "object") {
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
    }
    return x;
  };
  return walk(p) as T;
}

/**
 * The variables of an encoder: the encoder body (`encoder`, default true) and/or the MLM head (`mlmHead`, default
 * true), in a fixed order.
 *
 * @param p weights
 * @param opts which groups to include
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { disposeParams, initEncoder, paramList } from "@lib/nn/encoder.ts";
 * await initTf();
 * const p = initEncoder({ vocab: 5, d: 4, layers: 2, heads: 1, ff: 8, maxLen: 3 }, 0);
 * assertEquals(paramList(p, { encoder: false }).length, 2);
 * assertEquals(paramList(p, { mlmHead: false }).length, 2 + 2 * 10 + 1);
 * disposeParams(p);
 * ```
 */
export function paramList(
  p: EncoderParams,
  opts: { encoder?: boolean; mlmHead?: boolean } = {},
): tf.Variable[] {
  const out: tf.Variable[] = [];
  if (opts.encoder ?? true) {
    out.push(p.emb, p.pos);
    for (const b of p.blocks) out.push(b.g1, b.wq, b.wk, b.wv, b.wo, b.g2, b.w1, b.b1, b.w2, b.b2);
    out.push(p.gf);
  }
  if (opts.mlmHead ?? true) out.push(p.headW, p.headB);
  return out;
}

/**
 * Disposes every `tf.Variable` in a structure (encoder weights, a head, a clone).
 *
 * @param p any object/array tree holding variables
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { disposeParams, initEncoder } from "@lib/nn/encoder.ts";
 * await initTf();
 * const before = tf.memory().numTensors;
 * disposeParams(initEncoder({ vocab: 5, d: 4, layers: 1, heads: 1, ff: 8, maxLen: 3 }, 0));
 * assertEquals(tf.memory().numTensors, before);
 * ```
 */
export function disposeParams(p: unknown): void {
  if (p instanceof tf.Variable) p.dispose();
  else if (Array.isArray(p)) p.forEach(disposeParams);
  else if (p !== null && typeof p === "object") Object.values(p).forEach(disposeParams);
}

/** Options of {@link fineTuneClassifier}. */
export interface FineTuneOpts {
  /** Train the encoder too (full fine-tuning) or only the linear head (frozen encoder, a "linear probe"). */
  finetune: boolean;
  /** Number of classes C ≥ 2. */
  classes: number;
  /** Adam steps on the full labelled batch. */
  steps: number;
  /** Adam learning rate. */
  lr: number;
  /** Seed of the head's initial weights N(0, 1/d). */
  seed: number;
}

/**
 * Sequence classification on top of an encoder (the lecture's case 1):
 * $p(y\mid x) = \mathrm{softmax}(W_c\,\bar h(x) + b_c)$ with $\bar h$ the mean-pooled final states.
 * The head starts random; the encoder is a **copy** of `p` (pretrained or not), updated only with `finetune`.
 * Full-batch Adam on the labelled set, then accuracy on the test set. The copies are disposed.
 *
 * @param p encoder weights (not modified)
 * @param train labelled set: `ids` [N·n] row-major, `labels` [N], `n` length
 * @param test test set, same layout
 * @param opts see {@link FineTuneOpts}
 * @returns training losses per step and test accuracy
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { disposeParams, fineTuneClassifier, initEncoder } from "@lib/nn/encoder.ts";
 * await initTf();
 * const p = initEncoder({ vocab: 4, d: 8, layers: 1, heads: 2, ff: 8, maxLen: 2 }, 0);
 * const data = { ids: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), labels: Int32Array.from([0, 0, 1, 1]), n: 2 };
 * const r = fineTuneClassifier(p, data, data, { finetune: true, classes: 2, steps: 60, lr: 0.05, seed: 1 });
 * assertEquals(r.testAcc, 1); // tokens {0,1} vs {2,3}: trivially separable
 * disposeParams(p);
 * ```
 */
export function fineTuneClassifier(
  p: EncoderParams,
  train: { ids: Int32Array; labels: Int32Array; n: number },
  test: { ids: Int32Array; labels: Int32Array; n: number },
  opts: FineTuneOpts,
): { losses: number[]; testAcc: number } {
  const where = "fineTuneClassifier";
  for (const [name, s] of [["train", train], ["test", test]] as const) {
    if (
      s === null || typeof s !== "object" || !(s.ids instanceof Int32Array) ||
      !(s.labels instanceof Int32Array)
    ) {
      typeError(where, name, "{ ids: Int32Array, labels: Int32Array, n }", s);
    }
    checkInt(where, `${name}.n`, s.n, 1, p.cfg.maxLen);
    if (s.ids.length !== s.labels.length * s.n) {
      rangeError(where, `${name}.ids.length`, `labels.length · n = ${s.labels.length * s.n}`, s.ids.length);
    }
  }
  const C = checkInt(where, "opts.classes", opts.classes, 2);
  const enc = cloneParams(p);
  const rng = createRng(checkInt(where, "opts.seed", opts.seed, 0, 2 ** 32 - 1));
  const w = gaussVar(rng, [p.cfg.d, C], 1 / Math.sqrt(p.cfg.d)), bias = constVar([C], 0);
  const pooled = (s: typeof train) =>
    poolMean(encoderForward(enc, tf.tensor2d(s.ids, [s.labels.length, s.n], "int32")));
  // a frozen encoder gives fixed features: compute them once
  const fixed = opts.finetune ? null : tf.tidy(() => pooled(train));
  const logitsOf = (s: typeof train, feats?: tf.Tensor2D | null) =>
    tf.matMul(feats ?? pooled(s), w as tf.Tensor2D).add(bias) as tf.Tensor2D;
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, "int32"), C));
  try {
    const vars = opts.finetune ? [...paramList(enc, { mlmHead: false }), w, bias] : [w, bias];
    const losses = trainSteps(
      () => tf.losses.softmaxCrossEntropy(y, logitsOf(train, fixed)) as tf.Scalar,
      vars,
      {
        steps: opts.steps,
        lr: opts.lr,
      },
    );
    const pred = tf.tidy(() => logitsOf(test).argMax(-1).dataSync());
    let hit = 0;
    for (let i = 0; i < test.labels.length; i++) if (pred[i] === test.labels[i]) hit++;
    return { losses, testAcc: hit / test.labels.length };
  } finally {
    tf.dispose(fixed === null ? [y] : [y, fixed]);
    disposeParams([enc, w, bias]);
  }
}
