/**
 * Two more ways around the n×n softmax that Su compares in "Exploring linear attention: must attention
 * have a softmax?" (https://kexue.fm/archives/7546), in plain Float64 on `Matrix`:
 * - the **double softmax** of Efficient Attention (arXiv 1812.01243),
 *   $\mathrm{Att} = \mathrm{softmax}_2(Q)\,\mathrm{softmax}_1(K)^\top V$, which is O(n);
 * - **Linformer** (arXiv 2006.04768), $\mathrm{softmax}\big(Q(EK)^\top\big)FV$ with $E, F \in \mathbb R^{m\times n}$,
 *   which shortens the key/value sequence to m rows and therefore cannot be causal.
 *
 * It also counts the floats each evaluation order keeps alive ({@link attentionMemoryFloats}). The kernel form
 * and Su's "1 + cos" similarity live in `linear_attention.ts`.
 *
 * @module
 */
import { checkMatrix, matmul, type Matrix, matrix } from "../core/matrix.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { type AttnOpts, softmaxAttention, softmaxRows } from "./softmax_attention.ts";

/** Options of the double-softmax functions. */
export type DoubleSoftmaxOpts = {
  /**
   * Query i sees keys j ≤ i only (needs as many keys as queries). The key softmax over the sequence axis is
   * then taken over the prefix j ≤ i, so every row still sums to 1 and no future key enters the normalizer.
   * Default false.
   */
  causal?: boolean;
};

function checkQK(where: string, q: Matrix, k: Matrix, opts: DoubleSoftmaxOpts): boolean {
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  checkMatrix(where, "q", q);
  checkMatrix(where, "k", k);
  if (q.cols !== k.cols) rangeError(where, "k.cols", `q.cols = ${q.cols}`, k.cols);
  if (q.cols === 0) rangeError(where, "q.cols", "≥ 1", 0);
  if (k.rows === 0) rangeError(where, "k.rows", "≥ 1", 0);
  const causal = opts.causal ?? false;
  if (typeof causal !== "boolean") typeError(where, "opts.causal", "a boolean", causal);
  if (causal && q.rows !== k.rows) rangeError(where, "k.rows", `q.rows = ${q.rows} (causal)`, k.rows);
  for (const [name, m] of [["q", q], ["k", k]] as const) {
    const bad = m.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      rangeError(where, `${name}[${Math.floor(bad / m.cols)}][${bad % m.cols}]`, "finite", m.data[bad]);
    }
  }
  return causal;
}

/**
 * Streams the keys column by column: for each feature c keeps the running maximum $M_c$, the sum
 * $Z_c = \sum_j e^{k_{jc} - M_c}$ and $T_c = \sum_j e^{k_{jc} - M_c} v_j$ (rescaled whenever $M_c$ grows).
 * `visit(i)` is called after key i has been added.
 */
function _streamKeys(
  k: Matrix,
  v: Matrix,
  visit: (i: number, z: Float64Array, t: Float64Array) => void,
): void {
  const d = k.cols, dv = v.cols;
  const mx = new Float64Array(d).fill(-Infinity), z = new Float64Array(d), t = new Float64Array(d * dv);
  for (let j = 0; j < k.rows; j++) {
    for (let c = 0; c < d; c++) {
      const x = k.data[j * d + c] as number;
      if (x > (mx[c] as number)) {
        const r = Math.exp((mx[c] as number) - x); // 0 on the first key
        z[c] = (z[c] as number) * r;
        for (let e = 0; e < dv; e++) t[c * dv + e] = (t[c * dv + e] as number) * r;
        mx[c] = x;
      }
      const w = Math.exp(x - (mx[c] as number));
      z[c] = (z[c] as number) + w;
      for (let e = 0; e < dv; e++) {
        t[c * dv + e] = (t[c * dv + e] as number) + w * (v.data[j * dv + e] as number);
      }
    }
    visit(j, z, t);
  }
}

/**
 * Double-softmax (Efficient Attention) evaluated in O(n·d·d_v):
 * $$\mathrm{Att}(Q, K, V) = \mathrm{softmax}_2(Q)\,\mathrm{softmax}_1(K)^\top V,$$
 * softmax₂ over the feature axis of each query, softmax₁ over the sequence axis of each key feature. Since
 * every row of softmax₂(Q) and every column of softmax₁(K) sums to 1, the implied weights
 * $w_{ij} = \sum_c \mathrm{softmax}_2(Q)_{ic}\,\mathrm{softmax}_1(K)_{jc}$ are ≥ 0 and rows sum to 1 without an
 * explicit denominator. With `causal`, softmax₁ runs over the prefix j ≤ i (a running, max-rescaled sum), so
 * the output at i depends on keys and values 0..i only. Stable for logits of any size.
 *
 * @param q n×d queries
 * @param k m×d keys (m = n when causal)
 * @param v m×d_v values
 * @param opts `causal` (default false)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix, matrix } from "@lib/core/matrix.ts";
 * import { doubleSoftmaxAttention } from "@lib/attention/linear_variants.ts";
 * const rng = createRng(0);
 * const q = gaussianMatrix(5, 3, rng), k = gaussianMatrix(5, 3, rng);
 * const ones = matrix(5, 1, [1, 1, 1, 1, 1]);
 * // weights are a probability distribution per row, so averaging ones gives one
 * assertAlmostEquals(doubleSoftmaxAttention(q, k, ones, { causal: true }).data[2]!, 1, 1e-12);
 * ```
 */
export function doubleSoftmaxAttention(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  opts: DoubleSoftmaxOpts = {},
): Matrix {
  const causal = checkQK("doubleSoftmaxAttention", q, k, opts);
  checkMatrix("doubleSoftmaxAttention", "v", v);
  if (v.rows !== k.rows) rangeError("doubleSoftmaxAttention", "v.rows", `k.rows = ${k.rows}`, v.rows);
  const a = softmaxRows(q), d = q.cols, dv = v.cols, out = matrix(q.rows, dv);
  const read = (i: number, z: Float64Array, t: Float64Array) => {
    for (let c = 0; c < d; c++) {
      const aic = (a.data[i * d + c] as number) / (z[c] as number);
      for (let e = 0; e < dv; e++) {
        out.data[i * dv + e] = (out.data[i * dv + e] as number) + aic * (t[c * dv + e] as number);
      }
    }
  };
  if (causal) _streamKeys(k, v, read);
  else {
    _streamKeys(k, v, (j, z, t) => {
      if (j === k.rows - 1) { for (let i = 0; i < q.rows; i++) read(i, z, t); }
    });
  }
  return out;
}

/**
 * The explicit n×m weight matrix of {@link doubleSoftmaxAttention}, for plots and checks (O(n²d)):
 * $$w_{ij} = \sum_c \frac{e^{q_{ic}}}{\sum_{c'} e^{q_{ic'}}}\cdot\frac{e^{k_{jc}}}{\sum_{j' \in J(i)} e^{k_{j'c}}},\qquad j\in J(i),$$
 * where J(i) is all keys, or j ≤ i when `causal` (then $w_{ij} = 0$ for j > i). Rows sum to 1, entries ≥ 0.
 *
 * @param q n×d queries
 * @param k m×d keys (m = n when causal)
 * @param opts `causal` (default false)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { doubleSoftmaxWeights } from "@lib/attention/linear_variants.ts";
 * // one feature: softmax₂(q) = 1, so w_ij = softmax over keys of k_j
 * const w = doubleSoftmaxWeights(matrix(2, 1, [5, -5]), matrix(2, 1, [0, Math.log(3)]), { causal: true });
 * assertEquals(w.data[0], 1);
 * assertAlmostEquals(w.data[3]!, 0.75, 1e-15);
 * ```
 */
export function doubleSoftmaxWeights(q: Matrix, k: Matrix, opts: DoubleSoftmaxOpts = {}): Matrix {
  const causal = checkQK("doubleSoftmaxWeights", q, k, opts);
  const a = softmaxRows(q), d = q.cols, m = k.rows, w = matrix(q.rows, m);
  // The normalizer of each key feature over the visible keys, shifted by that prefix's maximum.
  const colMax = new Float64Array(d), colSum = new Float64Array(d);
  const normalize = (jmax: number) => {
    colMax.fill(-Infinity);
    colSum.fill(0);
    for (let j = 0; j < jmax; j++) {
      for (let c = 0; c < d; c++) colMax[c] = Math.max(colMax[c] as number, k.data[j * d + c] as number);
    }
    for (let j = 0; j < jmax; j++) {
      for (let c = 0; c < d; c++) {
        colSum[c] = (colSum[c] as number) + Math.exp((k.data[j * d + c] as number) - (colMax[c] as number));
      }
    }
  };
  const fillRow = (i: number, jmax: number) => {
    for (let j = 0; j < jmax; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const b = Math.exp((k.data[j * d + c] as number) - (colMax[c] as number)) / (colSum[c] as number);
        s += (a.data[i * d + c] as number) * b;
      }
      w.data[i * m + j] = s;
    }
  };
  if (causal) {
    for (let i = 0; i < q.rows; i++) {
      normalize(i + 1);
      fillRow(i, i + 1);
    }
  } else {
    normalize(m); // shared by all rows
    for (let i = 0; i < q.rows; i++) fillRow(i, m);
  }
  return w;
}

/**
 * Linformer attention: project the keys and values along the sequence axis, then softmax attention over
 * the m projected rows:
 * $$\mathrm{Att}(Q, K, V) = \mathrm{softmax}\big(\mathrm{scale}\cdot Q(EK)^\top\big)\,FV,\qquad E, F\in\mathbb R^{m\times n}.$$
 * Cost O(n·m·d) instead of O(n²d). Every projected key mixes the whole sequence, so there is no causal
 * version: changing one token changes the outputs at all positions, earlier ones included.
 *
 * @param q n_q×d queries
 * @param k n×d keys
 * @param v n×d_v values
 * @param e m×n key projection
 * @param f m×n value projection
 * @param opts `scale` (default 1/√d, as {@link softmaxAttention}; pass 1 for the article's unscaled form)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix, identity } from "@lib/core/matrix.ts";
 * import { softmaxAttention } from "@lib/attention/softmax_attention.ts";
 * import { linformerAttention } from "@lib/attention/linear_variants.ts";
 * const rng = createRng(2);
 * const q = gaussianMatrix(4, 3, rng), k = gaussianMatrix(4, 3, rng), v = gaussianMatrix(4, 2, rng);
 * // with E = F = I (m = n) Linformer is plain softmax attention
 * const lin = linformerAttention(q, k, v, identity(4), identity(4));
 * assert(maxAbsDiff(lin.data, softmaxAttention(q, k, v).data) < 1e-14);
 * ```
 */
export function linformerAttention(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  e: Matrix,
  f: Matrix,
  opts: Pick<AttnOpts, "scale"> = {},
): Matrix {
  const where = "linformerAttention";
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  for (const [name, m] of [["q", q], ["k", k], ["v", v], ["e", e], ["f", f]] as const) {
    checkMatrix(where, name, m);
  }
  if (v.rows !== k.rows) rangeError(where, "v.rows", `k.rows = ${k.rows}`, v.rows);
  if (e.cols !== k.rows) rangeError(where, "e.cols", `k.rows = ${k.rows} (E is m×n)`, e.cols);
  if (f.cols !== v.rows) rangeError(where, "f.cols", `v.rows = ${v.rows} (F is m×n)`, f.cols);
  if (f.rows !== e.rows) rangeError(where, "f.rows", `e.rows = ${e.rows}`, f.rows);
  if (e.rows === 0) rangeError(where, "e.rows", "≥ 1", 0);
  return softmaxAttention(q, matmul(e, k), matmul(f, v), { scale: opts.scale });
}

/** Floats held by the largest intermediate of each evaluation order (see {@link attentionMemoryFloats}). */
export type AttentionMemory = {
  /** the n×n weight matrix of softmax attention */
  softmax: number;
  /** the d×d_v state $\varphi(K)^\top V$ plus the d-vector $\sum_j\varphi(k_j)$ (non-causal linear, or RNN form) */
  linear: number;
  /** all n prefix states $S_1,\dots,S_n$ of the cumsum form, n·d·d_v */
  cumsum: number;
};

/**
 * Memory of the intermediates, in floats (inputs and outputs not counted): $n^2$ for softmax attention,
 * $d\,d_v + d$ for linear attention (associative or RNN), $n\,d\,d_v$ for the cumsum form. The cumsum form
 * needs more than softmax attention exactly when $d\,d_v > n$ — Su's remark that often $d^2 \gg n$.
 *
 * @param n sequence length (integer ≥ 1)
 * @param d feature size of φ(q), ϕ(k) (integer ≥ 1)
 * @param dv value size (default d)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { attentionMemoryFloats } from "@lib/attention/linear_variants.ts";
 * assertEquals(attentionMemoryFloats(1024, 64), { softmax: 1048576, linear: 4160, cumsum: 4194304 });
 * ```
 */
export function attentionMemoryFloats(n: number, d: number, dv: number = d): AttentionMemory {
  checkInt("attentionMemoryFloats", "n", n, 1);
  checkInt("attentionMemoryFloats", "d", d, 1);
  checkInt("attentionMemoryFloats", "dv", dv, 1);
  return { softmax: n * n, linear: d * dv + d, cumsum: n * d * dv };
}
