/**
 * Exact softmax (dot-product) attention in plain Float64: the reference that the faster or compressed
 * forms in this library are checked against.
 * $$\mathrm{Att}(Q, K, V)_i = \frac{\sum_j \exp(s_{ij})\, v_j}{\sum_j \exp(s_{ij})}, \qquad
 *   s_{ij} = \mathrm{scale}\cdot q_i k_j^\top + b_{ij}.$$
 * Rows are vectors (queries, keys and values are the rows of Q, K, V), as in Su's articles.
 *
 * @module
 */
import { checkMatrix, type Matrix, matrix } from "../core/matrix.ts";
import { checkFinite, checkInt, rangeError, typeError } from "../core/validate.ts";

/** Options of {@link attentionWeights} and {@link softmaxAttention}. */
export type AttnOpts = {
  /** Multiplies the dot products $q_i k_j^\top$; default $1/\sqrt{d}$ with d = q.cols. Use 1 for the articles' "scale omitted". */
  scale?: number;
  /**
   * Query i attends to keys j ≤ i + offset only (offset = `queryOffset`). With fewer queries than keys the
   * queries are the *last* positions, as in decoding with a cache.
   */
  causal?: boolean;
  /** Position of query row 0 among the keys for `causal`; default k.rows − q.rows (the queries are the newest). */
  queryOffset?: number;
  /** Additive bias $b_{ij}$ on the logits (q.rows × k.rows); −∞ entries mask keys out. */
  bias?: Matrix;
};

/**
 * Row-wise softmax $p_{ij} = e^{m_{ij} - \max_k m_{ik}} / \sum_l e^{m_{il} - \max_k m_{ik}}$. Subtracting the row
 * maximum makes it exact for logits of any size (±1000 included) and invariant to adding a constant to a row.
 * Entries may be −∞ (masked: weight 0), but every row needs at least one finite entry.
 *
 * @param m the logits, any n×k matrix with k ≥ 1; entries finite or −∞
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { softmaxRows } from "@lib/attention/softmax_attention.ts";
 * const logits = { rows: 2, cols: 2, data: new Float64Array([1000, 1000, -1000, -Infinity]) }; // −∞ = masked
 * const p = softmaxRows(logits);
 * assertEquals(Array.from(p.data), [0.5, 0.5, 1, 0]);
 * ```
 */
export function softmaxRows(m: Matrix): Matrix {
  checkMatrix("softmaxRows", "m", m);
  if (m.cols === 0) rangeError("softmaxRows", "m.cols", "≥ 1", 0);
  const out = matrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    let mx = -Infinity;
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[o + j] as number;
      if (Number.isNaN(v) || v === Infinity) rangeError("softmaxRows", `m[${i}][${j}]`, "finite or −∞", v);
      if (v > mx) mx = v;
    }
    if (mx === -Infinity) {
      rangeError("softmaxRows", `m row ${i}`, "a row with at least one finite entry", "all −∞");
    }
    let sum = 0;
    for (let j = 0; j < m.cols; j++) {
      const e = Math.exp((m.data[o + j] as number) - mx);
      out.data[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < m.cols; j++) out.data[o + j] = (out.data[o + j] as number) / sum;
  }
  return out;
}

function checkOpts(where: string, q: Matrix, k: Matrix, opts: AttnOpts): { scale: number; offset: number } {
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  checkMatrix(where, "q", q);
  checkMatrix(where, "k", k);
  if (q.cols !== k.cols) rangeError(where, "k.cols", `q.cols = ${q.cols}`, k.cols);
  if (k.rows === 0) rangeError(where, "k.rows", "≥ 1", 0);
  const scale = opts.scale === undefined
    ? 1 / Math.sqrt(Math.max(q.cols, 1))
    : checkFinite(where, "opts.scale", opts.scale);
  let offset = 0;
  if (opts.causal) {
    const def = k.rows - q.rows;
    offset = opts.queryOffset === undefined ? def : checkInt(where, "opts.queryOffset", opts.queryOffset);
    if (offset < 0) {
      rangeError(where, "k.rows", `≥ q.rows = ${q.rows} for causal attention (or a queryOffset ≥ 0)`, k.rows);
    }
    if (offset + q.rows > k.rows) {
      rangeError(where, "opts.queryOffset", `≤ k.rows − q.rows = ${k.rows - q.rows}`, offset);
    }
  } else if (opts.queryOffset !== undefined) {
    rangeError(where, "opts.queryOffset", "used together with opts.causal", opts.queryOffset);
  }
  if (opts.bias !== undefined) {
    checkMatrix(where, "opts.bias", opts.bias);
    if (opts.bias.rows !== q.rows || opts.bias.cols !== k.rows) {
      throw new RangeError(
        `${where}: opts.bias must be a ${q.rows}×${k.rows} matrix (q.rows × k.rows), got ${opts.bias.rows}×${opts.bias.cols}`,
      );
    }
  }
  return { scale, offset };
}

/**
 * The attention matrix $P = \mathrm{softmax}_{\text{rows}}(\mathrm{scale}\cdot QK^\top + B)$, with causal
 * masking $P_{ij} = 0$ for $j > i + \text{offset}$. Every row sums to 1.
 *
 * @param q queries, n×d
 * @param k keys, m×d
 * @param opts `scale` (default 1/√d), `causal`, `queryOffset`, `bias` (see {@link AttnOpts})
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { attentionWeights } from "@lib/attention/softmax_attention.ts";
 * const q = matrix(2, 1, [1, 1]), k = matrix(2, 1, [0, Math.log(3)]);
 * const p = attentionWeights(q, k, { scale: 1, causal: true });
 * assertEquals(Array.from(p.data.slice(0, 2)), [1, 0]); // row 0 sees key 0 only
 * assertAlmostEquals(p.data[3]!, 0.75, 1e-15); // e^{ln 3} / (1 + 3)
 * ```
 */
export function attentionWeights(q: Matrix, k: Matrix, opts: AttnOpts = {}): Matrix {
  const { scale, offset } = checkOpts("attentionWeights", q, k, opts);
  const n = q.rows, m = k.rows, d = q.cols;
  const logits = matrix(n, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (opts.causal && j > i + offset) {
        logits.data[i * m + j] = -Infinity;
        continue;
      }
      let s = 0;
      for (let c = 0; c < d; c++) s += (q.data[i * d + c] as number) * (k.data[j * d + c] as number);
      const b = opts.bias ? (opts.bias.data[i * m + j] as number) : 0;
      if (Number.isNaN(b) || b === Infinity) {
        rangeError("attentionWeights", `opts.bias[${i}][${j}]`, "finite or −∞", b);
      }
      logits.data[i * m + j] = scale * s + b;
    }
  }
  return softmaxRows(logits);
}

/**
 * Softmax attention $O = PV$ with $P$ from {@link attentionWeights}: row i is the weighted mean of the value rows,
 * $o_i = \sum_j P_{ij} v_j$.
 *
 * @param q queries, n×d
 * @param k keys, m×d
 * @param v values, m×d_v
 * @param opts `scale` (default 1/√d), `causal`, `queryOffset`, `bias`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { softmaxAttention } from "@lib/attention/softmax_attention.ts";
 * const q = matrix(1, 1, [1]), k = matrix(2, 1, [0, Math.log(3)]), v = matrix(2, 1, [10, 20]);
 * assertAlmostEquals(softmaxAttention(q, k, v, { scale: 1 }).data[0]!, 17.5, 1e-12); // (10 + 3·20) / 4
 * ```
 */
export function softmaxAttention(q: Matrix, k: Matrix, v: Matrix, opts: AttnOpts = {}): Matrix {
  checkMatrix("softmaxAttention", "v", v);
  checkMatrix("softmaxAttention", "k", k);
  if (v.rows !== k.rows) rangeError("softmaxAttention", "v.rows", `k.rows = ${k.rows}`, v.rows);
  const p = attentionWeights(q, k, opts);
  const n = p.rows, m = p.cols, dv = v.cols;
  const out = matrix(n, dv);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const w = p.data[i * m + j] as number;
      if (w === 0) continue;
      for (let c = 0; c < dv; c++) {
        out.data[i * dv + c] = (out.data[i * dv + c] as number) + w * (v.data[j * dv + c] as number);
      }
    }
  }
  return out;
}
