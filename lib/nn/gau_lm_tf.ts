/**
 * Two tiny decoder-only language models for T04's comparison of FLASH-Quad with a Transformer at (nearly) equal
 * parameter count (Su, https://kexue.fm/archives/8934):
 * - `"transformer"`: L layers of [single-head softmax attention + ReLU FFN], pre-RMSNorm, RoPE;
 *   a layer has $4d^2 + 2\,\text{ff}\,d$ weights ($12d^2$ at ff = 4d);
 * - `"gau"`: 2L GAU layers (`gauBlockTf`) at e = 2d, relu²/(ns) attention, RoPE on the shared Z, pre-RMSNorm;
 *   a layer has $3de + ds + 4s$ weights.
 * Both embed with a lookup table, end with an RMSNorm and an untied output matrix, and draw every initial weight
 * from a seeded `Rng`.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import type { Rng } from "../core/rng.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import {
  causalMaskTf,
  gauBlockTf,
  type GauTfParams,
  gauTfVariables,
  initGauTf,
  makeVar,
  matMulRows,
  ropeHalfTf,
  ropeTablesTf,
} from "./gau_tf.ts";

/** Configuration of a {@link TinyLM}. */
export interface TinyLMConfig {
  kind: "gau" | "transformer";
  /** Vocabulary size. */
  vocab: number;
  /** Model width d. */
  d: number;
  /** Number of layers (GAU layers for "gau", attention+FFN layers for "transformer"). */
  layers: number;
  /** Training length n (RoPE tables and the causal mask are built for it). */
  seqLen: number;
  /** GAU expanded width (default 2d). */
  e?: number;
  /** GAU attention dimension (default 16). */
  s?: number;
  /** Transformer FFN width (default 4d). */
  ff?: number;
  /** GAU normalization (default "ns"). */
  norm?: "ns" | "n2";
}

/** A tiny LM: its config, its variables, and constant tables. */
export interface TinyLM {
  cfg: Required<TinyLMConfig>;
  embed: tf.Variable;
  out: tf.Variable;
  finalGain: tf.Variable;
  gau: { gain: tf.Variable; p: GauTfParams }[];
  tfm: {
    g1: tf.Variable;
    g2: tf.Variable;
    wq: tf.Variable;
    wk: tf.Variable;
    wv: tf.Variable;
    wo: tf.Variable;
    w1: tf.Variable;
    w2: tf.Variable;
  }[];
  consts: { cos: tf.Tensor2D; sin: tf.Tensor2D; mask: tf.Tensor2D; maskBias: tf.Tensor2D };
}

let _models = 0;

function rmsNorm(x: tf.Tensor3D, gain: tf.Variable): tf.Tensor3D {
  return tf.tidy(() => x.mul(tf.rsqrt(tf.mean(tf.square(x), -1, true).add(1e-6))).mul(gain) as tf.Tensor3D);
}

/**
 * Creates a tiny LM with weights from `rng`: embeddings N(0, 1), projections N(0, 1/fan_in), each residual
 * branch's output projection further × 1/√(number of residual branches).
 *
 * @param cfg the configuration
 * @param rng random source (fork it from the data stream)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeTinyLM, initTinyLM, tinyLMParamCount } from "@lib/nn/gau_lm_tf.ts";
 * await initTf();
 * const m = initTinyLM({ kind: "transformer", vocab: 16, d: 32, layers: 2, seqLen: 64 }, createRng(0));
 * assertEquals(tinyLMParamCount(m), 2 * 12 * 32 * 32 + 2 * 16 * 32 + 5 * 32); // 2 layers, embed + out, 5 gains
 * disposeTinyLM(m);
 * ```
 */
export function initTinyLM(cfg: TinyLMConfig, rng: Rng): TinyLM {
  if (cfg === null || typeof cfg !== "object") typeError("initTinyLM", "cfg", "a TinyLMConfig", cfg);
  if (cfg.kind !== "gau" && cfg.kind !== "transformer") {
    rangeError("initTinyLM", "cfg.kind", '"gau" or "transformer"', cfg.kind);
  }
  const vocab = checkInt("initTinyLM", "cfg.vocab", cfg.vocab, 2);
  const d = checkInt("initTinyLM", "cfg.d", cfg.d, 2);
  const layers = checkInt("initTinyLM", "cfg.layers", cfg.layers, 1);
  const seqLen = checkInt("initTinyLM", "cfg.seqLen", cfg.seqLen, 1);
  const e = checkInt("initTinyLM", "cfg.e", cfg.e ?? 2 * d, 1);
  const s = checkInt("initTinyLM", "cfg.s", cfg.s ?? 16, 2);
  const ff = checkInt("initTinyLM", "cfg.ff", cfg.ff ?? 4 * d, 1);
  const norm = cfg.norm ?? "ns";
  if (d % 2 !== 0 || s % 2 !== 0) rangeError("initTinyLM", "cfg.d and cfg.s", "even (RoPE)", `${d}, ${s}`);
  if (typeof rng !== "function" || typeof rng.normal !== "function") {
    typeError("initTinyLM", "rng", "an Rng", rng);
  }
  const id = `tinylm${_models++}`;
  const full: Required<TinyLMConfig> = { kind: cfg.kind, vocab, d, layers, seqLen, e, s, ff, norm };
  const mat = (rows: number, cols: number, name: string, extra = 1, fanIn = rows) =>
    makeVar(
      tf.tensor2d(
        Float32Array.from({ length: rows * cols }, () => (extra * rng.normal()) / Math.sqrt(fanIn)),
        [
          rows,
          cols,
        ],
      ),
      true,
      name,
    );
  const ones = (name: string) => makeVar(tf.ones([d]), true, name);
  const embed = mat(vocab, d, `${id}/embed`, 1, 1);
  const branches = cfg.kind === "gau" ? layers : 2 * layers;
  const outScale = 1 / Math.sqrt(branches);
  const gau: TinyLM["gau"] = [], tfm: TinyLM["tfm"] = [];
  for (let l = 0; l < layers; l++) {
    if (cfg.kind === "gau") {
      gau.push({
        gain: ones(`${id}/gau${l}/gain`),
        p: initGauTf(d, e, s, rng, { name: `${id}/gau${l}`, outScale }),
      });
    } else {
      tfm.push({
        g1: ones(`${id}/tfm${l}/g1`),
        g2: ones(`${id}/tfm${l}/g2`),
        wq: mat(d, d, `${id}/tfm${l}/wq`),
        wk: mat(d, d, `${id}/tfm${l}/wk`),
        wv: mat(d, d, `${id}/tfm${l}/wv`),
        wo: mat(d, d, `${id}/tfm${l}/wo`, outScale),
        w1: mat(d, ff, `${id}/tfm${l}/w1`),
        w2: mat(ff, d, `${id}/tfm${l}/w2`, outScale),
      });
    }
  }
  const finalGain = ones(`${id}/final/gain`);
  const out = mat(d, vocab, `${id}/out`);
  const rope = ropeTablesTf(seqLen, cfg.kind === "gau" ? s : d);
  const mask = causalMaskTf(seqLen);
  const maskBias = tf.tidy(() => tf.scalar(1).sub(mask).mul(-1e9) as tf.Tensor2D);
  return { cfg: full, embed, out, finalGain, gau, tfm, consts: { ...rope, mask, maskBias } };
}

/**
 * All trainable variables of a tiny LM.
 *
 * @param m the model
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeTinyLM, initTinyLM, tinyLMVariables } from "@lib/nn/gau_lm_tf.ts";
 * await initTf();
 * const m = initTinyLM({ kind: "gau", vocab: 8, d: 8, layers: 2, seqLen: 4, s: 4 }, createRng(0));
 * assertEquals(tinyLMVariables(m).length, 3 + 2 * 9);
 * disposeTinyLM(m);
 * ```
 */
export function tinyLMVariables(m: TinyLM): tf.Variable[] {
  const vars = [m.embed, m.out, m.finalGain];
  for (const g of m.gau) vars.push(g.gain, ...gauTfVariables(g.p));
  for (const t of m.tfm) vars.push(t.g1, t.g2, t.wq, t.wk, t.wv, t.wo, t.w1, t.w2);
  return vars;
}

/**
 * Number of trainable parameters of a tiny LM.
 *
 * @param m the model
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gauParamCount } from "@lib/attention/gau.ts";
 * import { disposeTinyLM, initTinyLM, tinyLMParamCount } from "@lib/nn/gau_lm_tf.ts";
 * await initTf();
 * const m = initTinyLM({ kind: "gau", vocab: 16, d: 32, layers: 4, seqLen: 64, s: 16 }, createRng(0));
 * assertEquals(tinyLMParamCount(m), 4 * (gauParamCount(32, 64, 16) + 32) + 2 * 16 * 32 + 32);
 * disposeTinyLM(m);
 * ```
 */
export function tinyLMParamCount(m: TinyLM): number {
  return tinyLMVariables(m).reduce((a, v) => a + v.size, 0);
}

/**
 * Disposes every variable and constant of a tiny LM.
 *
 * @param m the model
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeTinyLM, initTinyLM } from "@lib/nn/gau_lm_tf.ts";
 * await initTf();
 * const before = tf.memory().numTensors;
 * disposeTinyLM(initTinyLM({ kind: "gau", vocab: 8, d: 8, layers: 1, seqLen: 4, s: 4 }, createRng(0)));
 * assertEquals(tf.memory().numTensors, before);
 * ```
 */
export function disposeTinyLM(m: TinyLM): void {
  tinyLMVariables(m).forEach((v) => v.dispose());
  Object.values(m.consts).forEach((t) => t.dispose());
}

/**
 * Logits [B, n, vocab] of a tiny LM for token ids [B, n] (n = cfg.seqLen), causal.
 *
 * @param m the model
 * @param ids int32 token ids [B, seqLen]
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeTinyLM, initTinyLM, tinyLMForward } from "@lib/nn/gau_lm_tf.ts";
 * await initTf();
 * const m = initTinyLM({ kind: "transformer", vocab: 8, d: 8, layers: 1, seqLen: 4 }, createRng(0));
 * assertEquals(tinyLMForward(m, tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32")).shape, [1, 4, 8]);
 * disposeTinyLM(m);
 * ```
 */
export function tinyLMForward(m: TinyLM, ids: tf.Tensor2D): tf.Tensor3D {
  const { d, seqLen, norm } = m.cfg;
  if (!(ids instanceof tf.Tensor) || ids.rank !== 2 || ids.shape[1] !== seqLen) {
    rangeError(
      "tinyLMForward",
      "ids",
      `an int32 tensor [B, ${seqLen}]`,
      ids instanceof tf.Tensor ? `[${ids.shape}]` : ids,
    );
  }
  const rope = { cos: m.consts.cos, sin: m.consts.sin };
  return tf.tidy(() => {
    let h = tf.gather(m.embed, ids) as tf.Tensor3D;
    for (const g of m.gau) {
      h = h.add(gauBlockTf(rmsNorm(h, g.gain), g.p, { causal: true, norm, rope }));
    }
    for (const t of m.tfm) {
      const x = rmsNorm(h, t.g1);
      const q = ropeHalfTf(matMulRows(x, t.wq as tf.Tensor2D), rope);
      const k = ropeHalfTf(matMulRows(x, t.wk as tf.Tensor2D), rope);
      const v = matMulRows(x, t.wv as tf.Tensor2D);
      const p = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(d)).add(m.consts.maskBias));
      h = h.add(matMulRows(tf.matMul(p as tf.Tensor3D, v), t.wo as tf.Tensor2D));
      const y = tf.relu(matMulRows(rmsNorm(h, t.g2), t.w1 as tf.Tensor2D));
      h = h.add(matMulRows(y, t.w2 as tf.Tensor2D));
    }
    return matMulRows(rmsNorm(h, m.finalGain), m.out as tf.Tensor2D);
  });
}

/**
 * Mean next-token cross-entropy (nats): logits at positions 0..n−2 predict the tokens at 1..n−1.
 *
 * @param logits [B, n, V]
 * @param ids int32 [B, n]
 * @param from first predicting position counted (default 0; use the Markov order to skip unpredictable starts)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { nextTokenLoss } from "@lib/nn/gau_lm_tf.ts";
 * await initTf();
 * const loss = nextTokenLoss(tf.zeros([1, 3, 4]) as tf.Tensor3D, tf.tensor2d([[0, 1, 2]], [1, 3], "int32"));
 * assertAlmostEquals(loss.dataSync()[0]!, Math.log(4), 1e-6); // uniform logits
 * ```
 */
export function nextTokenLoss(logits: tf.Tensor3D, ids: tf.Tensor2D, from = 0): tf.Scalar {
  const [b, n, v] = logits.shape;
  checkInt("nextTokenLoss", "from", from, 0, n - 2);
  return tf.tidy(() => {
    const pred = logits.slice([0, from, 0], [b, n - 1 - from, v]);
    const tgt = ids.slice([0, from + 1], [b, n - 1 - from]);
    const logp = tf.logSoftmax(pred);
    return tf.neg(tf.mean(tf.sum(logp.mul(tf.oneHot(tgt, v)), -1))) as tf.Scalar;
  });
}

/**
 * Next-token accuracy (argmax) of a tiny LM on sequences [B, seqLen] given row-major, over predicting positions
 * from..n−2.
 *
 * @param m the model
 * @param seqs B·seqLen token ids
 * @param from first predicting position counted (default 0)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeTinyLM, initTinyLM, nextTokenAccuracy } from "@lib/nn/gau_lm_tf.ts";
 * await initTf();
 * const m = initTinyLM({ kind: "gau", vocab: 4, d: 4, layers: 1, seqLen: 3, s: 2 }, createRng(0));
 * const acc = nextTokenAccuracy(m, new Int32Array([0, 1, 2, 3, 2, 1]));
 * assert(acc >= 0 && acc <= 1);
 * disposeTinyLM(m);
 * ```
 */
export function nextTokenAccuracy(m: TinyLM, seqs: Int32Array, from = 0): number {
  const n = m.cfg.seqLen;
  if (!(seqs instanceof Int32Array) || seqs.length === 0 || seqs.length % n !== 0) {
    rangeError("nextTokenAccuracy", "seqs.length", `a positive multiple of seqLen = ${n}`, seqs?.length);
  }
  checkInt("nextTokenAccuracy", "from", from, 0, n - 2);
  const b = seqs.length / n;
  const pred = tf.tidy(() => tinyLMForward(m, tf.tensor2d(seqs, [b, n], "int32")).argMax(-1).dataSync());
  let hit = 0, total = 0;
  for (let r = 0; r < b; r++) {
    for (let t = from; t < n - 1; t++) {
      total++;
      if (pred[r * n + t] === seqs[r * n + t + 1]) hit++;
    }
  }
  return hit / total;
}
