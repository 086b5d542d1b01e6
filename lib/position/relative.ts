/**
 * Attention logits of the position encodings surveyed in Su, "Transformer position encodings that have
 * researchers racking their brains" (https://kexue.fm/archives/8130): absolute-additive (BERT/Sinusoidal),
 * classic relative (Shaw et al., NEZHA), XLNet/Transformer-XL, T5 (bucketed bias) and DeBERTa.
 *
 * All of them start from the expansion of the absolute-additive logit (row vectors)
 * $$q_ik_j^\top = x_iW_QW_K^\top x_j^\top + x_iW_QW_K^\top p_j^\top + p_iW_QW_K^\top x_j^\top + p_iW_QW_K^\top p_j^\top$$
 * and replace, drop or keep its four terms. Inputs: `x` is n×d (one token per row), `wq`, `wk` are d×h,
 * `pos` holds the n absolute positions (integers). The relative variants read `pos` only through differences
 * $\mathrm{pos}_i - \mathrm{pos}_j$ (query minus key, the article's $i - j$), so they are translation
 * invariant by construction. Logits are returned unscaled (no $1/\sqrt h$) as an n×n {@link Matrix}.
 *
 * @module
 */
import { checkMatrix, matmul, type Matrix, matrix } from "../core/matrix.ts";
import { checkFinite, checkInt, checkLength, rangeError, typeError } from "../core/validate.ts";
import { sinusoidalEncoding } from "./sinusoidal.ts";

/** Options of {@link t5RelativeBucket} (the defaults are T5's). */
export interface T5BucketOptions {
  /** Separate buckets for keys before and after the query (default true, as in the T5 encoder). */
  bidirectional?: boolean;
  /** Total number of buckets, an even integer ≥ 4 (default 32: 16 per direction when bidirectional). */
  numBuckets?: number;
  /** Distance from which everything shares the last bucket, an integer > the exact range (default 128). */
  maxDistance?: number;
}

/** Requires an integer of any sign. */
function checkInteger(where: string, name: string, x: unknown): number {
  if (typeof x !== "number") typeError(where, name, "an integer", x);
  if (!Number.isInteger(x)) rangeError(where, name, "an integer", x);
  return x;
}

function checkIntArray(where: string, name: string, a: unknown, n: number): Int32Array {
  if (!(a instanceof Int32Array)) typeError(where, name, "an Int32Array", a);
  if (a.length !== n) rangeError(where, `${name}.length`, `${n} (rows of x)`, a.length);
  return a;
}

function checkVec(where: string, name: string, a: unknown, n: number): Float64Array {
  if (!(a instanceof Float64Array)) typeError(where, name, "a Float64Array", a);
  checkLength(where, name, a, n);
  for (let i = 0; i < n; i++) checkFinite(where, `${name}[${i}]`, a[i]);
  return a;
}

/** Checks x (n×d), wq and wk (d×h, same shape) and returns the projections xW_Q, xW_K. */
function project(where: string, x: Matrix, wq: Matrix, wk: Matrix): { q: Matrix; k: Matrix } {
  checkMatrix(where, "x", x);
  checkMatrix(where, "wq", wq);
  checkMatrix(where, "wk", wk);
  if (x.rows < 1) rangeError(where, "x.rows", "≥ 1", x.rows);
  if (wq.rows !== x.cols) rangeError(where, "wq.rows", `${x.cols} (x.cols)`, wq.rows);
  if (wk.rows !== wq.rows || wk.cols !== wq.cols) {
    rangeError(where, "wk", `a ${wq.rows}×${wq.cols} matrix (the shape of wq)`, `${wk.rows}×${wk.cols}`);
  }
  return { q: matmul(x, wq), k: matmul(x, wk) };
}

function checkClipRange(where: string, pmin: number, pmax: number): void {
  checkInteger(where, "pmin", pmin);
  checkInteger(where, "pmax", pmax);
  if (pmin > pmax) rangeError(where, "pmax", `≥ pmin = ${pmin}`, pmax);
}

function rowDot(a: Matrix, i: number, b: Matrix, j: number): number {
  let s = 0;
  for (let c = 0; c < a.cols; c++) {
    s += (a.data[i * a.cols + c] as number) * (b.data[j * b.cols + c] as number);
  }
  return s;
}

/** Row-wise dot of row i of `a` with a plain vector. */
function vecDot(a: Matrix, i: number, v: Float64Array): number {
  let s = 0;
  for (let c = 0; c < a.cols; c++) s += (a.data[i * a.cols + c] as number) * (v[c] as number);
  return s;
}

/**
 * Truncates a relative position to $[p_{\min}, p_{\max}]$:
 * $\mathrm{clip}(i-j, p_{\min}, p_{\max}) = \max(p_{\min}, \min(p_{\max}, i-j))$, so that finitely many
 * learned vectors $p_K[\cdot]$, $p_V[\cdot]$ cover any distance (the article's eq. 6).
 *
 * @param rel the relative position i − j, an integer
 * @param pmin the lower end, an integer ≤ pmax
 * @param pmax the upper end, an integer
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { clipRelative } from "@lib/position/relative.ts";
 * assertEquals(clipRelative(-20, -8, 8), -8);
 * assertEquals(clipRelative(3, -8, 8), 3);
 * ```
 */
export function clipRelative(rel: number, pmin: number, pmax: number): number {
  checkInteger("clipRelative", "rel", rel);
  checkClipRange("clipRelative", pmin, pmax);
  return Math.max(pmin, Math.min(pmax, rel));
}

/**
 * T5's bucket of a relative position (the article's $f(i-j)$ table). With $n = |i-j|$ and $e$ = half of
 * the buckets of one direction: distances $n < e$ get their own bucket, and farther ones share buckets
 * whose width grows geometrically up to `maxDistance`,
 * $$f = e + \Big\lfloor \frac{\ln(n/e)}{\ln(\mathrm{maxDistance}/e)}\,e \Big\rfloor,\ \text{capped at } 2e-1.$$
 * Bidirectional: keys after the query ($i - j < 0$) add $2e$ (16 by default). Unidirectional: keys after
 * the query all map to bucket 0.
 *
 * Sign: `rel` is the article's $i - j$ (query minus key). This equals T5's / HF transformers'
 * `relative_position_bucket(j − i)` (theirs is memory minus context position).
 *
 * @param rel the relative position i − j, an integer
 * @param opts bucket layout; defaults bidirectional, 32 buckets, max distance 128 (T5)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { t5RelativeBucket } from "@lib/position/relative.ts";
 * const f = [0, 7, 8, 11, 12, 16, 23, 30, 31, 32].map((n) => t5RelativeBucket(n));
 * assertEquals(f, [0, 7, 8, 8, 9, 10, 11, 11, 11, 12]);
 * assertEquals(t5RelativeBucket(-3), 19); // key 3 after the query: 16 + 3
 * assertEquals(t5RelativeBucket(1000), 15);
 * ```
 */
export function t5RelativeBucket(rel: number, opts: T5BucketOptions = {}): number {
  const where = "t5RelativeBucket";
  checkInteger(where, "rel", rel);
  const bidirectional = opts.bidirectional ?? true;
  if (typeof bidirectional !== "boolean") typeError(where, "opts.bidirectional", "a boolean", bidirectional);
  const numBuckets = checkInt(where, "opts.numBuckets", opts.numBuckets ?? 32, 4);
  const maxDistance = opts.maxDistance ?? 128;
  let perSide = numBuckets;
  let offset = 0;
  if (bidirectional) {
    if (numBuckets % 2 !== 0) rangeError(where, "opts.numBuckets", "an even integer ≥ 4", numBuckets);
    perSide = numBuckets / 2;
    if (rel < 0) offset = perSide;
  }
  const exact = Math.floor(perSide / 2);
  checkInt(where, "opts.maxDistance", maxDistance, exact + 1);
  const n = bidirectional ? Math.abs(rel) : Math.max(rel, 0);
  if (n < exact) return offset + n;
  const logBucket = Math.floor((Math.log(n / exact) / Math.log(maxDistance / exact)) * (perSide - exact));
  return offset + Math.min(exact + logBucket, perSide - 1);
}

/**
 * The four terms of the absolute-additive logit (the article's eq. 7), each an n×n matrix:
 * input–input $x_iW_QW_K^\top x_j^\top$, input–position $x_iW_QW_K^\top p_j^\top$,
 * position–input $p_iW_QW_K^\top x_j^\top$ and position–position $p_iW_QW_K^\top p_j^\top$.
 * Their sum is {@link absoluteAdditiveLogits}.
 *
 * @param x inputs, n×d
 * @param p position vectors, n×d (row i for token i)
 * @param wq query projection, d×h
 * @param wk key projection, d×h
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { add, gaussianMatrix } from "@lib/core/matrix.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { absoluteAdditiveLogits, qkExpansionTerms } from "@lib/position/relative.ts";
 * const rng = createRng(0);
 * const [x, p, wq, wk] = [4, 4, 3, 3].map((r) => gaussianMatrix(r, 3, rng));
 * const t = qkExpansionTerms(x!, p!, wq!, wk!);
 * const sum = add(add(t.xx, t.xp), add(t.px, t.pp));
 * assert(maxAbsDiff(sum.data, absoluteAdditiveLogits(x!, p!, wq!, wk!).data) < 1e-12);
 * ```
 */
export function qkExpansionTerms(
  x: Matrix,
  p: Matrix,
  wq: Matrix,
  wk: Matrix,
): { xx: Matrix; xp: Matrix; px: Matrix; pp: Matrix } {
  const where = "qkExpansionTerms";
  const { q: xq, k: xk } = project(where, x, wq, wk);
  checkMatrix(where, "p", p);
  if (p.rows !== x.rows || p.cols !== x.cols) {
    rangeError(where, "p", `a ${x.rows}×${x.cols} matrix (the shape of x)`, `${p.rows}×${p.cols}`);
  }
  const pq = matmul(p, wq), pk = matmul(p, wk);
  const n = x.rows;
  const grid = (a: Matrix, b: Matrix) => {
    const out = matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = rowDot(a, i, b, j);
    return out;
  };
  return { xx: grid(xq, xk), xp: grid(xq, pk), px: grid(pq, xk), pp: grid(pq, pk) };
}

/**
 * Absolute-additive logits (the article's eq. 2): $q_ik_j^\top = (x_i+p_i)W_Q\,\big((x_j+p_j)W_K\big)^\top$,
 * with the position vector added to the input before the projections (BERT, Sinusoidal).
 *
 * @param x inputs, n×d
 * @param p position vectors, n×d (row i for token i)
 * @param wq query projection, d×h
 * @param wk key projection, d×h
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { identity, matrix } from "@lib/core/matrix.ts";
 * import { absoluteAdditiveLogits } from "@lib/position/relative.ts";
 * const x = matrix(2, 2, [1, 0, 0, 1]), p = matrix(2, 2, [0, 1, 1, 0]);
 * // x + p = all ones, so every logit is (1,1)·(1,1) = 2
 * assertEquals(Array.from(absoluteAdditiveLogits(x, p, identity(2), identity(2)).data), [2, 2, 2, 2]);
 * ```
 */
export function absoluteAdditiveLogits(x: Matrix, p: Matrix, wq: Matrix, wk: Matrix): Matrix {
  const where = "absoluteAdditiveLogits";
  checkMatrix(where, "x", x);
  checkMatrix(where, "p", p);
  if (p.rows !== x.rows || p.cols !== x.cols) {
    rangeError(where, "p", `a ${x.rows}×${x.cols} matrix (the shape of x)`, `${p.rows}×${p.cols}`);
  }
  const xp = matrix(x.rows, x.cols);
  for (let i = 0; i < xp.data.length; i++) xp.data[i] = (x.data[i] as number) + (p.data[i] as number);
  const { q, k } = project(where, xp, wq, wk);
  const n = x.rows, out = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = rowDot(q, i, k, j);
  return out;
}

/**
 * Classic relative logits (Shaw et al., arXiv 1803.02155; NEZHA; the article's eqs. 4 and 6):
 * $x_iW_Q\,\big(x_jW_K + R^K_{i,j}\big)^\top$ with $R^K_{i,j} = p_K[\mathrm{clip}(i-j, p_{\min}, p_{\max})]$.
 * Row $r$ of `pK` holds the vector of relative position $p_{\min} + r$.
 *
 * @param x inputs, n×d
 * @param pos absolute positions, n integers (only differences are used)
 * @param wq query projection, d×h
 * @param wk key projection, d×h
 * @param pK the learned relative key vectors, (pmax − pmin + 1)×h
 * @param pmin the smallest relative position kept
 * @param pmax the largest relative position kept
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { shawLogits } from "@lib/position/relative.ts";
 * const x = matrix(3, 1, [0, 0, 0]), w = matrix(1, 1, [1]);
 * // zero inputs: every logit is 0 whatever the relative vectors
 * assertEquals(Array.from(shawLogits(x, Int32Array.of(0, 1, 2), w, w, matrix(3, 1, [1, 2, 3]), -1, 1).data), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
 * ```
 */
export function shawLogits(
  x: Matrix,
  pos: Int32Array,
  wq: Matrix,
  wk: Matrix,
  pK: Matrix,
  pmin: number,
  pmax: number,
): Matrix {
  const where = "shawLogits";
  const { q, k } = project(where, x, wq, wk);
  const n = x.rows;
  checkIntArray(where, "pos", pos, n);
  checkClipRange(where, pmin, pmax);
  checkMatrix(where, "pK", pK);
  if (pK.rows !== pmax - pmin + 1 || pK.cols !== wq.cols) {
    rangeError(where, "pK", `a ${pmax - pmin + 1}×${wq.cols} matrix`, `${pK.rows}×${pK.cols}`);
  }
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = Math.max(pmin, Math.min(pmax, (pos[i] as number) - (pos[j] as number))) - pmin;
      out.data[i * n + j] = rowDot(q, i, k, j) + rowDot(q, i, pK, r);
    }
  }
  return out;
}

/**
 * XLNet / Transformer-XL logits (arXiv 1901.02860; the article's eq. 9):
 * $$x_iW_QW_K^\top x_j^\top + x_iW_QW_{K,R}^\top R_{i-j}^\top + uW_K^\top x_j^\top + vW_{K,R}^\top R_{i-j}^\top,$$
 * where $R_{i-j}$ is the Sinusoidal encoding of $i - j$ (not clipped, dimension = `wkr.rows`),
 * $W_{K,R}$ its own key projection, and the trainable $u$, $v$ replace both $p_iW_Q$.
 *
 * @param x inputs, n×d
 * @param pos absolute positions, n integers (only differences are used)
 * @param wq query projection, d×h
 * @param wk key projection, d×h
 * @param wkr projection of the relative encodings, dR×h (dR even)
 * @param u the global content bias, h numbers
 * @param v the global position bias, h numbers
 * @param base the Sinusoidal base of $R_{i-j}$ (default 10000)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { xlnetLogits } from "@lib/position/relative.ts";
 * const x = matrix(2, 1, [0, 0]), w = matrix(1, 1, [1]), wkr = matrix(2, 1, [1, 0]);
 * // only the v term survives: v · (R_{i−j} W_{K,R}) = sin(i − j)
 * const z = xlnetLogits(x, Int32Array.of(0, 1), w, w, wkr, Float64Array.of(0), Float64Array.of(1));
 * assertAlmostEquals(z.data[2]!, Math.sin(1), 1e-15); // i = 1, j = 0
 * ```
 */
export function xlnetLogits(
  x: Matrix,
  pos: Int32Array,
  wq: Matrix,
  wk: Matrix,
  wkr: Matrix,
  u: Float64Array,
  v: Float64Array,
  base = 10000,
): Matrix {
  const where = "xlnetLogits";
  const { q, k } = project(where, x, wq, wk);
  const n = x.rows, h = wq.cols;
  checkIntArray(where, "pos", pos, n);
  checkMatrix(where, "wkr", wkr);
  if (wkr.cols !== h || wkr.rows < 2 || wkr.rows % 2 !== 0) {
    rangeError(where, "wkr", `a dR×${h} matrix with dR even ≥ 2`, `${wkr.rows}×${wkr.cols}`);
  }
  checkVec(where, "u", u, h);
  checkVec(where, "v", v, h);
  const relKey = new Map<number, Float64Array>(); // R_{i−j} W_{K,R}, cached per distance
  const keyOf = (rel: number) => {
    let r = relKey.get(rel);
    if (!r) {
      r = matmul(matrix(1, wkr.rows, sinusoidalEncoding(rel, wkr.rows, base)), wkr).data;
      relKey.set(rel, r);
    }
    return r;
  };
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = keyOf((pos[i] as number) - (pos[j] as number));
      let pos2 = 0, posPos = 0;
      for (let c = 0; c < h; c++) {
        pos2 += (q.data[i * h + c] as number) * (r[c] as number);
        posPos += (v[c] as number) * (r[c] as number);
      }
      out.data[i * n + j] = rowDot(q, i, k, j) + pos2 + vecDot(k, j, u) + posPos;
    }
  }
  return out;
}

/**
 * T5 logits (arXiv 1910.10683; the article's eq. 10): the input–input term plus a learned scalar per
 * bucket, $x_iW_QW_K^\top x_j^\top + \beta_{f(i-j)}$ with $f$ = {@link t5RelativeBucket}.
 *
 * @param x inputs, n×d
 * @param pos absolute positions, n integers (only differences are used)
 * @param wq query projection, d×h
 * @param wk key projection, d×h
 * @param bias the learned bias per bucket, `numBuckets` numbers
 * @param opts bucket layout (defaults: bidirectional, 32 buckets, max distance 128)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { t5Logits } from "@lib/position/relative.ts";
 * const x = matrix(2, 1, [0, 0]), w = matrix(1, 1, [1]);
 * const bias = Float64Array.from({ length: 32 }, (_, b) => b);
 * // zero inputs: the logits are the bucket numbers, f(0) = 0, f(1) = 1, f(−1) = 17
 * assertEquals(Array.from(t5Logits(x, Int32Array.of(5, 6), w, w, bias).data), [0, 17, 1, 0]);
 * ```
 */
export function t5Logits(
  x: Matrix,
  pos: Int32Array,
  wq: Matrix,
  wk: Matrix,
  bias: Float64Array,
  opts: T5BucketOptions = {},
): Matrix {
  const where = "t5Logits";
  const { q, k } = project(where, x, wq, wk);
  const n = x.rows;
  checkIntArray(where, "pos", pos, n);
  checkVec(where, "bias", bias, opts.numBuckets ?? 32);
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const b = t5RelativeBucket((pos[i] as number) - (pos[j] as number), opts);
      out.data[i * n + j] = rowDot(q, i, k, j) + (bias[b] as number);
    }
  }
  return out;
}

/**
 * DeBERTa logits (arXiv 2006.03654; the article's eq. 11): the input–input term and the two cross terms,
 * with clipped relative vectors in place of the absolute ones and no position–position term,
 * $$x_iW_QW_K^\top x_j^\top + x_iW_QW_K^\top R_{i,j}^\top + R_{j,i}W_QW_K^\top x_j^\top,\quad
 * R_{i,j} = p_R[\mathrm{clip}(i-j, p_{\min}, p_{\max})].$$
 * As in the article, the relative vectors live in the input space (d) and share $W_Q$, $W_K$ (the paper
 * gives them separate projections, which changes nothing here). Row $r$ of `pR` is relative position
 * $p_{\min} + r$.
 *
 * @param x inputs, n×d
 * @param pos absolute positions, n integers (only differences are used)
 * @param wq query projection, d×h
 * @param wk key projection, d×h
 * @param pR the relative vectors, (pmax − pmin + 1)×d
 * @param pmin the smallest relative position kept
 * @param pmax the largest relative position kept
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { debertaLogits } from "@lib/position/relative.ts";
 * const x = matrix(2, 1, [1, 1]), w = matrix(1, 1, [1]);
 * const pR = matrix(3, 1, [10, 0, 100]); // relative positions −1, 0, 1
 * // (i, j) = (1, 0): 1 + R_{1,0} + R_{0,1} = 1 + 100 + 10
 * assertEquals(debertaLogits(x, Int32Array.of(0, 1), w, w, pR, -1, 1).data[2], 111);
 * ```
 */
export function debertaLogits(
  x: Matrix,
  pos: Int32Array,
  wq: Matrix,
  wk: Matrix,
  pR: Matrix,
  pmin: number,
  pmax: number,
): Matrix {
  const where = "debertaLogits";
  const { q, k } = project(where, x, wq, wk);
  const n = x.rows;
  checkIntArray(where, "pos", pos, n);
  checkClipRange(where, pmin, pmax);
  checkMatrix(where, "pR", pR);
  if (pR.rows !== pmax - pmin + 1 || pR.cols !== x.cols) {
    rangeError(where, "pR", `a ${pmax - pmin + 1}×${x.cols} matrix`, `${pR.rows}×${pR.cols}`);
  }
  const rq = matmul(pR, wq), rk = matmul(pR, wk); // R W_Q and R W_K for every kept distance
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const rel = (pos[i] as number) - (pos[j] as number);
      const ij = Math.max(pmin, Math.min(pmax, rel)) - pmin;
      const ji = Math.max(pmin, Math.min(pmax, -rel)) - pmin;
      out.data[i * n + j] = rowDot(q, i, k, j) + rowDot(q, i, rk, ij) + rowDot(rq, ji, k, j);
    }
  }
  return out;
}
