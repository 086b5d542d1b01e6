/**
 * The tiny decoder-only language model of the length-extrapolation notebooks (tfjs, float32): token embedding,
 * L pre-RMSNorm blocks (self-attention + ReLU FFN), a final RMSNorm and an untied output matrix. Every position
 * scheme is switched per call through {@link RunOpts}, whose position data arrive precomputed
 * (`lib/position/toy_extrapolation.ts` builds them), so one trained model can be evaluated under RoPE, NTK,
 * YaRN, PI, ReRoPE, windows, log-n scaling… without retraining. The attention logit of query i and key j is
 * $$s_{ij} = \lambda_i\,\sigma\,\tilde q_i^\top\tilde k_j + b_{ij},\qquad \tilde q_i = \mathcal R_{p_i}\hat q_i,\
 *   \tilde k_j = \mathcal R_{p_j}\hat k_j,$$
 * with $\hat q, \hat k$ optionally normalized (QueryNorm / KeyNorm / cosine), σ the logit scale ($1/\sqrt{d_h}$,
 * or 1 with a normalized side, or λ for cosine attention), $\lambda_i$ an optional per-query log-n factor and
 * $b_{ij}$ the causal / window / ALiBi bias. ReRoPE replaces $p_i - p_j$ by $\min(i - j, w)$ (Leaky:
 * $w + (i-j-w)/k$ beyond w) through a second logit matrix selected outside the window.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { createRng } from "../core/rng.ts";
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { logSoftmax } from "../core/tf_ops.ts";

/** Sizes of the toy LM. */
export interface ToyLMConfig {
  /** Vocabulary size. */
  vocab: number;
  /** Model width d. */
  d: number;
  /** Number of blocks L. */
  layers: number;
  /** Attention heads H (head dim d/H). */
  heads: number;
  /** FFN width. */
  ff: number;
  /** Training length N (used by log-n factors). */
  trainLen: number;
  /** RoPE base (10000). */
  ropeBase: number;
}

/** How one layer attends. */
export interface LayerAttn {
  /** Rotate q and k by RoPE at the run's positions. */
  rope: boolean;
  /** Query i sees keys j with i − j < window (an integer in [1, T]). */
  window?: number;
  /** With a window: the first `sinks` keys stay visible (the Λ-shaped mask). */
  sinks?: number;
  /** k/‖k‖ (logit scale 1 unless cosScale). */
  keyNorm?: boolean;
  /** q/‖q‖ (logit scale 1 unless cosScale). */
  queryNorm?: boolean;
  /** Logit scale λ of cosine attention, or "dynamic" = 4·ln(i + 1) per query. */
  cosScale?: number | "dynamic";
  /** ALiBi slope λ: bias −λ(i − j). */
  alibi?: number;
  /** ReRoPE window w: relative positions min(i − j, w) (Leaky with leakyK). Needs `rope`. */
  rerope?: number;
  /** Leaky ReRoPE compression k ≥ 1 (beyond w: w + (i − j − w)/k). */
  leakyK?: number;
  /** Multiply this layer's logits by the run's per-query log-n factor. */
  logn?: boolean;
}

/** Per-call position scheme of {@link toyLMForward}. */
export interface RunOpts {
  /** One entry per layer. */
  layers: LayerAttn[];
  /** Position ids (length T; default 0..T−1); fractional values allowed (PI, random positions). */
  positions?: Float32Array;
  /** RoPE frequencies θ_i, length d_h/2 (default base^{−2i/d_h}); NTK/YaRN pass their own. */
  invFreq?: Float32Array;
  /** Per-query factor of layers with `logn`: "train" ln(i+1)/ln N, "clip" max(1, that), "none" (default "train"). */
  lognMode?: "none" | "train" | "clip";
  /** Extra factor on every logit (YaRN's (1 + 0.1 ln s)²); default 1. */
  logitScale?: number;
  /** Add the Sinusoidal absolute encoding of `positions` to the embeddings. */
  absSinusoidal?: boolean;
}

/** One block's weights. */
export interface ToyLMBlock {
  g1: tf.Variable;
  wq: tf.Variable;
  wk: tf.Variable;
  wv: tf.Variable;
  wo: tf.Variable;
  g2: tf.Variable;
  w1: tf.Variable;
  w2: tf.Variable;
}

/** Weights of the toy LM (plus the training losses when it came from `trainToyLM`). */
export interface ToyLMParams {
  emb: tf.Variable;
  blocks: ToyLMBlock[];
  gOut: tf.Variable;
  wOut: tf.Variable;
  /** Per-step training losses, if trained. */
  losses?: number[];
}

const BLOCK_KEYS = ["g1", "wq", "wk", "wv", "wo", "g2", "w1", "w2"] as const;

/**
 * Checks a config: positive integer sizes, heads dividing d.
 *
 * @param where caller name for messages
 * @param cfg the config
 * @returns the head dimension d/H
 */
export function checkToyLMConfig(where: string, cfg: ToyLMConfig): number {
  if (cfg === null || typeof cfg !== "object") typeError(where, "cfg", "a ToyLMConfig", cfg);
  for (const k of ["vocab", "d", "layers", "heads", "ff", "trainLen"] as const) {
    checkInt(where, `cfg.${k}`, cfg[k], 1);
  }
  checkPositive(where, "cfg.ropeBase", cfg.ropeBase);
  if (cfg.d % cfg.heads !== 0) rangeError(where, "cfg.d", `a multiple of cfg.heads = ${cfg.heads}`, cfg.d);
  return cfg.d / cfg.heads;
}

/**
 * Seeded initialization: entries N(0, 1/fan_in), the output projections of attention and FFN further scaled by
 * $1/\sqrt{2L}$, RMSNorm gains 1.
 *
 * @param cfg sizes
 * @param seed init seed
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { initToyLM, toyLMParamCount } from "@lib/nn/toy_lm.ts";
 * await initTf();
 * const cfg = { vocab: 25, d: 32, layers: 2, heads: 1, ff: 64, trainLen: 64, ropeBase: 1e4 };
 * assertEquals(toyLMParamCount(initToyLM(cfg, 0)), 25 * 32 * 2 + 2 * (4 * 32 * 32 + 2 * 32 * 64 + 64) + 32);
 * ```
 */
export function initToyLM(cfg: ToyLMConfig, seed: number): ToyLMParams {
  checkToyLMConfig("initToyLM", cfg);
  const rng = createRng(seed);
  const out = 1 / Math.sqrt(2 * cfg.layers);
  const gauss = (rows: number, cols: number, extra = 1) => {
    const std = extra / Math.sqrt(rows), a = new Float32Array(rows * cols);
    for (let i = 0; i < a.length; i++) a[i] = std * rng.normal();
    return tf.variable(tf.tensor2d(a, [rows, cols]));
  };
  const ones = (n: number) => tf.variable(tf.ones([n]));
  const { d, ff } = cfg;
  const emb = gauss(cfg.vocab, d);
  const blocks = Array.from({ length: cfg.layers }, () => ({
    g1: ones(d),
    wq: gauss(d, d),
    wk: gauss(d, d),
    wv: gauss(d, d),
    wo: gauss(d, d, out),
    g2: ones(d),
    w1: gauss(d, ff),
    w2: gauss(ff, d, out),
  }));
  return { emb, blocks, gOut: ones(d), wOut: gauss(d, cfg.vocab) };
}

/**
 * All weight variables in a fixed order (emb, blocks…, gOut, wOut), for optimizers and serialization.
 *
 * @param p the params
 */
export function toyLMVariables(p: ToyLMParams): tf.Variable[] {
  return [p.emb, ...p.blocks.flatMap((b) => BLOCK_KEYS.map((k) => b[k])), p.gOut, p.wOut];
}

/**
 * Number of scalar weights.
 *
 * @param p the params
 */
export function toyLMParamCount(p: ToyLMParams): number {
  return toyLMVariables(p).reduce((s, v) => s + v.size, 0);
}

/**
 * Flattens the weights to plain arrays (same order as {@link toyLMVariables}); float32 values survive a JSON
 * round trip exactly.
 *
 * @param p the params
 */
export function toyLMToArrays(p: ToyLMParams): number[][] {
  return toyLMVariables(p).map((v) => Array.from(v.dataSync()));
}

/**
 * Rebuilds params from {@link toyLMToArrays} output for the given config.
 *
 * @param cfg sizes
 * @param arrays weights in {@link toyLMVariables} order
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { initToyLM, toyLMFromArrays, toyLMToArrays } from "@lib/nn/toy_lm.ts";
 * await initTf();
 * const cfg = { vocab: 5, d: 4, layers: 1, heads: 1, ff: 8, trainLen: 8, ropeBase: 1e4 };
 * const a = toyLMToArrays(initToyLM(cfg, 3));
 * assertEquals(toyLMToArrays(toyLMFromArrays(cfg, JSON.parse(JSON.stringify(a)))), a);
 * ```
 */
export function toyLMFromArrays(cfg: ToyLMConfig, arrays: number[][]): ToyLMParams {
  checkToyLMConfig("toyLMFromArrays", cfg);
  const shapes = toyLMVariables(initShapesOnly(cfg));
  if (!Array.isArray(arrays) || arrays.length !== shapes.length) {
    rangeError("toyLMFromArrays", "arrays.length", String(shapes.length), arrays?.length);
  }
  const vars = shapes.map((s, i) => {
    const a = arrays[i] as number[];
    if (!Array.isArray(a) || a.length !== s.size) {
      rangeError("toyLMFromArrays", `arrays[${i}].length`, String(s.size), a?.length);
    }
    return tf.variable(tf.tensor(Float32Array.from(a), s.shape));
  });
  shapes.forEach((v) => v.dispose());
  let n = 0;
  const emb = vars[n++]!;
  const blocks = Array.from({ length: cfg.layers }, () => {
    const b = {} as ToyLMBlock;
    for (const k of BLOCK_KEYS) b[k] = vars[n++]!;
    return b;
  });
  return { emb, blocks, gOut: vars[n++]!, wOut: vars[n++]! };
}

function initShapesOnly(cfg: ToyLMConfig): ToyLMParams {
  const z = (...s: number[]) => tf.variable(tf.zeros(s));
  const { d, ff } = cfg;
  return {
    emb: z(cfg.vocab, d),
    blocks: Array.from({ length: cfg.layers }, () => ({
      g1: z(d),
      wq: z(d, d),
      wk: z(d, d),
      wv: z(d, d),
      wo: z(d, d),
      g2: z(d),
      w1: z(d, ff),
      w2: z(ff, d),
    })),
    gOut: z(d),
    wOut: z(d, cfg.vocab),
  };
}

/**
 * Frees the weight tensors.
 *
 * @param p the params
 */
export function disposeToyLM(p: ToyLMParams): void {
  toyLMVariables(p).forEach((v) => v.dispose());
}

function rms(x: tf.Tensor, g: tf.Tensor): tf.Tensor {
  return x.mul(tf.rsqrt(x.square().mean(-1, true).add(1e-6))).mul(g);
}

function unitNorm(x: tf.Tensor): tf.Tensor {
  return x.mul(tf.rsqrt(x.square().sum(-1, true).add(1e-12)));
}

/** cos / sin tables [T, h] for positions p and frequencies θ (computed in float64, stored float32). */
function rotTables(pos: ArrayLike<number>, invFreq: ArrayLike<number>): [tf.Tensor2D, tf.Tensor2D] {
  const t = pos.length, h = invFreq.length, c = new Float32Array(t * h), s = new Float32Array(t * h);
  for (let i = 0; i < t; i++) {
    for (let k = 0; k < h; k++) {
      const a = (pos[i] as number) * (invFreq[k] as number);
      c[i * h + k] = Math.cos(a);
      s[i * h + k] = Math.sin(a);
    }
  }
  return [tf.tensor2d(c, [t, h]), tf.tensor2d(s, [t, h])];
}

/** Half-split rotation (x1, x2) → (x1 cos − x2 sin, x1 sin + x2 cos) of x [·, T, dh]. */
function rotate(x: tf.Tensor3D, [c, s]: [tf.Tensor2D, tf.Tensor2D]): tf.Tensor3D {
  const h = x.shape[2] / 2;
  const [x1, x2] = tf.split(x, [h, h], 2);
  return tf.concat([x1!.mul(c).sub(x2!.mul(s)), x1!.mul(s).add(x2!.mul(c))], 2) as tf.Tensor3D;
}

function checkLayer(where: string, la: LayerAttn, l: number, t: number, dh: number): void {
  const n = `run.layers[${l}]`;
  if (la === null || typeof la !== "object") typeError(where, n, "a LayerAttn", la);
  if (la.rope && dh % 2 !== 0) rangeError(where, "head dim d/heads", "even when RoPE is used", dh);
  if (la.window !== undefined) checkInt(where, `${n}.window`, la.window, 1, t);
  if (la.sinks !== undefined) {
    checkInt(where, `${n}.sinks`, la.sinks, 0, t);
    if (la.window === undefined) rangeError(where, `${n}.sinks`, "only together with a window", la.sinks);
  }
  if (la.alibi !== undefined) checkFinite(where, `${n}.alibi`, la.alibi);
  if (la.cosScale !== undefined && la.cosScale !== "dynamic") {
    checkPositive(where, `${n}.cosScale`, la.cosScale);
  }
  if (la.rerope !== undefined) {
    checkInt(where, `${n}.rerope`, la.rerope, 1);
    if (!la.rope) rangeError(where, `${n}.rerope`, "only with rope: true", la.rerope);
  }
  if (la.leakyK !== undefined && !(la.leakyK >= 1)) rangeError(where, `${n}.leakyK`, "≥ 1", la.leakyK);
}

/**
 * Logits [B, T, vocab] of the toy LM for token ids [B, T] under the position scheme `run` (see the module
 * doc for the logit formula). Call inside `tf.tidy`.
 *
 * @param p weights
 * @param cfg sizes
 * @param ids int32 token ids [B, T]
 * @param run per-layer attention options and position data
 * @param capture if given, receives kept copies of every layer's (rotated, scaled) q and k [B·H, T, d_h]
 * @throws RangeError for a bad run: wrong number of layers, odd head dim with RoPE, a window larger than T,
 *   positions of the wrong length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { initToyLM, toyLMForward } from "@lib/nn/toy_lm.ts";
 * await initTf();
 * const cfg = { vocab: 25, d: 32, layers: 2, heads: 1, ff: 64, trainLen: 64, ropeBase: 1e4 };
 * const p = initToyLM(cfg, 0);
 * const logits = toyLMForward(p, cfg, tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32"), { layers: [{ rope: true }, { rope: true }] });
 * assertEquals(logits.shape, [1, 4, 25]);
 * ```
 */
export function toyLMForward(
  p: ToyLMParams,
  cfg: ToyLMConfig,
  ids: tf.Tensor2D,
  run: RunOpts,
  capture?: { q?: tf.Tensor[]; k?: tf.Tensor[] },
): tf.Tensor3D {
  const where = "toyLMForward";
  const dh = checkToyLMConfig(where, cfg);
  if (!(ids instanceof tf.Tensor) || ids.rank !== 2) {
    typeError(where, "ids", "a rank-2 int32 tf.Tensor [B, T]", ids);
  }
  if (run === null || typeof run !== "object" || !Array.isArray(run.layers)) {
    typeError(where, "run", "RunOpts", run);
  }
  if (run.layers.length !== cfg.layers) {
    rangeError(where, "run.layers.length", `cfg.layers = ${cfg.layers}`, run.layers.length);
  }
  if (p === null || typeof p !== "object" || p.blocks?.length !== cfg.layers) {
    typeError(where, "p", `ToyLMParams with ${cfg.layers} blocks`, p);
  }
  const [b, t] = ids.shape, h = cfg.heads, d = cfg.d;
  run.layers.forEach((la, l) => checkLayer(where, la, l, t, dh));
  const pos = run.positions ?? Float32Array.from({ length: t }, (_, i) => i);
  if (pos.length !== t) rangeError(where, "run.positions.length", `T = ${t}`, pos.length);
  const anyRope = run.layers.some((la) => la.rope);
  const invFreq = run.invFreq ??
    Float32Array.from({ length: dh >> 1 }, (_, i) => cfg.ropeBase ** (-2 * i / dh));
  if (anyRope && invFreq.length !== dh / 2) {
    rangeError(where, "run.invFreq.length", `d_h/2 = ${dh / 2}`, invFreq.length);
  }
  const lognMode = run.lognMode ?? "train";
  if (!["none", "train", "clip"].includes(lognMode)) {
    rangeError(where, "run.lognMode", '"none", "train" or "clip"', lognMode);
  }
  const logitScale = checkPositive(where, "run.logitScale", run.logitScale ?? 1);

  return tf.tidy(() => {
    let x = tf.gather(p.emb, ids.reshape([b * t])).reshape([b, t, d]);
    if (run.absSinusoidal) {
      const pe = new Float32Array(t * d);
      for (let i = 0; i < t; i++) {
        for (let k = 0; k < d; k += 2) {
          const a = (pos[i] as number) * 10000 ** (-k / d);
          pe[i * d + k] = Math.sin(a);
          if (k + 1 < d) pe[i * d + k + 1] = Math.cos(a);
        }
      }
      x = x.add(tf.tensor2d(pe, [t, d]));
    }
    const tables = anyRope ? rotTables(pos, invFreq) : null;
    const split = (m: tf.Tensor) =>
      m.reshape([b, t, h, dh]).transpose([0, 2, 1, 3]).reshape([b * h, t, dh]) as tf.Tensor3D;
    run.layers.forEach((la, l) => {
      const blk = p.blocks[l]!;
      const hn = rms(x, blk.g1).reshape([b * t, d]) as tf.Tensor2D;
      let q = split(tf.matMul(hn, blk.wq)), k = split(tf.matMul(hn, blk.wk));
      const v = split(tf.matMul(hn, blk.wv));
      const cos = la.cosScale !== undefined;
      if (la.queryNorm || cos) q = unitNorm(q) as tf.Tensor3D;
      if (la.keyNorm || cos) k = unitNorm(k) as tf.Tensor3D;
      let sigma = la.queryNorm || la.keyNorm || cos ? 1 : 1 / Math.sqrt(dh);
      if (typeof la.cosScale === "number") sigma = la.cosScale;
      sigma *= logitScale;
      const qr = la.rope ? rotate(q, tables!) : q, kr = la.rope ? rotate(k, tables!) : k;
      let logits = tf.matMul(qr, kr, false, true);
      if (la.rope && la.rerope !== undefined && la.rerope < t) {
        const w = la.rerope, kk = la.leakyK ?? Infinity;
        const qp = Float32Array.from(
          { length: t },
          (_, i) => (kk === Infinity ? w : i / kk + w * (1 - 1 / kk)),
        );
        const kp = Float32Array.from({ length: t }, (_, j) => (kk === Infinity ? 0 : j / kk));
        const q2 = rotate(q, rotTables(qp, invFreq)), k2 = rotate(k, rotTables(kp, invFreq));
        const far = tf.matMul(q2, k2, false, true);
        const inside = new Float32Array(t * t);
        for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) inside[i * t + j] = i - j < w ? 1 : 0;
        const m = tf.tensor2d(inside, [t, t]);
        logits = logits.mul(m).add(far.mul(tf.scalar(1).sub(m)));
      }
      // per-query factor: σ · λ_i (log n and/or dynamic cosine scale)
      const rowF = new Float32Array(t).fill(sigma);
      for (let i = 0; i < t; i++) {
        if (la.cosScale === "dynamic") rowF[i]! *= 4 * Math.log(i + 1);
        if (la.logn && lognMode !== "none") {
          const r = Math.log(i + 1) / Math.log(cfg.trainLen);
          rowF[i]! *= lognMode === "clip" ? Math.max(1, r) : r;
        }
      }
      const bias = new Float32Array(t * t);
      for (let i = 0; i < t; i++) {
        for (let j = 0; j < t; j++) {
          let bij = la.alibi !== undefined ? -la.alibi * (i - j) : 0;
          if (j > i) bij = -1e30;
          else if (la.window !== undefined && i - j >= la.window && j >= (la.sinks ?? 0)) bij = -1e30;
          bias[i * t + j] = bij;
        }
      }
      logits = logits.mul(tf.tensor2d(rowF, [t, 1])).add(tf.tensor2d(bias, [t, t]));
      if (capture) {
        capture.q?.push(tf.keep(qr.clone()));
        capture.k?.push(tf.keep(kr.clone()));
      }
      const att = tf.matMul(tf.softmax(logits, -1), v) // [B·H, T, dh] → [B·T, d]
        .reshape([b, h, t, dh]).transpose([0, 2, 1, 3]).reshape([b * t, d]) as tf.Tensor2D;
      x = x.add(tf.matMul(att, blk.wo).reshape([b, t, d]));
      const f = rms(x, blk.g2).reshape([b * t, d]) as tf.Tensor2D;
      x = x.add(tf.matMul(tf.relu(tf.matMul(f, blk.w1)), blk.w2).reshape([b, t, d]));
    });
    return tf.matMul(rms(x, p.gOut).reshape([b * t, d]) as tf.Tensor2D, p.wOut).reshape([
      b,
      t,
      cfg.vocab,
    ]) as tf.Tensor3D;
  });
}

/**
 * Mean next-token cross-entropy of logits [B, T, V] against targets [B, T] (int32), in nats.
 *
 * @param logits model outputs
 * @param targets next tokens
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { toyLMLoss } from "@lib/nn/toy_lm.ts";
 * await initTf();
 * const loss = toyLMLoss(tf.zeros([1, 2, 4]) as tf.Tensor3D, tf.tensor2d([[0, 3]], [1, 2], "int32"));
 * assertAlmostEquals(loss.dataSync()[0]!, Math.log(4), 1e-6);
 * ```
 */
export function toyLMLoss(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const v = logits.shape[2];
    const oh = tf.oneHot(targets.reshape([-1]).cast("int32") as tf.Tensor1D, v);
    return logSoftmax(logits.reshape([-1, v]), -1).mul(oh).sum(-1).mean().neg() as tf.Scalar;
  });
}
