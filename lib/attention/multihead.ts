/**
 * Multi-head attention and its cache-saving variants in plain Float64, with per-head outputs (Su, "The tug-of-war
 * between cache and quality: from MHA, MQA, GQA to MLA", https://kexue.fm/archives/10091).
 *
 * Row vectors throughout: $q_i^{(s)} = x_i W_q^{(s)}$ and
 * $$o_t^{(s)} = \frac{\sum_{i\le t}\exp\big(\lambda\, q_t^{(s)} k_i^{(s)\top}\big) v_i^{(s)}}{\sum_{i\le t}\exp\big(\lambda\, q_t^{(s)} k_i^{(s)\top}\big)}.$$
 * The article omits the scale λ; here it defaults to $1/\sqrt{\text{Q/K head size of the training form}}$ and can be
 * set with `scale` (use 1 for the article's formulas verbatim). Every function returns the h per-head outputs
 * $[o^{(1)}, \dots, o^{(h)}]$ as n×d_v matrices (the output projection is left out). Positions are row indices.
 *
 * - {@link mhaForward}: every head has its own K, V (MHA).
 * - {@link gqaForward}: g groups of heads share K, V (GQA; g = 1 is MQA, g = h is MHA).
 * - {@link mlaTrainForward}: MLA as trained (an MHA whose K, V come from a shared latent $c_i = x_i W_c$).
 * - {@link mlaDecodeForward} / {@link mlaDecode}: MLA decoded token by token as an MQA over the cache of
 *   $[c_i, x_i W_{kr}\mathcal R_i]$ only, with $W_q^{(s)}W_k^{(s)\top}$ absorbed into the query.
 *
 * @module
 */
import { checkMatrix, matmul, type Matrix, matrix, transpose } from "../core/matrix.ts";
import { checkFinite, rangeError, typeError } from "../core/validate.ts";
import { applyRope, applyRopeRows } from "../position/rope.ts";
import type { RopeOption } from "./linear_attention.ts";
import { softmaxAttention } from "./softmax_attention.ts";

/** Projection weights of MHA (h of each) or GQA (h queries, g keys and values): row vectors times W. */
export interface HeadWeights {
  /** Query projections $W_q^{(s)}$, d×d_k each. */
  wq: Matrix[];
  /** Key projections $W_k$, d×d_k each (h for MHA, g for GQA). */
  wk: Matrix[];
  /** Value projections $W_v$, d×d_v each (as many as wk). */
  wv: Matrix[];
}

/** Options of {@link mhaForward} and {@link gqaForward}. */
export type MhaOpts = {
  /** Causal attention (query t sees keys i ≤ t); default true, as for an autoregressive decoder. */
  causal?: boolean;
  /** RoPE on every query and key, $q_i\mathcal R_i$, $k_i\mathcal R_i$ (d_k = 2·invFreq.length). */
  rope?: RopeOption;
  /** Logit scale λ; default $1/\sqrt{d_k}$. */
  scale?: number;
};

/**
 * MLA weights, in the article's names. Without `wcq` the query is computed from x (Parts 1–2); with it from
 * $c'_i = x_i W'_c$ (Part 3). `wqr`/`wkr` are the decoupled RoPE projections (Part 2), used with `decoupledRope`.
 */
export interface MlaWeights {
  /** $W_c$, d×d_c: the shared latent $c_i = x_i W_c$, the only content that decoding caches. */
  wc: Matrix;
  /** $W'_c$, d×d'_c: the query latent $c'_i = x_i W'_c$ (optional). */
  wcq?: Matrix;
  /** $W_{qc}^{(s)}$, (d'_c or d)×d_k, one per head. */
  wq: Matrix[];
  /** $W_{kc}^{(s)}$, d_c×d_k, one per head. */
  wk: Matrix[];
  /** $W_v^{(s)}$, d_c×d_v, one per head. */
  wv: Matrix[];
  /** $W_{qr}^{(s)}$, (d'_c or d)×d_r, one per head (decoupled RoPE query part). */
  wqr?: Matrix[];
  /** $W_{kr}$, d×d_r, shared by all heads (decoupled RoPE key part, cached). */
  wkr?: Matrix;
}

/** Options of {@link mlaTrainForward}. */
export type MlaTrainOpts = {
  /** Decoupled RoPE (eq. of Part 2/3): extra d_r = 2·invFreq.length rotated dims per head; needs wqr and wkr. */
  decoupledRope?: RopeOption;
  /**
   * RoPE on the d_k compressed dims themselves, $q = x W_q\mathcal R_i$, $k = c_i W_k\mathcal R_i$: the variant
   * whose absorption fails (d_k = 2·invFreq.length). Not allowed together with decoupledRope.
   */
  fullRope?: RopeOption;
  /** Causal attention; default true. */
  causal?: boolean;
  /** Logit scale; default $1/\sqrt{d_k + d_r}$. */
  scale?: number;
};

/** Options of {@link mlaDecodeForward} and {@link mlaDecode}. */
export type MlaDecodeOpts = {
  /** Decoupled RoPE, as in {@link MlaTrainOpts}. */
  decoupledRope?: RopeOption;
  /**
   * How the absorbed query $c'_t W_{qc}^{(s)} W_{kc}^{(s)\top}$ is computed: `"merged"` multiplies by the
   * precomputed $W_{qc}^{(s)}W_{kc}^{(s)\top}$ (the article's presentation), `"sequential"` (default) computes
   * $(c'_t W_{qc}^{(s)})W_{kc}^{(s)\top}$ (what the article's remark recommends in practice).
   */
  mergeOrder?: "merged" | "sequential";
  /** Emulate float32: weights, x and every product and sum rounded with Math.fround. Default false. */
  float32?: boolean;
  /** Logit scale; default $1/\sqrt{d_k + d_r}$, the training form's, so that both forms agree. */
  scale?: number;
};

function checkList(where: string, name: string, a: unknown, len?: number): Matrix[] {
  if (!Array.isArray(a)) typeError(where, name, "an array of matrices", a);
  if (a.length === 0) rangeError(where, `${name}.length`, "≥ 1", 0);
  if (len !== undefined && a.length !== len) rangeError(where, `${name}.length`, String(len), a.length);
  return a.map((m, i) => checkMatrix(where, `${name}[${i}]`, m));
}

function checkShape(where: string, name: string, m: Matrix, rows: number, cols?: number): void {
  if (m.rows !== rows || (cols !== undefined && m.cols !== cols)) {
    throw new RangeError(
      `${where}: ${name} shape must be ${rows}×${cols ?? m.cols}, got ${m.rows}×${m.cols}`,
    );
  }
}

function checkX(where: string, x: unknown): Matrix {
  const m = checkMatrix(where, "x", x);
  if (m.rows === 0) rangeError(where, "x.rows", "≥ 1 (a non-empty sequence)", 0);
  return m;
}

function checkRopeDim(where: string, name: string, rope: RopeOption, dim: number): void {
  if (rope === null || typeof rope !== "object" || !(rope.invFreq instanceof Float64Array)) {
    typeError(where, name, "{ invFreq: Float64Array }", rope);
  }
  if (2 * rope.invFreq.length !== dim) {
    rangeError(
      where,
      `${name}.invFreq.length`,
      `half the rotated size ${dim}, i.e. ${dim / 2}`,
      rope.invFreq.length,
    );
  }
}

function rot(m: Matrix, rope: RopeOption | undefined): Matrix {
  return rope ? applyRopeRows(m, rope.invFreq, { layout: rope.layout ?? "interleaved" }) : m;
}

function hcat(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, a.cols + b.cols);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * out.cols);
    out.data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * out.cols + a.cols);
  }
  return out;
}

/**
 * The group that head s uses in GQA, 0-based: the article's $\lceil s g / h\rceil$ for 1-based s, i.e.
 * $\lceil (s+1)g/h\rceil - 1$. Consecutive blocks of h/g heads share a group.
 *
 * @param head the head index s, 0 ≤ s < h
 * @param heads the number of heads h
 * @param groups the number of groups g, a divisor of h
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { headGroup } from "@lib/attention/multihead.ts";
 * assertEquals([0, 1, 2, 3, 4, 5, 6, 7].map((s) => headGroup(s, 8, 2)), [0, 0, 0, 0, 1, 1, 1, 1]);
 * ```
 */
export function headGroup(head: number, heads: number, groups: number): number {
  if (!Number.isInteger(heads) || heads < 1) rangeError("headGroup", "heads", "an integer ≥ 1", heads);
  if (!Number.isInteger(groups) || groups < 1 || heads % groups !== 0) {
    rangeError("headGroup", "groups", `a divisor of heads = ${heads}`, groups);
  }
  if (!Number.isInteger(head) || head < 0 || head >= heads) {
    rangeError("headGroup", "head", `an integer in [0, ${heads - 1}]`, head);
  }
  return Math.ceil(((head + 1) * groups) / heads) - 1;
}

function attendHeads(
  where: string,
  x: Matrix,
  w: HeadWeights,
  groups: number,
  opts: MhaOpts,
): Matrix[] {
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  if (w === null || typeof w !== "object") typeError(where, "w", "{ wq, wk, wv }", w);
  checkX(where, x);
  const wq = checkList(where, "w.wq", w.wq);
  const h = wq.length;
  if (!Number.isInteger(groups) || groups < 1 || h % groups !== 0) {
    rangeError(where, "groups", `a divisor of h = ${h} (the number of query heads)`, groups);
  }
  const wk = checkList(where, "w.wk", w.wk, groups);
  const wv = checkList(where, "w.wv", w.wv, groups);
  const dk = (wq[0] as Matrix).cols, dv = (wv[0] as Matrix).cols;
  wq.forEach((m, s) => checkShape(where, `w.wq[${s}]`, m, x.cols, dk));
  wk.forEach((m, s) => checkShape(where, `w.wk[${s}]`, m, x.cols, dk));
  wv.forEach((m, s) => checkShape(where, `w.wv[${s}]`, m, x.cols, dv));
  if (opts.rope) checkRopeDim(where, "opts.rope", opts.rope, dk);
  const scale = opts.scale === undefined ? 1 / Math.sqrt(dk) : checkFinite(where, "opts.scale", opts.scale);
  const causal = opts.causal ?? true;
  // K and V are computed once per group and shared by the group's heads: that is all GQA/MQA changes.
  const ks = wk.map((m) => rot(matmul(x, m), opts.rope));
  const vs = wv.map((m) => matmul(x, m));
  return wq.map((m, s) => {
    const g = headGroup(s, h, groups);
    return softmaxAttention(rot(matmul(x, m), opts.rope), ks[g] as Matrix, vs[g] as Matrix, {
      scale,
      causal,
    });
  });
}

/**
 * Multi-head attention (MHA), per-head outputs: $o^{(s)} = \mathrm{Attention}(xW_q^{(s)}, xW_k^{(s)}, xW_v^{(s)})$,
 * causal by default, optional RoPE on queries and keys.
 *
 * @param x the input rows $x_1, \dots, x_n$, n×d
 * @param w h query, key and value projections (d×d_k, d×d_k, d×d_v)
 * @param opts `causal` (default true), `rope`, `scale` (default 1/√d_k)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { mhaForward } from "@lib/attention/multihead.ts";
 * const rng = createRng(0), x = gaussianMatrix(5, 6, rng);
 * const heads = () => [gaussianMatrix(6, 3, rng), gaussianMatrix(6, 3, rng)];
 * const out = mhaForward(x, { wq: heads(), wk: heads(), wv: heads() });
 * assertEquals([out.length, out[0]!.rows, out[0]!.cols], [2, 5, 3]);
 * ```
 */
export function mhaForward(x: Matrix, w: HeadWeights, opts: MhaOpts = {}): Matrix[] {
  const h = Array.isArray(w?.wq) ? w.wq.length : 0;
  return attendHeads("mhaForward", x, w, Math.max(h, 1), opts);
}

/**
 * Grouped-query attention (GQA): h query heads, g key/value groups, head s (0-based) uses group
 * {@link headGroup}(s, h, g). g = h is MHA and g = 1 is MQA; the cache holds g keys and values per token.
 *
 * @param x the input rows, n×d
 * @param w h query projections and g key and value projections
 * @param groups g, a divisor of h equal to w.wk.length = w.wv.length
 * @param opts `causal` (default true), `rope`, `scale` (default 1/√d_k)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gqaForward, mhaForward } from "@lib/attention/multihead.ts";
 * const rng = createRng(1), x = gaussianMatrix(4, 6, rng), g = () => gaussianMatrix(6, 2, rng);
 * const wq = [g(), g(), g()], wk = g(), wv = g();
 * const mqa = gqaForward(x, { wq, wk: [wk], wv: [wv] }, 1); // one shared K, V = MQA
 * const mha = mhaForward(x, { wq, wk: [wk, wk, wk], wv: [wv, wv, wv] });
 * assertEquals(mqa, mha);
 * ```
 */
export function gqaForward(x: Matrix, w: HeadWeights, groups: number, opts: MhaOpts = {}): Matrix[] {
  return attendHeads("gqaForward", x, w, groups, opts);
}

/**
 * GQA written as MLA (the article's eq. "GQA is a low-rank projection"): $W_c = [W_k^{(1)}, \dots, W_k^{(g)},
 * W_v^{(1)}, \dots, W_v^{(g)}]$ so that $c_i = x_iW_c \in \mathbb R^{g(d_k+d_v)}$, and per-head 0/1 selection
 * matrices as $W_k^{(s)}, W_v^{(s)}$ that split and replicate $c_i$. MLA generalizes those selections to any
 * linear maps. `mlaTrainForward(x, gqaAsMla(w, g))` equals `gqaForward(x, w, g)`.
 *
 * @param w GQA weights (h queries, g keys and values)
 * @param groups g
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gqaAsMla, gqaForward, mlaTrainForward } from "@lib/attention/multihead.ts";
 * const rng = createRng(2), x = gaussianMatrix(4, 6, rng), g = () => gaussianMatrix(6, 2, rng);
 * const w = { wq: [g(), g()], wk: [g()], wv: [g()] };
 * assertEquals(gqaAsMla(w, 1).wc.cols, 4); // g(d_k + d_v)
 * assertEquals(mlaTrainForward(x, gqaAsMla(w, 1)), gqaForward(x, w, 1));
 * ```
 */
export function gqaAsMla(w: HeadWeights, groups: number): MlaWeights {
  const where = "gqaAsMla";
  if (w === null || typeof w !== "object") typeError(where, "w", "{ wq, wk, wv }", w);
  const wq = checkList(where, "w.wq", w.wq), h = wq.length;
  if (!Number.isInteger(groups) || groups < 1 || h % groups !== 0) {
    rangeError(where, "groups", `a divisor of h = ${h}`, groups);
  }
  const wk = checkList(where, "w.wk", w.wk, groups), wv = checkList(where, "w.wv", w.wv, groups);
  const d = (wq[0] as Matrix).rows, dk = (wk[0] as Matrix).cols, dv = (wv[0] as Matrix).cols;
  [...wk, ...wv].forEach((m, i) => checkShape(where, `w.wk/wv[${i}]`, m, d, i < groups ? dk : dv));
  const dc = groups * (dk + dv);
  const wc = matrix(d, dc);
  for (let r = 0; r < d; r++) {
    wk.forEach((m, j) => wc.data.set(m.data.subarray(r * dk, (r + 1) * dk), r * dc + j * dk));
    wv.forEach((m, j) => wc.data.set(m.data.subarray(r * dv, (r + 1) * dv), r * dc + groups * dk + j * dv));
  }
  const select = (offset: number, size: number) => {
    const m = matrix(dc, size);
    for (let c = 0; c < size; c++) m.data[(offset + c) * size + c] = 1;
    return m;
  };
  return {
    wc,
    wq: wq.slice(),
    wk: wq.map((_, s) => select(headGroup(s, h, groups) * dk, dk)),
    wv: wq.map((_, s) => select(groups * dk + headGroup(s, h, groups) * dv, dv)),
  };
}

interface MlaShapes {
  h: number;
  dk: number;
  dv: number;
  dc: number;
  dr: number;
}

function checkMla(where: string, x: Matrix, w: MlaWeights, rope: RopeOption | undefined): MlaShapes {
  if (w === null || typeof w !== "object") typeError(where, "w", "MlaWeights { wc, wq, wk, wv, … }", w);
  checkX(where, x);
  const d = x.cols;
  const wc = checkMatrix(where, "w.wc", w.wc);
  checkShape(where, "w.wc", wc, d);
  const dc = wc.cols;
  let dq = d;
  if (w.wcq !== undefined) {
    checkShape(where, "w.wcq", checkMatrix(where, "w.wcq", w.wcq), d);
    dq = w.wcq.cols;
  }
  const wq = checkList(where, "w.wq", w.wq), h = wq.length;
  const wk = checkList(where, "w.wk", w.wk, h), wv = checkList(where, "w.wv", w.wv, h);
  const dk = (wq[0] as Matrix).cols, dv = (wv[0] as Matrix).cols;
  wq.forEach((m, s) => checkShape(where, `w.wq[${s}]`, m, dq, dk));
  wk.forEach((m, s) => checkShape(where, `w.wk[${s}]`, m, dc, dk));
  wv.forEach((m, s) => checkShape(where, `w.wv[${s}]`, m, dc, dv));
  let dr = 0;
  if (rope !== undefined) {
    if (w.wqr === undefined || w.wkr === undefined) {
      rangeError(
        where,
        "w.wqr and w.wkr",
        "given with opts.decoupledRope",
        w.wqr === undefined ? "no w.wqr" : "no w.wkr",
      );
    }
    const wkr = checkMatrix(where, "w.wkr", w.wkr);
    checkShape(where, "w.wkr", wkr, d);
    dr = wkr.cols;
    checkList(where, "w.wqr", w.wqr, h).forEach((m, s) => checkShape(where, `w.wqr[${s}]`, m, dq, dr));
    checkRopeDim(where, "opts.decoupledRope", rope, dr);
  } else if (w.wqr !== undefined || w.wkr !== undefined) {
    rangeError(
      where,
      "opts.decoupledRope",
      "given when w.wqr/w.wkr are (they carry the RoPE dims)",
      undefined,
    );
  }
  return { h, dk, dv, dc, dr };
}

/**
 * MLA in its training (MHA) form, per head:
 * $$q_i^{(s)} = \big[c'_iW_{qc}^{(s)},\; c'_iW_{qr}^{(s)}\mathcal R_i\big],\quad
 *   k_i^{(s)} = \big[c_iW_{kc}^{(s)},\; x_iW_{kr}\mathcal R_i\big],\quad v_i^{(s)} = c_iW_v^{(s)},$$
 * with $c_i = x_iW_c$ and $c'_i = x_iW'_c$ (or $x_i$ without `wcq`). Without `decoupledRope` the bracketed RoPE
 * parts are absent (Part 1); `fullRope` instead rotates the d_k compressed dims (the form that cannot be absorbed).
 *
 * @param x the input rows, n×d
 * @param w the MLA weights
 * @param opts `decoupledRope`, `fullRope`, `causal` (default true), `scale` (default 1/√(d_k + d_r))
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { mlaTrainForward } from "@lib/attention/multihead.ts";
 * const rng = createRng(3), x = gaussianMatrix(5, 8, rng);
 * const w = { wc: gaussianMatrix(8, 3, rng), wq: [gaussianMatrix(8, 2, rng)], wk: [gaussianMatrix(3, 2, rng)], wv: [gaussianMatrix(3, 4, rng)] };
 * const [o] = mlaTrainForward(x, w);
 * assertEquals([o!.rows, o!.cols], [5, 4]);
 * ```
 */
export function mlaTrainForward(x: Matrix, w: MlaWeights, opts: MlaTrainOpts = {}): Matrix[] {
  const where = "mlaTrainForward";
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  const { dk, dr } = checkMla(where, x, w, opts.decoupledRope);
  if (opts.fullRope !== undefined) {
    if (opts.decoupledRope !== undefined) {
      throw new RangeError(`${where}: opts.fullRope must not be combined with opts.decoupledRope, got both`);
    }
    checkRopeDim(where, "opts.fullRope", opts.fullRope, dk);
  }
  const scale = opts.scale === undefined
    ? 1 / Math.sqrt(dk + dr)
    : checkFinite(where, "opts.scale", opts.scale);
  const causal = opts.causal ?? true;
  const c = matmul(x, w.wc);
  const cq = w.wcq ? matmul(x, w.wcq) : x;
  const kr = opts.decoupledRope ? rot(matmul(x, w.wkr as Matrix), opts.decoupledRope) : undefined;
  return w.wq.map((wq, s) => {
    let q = rot(matmul(cq, wq), opts.fullRope);
    let k = rot(matmul(c, w.wk[s] as Matrix), opts.fullRope);
    if (kr) {
      q = hcat(q, rot(matmul(cq, (w.wqr as Matrix[])[s] as Matrix), opts.decoupledRope));
      k = hcat(k, kr);
    }
    return softmaxAttention(q, k, matmul(c, w.wv[s] as Matrix), { scale, causal });
  });
}

type Round = (v: number) => number;
const exact: Round = (v) => v;

function roundAll(m: Matrix, r: Round): Matrix {
  return r === exact ? m : { rows: m.rows, cols: m.cols, data: m.data.map(r) };
}

/** Row vector times matrix with every product and partial sum rounded by r. */
function vecMat(v: ArrayLike<number>, m: Matrix, r: Round): Float64Array {
  const out = new Float64Array(m.cols);
  for (let j = 0; j < m.cols; j++) {
    let s = 0;
    for (let k = 0; k < m.rows; k++) s = r(s + r((v[k] as number) * (m.data[k * m.cols + j] as number)));
    out[j] = s;
  }
  return out;
}

function matMatR(a: Matrix, b: Matrix, r: Round): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(vecMat(a.data.subarray(i * a.cols, (i + 1) * a.cols), b, r), i * b.cols);
  }
  return out;
}

/**
 * MLA decoded token by token in its MQA form (the article's last system of equations): the cache holds only
 * $k_i = [c_i,\; x_iW_{kr}\mathcal R_i] \in \mathbb R^{d_c + d_r}$, shared by all heads, and for each new token t
 * $$q_t^{(s)} = \big[c'_tW_{qc}^{(s)}W_{kc}^{(s)\top},\; c'_tW_{qr}^{(s)}\mathcal R_t\big],\qquad
 *   o_t^{(s)} = \Big(\sum_{i\le t} p_{ti}^{(s)} c_i\Big) W_v^{(s)},$$
 * $p^{(s)}_{t\cdot} = \mathrm{softmax}_i(\lambda\, q_t^{(s)} k_i^\top)$. Algebraically equal to
 * {@link mlaTrainForward} (causal) because $(x W_q)(c W_k)^\top = x(W_qW_k^\top)c^\top$ and $W_v$ commutes with
 * the weighted mean. Returns the per-head outputs and the cache.
 *
 * @param x the input rows (tokens in order), n×d
 * @param w the MLA weights
 * @param opts `decoupledRope`, `mergeOrder` (default "sequential"), `float32`, `scale` (default 1/√(d_k + d_r))
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { mlaDecode } from "@lib/attention/multihead.ts";
 * const rng = createRng(4), x = gaussianMatrix(6, 8, rng);
 * const w = { wc: gaussianMatrix(8, 3, rng), wq: [gaussianMatrix(8, 2, rng)], wk: [gaussianMatrix(3, 2, rng)], wv: [gaussianMatrix(3, 4, rng)] };
 * const { outputs, cache } = mlaDecode(x, w);
 * assertEquals([outputs[0]!.rows, outputs[0]!.cols, cache.rows, cache.cols], [6, 4, 6, 3]); // cache: d_c per token
 * ```
 */
export function mlaDecode(
  x: Matrix,
  w: MlaWeights,
  opts: MlaDecodeOpts = {},
): { outputs: Matrix[]; cache: Matrix } {
  const where = "mlaDecode";
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  const { h, dk, dv, dc, dr } = checkMla(where, x, w, opts.decoupledRope);
  const order = opts.mergeOrder ?? "sequential";
  if (order !== "merged" && order !== "sequential") {
    rangeError(where, "opts.mergeOrder", '"merged" or "sequential"', order);
  }
  const scale = opts.scale === undefined
    ? 1 / Math.sqrt(dk + dr)
    : checkFinite(where, "opts.scale", opts.scale);
  const r: Round = opts.float32 ? Math.fround : exact;
  const X = roundAll(x, r), wc = roundAll(w.wc, r), wcq = w.wcq ? roundAll(w.wcq, r) : undefined;
  const wq = w.wq.map((m) => roundAll(m, r)), wk = w.wk.map((m) => roundAll(m, r));
  const wv = w.wv.map((m) => roundAll(m, r)), wqr = w.wqr?.map((m) => roundAll(m, r));
  const wkr = w.wkr ? roundAll(w.wkr, r) : undefined;
  const rope = opts.decoupledRope;
  // The absorbed query maps W_qc W_kcᵀ ((d'_c or d) × d_c), precomputed once for the merged order.
  const wkT = wk.map((m) => transpose(m));
  const merged = order === "merged" ? wq.map((m, s) => matMatR(m, wkT[s] as Matrix, r)) : [];
  const n = X.rows, d = X.cols, width = dc + dr;
  const cache = matrix(n, width);
  const outputs = Array.from({ length: h }, () => matrix(n, dv));
  const logits = new Float64Array(n), mean = new Float64Array(dc);
  for (let t = 0; t < n; t++) {
    const xt = X.data.subarray(t * d, (t + 1) * d);
    cache.data.set(vecMat(xt, wc, r), t * width);
    if (rope && wkr) {
      cache.data.set(applyRope(vecMat(xt, wkr, r), t, rope.invFreq, rope.layout).map(r), t * width + dc);
    }
    const cqt = wcq ? vecMat(xt, wcq, r) : xt;
    for (let s = 0; s < h; s++) {
      const qc = order === "merged"
        ? vecMat(cqt, merged[s] as Matrix, r)
        : vecMat(vecMat(cqt, wq[s] as Matrix, r), wkT[s] as Matrix, r);
      const qt = new Float64Array(width);
      qt.set(qc);
      if (rope && wqr) {
        qt.set(applyRope(vecMat(cqt, wqr[s] as Matrix, r), t, rope.invFreq, rope.layout).map(r), dc);
      }
      let mx = -Infinity;
      for (let i = 0; i <= t; i++) {
        let acc = 0;
        for (let c = 0; c < width; c++) {
          acc = r(acc + r((qt[c] as number) * (cache.data[i * width + c] as number)));
        }
        logits[i] = r(scale * acc);
        mx = Math.max(mx, logits[i] as number);
      }
      let z = 0;
      mean.fill(0);
      for (let i = 0; i <= t; i++) {
        const e = r(Math.exp((logits[i] as number) - mx));
        z = r(z + e);
        for (let c = 0; c < dc; c++) {
          mean[c] = r((mean[c] as number) + r(e * (cache.data[i * width + c] as number)));
        }
      }
      for (let c = 0; c < dc; c++) mean[c] = r((mean[c] as number) / z);
      (outputs[s] as Matrix).data.set(vecMat(mean, wv[s] as Matrix, r), t * dv);
    }
  }
  return { outputs, cache };
}

/**
 * The per-head outputs of {@link mlaDecode} (MLA decoded as an MQA over the cache of $[c_i, x_iW_{kr}\mathcal R_i]$).
 *
 * @param x the input rows, n×d
 * @param w the MLA weights
 * @param opts `decoupledRope`, `mergeOrder`, `float32`, `scale`
 * @example
 * ```ts
 * import { assertLess } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { mlaDecodeForward, mlaTrainForward } from "@lib/attention/multihead.ts";
 * const rng = createRng(5), x = gaussianMatrix(6, 8, rng);
 * const w = { wc: gaussianMatrix(8, 3, rng), wq: [gaussianMatrix(8, 2, rng)], wk: [gaussianMatrix(3, 2, rng)], wv: [gaussianMatrix(3, 4, rng)] };
 * assertLess(maxAbsDiff(mlaDecodeForward(x, w)[0]!.data, mlaTrainForward(x, w)[0]!.data), 1e-12);
 * ```
 */
export function mlaDecodeForward(x: Matrix, w: MlaWeights, opts: MlaDecodeOpts = {}): Matrix[] {
  return mlaDecode(x, w, opts).outputs;
}

/**
 * The absorbed MLA query content part for a batch of query rows, $\tilde q = c' W_{qc} W_{kc}^\top$, computed in
 * one of the two orders of the article's remark: `"merged"` $c'(W_{qc}W_{kc}^\top)$ (costs $d'_c d_c$
 * multiply-adds per row once the product is stored) or `"sequential"` $(c'W_{qc})W_{kc}^\top$ (costs
 * $d_k(d'_c + d_c)$, fewer when $d_k$ is small). Exact arithmetic gives the same result; `float32` rounds every
 * input, product and partial sum with Math.fround to compare the orders' rounding errors.
 *
 * @param cq the query inputs $c'_t$ (or $x_t$), n×d'_c
 * @param wq $W_{qc}$, d'_c×d_k
 * @param wk $W_{kc}$, d_c×d_k
 * @param opts `order` (default "sequential"), `float32` (default false)
 * @example
 * ```ts
 * import { assertLess } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { absorbedQuery } from "@lib/attention/multihead.ts";
 * const rng = createRng(6), c = gaussianMatrix(3, 6, rng), wq = gaussianMatrix(6, 2, rng), wk = gaussianMatrix(4, 2, rng);
 * const a = absorbedQuery(c, wq, wk, { order: "merged" }), b = absorbedQuery(c, wq, wk);
 * assertLess(maxAbsDiff(a.data, b.data), 1e-12); // 3×4 either way
 * ```
 */
export function absorbedQuery(
  cq: Matrix,
  wq: Matrix,
  wk: Matrix,
  opts: { order?: "merged" | "sequential"; float32?: boolean } = {},
): Matrix {
  const where = "absorbedQuery";
  checkMatrix(where, "cq", cq);
  checkMatrix(where, "wq", wq);
  checkMatrix(where, "wk", wk);
  checkShape(where, "wq", wq, cq.cols);
  checkShape(where, "wk", wk, wk.rows, wq.cols);
  const order = opts.order ?? "sequential";
  if (order !== "merged" && order !== "sequential") {
    rangeError(where, "opts.order", '"merged" or "sequential"', order);
  }
  const r: Round = opts.float32 ? Math.fround : exact;
  const a = roundAll(cq, r), q = roundAll(wq, r), kT = transpose(roundAll(wk, r));
  return order === "merged" ? matMatR(a, matMatR(q, kT, r), r) : matMatR(matMatR(a, q, r), kT, r);
}
