/**
 * The `zipf-bow` task of the shared optimizer benchmark (X-opt): bags of Zipf-distributed tokens
 * labelled by a random linear teacher.
 *
 * Token frequencies follow $p_k \propto (k+1)^{-s}$ ($k = 0,\dots,V-1$, default $s = 1.1$), so most
 * vocabulary rows are rare — the regime where sign-based optimizers differ most from SGD. Each
 * example is $L$ i.i.d. token ids; the label is
 * $y = \arg\max_c \sum_{j=1}^{L} U_{x_j c}$ with $U_{kc} \sim \mathcal N(0, 1)$, except that the rows of
 * the `nStop` most frequent tokens ("stop words") are zero.
 *
 * Everything is drawn from {@link createRng} streams forked from `seed` ("teacher", "train", "test",
 * "noise"), so the same config always gives the same arrays.
 *
 * @module
 */
import { createRng } from "../core/rng.ts";
import { checkInt, checkPositive, checkRange, rangeError } from "../core/validate.ts";

/** A batch of token bags: `tokens` is row-major `size × seqLen`, `labels` has `size` entries. */
export interface Batch {
  tokens: Int32Array;
  labels: Int32Array;
  size: number;
  seqLen: number;
}

/** Options of {@link makeZipfTask}; every field has the X-opt default. */
export interface ZipfTaskConfig {
  /** data seed (default 0) */
  seed?: number;
  /** vocabulary size V (default 512) */
  vocab?: number;
  /** tokens per example L (default 16) */
  seqLen?: number;
  /** number of classes C (default 8) */
  classes?: number;
  /** training examples (default 16384) */
  nTrain?: number;
  /** test examples (default 4096) */
  nTest?: number;
  /** Zipf exponent s (default 1.1) */
  zipfS?: number;
  /** number of most frequent tokens whose teacher row is zero (default 8) */
  nStop?: number;
  /** probability that a TRAIN label is replaced by a uniform random class (default 0) */
  labelNoise?: number;
}

/** The generated task. `train.labels` may be noisy; `trainClean` holds the noise-free labels. */
export interface ZipfTask {
  train: Batch;
  test: Batch;
  trainClean: Int32Array;
  /** teacher matrix U, row-major V × C */
  teacher: Float64Array;
  /** token probabilities p_k (sum 1) */
  tokenProbs: Float64Array;
  vocab: number;
  classes: number;
}

/**
 * Normalised Zipf probabilities $p_k = (k+1)^{-s} / \sum_j (j+1)^{-s}$.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { zipfProbs } from "@lib/data/zipf_task.ts";
 * const p = zipfProbs(4, 1);
 * assertAlmostEquals(p[0]! / p[3]!, 4, 1e-12);
 * ```
 */
export function zipfProbs(vocab: number, s: number): Float64Array {
  checkInt("zipfProbs", "vocab", vocab, 1);
  checkPositive("zipfProbs", "s", s);
  const p = new Float64Array(vocab);
  let z = 0;
  for (let k = 0; k < vocab; k++) z += p[k] = Math.pow(k + 1, -s);
  for (let k = 0; k < vocab; k++) p[k]! /= z;
  return p;
}

function _sampleTokens(n: number, cdf: Float64Array, rng: () => number): Int32Array {
  const out = new Int32Array(n);
  const last = cdf.length - 1;
  for (let i = 0; i < n; i++) {
    const u = rng();
    let lo = 0, hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo;
  }
  return out;
}

function _teacherLabels(tokens: Int32Array, n: number, L: number, U: Float64Array, C: number): Int32Array {
  const labels = new Int32Array(n);
  const score = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    score.fill(0);
    for (let j = 0; j < L; j++) {
      const row = tokens[i * L + j]! * C;
      for (let c = 0; c < C; c++) score[c]! += U[row + c]!;
    }
    let best = 0;
    for (let c = 1; c < C; c++) if (score[c]! > score[best]!) best = c;
    labels[i] = best;
  }
  return labels;
}

/**
 * Generates the zipf-bow task (X-opt): vocabulary V = 512, L = 16 tokens per example, C = 8 classes,
 * 16384 train and 4096 test examples by default.
 *
 * @param cfg overrides of the defaults, see {@link ZipfTaskConfig}
 * @throws RangeError on a non-integer or out-of-range size, `nStop ≥ vocab`, or `labelNoise ∉ [0, 1]`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * const a = makeZipfTask({ nTrain: 64, nTest: 16 }), b = makeZipfTask({ nTrain: 64, nTest: 16 });
 * assertEquals(a.train.tokens, b.train.tokens);
 * assertEquals(a.train.tokens.length, 64 * 16);
 * ```
 */
export function makeZipfTask(cfg: ZipfTaskConfig = {}): ZipfTask {
  const f = "makeZipfTask";
  const seed = checkInt(f, "seed", cfg.seed ?? 0, 0, 2 ** 32 - 1);
  const V = checkInt(f, "vocab", cfg.vocab ?? 512, 2);
  const L = checkInt(f, "seqLen", cfg.seqLen ?? 16, 1);
  const C = checkInt(f, "classes", cfg.classes ?? 8, 2);
  const nTrain = checkInt(f, "nTrain", cfg.nTrain ?? 16384, 1);
  const nTest = checkInt(f, "nTest", cfg.nTest ?? 4096, 1);
  const s = checkPositive(f, "zipfS", cfg.zipfS ?? 1.1);
  const nStop = checkInt(f, "nStop", cfg.nStop ?? 8, 0);
  if (nStop >= V) rangeError(f, "nStop", `an integer < vocab (${V})`, nStop);
  const q = checkRange(f, "labelNoise", cfg.labelNoise ?? 0, 0, 1);

  const root = createRng(seed);
  const tokenProbs = zipfProbs(V, s);
  const cdf = new Float64Array(V);
  let acc = 0;
  for (let k = 0; k < V; k++) cdf[k] = acc += tokenProbs[k]!;
  cdf[V - 1] = 1;

  const tRng = root.fork("teacher");
  const teacher = new Float64Array(V * C);
  for (let i = nStop * C; i < V * C; i++) teacher[i] = tRng.normal();

  const trainTokens = _sampleTokens(nTrain * L, cdf, root.fork("train"));
  const testTokens = _sampleTokens(nTest * L, cdf, root.fork("test"));
  const trainClean = _teacherLabels(trainTokens, nTrain, L, teacher, C);
  const testLabels = _teacherLabels(testTokens, nTest, L, teacher, C);
  const trainLabels = trainClean.slice();
  if (q > 0) {
    const nRng = root.fork("noise");
    for (let i = 0; i < nTrain; i++) {
      const flip = nRng() < q;
      const c = nRng.int(C);
      if (flip) trainLabels[i] = c;
    }
  }
  return {
    train: { tokens: trainTokens, labels: trainLabels, size: nTrain, seqLen: L },
    test: { tokens: testTokens, labels: testLabels, size: nTest, seqLen: L },
    trainClean,
    teacher,
    tokenProbs,
    vocab: V,
    classes: C,
  };
}

/**
 * The sub-batch of rows `idx` (in that order, repeats allowed).
 *
 * @throws RangeError if an index is outside [0, b.size)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sliceBatch } from "@lib/data/zipf_task.ts";
 * const b = { tokens: Int32Array.from([1, 2, 3, 4, 5, 6]), labels: Int32Array.from([0, 1, 2]), size: 3, seqLen: 2 };
 * const s = sliceBatch(b, Int32Array.from([2, 0]));
 * assertEquals(Array.from(s.tokens), [5, 6, 1, 2]);
 * assertEquals(Array.from(s.labels), [2, 0]);
 * ```
 */
export function sliceBatch(b: Batch, idx: Int32Array): Batch {
  const L = b.seqLen;
  const tokens = new Int32Array(idx.length * L);
  const labels = new Int32Array(idx.length);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    if (!(i >= 0 && i < b.size)) rangeError("sliceBatch", `idx[${r}]`, `in [0, ${b.size})`, i);
    tokens.set(b.tokens.subarray(i * L, i * L + L), r * L);
    labels[r] = b.labels[i]!;
  }
  return { tokens, labels, size: idx.length, seqLen: L };
}

/**
 * Fraction of each class among `labels` (length `classes`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { classBalance } from "@lib/data/zipf_task.ts";
 * assertEquals(Array.from(classBalance(Int32Array.from([0, 1, 1, 1]), 2)), [0.25, 0.75]);
 * ```
 */
export function classBalance(labels: Int32Array, classes: number): Float64Array {
  checkInt("classBalance", "classes", classes, 1);
  const out = new Float64Array(classes);
  for (const y of labels) {
    if (!(y >= 0 && y < classes)) rangeError("classBalance", "label", `in [0, ${classes})`, y);
    out[y]! += 1;
  }
  for (let c = 0; c < classes; c++) out[c]! /= labels.length;
  return out;
}
