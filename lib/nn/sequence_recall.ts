/**
 * Three tiny sequence classifiers for the first-token recall task (`lib/data/synthetic_sequences.ts`), trained
 * with Adam: a tanh RNN, a GRU (both read out from the last state), and one attention layer in which only the
 * last position queries, with learned absolute position embeddings. All share a token embedding $E$ ($V\times d$)
 * and a linear readout to $V$ logits.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { createRng, type Rng } from "../core/rng.ts";
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { firstTokenRecall } from "../data/synthetic_sequences.ts";
import {
  gruForward,
  type GruParams,
  initGru,
  initRnn,
  recurrentVariables,
  rnnForward,
  type RnnParams,
} from "./recurrent.ts";
import { selfAttentionTf } from "./attention_tf.ts";
import { trainSteps } from "./train_loop.ts";

/** The model families compared. */
export type RecallKind = "rnn" | "gru" | "attention";

/** Variables of a recall model (only the ones of its kind are set). */
export interface RecallModel {
  kind: RecallKind;
  /** Token embedding V×d. */
  emb: tf.Variable<tf.Rank.R2>;
  /** Readout d×V and bias 1×V. */
  out: tf.Variable<tf.Rank.R2>;
  outB: tf.Variable<tf.Rank.R2>;
  rnn?: RnnParams;
  gru?: GruParams;
  /** Attention only: position embedding maxLen×d and W_Q, W_K, W_V (d×d). */
  pos?: tf.Variable<tf.Rank.R2>;
  wq?: tf.Variable<tf.Rank.R2>;
  wk?: tf.Variable<tf.Rank.R2>;
  wv?: tf.Variable<tf.Rank.R2>;
}

/** Sizes of a recall model. */
export interface RecallConfig {
  vocab: number;
  d: number;
  /** Longest sequence (attention's position table). */
  maxLen: number;
}

const _KINDS: readonly RecallKind[] = ["rnn", "gru", "attention"];
let _counter = 0;

function _mat(rows: number, cols: number, std: number, rng: Rng, name: string): tf.Variable<tf.Rank.R2> {
  const data = Float32Array.from({ length: rows * cols }, () => std * rng.normal());
  const t = tf.tensor2d(data, [rows, cols]), v = tf.variable(t, true, name);
  t.dispose();
  return v;
}

/**
 * Creates a recall model from a seeded `Rng`: $E\sim N(0,1)$, readout $N(0,1/d)$, recurrent weights as in
 * `initRnn`/`initGru`, attention projections $N(0,1/d)$ and position embeddings $N(0,0.5^2)$.
 *
 * @param kind "rnn", "gru" or "attention"
 * @param cfg `vocab`, `d`, `maxLen`
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecallModel, initRecallModel, recallVariables } from "@lib/nn/sequence_recall.ts";
 * await initTf();
 * const m = initRecallModel("attention", { vocab: 8, d: 4, maxLen: 6 }, createRng(0));
 * assertEquals(recallVariables(m).length, 7);
 * disposeRecallModel(m);
 * ```
 */
export function initRecallModel(kind: RecallKind, cfg: RecallConfig, rng: Rng): RecallModel {
  if (!_KINDS.includes(kind)) rangeError("initRecallModel", "kind", '"rnn", "gru" or "attention"', kind);
  if (cfg === null || typeof cfg !== "object") {
    typeError("initRecallModel", "cfg", "{ vocab, d, maxLen }", cfg);
  }
  const vocab = checkInt("initRecallModel", "cfg.vocab", cfg.vocab, 2);
  const d = checkInt("initRecallModel", "cfg.d", cfg.d, 1);
  const maxLen = checkInt("initRecallModel", "cfg.maxLen", cfg.maxLen, 2);
  if (typeof rng !== "function" || typeof rng.normal !== "function") {
    typeError("initRecallModel", "rng", "an Rng", rng);
  }
  const name = `recall_${kind}_${_counter++}`;
  const m: RecallModel = {
    kind,
    emb: _mat(vocab, d, 1, rng, `${name}/emb`),
    out: _mat(d, vocab, 1 / Math.sqrt(d), rng, `${name}/out`),
    outB: _mat(1, vocab, 0, rng, `${name}/outB`),
  };
  if (kind === "rnn") m.rnn = initRnn(d, d, rng, { name: `${name}/rnn` });
  else if (kind === "gru") m.gru = initGru(d, d, rng, { name: `${name}/gru` });
  else {
    m.pos = _mat(maxLen, d, 0.5, rng, `${name}/pos`);
    m.wq = _mat(d, d, 1 / Math.sqrt(d), rng, `${name}/wq`);
    m.wk = _mat(d, d, 1 / Math.sqrt(d), rng, `${name}/wk`);
    m.wv = _mat(d, d, 1 / Math.sqrt(d), rng, `${name}/wv`);
  }
  return m;
}

/**
 * The trainable variables of a recall model.
 *
 * @param m the model
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecallModel, initRecallModel, recallVariables } from "@lib/nn/sequence_recall.ts";
 * await initTf();
 * const m = initRecallModel("gru", { vocab: 8, d: 4, maxLen: 6 }, createRng(0));
 * assertEquals(recallVariables(m).length, 9);
 * disposeRecallModel(m);
 * ```
 */
export function recallVariables(m: RecallModel): tf.Variable[] {
  if (m === null || typeof m !== "object") typeError("recallVariables", "m", "a RecallModel", m);
  const vs: tf.Variable[] = [m.emb, m.out, m.outB];
  if (m.rnn) vs.push(...recurrentVariables(m.rnn));
  if (m.gru) vs.push(...recurrentVariables(m.gru));
  for (const v of [m.pos, m.wq, m.wk, m.wv]) if (v) vs.push(v);
  return vs;
}

/**
 * Disposes every variable of a recall model.
 *
 * @param m the model
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecallModel, initRecallModel } from "@lib/nn/sequence_recall.ts";
 * await initTf();
 * const n = tf.memory().numTensors;
 * disposeRecallModel(initRecallModel("rnn", { vocab: 8, d: 4, maxLen: 6 }, createRng(0)));
 * assertEquals(tf.memory().numTensors, n);
 * ```
 */
export function disposeRecallModel(m: RecallModel): void {
  for (const v of recallVariables(m)) v.dispose();
}

/**
 * Logits `[B, V]` of a recall model for token ids `[B, T]` (int32), and for attention the last query's weights
 * `[B, T]`. Recurrent models: logits $= h_T W_{out} + b$. Attention: $x_j = E_{id_j} + P_j$,
 * $y = \mathrm{softmax}_j(x_T W_Q\cdot x_j W_K/\sqrt d)\,x_jW_V$, logits $= yW_{out} + b$.
 *
 * @param m the model
 * @param ids token ids `[B, T]`, T ≤ maxLen for attention
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { disposeRecallModel, initRecallModel, recallForward } from "@lib/nn/sequence_recall.ts";
 * await initTf();
 * const m = initRecallModel("attention", { vocab: 8, d: 4, maxLen: 6 }, createRng(0));
 * const { logits, weights } = recallForward(m, tf.tensor2d([[1, 2, 3]], [1, 3], "int32"));
 * assertEquals([logits.shape, weights!.shape], [[1, 8], [1, 3]]);
 * disposeRecallModel(m);
 * ```
 */
export function recallForward(
  m: RecallModel,
  ids: tf.Tensor2D,
): { logits: tf.Tensor2D; weights?: tf.Tensor2D } {
  if (m === null || typeof m !== "object" || !_KINDS.includes(m.kind)) {
    typeError("recallForward", "m", "a RecallModel", m);
  }
  if (!(ids instanceof tf.Tensor) || ids.rank !== 2 || ids.dtype !== "int32") {
    typeError("recallForward", "ids", "an int32 tensor [B, T]", ids);
  }
  const [b, t] = ids.shape;
  if (m.pos && t > m.pos.shape[0]) rangeError("recallForward", "ids", `at most ${m.pos.shape[0]} long`, t);
  return tf.tidy(() => {
    const x = tf.gather(m.emb, ids) as unknown as tf.Tensor3D; // [B, T, d]
    const readout = (h: tf.Tensor2D) => tf.add(tf.matMul(h, m.out), m.outB) as tf.Tensor2D;
    if (m.rnn) return { logits: readout(rnnForward(m.rnn, x).last) };
    if (m.gru) return { logits: readout(gruForward(m.gru, x).last) };
    const xp = tf.add(x, tf.slice(m.pos!, [0, 0], [t, m.pos!.shape[1]])) as tf.Tensor3D;
    const { out, weights } = selfAttentionTf(xp, { wq: m.wq!, wk: m.wk!, wv: m.wv! }, { queryIndex: t - 1 });
    return { logits: readout(tf.reshape(out, [b, -1])), weights: tf.reshape(weights, [b, t]) as tf.Tensor2D };
  });
}

/** Options of {@link trainRecall}. */
export interface TrainRecallOpts {
  vocab: number;
  d: number;
  /** Distance k (sequences have k + 1 tokens). */
  distance: number;
  steps: number;
  batch: number;
  lr: number;
  /** Fresh test sequences for the accuracy (default 256). */
  evalSize?: number;
  seed: number;
  /** Keep the trained model (caller disposes it); default false. */
  keep?: boolean;
}

/**
 * Trains one recall model with Adam on fresh batches (cross-entropy on the first token) and measures its accuracy
 * on `evalSize` fresh sequences. Streams: `seed` → fork "init" for the weights, "data" for training batches,
 * "eval" for the test set.
 *
 * @param kind "rnn", "gru" or "attention"
 * @param o task and training settings
 * @returns the test accuracy, the loss of every step, and (with `keep`) the model
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { trainRecall } from "@lib/nn/sequence_recall.ts";
 * await initTf();
 * const r = trainRecall("gru", { vocab: 4, d: 8, distance: 2, steps: 60, batch: 32, lr: 0.02, seed: 0 });
 * assert(r.accuracy > 0.9);
 * ```
 */
export function trainRecall(
  kind: RecallKind,
  o: TrainRecallOpts,
): { accuracy: number; losses: number[]; model?: RecallModel } {
  if (o === null || typeof o !== "object") typeError("trainRecall", "o", "TrainRecallOpts", o);
  const distance = checkInt("trainRecall", "o.distance", o.distance, 1);
  const batch = checkInt("trainRecall", "o.batch", o.batch, 1);
  const steps = checkInt("trainRecall", "o.steps", o.steps, 1);
  const lr = checkPositive("trainRecall", "o.lr", o.lr);
  const evalSize = checkInt("trainRecall", "o.evalSize", o.evalSize ?? 256, 1);
  const root = createRng(checkInt("trainRecall", "o.seed", o.seed));
  const model = initRecallModel(kind, { vocab: o.vocab, d: o.d, maxLen: distance + 1 }, root.fork("init"));
  const data = root.fork("data");
  const task = { vocab: o.vocab, distance, batch };
  const losses = trainSteps(
    () => {
      const bt = firstTokenRecall(data, task);
      const ids = tf.tensor2d(bt.ids, bt.shape, "int32");
      const labels = tf.oneHot(tf.tensor1d(bt.targets, "int32"), o.vocab);
      return tf.losses.softmaxCrossEntropy(labels, recallForward(model, ids).logits) as tf.Scalar;
    },
    recallVariables(model),
    { steps, lr },
  );
  const test = firstTokenRecall(root.fork("eval"), { ...task, batch: evalSize });
  const pred = tf.tidy(() =>
    tf.argMax(recallForward(model, tf.tensor2d(test.ids, test.shape, "int32")).logits, 1)
  );
  const p = pred.dataSync();
  pred.dispose();
  let hits = 0;
  for (let i = 0; i < evalSize; i++) if (p[i] === test.targets[i]) hits++;
  if (!o.keep) {
    disposeRecallModel(model);
    return { accuracy: hits / evalSize, losses };
  }
  return { accuracy: hits / evalSize, losses, model };
}
