/**
 * QueryNorm, KeyNorm and cosine attention (Su, "Transformer upgrade road 15: normalizing keys helps length
 * extrapolation", https://kexue.fm/archives/9859), in plain Float64 on {@link Matrix} rows. The attention logit
 * of query i and key j is
 * $$s_{ij} = \begin{cases} q_i^\top k_j/\sqrt d & \text{sdpa}\\ \tilde q_i^\top k_j & \text{qna}\\
 *   q_i^\top\tilde k_j & \text{kna}\\ \lambda\,\tilde q_i^\top\tilde k_j = \lambda\cos(q_i,k_j) & \text{cosa}
 *   \end{cases}\qquad \tilde x = x/\|x\|,$$
 * with λ = 4 ln n for cosine attention. Because $\|q\|\approx\|k\|\approx\sqrt d$ for entries of unit variance,
 * all four agree in scale at initialization. {@link qkGeometry} splits trained scores
 * $s = \|q\|\,\|k\|\cos(q,k)$ into their norm and angle parts, for the article's mechanism conjecture.
 *
 * @module
 */
import { checkMatrix, type Matrix, matrix } from "../core/matrix.ts";
import { checkFinite, checkPositive, rangeError } from "../core/validate.ts";

/** The four logit rules of {@link attentionLogits}. */
export type QKMode = "sdpa" | "qna" | "kna" | "cosa";

const MODES: readonly QKMode[] = ["sdpa", "qna", "kna", "cosa"];

/**
 * Each row divided by its Euclidean norm, $x/\sqrt{\|x\|^2 + \epsilon}$ (a zero row stays zero, finite).
 *
 * @param x rows to normalize
 * @param eps added to the squared norm (default 1e-30)
 * @returns a new matrix with unit rows
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { fromRows } from "@lib/core/matrix.ts";
 * import { l2NormalizeRows } from "@lib/attention/qk_norm.ts";
 * const u = l2NormalizeRows(fromRows([[3, 4]]));
 * assertAlmostEquals(u.data[0]!, 0.6, 1e-15);
 * assertAlmostEquals(u.data[1]!, 0.8, 1e-15);
 * ```
 */
export function l2NormalizeRows(x: Matrix, eps = 1e-30): Matrix {
  checkMatrix("l2NormalizeRows", "x", x);
  if (!(checkFinite("l2NormalizeRows", "eps", eps) >= 0)) rangeError("l2NormalizeRows", "eps", "≥ 0", eps);
  const out = matrix(x.rows, x.cols);
  for (let r = 0; r < x.rows; r++) {
    let ss = 0;
    for (let c = 0; c < x.cols; c++) ss += (x.data[r * x.cols + c] as number) ** 2;
    const inv = ss + eps > 0 ? 1 / Math.sqrt(ss + eps) : 0;
    for (let c = 0; c < x.cols; c++) out.data[r * x.cols + c] = (x.data[r * x.cols + c] as number) * inv;
  }
  return out;
}

/**
 * The cosine-attention scale λ = coef · ln n (Su's 4 ln n; n is half the training length, or position + 1).
 *
 * @param n the context size n ≥ 2
 * @param coef the coefficient (default 4; T12's gradient argument gives ≈ 3.5)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { cosaLambda } from "@lib/attention/qk_norm.ts";
 * assertAlmostEquals(cosaLambda(256), 4 * Math.log(256), 1e-12); // 22.18
 * ```
 */
export function cosaLambda(n: number, coef = 4): number {
  if (!(checkFinite("cosaLambda", "n", n) >= 2)) rangeError("cosaLambda", "n", "≥ 2", n);
  return checkPositive("cosaLambda", "coef", coef) * Math.log(n);
}

/**
 * Attention logits [m × n] of queries q (m × d) and keys k (n × d) under one of the four rules of the module
 * doc: sdpa uses 1/√d, QNA and KNA normalize one side and use no scale, CosA normalizes both and multiplies by λ.
 * With `causal`, entries with key index > query index are −∞.
 *
 * @param q queries, one per row
 * @param k keys, one per row (same width as q)
 * @param mode "sdpa" | "qna" | "kna" | "cosa"
 * @param opts `lambda` (CosA's scale, default {@link cosaLambda}(max(2, n))) and `causal`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { fromRows } from "@lib/core/matrix.ts";
 * import { attentionLogits } from "@lib/attention/qk_norm.ts";
 * const q = fromRows([[1, 2]]), k = fromRows([[3, 4]]);
 * assertAlmostEquals(attentionLogits(q, k, "sdpa").data[0]!, 11 / Math.SQRT2, 1e-12);
 * assertAlmostEquals(attentionLogits(q, k, "kna").data[0]!, 11 / 5, 1e-12);
 * assertAlmostEquals(attentionLogits(q, k, "cosa", { lambda: 2 }).data[0]!, (2 * 11) / (5 * Math.sqrt(5)), 1e-12);
 * ```
 */
export function attentionLogits(
  q: Matrix,
  k: Matrix,
  mode: QKMode,
  opts: { lambda?: number; causal?: boolean } = {},
): Matrix {
  const where = "attentionLogits";
  checkMatrix(where, "q", q);
  checkMatrix(where, "k", k);
  if (q.cols !== k.cols) rangeError(where, "k.cols", `q.cols = ${q.cols}`, k.cols);
  if (!MODES.includes(mode)) rangeError(where, "mode", MODES.join(" | "), mode);
  const d = q.cols;
  const qq = mode === "qna" || mode === "cosa" ? l2NormalizeRows(q) : q;
  const kk = mode === "kna" || mode === "cosa" ? l2NormalizeRows(k) : k;
  let scale = 1;
  if (mode === "sdpa") scale = 1 / Math.sqrt(d);
  if (mode === "cosa") {
    scale = opts.lambda === undefined
      ? cosaLambda(Math.max(2, k.rows))
      : checkPositive(where, "opts.lambda", opts.lambda);
  }
  const out = matrix(q.rows, k.rows);
  for (let i = 0; i < q.rows; i++) {
    for (let j = 0; j < k.rows; j++) {
      if (opts.causal && j > i) {
        out.data[i * k.rows + j] = -Infinity;
        continue;
      }
      let s = 0;
      for (let c = 0; c < d; c++) s += (qq.data[i * d + c] as number) * (kk.data[j * d + c] as number);
      out.data[i * k.rows + j] = scale * s;
    }
  }
  return out;
}

/** Norm and angle statistics of one attention head (see {@link qkGeometry}). */
export interface QKGeometry {
  /** Coefficient of variation std/mean of ‖k_j‖ over the key rows (0 under KeyNorm). */
  keyNormCV: number;
  /** Coefficient of variation of ‖q_i‖ over the query rows. */
  queryNormCV: number;
  /** Mean of cos(q_i, k_j) over the pairs used. */
  cosMean: number;
  /** Standard deviation of cos(q_i, k_j) over the pairs used. */
  cosStd: number;
  /** Number of (i, j) pairs used. */
  pairs: number;
}

function cv(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  return m > 0 ? Math.sqrt(v) / m : 0;
}

/**
 * Splits the scores $s_{ij} = \|q_i\|\,\|k_j\|\cos(q_i,k_j)$ of one head into the spread of the norms and the
 * spread of the angles: the coefficient of variation of ‖k_j‖ and ‖q_i‖, and the mean and standard deviation of
 * cos(q_i, k_j) over all pairs (or only j ≤ i with `causal`, for q and k of the same sequence).
 *
 * @param q queries [T × d]
 * @param k keys [T' × d]
 * @param opts `causal`: use only pairs j ≤ i (needs T = T')
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { fromRows } from "@lib/core/matrix.ts";
 * import { qkGeometry } from "@lib/attention/qk_norm.ts";
 * const g = qkGeometry(fromRows([[1, 0], [0, 1]]), fromRows([[2, 0], [0, 2]]), { causal: true });
 * assertAlmostEquals(g.keyNormCV, 0, 1e-15);
 * assertAlmostEquals(g.cosMean, 2 / 3, 1e-15); // pairs (0,0)=1, (1,0)=0, (1,1)=1
 * ```
 */
export function qkGeometry(q: Matrix, k: Matrix, opts: { causal?: boolean } = {}): QKGeometry {
  const where = "qkGeometry";
  checkMatrix(where, "q", q);
  checkMatrix(where, "k", k);
  if (q.cols !== k.cols) rangeError(where, "k.cols", `q.cols = ${q.cols}`, k.cols);
  if (q.rows < 1 || k.rows < 1) rangeError(where, "q.rows and k.rows", "≥ 1", Math.min(q.rows, k.rows));
  if (opts.causal && q.rows !== k.rows) rangeError(where, "k.rows (causal)", `q.rows = ${q.rows}`, k.rows);
  const norms = (m: Matrix) =>
    Array.from({ length: m.rows }, (_, r) => Math.hypot(...m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  const qn = l2NormalizeRows(q), kn = l2NormalizeRows(k), d = q.cols;
  let s1 = 0, s2 = 0, n = 0;
  for (let i = 0; i < q.rows; i++) {
    for (let j = 0; j < (opts.causal ? i + 1 : k.rows); j++) {
      let c = 0;
      for (let t = 0; t < d; t++) c += (qn.data[i * d + t] as number) * (kn.data[j * d + t] as number);
      s1 += c;
      s2 += c * c;
      n++;
    }
  }
  const mean = s1 / n;
  return {
    keyNormCV: cv(norms(k)),
    queryNormCV: cv(norms(q)),
    cosMean: mean,
    cosStd: Math.sqrt(Math.max(0, s2 / n - mean * mean)),
    pairs: n,
  };
}
