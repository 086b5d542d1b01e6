/**
 * Rotary position embedding (RoPE): relative position encoding realized by an absolute operation
 * (Su, "The Transformer upgrade road 2", https://kexue.fm/archives/8265; RoFormer, arXiv 2104.09864).
 *
 * A vector at position m is rotated pair by pair: pair i turns by the angle $m\theta_i$. Then
 * $(\mathcal R_m q)^\top(\mathcal R_n k) = q^\top \mathcal R_{n-m} k$ depends on m − n only.
 *
 * Two memory layouts of the pairs are supported:
 * - `"interleaved"` (the article, RoFormer): pair i is the dimensions (2i, 2i+1);
 * - `"half"` (GPT-NeoX / LLaMA style `rotate_half`): pair i is the dimensions (i, i + d/2).
 * They are the same operation up to the fixed permutation {@link interleavedToHalfPermutation}.
 *
 * Plain Float64 code for exact references; trained models use a tfjs version (`lib/nn`).
 *
 * @module
 */
import { cabs, type Complex } from "../core/complex.ts";
import { dot, type Matrix, matrix } from "../core/matrix.ts";
import {
  checkFinite,
  checkInt,
  checkLength,
  checkPositive,
  rangeError,
  typeError,
} from "../core/validate.ts";

/** Where the two coordinates of each rotated pair live: (2i, 2i+1) or (i, i + d/2). */
export type RopeLayout = "interleaved" | "half";

function checkLayout(where: string, layout: unknown): RopeLayout {
  if (layout !== "interleaved" && layout !== "half") {
    rangeError(where, "layout", '"interleaved" or "half"', layout);
  }
  return layout;
}

function checkInvFreq(where: string, invFreq: unknown): Float64Array {
  if (!(invFreq instanceof Float64Array)) {
    typeError(where, "invFreq", "a Float64Array (ropeInvFreq)", invFreq);
  }
  if (invFreq.length === 0) rangeError(where, "invFreq.length", "≥ 1", 0);
  for (let i = 0; i < invFreq.length; i++) checkFinite(where, `invFreq[${i}]`, invFreq[i]);
  return invFreq;
}

function checkEvenDim(where: string, name: string, dim: number): number {
  checkInt(where, name, dim, 2);
  if (dim % 2 !== 0) rangeError(where, name, "an even integer ≥ 2", dim);
  return dim;
}

/** Index of the two coordinates of pair i in a vector of dimension 2h. */
function pairIndex(layout: RopeLayout, i: number, h: number): [number, number] {
  return layout === "interleaved" ? [2 * i, 2 * i + 1] : [i, i + h];
}

/**
 * The rotation frequencies $\theta_i = \mathrm{base}^{-2i/d}$, $i = 0, \dots, d/2 - 1$ (the
 * Sinusoidal choice, which the article keeps for RoPE).
 *
 * @param dim the head dimension d, an even integer ≥ 2
 * @param base the base, > 0 (default 10000)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { ropeInvFreq } from "@lib/position/rope.ts";
 * const th = ropeInvFreq(8);
 * assertEquals(th.length, 4);
 * assertEquals(th[0], 1);
 * assertAlmostEquals(th[2]!, 0.01, 1e-15); // 10000^(−4/8)
 * ```
 */
export function ropeInvFreq(dim: number, base = 10000): Float64Array {
  checkEvenDim("ropeInvFreq", "dim", dim);
  checkPositive("ropeInvFreq", "base", base);
  const out = new Float64Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) out[i] = Math.pow(base, (-2 * i) / dim);
  return out;
}

/**
 * Rotates `x` to position `pos`, element-wise (the article's efficient form, no matrix):
 * $$\mathcal R_m q = q \otimes (\cos m\theta_0, \cos m\theta_0, \cos m\theta_1, \cos m\theta_1, \dots)
 *   + (-q_1, q_0, -q_3, q_2, \dots) \otimes (\sin m\theta_0, \sin m\theta_0, \sin m\theta_1, \sin m\theta_1, \dots)$$
 * for the interleaved layout; the `"half"` layout pairs dimension i with i + d/2 instead.
 *
 * @param x the vector, of length d = 2·invFreq.length
 * @param pos the position m (any finite number; fractional positions are allowed)
 * @param invFreq the frequencies θ_i ({@link ropeInvFreq})
 * @param layout `"interleaved"` (default) or `"half"`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { applyRope } from "@lib/position/rope.ts";
 * const y = applyRope([1, 0], 3, new Float64Array([Math.PI / 6])); // turn by 3·30° = 90°
 * assertAlmostEquals(y[0]!, 0, 1e-15);
 * assertAlmostEquals(y[1]!, 1, 1e-15);
 * ```
 */
export function applyRope(
  x: ArrayLike<number>,
  pos: number,
  invFreq: Float64Array,
  layout: RopeLayout = "interleaved",
): Float64Array {
  checkInvFreq("applyRope", invFreq);
  const h = invFreq.length;
  checkLength("applyRope", "x", x, 2 * h);
  checkFinite("applyRope", "pos", pos);
  checkLayout("applyRope", layout);
  const out = new Float64Array(2 * h);
  for (let i = 0; i < h; i++) {
    const a = pos * (invFreq[i] as number);
    const c = Math.cos(a), s = Math.sin(a);
    const [p, q] = pairIndex(layout, i, h);
    const x0 = x[p] as number, x1 = x[q] as number;
    out[p] = x0 * c - x1 * s;
    out[q] = x1 * c + x0 * s;
  }
  return out;
}

/**
 * Rotates every row of `x`: row r goes to position `positions[r]` (default r), i.e. the rows of
 * $(\mathcal R_0 x_0, \mathcal R_1 x_1, \dots)$ — how RoPE is applied to a sequence of queries or keys.
 *
 * @param x an n×d matrix, d = 2·invFreq.length
 * @param invFreq the frequencies θ_i
 * @param opts `positions` (n finite numbers, default 0..n−1) and `layout` (default `"interleaved"`)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { applyRope, applyRopeRows, ropeInvFreq } from "@lib/position/rope.ts";
 * const th = ropeInvFreq(4), x = matrix(2, 4, [1, 2, 3, 4, 5, 6, 7, 8]);
 * const y = applyRopeRows(x, th);
 * assertEquals(Array.from(y.data.slice(4)), Array.from(applyRope([5, 6, 7, 8], 1, th)));
 * ```
 */
export function applyRopeRows(
  x: Matrix,
  invFreq: Float64Array,
  opts: { positions?: ArrayLike<number>; layout?: RopeLayout } = {},
): Matrix {
  if (x === null || typeof x !== "object" || !(x.data instanceof Float64Array)) {
    typeError("applyRopeRows", "x", "a Matrix", x);
  }
  checkInvFreq("applyRopeRows", invFreq);
  if (x.cols !== 2 * invFreq.length) {
    rangeError("applyRopeRows", "x.cols", `2·invFreq.length = ${2 * invFreq.length}`, x.cols);
  }
  const layout = checkLayout("applyRopeRows", opts.layout ?? "interleaved");
  const positions = opts.positions;
  if (positions !== undefined) checkLength("applyRopeRows", "opts.positions", positions, x.rows);
  const out = matrix(x.rows, x.cols);
  for (let r = 0; r < x.rows; r++) {
    const pos = positions === undefined ? r : (positions[r] as number);
    const y = applyRope(x.data.subarray(r * x.cols, (r + 1) * x.cols), pos, invFreq, layout);
    out.data.set(y, r * x.cols);
  }
  return out;
}

/**
 * The full rotation matrix $\mathcal R_m = \mathrm{diag}(R_{m\theta_0}, \dots, R_{m\theta_{d/2-1}})$ with
 * $R_\alpha = \begin{pmatrix}\cos\alpha & -\sin\alpha\\ \sin\alpha & \cos\alpha\end{pmatrix}$ — orthogonal, with
 * $\mathcal R_m^\top \mathcal R_n = \mathcal R_{n-m}$. For checks and plots; apply RoPE with {@link applyRope}.
 *
 * @param pos the position m
 * @param invFreq the frequencies θ_i
 * @param layout `"interleaved"` (block diagonal, default) or `"half"`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ropeMatrix } from "@lib/position/rope.ts";
 * const r = ropeMatrix(1, new Float64Array([Math.PI / 2])); // [[0, −1], [1, 0]]
 * assertAlmostEquals(r.data[1]!, -1, 1e-15);
 * assertAlmostEquals(r.data[2]!, 1, 1e-15);
 * ```
 */
export function ropeMatrix(pos: number, invFreq: Float64Array, layout: RopeLayout = "interleaved"): Matrix {
  checkInvFreq("ropeMatrix", invFreq);
  checkFinite("ropeMatrix", "pos", pos);
  checkLayout("ropeMatrix", layout);
  const h = invFreq.length, d = 2 * h;
  const out = matrix(d, d);
  for (let i = 0; i < h; i++) {
    const a = pos * (invFreq[i] as number);
    const c = Math.cos(a), s = Math.sin(a);
    const [p, q] = pairIndex(layout, i, h);
    out.data[p * d + p] = c;
    out.data[p * d + q] = -s;
    out.data[q * d + p] = s;
    out.data[q * d + q] = c;
  }
  return out;
}

/**
 * The attention score of a query at position m and a key at position n after RoPE,
 * $(\mathcal R_m q)^\top(\mathcal R_n k)$, computed the absolute way (rotate both, then dot) — it equals
 * $q^\top \mathcal R_{n-m} k$, a function of m − n only.
 *
 * @param q the query, length d
 * @param k the key, length d
 * @param m query position
 * @param n key position
 * @param invFreq the frequencies θ_i (d = 2·invFreq.length)
 * @param layout `"interleaved"` (default) or `"half"`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ropeInvFreq, ropeScore } from "@lib/position/rope.ts";
 * const th = ropeInvFreq(4), q = [1, 2, 3, 4], k = [0.5, -1, 2, 0];
 * assertAlmostEquals(ropeScore(q, k, 7, 3, th), ropeScore(q, k, 104, 100, th), 1e-12);
 * ```
 */
export function ropeScore(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  m: number,
  n: number,
  invFreq: Float64Array,
  layout: RopeLayout = "interleaved",
): number {
  return dot(applyRope(q, m, invFreq, layout), applyRope(k, n, invFreq, layout));
}

/**
 * The score of one (q, k) pair at every relative distance r = m − n = 0..maxDist, through the complex
 * form of the article:
 * $$(\mathcal R_m q)^\top(\mathcal R_n k) = \mathrm{Re}\Big[\sum_{i=0}^{d/2-1} q_{[2i:2i+1]}\, k^*_{[2i:2i+1]}\, e^{\mathrm i (m-n)\theta_i}\Big].$$
 * Entry r equals `ropeScore(q, k, r, 0, invFreq)` (interleaved layout).
 *
 * @param q the query, length d
 * @param k the key, length d
 * @param maxDist largest distance, an integer ≥ 0
 * @param invFreq the frequencies θ_i (d = 2·invFreq.length)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ropeInvFreq, ropeScore, ropeScoreCurve } from "@lib/position/rope.ts";
 * const th = ropeInvFreq(4), q = [1, 2, 3, 4], k = [0.5, -1, 2, 0];
 * assertAlmostEquals(ropeScoreCurve(q, k, 10, th)[10]!, ropeScore(q, k, 10, 0, th), 1e-12);
 * ```
 */
export function ropeScoreCurve(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  maxDist: number,
  invFreq: Float64Array,
): Float64Array {
  checkInvFreq("ropeScoreCurve", invFreq);
  const h = invFreq.length;
  checkLength("ropeScoreCurve", "q", q, 2 * h);
  checkLength("ropeScoreCurve", "k", k, 2 * h);
  checkInt("ropeScoreCurve", "maxDist", maxDist);
  // h_i = q_i k_i^* for the complex pairs q_i = q_{2i} + i q_{2i+1}.
  const hr = new Float64Array(h), hi = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    const q0 = q[2 * i] as number, q1 = q[2 * i + 1] as number;
    const k0 = k[2 * i] as number, k1 = k[2 * i + 1] as number;
    hr[i] = q0 * k0 + q1 * k1;
    hi[i] = q1 * k0 - q0 * k1;
  }
  // e^{i r θ_i} by the recurrence z ← z·e^{iθ_i}, re-anchored to exact cos/sin every 32 steps so the
  // rounding drift stays ~1e-15; about 10× faster than calling cos/sin for every (r, i).
  const out = new Float64Array(maxDist + 1);
  for (let i = 0; i < h; i++) {
    const t = invFreq[i] as number, a = hr[i] as number, b = hi[i] as number;
    const wr = Math.cos(t), wi = Math.sin(t);
    let zr = 1, zi = 0;
    for (let r = 0; r <= maxDist; r++) {
      if (r % 32 === 0) {
        zr = Math.cos(r * t);
        zi = Math.sin(r * t);
      }
      out[r] = (out[r] as number) + a * zr - b * zi;
      const nr = zr * wr - zi * wi;
      zi = zr * wi + zi * wr;
      zr = nr;
    }
  }
  return out;
}

/**
 * The long-range decay curve of RoPE: the relative-distance factor of the Abel-summation bound
 * $$\Big|\sum_i h_i e^{\mathrm i r\theta_i}\Big| \le \big(\max_i |h_{i+1}-h_i|\big)\sum_{j=1}^{d/2} |S_j|,\qquad
 *   S_j = \sum_{i=0}^{j-1} e^{\mathrm i r\theta_i},$$
 * normalized as $\frac{1}{d/2}\sum_{j=1}^{d/2}|S_j|$, for r = 0..maxDist. At r = 0 every $|S_j| = j$, so the
 * value is exactly $(d/2 + 1)/2$ (32.5 for d = 128).
 *
 * @param dim the dimension d, an even integer ≥ 2
 * @param maxDist largest relative distance, an integer ≥ 0
 * @param theta the frequencies: a function $(i, d) \mapsto \theta_i$ or an array of d/2 values
 *   (default $\theta_i = 10000^{-2i/d}$)
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { ropeDecayCurve } from "@lib/position/rope.ts";
 * const f = ropeDecayCurve(128, 256);
 * assertEquals(f[0], 32.5);
 * assert(f[256]! < f[1]!);
 * ```
 */
export function ropeDecayCurve(
  dim: number,
  maxDist: number,
  theta?: ((i: number, dim: number) => number) | ArrayLike<number>,
): Float64Array {
  checkEvenDim("ropeDecayCurve", "dim", dim);
  checkInt("ropeDecayCurve", "maxDist", maxDist);
  const h = dim / 2;
  let th: Float64Array;
  if (theta === undefined) th = ropeInvFreq(dim);
  else if (typeof theta === "function") {
    th = new Float64Array(h);
    for (let i = 0; i < h; i++) th[i] = checkFinite("ropeDecayCurve", `theta(${i}, ${dim})`, theta(i, dim));
  } else {
    checkLength("ropeDecayCurve", "theta", theta, h);
    th = Float64Array.from(theta, (v, i) => checkFinite("ropeDecayCurve", `theta[${i}]`, v));
  }
  const out = new Float64Array(maxDist + 1);
  for (let r = 0; r <= maxDist; r++) {
    const s: Complex = { re: 0, im: 0 };
    let total = 0;
    for (let j = 0; j < h; j++) {
      const a = r * (th[j] as number);
      s.re += Math.cos(a);
      s.im += Math.sin(a);
      total += cabs(s);
    }
    out[r] = total / h;
  }
  return out;
}

/**
 * The permutation p that converts the interleaved layout into the half layout: a vector x stored
 * interleaved is stored half-split as $(x_{p_0}, x_{p_1}, \dots) = (x_0, x_2, \dots, x_{d-2}, x_1, x_3, \dots, x_{d-1})$.
 * With it, `applyRope(take(x, p), m, θ, "half")` = `take(applyRope(x, m, θ), p)`.
 *
 * @param dim the dimension d, an even integer ≥ 2
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { interleavedToHalfPermutation } from "@lib/position/rope.ts";
 * assertEquals(Array.from(interleavedToHalfPermutation(6)), [0, 2, 4, 1, 3, 5]);
 * ```
 */
export function interleavedToHalfPermutation(dim: number): Int32Array {
  checkEvenDim("interleavedToHalfPermutation", "dim", dim);
  const h = dim / 2;
  const out = new Int32Array(dim);
  for (let i = 0; i < h; i++) {
    out[i] = 2 * i;
    out[h + i] = 2 * i + 1;
  }
  return out;
}
