/**
 * Gated Attention Unit (GAU) and FLASH's mixed chunk attention, in plain Float64 on `Matrix`
 * (Su, "FLASH: possibly the most interesting efficient Transformer design lately",
 * https://kexue.fm/archives/8934; Hua, Dai, Liu, Le, "Transformer Quality in Linear Time", arXiv 2202.10447).
 *
 * A GAU fuses attention and a GLU feed-forward layer into one:
 * $$O = (U \odot A V) W_o,\quad U = \phi_u(XW_u),\ V = \phi_v(XW_v),\quad
 *   A = \frac{1}{ns}\,\mathrm{relu}^2\big(\mathcal Q(Z)\mathcal K(Z)^\top\big),\ Z = \phi_z(XW_z),$$
 * with Swish for every φ and $\mathcal Q, \mathcal K$ per-dimension scale-and-offset maps. FLASH splits the
 * sequence into chunks of size c: quadratic relu² attention inside a chunk, linear attention across chunks.
 *
 * Rows are tokens (X is n×d), as in the article. These functions are exact references for the tfjs block in
 * `lib/nn/gau_tf.ts` and for the notebook's identities; they are O(n²) or O(nc) loops, meant for n ≲ 1000.
 *
 * @module
 */
import { checkMatrix, matmul, type Matrix, matrix } from "../core/matrix.ts";
import type { Rng } from "../core/rng.ts";
import { checkInt, checkLength, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { applyRopeRows } from "../position/rope.ts";
import { attentionWeights } from "./softmax_attention.ts";

/** A per-dimension affine map $z \mapsto z \odot \gamma + \beta$ (like LayerNorm's γ, β). */
export interface AffineMap {
  /** γ, length s. */
  scale: Float64Array;
  /** β, length s. */
  bias: Float64Array;
}

/** The weights of one GAU: projections $W_u, W_v$ (d×e), $W_z$ (d×s), $W_o$ (e×d) and the affine maps of Q, K. */
export interface GauParams {
  wu: Matrix;
  wv: Matrix;
  wz: Matrix;
  wo: Matrix;
  qScale: Float64Array;
  qBias: Float64Array;
  kScale: Float64Array;
  kBias: Float64Array;
}

/** The four affine maps of mixed chunk attention: $Q^{quad}, K^{quad}, Q^{lin}, K^{lin}$ of the shared Z. */
export interface MixedChunkParams {
  quadQ: AffineMap;
  quadK: AffineMap;
  linQ: AffineMap;
  linK: AffineMap;
}

/** Normalization of the relu² attention matrix: $1/(ns)$ (the article) or $1/n^2$ (the paper's appendix code). */
export type GauNorm = "ns" | "n2";

/**
 * Normalizer of the causal inter-chunk (linear) term for chunk g (1-based) of a sequence of n tokens in chunks of c:
 * - `"printed"`: $(g-1)\,n/c$, the formula as printed in the article (eq. 9);
 * - `"tokens"`: $(g-1)\,c$, the number of tokens actually summed (Su's "divide the first t terms by t");
 * - `"n"`: $n$, what Su says the paper's appendix code does for the decoder.
 */
export type LinNorm = "printed" | "tokens" | "n";

/**
 * Swish (SiLU) $\phi(x) = x\,\sigma(x) = x/(1 + e^{-x})$, the activation the paper uses for U, V and Z.
 *
 * @param x any finite number
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { swish } from "@lib/attention/gau.ts";
 * assertAlmostEquals(swish(0), 0, 0);
 * assertAlmostEquals(swish(1), 1 / (1 + Math.exp(-1)), 1e-15);
 * ```
 */
export function swish(x: number): number {
  return x >= 0 ? x / (1 + Math.exp(-x)) : (x * Math.exp(x)) / (1 + Math.exp(x));
}

/**
 * $\mathrm{relu}^2(x) = \max(x, 0)^2$, Primer's activation, used by GAU in place of softmax.
 *
 * @param x any number
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { relu2 } from "@lib/attention/gau.ts";
 * assertEquals([relu2(-2), relu2(3)], [0, 9]);
 * ```
 */
export function relu2(x: number): number {
  return x > 0 ? x * x : 0;
}

function mapRows(m: Matrix, f: (x: number) => number): Matrix {
  const out = matrix(m.rows, m.cols);
  for (let i = 0; i < m.data.length; i++) out.data[i] = f(m.data[i] as number);
  return out;
}

function hadamard(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = (a.data[i] as number) * (b.data[i] as number);
  return out;
}

function checkDims(where: string, name: string, m: Matrix, rows: number, cols: number): void {
  if (m.rows !== rows || m.cols !== cols) {
    rangeError(where, name, `a ${rows}×${cols} matrix`, `${m.rows}×${m.cols}`);
  }
}

/**
 * Applies the per-dimension affine map $z \mapsto z\odot\gamma + \beta$ to every row of z.
 *
 * @param z an n×s matrix
 * @param map γ and β, each of length s
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { affineRows } from "@lib/attention/gau.ts";
 * const y = affineRows(matrix(1, 2, [1, 2]), { scale: new Float64Array([2, 3]), bias: new Float64Array([1, 0]) });
 * assertEquals(Array.from(y.data), [3, 6]);
 * ```
 */
export function affineRows(z: Matrix, map: AffineMap): Matrix {
  checkMatrix("affineRows", "z", z);
  checkLength("affineRows", "map.scale", map?.scale ?? [], z.cols);
  checkLength("affineRows", "map.bias", map.bias ?? [], z.cols);
  const out = matrix(z.rows, z.cols);
  for (let i = 0; i < z.rows; i++) {
    for (let c = 0; c < z.cols; c++) {
      const k = i * z.cols + c;
      out.data[k] = (z.data[k] as number) * (map.scale[c] as number) + (map.bias[c] as number);
    }
  }
  return out;
}

/**
 * Random GAU weights: projections N(0, 1/fan_in), affine scales 1 + 0.1·N(0, 1), offsets 0.1·N(0, 1).
 *
 * @param d model width
 * @param e expanded width (the paper uses e = 2d)
 * @param s shared attention dimension (the paper uses s = 128)
 * @param rng random source ({@link createRng})
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { initGauParams } from "@lib/attention/gau.ts";
 * const p = initGauParams(8, 16, 4, createRng(0));
 * assertEquals([p.wu.rows, p.wu.cols, p.wz.cols, p.wo.rows, p.qScale.length], [8, 16, 4, 16, 4]);
 * ```
 */
export function initGauParams(d: number, e: number, s: number, rng: Rng): GauParams {
  checkInt("initGauParams", "d", d, 1);
  checkInt("initGauParams", "e", e, 1);
  checkInt("initGauParams", "s", s, 1);
  const r = rng;
  if (typeof r !== "function" || typeof r.normal !== "function") {
    typeError("initGauParams", "rng", "an Rng", rng);
  }
  const gauss = (rows: number, cols: number) =>
    matrix(rows, cols, Float64Array.from({ length: rows * cols }, () => r.normal() / Math.sqrt(rows)));
  const vec = (mean: number) => Float64Array.from({ length: s }, () => mean + 0.1 * r.normal());
  return {
    wu: gauss(d, e),
    wv: gauss(d, e),
    wz: gauss(d, s),
    wo: gauss(e, d),
    qScale: vec(1),
    qBias: vec(0),
    kScale: vec(1),
    kBias: vec(0),
  };
}

/**
 * The three projections of a GAU: $U = \phi(XW_u)$, $V = \phi(XW_v)$, $Z = \phi(XW_z)$ with φ = Swish.
 *
 * @param x the inputs, n×d
 * @param p the GAU weights
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { gauProjections, initGauParams } from "@lib/attention/gau.ts";
 * const rng = createRng(1), p = initGauParams(4, 8, 2, rng);
 * const { u, z } = gauProjections(gaussianMatrix(3, 4, rng), p);
 * assertEquals([u.rows, u.cols, z.cols], [3, 8, 2]);
 * ```
 */
export function gauProjections(x: Matrix, p: GauParams): { u: Matrix; v: Matrix; z: Matrix } {
  checkMatrix("gauProjections", "x", x);
  checkGauParams("gauProjections", p, x.cols);
  return {
    u: mapRows(matmul(x, p.wu), swish),
    v: mapRows(matmul(x, p.wv), swish),
    z: mapRows(matmul(x, p.wz), swish),
  };
}

function checkGauParams(where: string, p: GauParams, d: number): void {
  if (p === null || typeof p !== "object") typeError(where, "p", "GauParams", p);
  for (const k of ["wu", "wv", "wz", "wo"] as const) checkMatrix(where, `p.${k}`, p[k]);
  const e = p.wu.cols, s = p.wz.cols;
  checkDims(where, "p.wu", p.wu, d, e);
  checkDims(where, "p.wv", p.wv, d, e);
  checkDims(where, "p.wz", p.wz, d, s);
  checkDims(where, "p.wo", p.wo, e, d);
  for (const k of ["qScale", "qBias", "kScale", "kBias"] as const) checkLength(where, `p.${k}`, p[k], s);
}

/** Options of {@link gauAttentionMatrix}. */
export interface GauAttentionOpts {
  /** Mask $A_{ij} = 0$ for j > i (decoder). */
  causal?: boolean;
  /** `"ns"` (default): $\mathrm{relu}^2(QK^\top)/(ns)$; `"n2"`: $\mathrm{relu}^2(QK^\top)/n^2$ (paper code). */
  norm?: GauNorm;
  /** RoPE on Q and K after the affine maps (interleaved layout); invFreq of length s/2. */
  rope?: { invFreq: Float64Array };
}

/**
 * The GAU attention matrix (article eq. 4)
 * $$A = \frac{1}{n}\mathrm{relu}^2\Big(\frac{\mathcal Q(Z)\mathcal K(Z)^\top}{\sqrt s}\Big)
 *     = \frac{1}{ns}\mathrm{relu}^2\big(\mathcal Q(Z)\mathcal K(Z)^\top\big),$$
 * or with `norm: "n2"` the paper code's $\frac{1}{n^2}\mathrm{relu}^2(\mathcal Q(Z)\mathcal K(Z)^\top)$
 * (it computes $\mathrm{relu}^2(QK^\top/n)$). Rows do not sum to 1: there is no softmax.
 *
 * @param z the shared representation Z, n×s
 * @param p the GAU weights (only the affine maps are used)
 * @param opts `causal`, `norm` (default "ns"), `rope`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { gauAttentionMatrix, initGauParams } from "@lib/attention/gau.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * const p = initGauParams(2, 2, 2, createRng(0));
 * p.qScale.fill(1); p.kScale.fill(1); p.qBias.fill(0); p.kBias.fill(0);
 * const a = gauAttentionMatrix(matrix(2, 2, [1, 0, 2, 0]), p); // QKᵀ = [[1, 2], [2, 4]], n = s = 2
 * assertAlmostEquals(a.data[3]!, 16 / 4, 1e-15);
 * ```
 */
export function gauAttentionMatrix(z: Matrix, p: GauParams, opts: GauAttentionOpts = {}): Matrix {
  checkMatrix("gauAttentionMatrix", "z", z);
  const s = z.cols, n = z.rows;
  for (const k of ["qScale", "qBias", "kScale", "kBias"] as const) {
    checkLength("gauAttentionMatrix", `p.${k}`, p[k], s);
  }
  const norm = opts.norm ?? "ns";
  if (norm !== "ns" && norm !== "n2") rangeError("gauAttentionMatrix", "opts.norm", '"ns" or "n2"', norm);
  let q = affineRows(z, { scale: p.qScale, bias: p.qBias });
  let k = affineRows(z, { scale: p.kScale, bias: p.kBias });
  if (opts.rope) {
    q = applyRopeRows(q, opts.rope.invFreq);
    k = applyRopeRows(k, opts.rope.invFreq);
  }
  const c = norm === "ns" ? 1 / (n * s) : 1 / (n * n);
  const a = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (opts.causal && j > i) continue;
      let dot = 0;
      for (let t = 0; t < s; t++) dot += (q.data[i * s + t] as number) * (k.data[j * s + t] as number);
      a.data[i * n + j] = c * relu2(dot);
    }
  }
  return a;
}

/** Options of {@link gauForward}. */
export interface GauForwardOpts extends GauAttentionOpts {
  /**
   * How tokens are mixed: `"relu2"` (default, eq. 4), `"softmax"` (softmax of $QK^\top/\sqrt s$, as in Su's
   * GAU-α) or `"identity"` (A = I, which turns the GAU into a GLU feed-forward layer).
   */
  attention?: "relu2" | "softmax" | "identity";
  /** Replace the gate U by all ones (then the GAU is plain single-head attention $AVW_o$). */
  gateOnes?: boolean;
}

/**
 * One GAU layer (article eq. 3): $O = (U \odot AV)W_o$. With A = I it is the GLU FFN (eq. 2); with U = 1 it
 * is single-head attention $AVW_o$.
 *
 * @param x the inputs, n×d
 * @param p the GAU weights
 * @param opts `attention`, `gateOnes`, `causal`, `norm`, `rope`
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { gauForward, glu, initGauParams } from "@lib/attention/gau.ts";
 * const rng = createRng(2), p = initGauParams(4, 8, 2, rng), x = gaussianMatrix(5, 4, rng);
 * const asGlu = gauForward(x, p, { attention: "identity" });
 * assert(maxAbsDiff(asGlu.data, glu(x, p.wu, p.wv, p.wo).data) < 1e-12);
 * ```
 */
export function gauForward(x: Matrix, p: GauParams, opts: GauForwardOpts = {}): Matrix {
  const { u, v, z } = gauProjections(x, p);
  const kind = opts.attention ?? "relu2";
  let av: Matrix;
  if (kind === "identity") {
    av = v;
  } else if (kind === "relu2") {
    av = matmul(gauAttentionMatrix(z, p, opts), v);
  } else if (kind === "softmax") {
    let q = affineRows(z, { scale: p.qScale, bias: p.qBias });
    let k = affineRows(z, { scale: p.kScale, bias: p.kBias });
    if (opts.rope) {
      q = applyRopeRows(q, opts.rope.invFreq);
      k = applyRopeRows(k, opts.rope.invFreq);
    }
    av = matmul(attentionWeights(q, k, { causal: opts.causal }), v);
  } else {
    return rangeError("gauForward", "opts.attention", '"relu2", "softmax" or "identity"', kind);
  }
  const gated = opts.gateOnes ? av : hadamard(u, av);
  return matmul(gated, p.wo);
}

/**
 * The GLU feed-forward layer (article eq. 2) with Swish on both branches, as in the paper's code:
 * $$O = (U \odot V)W_o,\quad U = \mathrm{swish}(XW_u),\ V = \mathrm{swish}(XW_v).$$
 *
 * @param x inputs, n×d
 * @param wu d×e
 * @param wv d×e
 * @param wo e×d
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { glu, swish } from "@lib/attention/gau.ts";
 * const o = glu(matrix(1, 1, [1]), matrix(1, 1, [2]), matrix(1, 1, [3]), matrix(1, 1, [1]));
 * assertAlmostEquals(o.data[0]!, swish(2) * swish(3), 1e-15);
 * ```
 */
export function glu(x: Matrix, wu: Matrix, wv: Matrix, wo: Matrix): Matrix {
  checkMatrix("glu", "x", x);
  checkMatrix("glu", "wu", wu);
  checkMatrix("glu", "wv", wv);
  checkMatrix("glu", "wo", wo);
  checkDims("glu", "wu", wu, x.cols, wu.cols);
  checkDims("glu", "wv", wv, x.cols, wu.cols);
  checkDims("glu", "wo", wo, wu.cols, wo.cols);
  return matmul(hadamard(mapRows(matmul(x, wu), swish), mapRows(matmul(x, wv), swish)), wo);
}

/**
 * The normalizer of the causal linear (inter-chunk) term of chunk g. The article prints
 * $$\hat V^{lin}_g = \frac{1}{(g-1)n/c}\,Q^{lin}_g\sum_{h=1}^{g-1}{K^{lin}_h}^\top V_h,$$
 * but the sum covers $(g-1)c$ tokens; the two agree only when $c^2 = n$. See {@link LinNorm}.
 *
 * @param g the chunk index, 1-based (g = 1 has nothing to sum; its normalizer is 0 and the term is 0)
 * @param n sequence length, a multiple of c
 * @param c chunk size
 * @param kind `"printed"`, `"tokens"` or `"n"`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { linNormalizer } from "@lib/attention/gau.ts";
 * assertEquals([linNormalizer(3, 64, 16, "printed"), linNormalizer(3, 64, 16, "tokens")], [8, 32]);
 * assertEquals(linNormalizer(3, 64, 8, "printed"), linNormalizer(3, 64, 8, "tokens")); // c² = n
 * ```
 */
export function linNormalizer(g: number, n: number, c: number, kind: LinNorm): number {
  checkInt("linNormalizer", "c", c, 1);
  checkInt("linNormalizer", "n", n, c);
  if (n % c !== 0) rangeError("linNormalizer", "n", `a multiple of c = ${c}`, n);
  checkInt("linNormalizer", "g", g, 1, n / c);
  if (kind === "printed") return ((g - 1) * n) / c;
  if (kind === "tokens") return (g - 1) * c;
  if (kind === "n") return g === 1 ? 0 : n;
  return rangeError("linNormalizer", "kind", '"printed", "tokens" or "n"', kind);
}

/** Options of {@link mixedChunkWeights}, {@link mixedChunkParts} and {@link mixedChunkAttention}. */
export interface MixedChunkOpts {
  /** Chunk size c; n must be a multiple of it. */
  chunk: number;
  /** Decoder: causal mask inside a chunk, only earlier chunks in the linear term. */
  causal?: boolean;
  /** Normalizer of the causal linear term (default `"tokens"`); the non-causal term always uses 1/n (eq. 8). */
  linNorm?: LinNorm;
}

function checkChunkOpts(where: string, n: number, opts: MixedChunkOpts): { c: number; linNorm: LinNorm } {
  if (opts === null || typeof opts !== "object") {
    typeError(where, "opts", "{ chunk, causal?, linNorm? }", opts);
  }
  const c = checkInt(where, "opts.chunk", opts.chunk, 1);
  if (n % c !== 0) rangeError(where, "z.rows", `a multiple of opts.chunk = ${c}`, n);
  const linNorm = opts.linNorm ?? "tokens";
  if (linNorm !== "printed" && linNorm !== "tokens" && linNorm !== "n") {
    rangeError(where, "opts.linNorm", '"printed", "tokens" or "n"', linNorm);
  }
  return { c, linNorm };
}

function chunkMaps(z: Matrix, p: MixedChunkParams, where: string) {
  if (p === null || typeof p !== "object") typeError(where, "p", "MixedChunkParams", p);
  return {
    qq: affineRows(z, p.quadQ),
    kq: affineRows(z, p.quadK),
    ql: affineRows(z, p.linQ),
    kl: affineRows(z, p.linK),
  };
}

/**
 * The explicit n×n weight matrix W of mixed chunk attention, so that the chunked computation equals WV:
 * $W_{ij} = \mathrm{relu}^2(q^{quad}_i\cdot k^{quad}_j)/(cs)$ for i, j in the same chunk (j ≤ i if causal), plus
 * $q^{lin}_i\cdot k^{lin}_j/n$ for every j (non-causal, eq. 8), or $q^{lin}_i\cdot k^{lin}_j/\nu_g$ for j in an
 * earlier chunk (causal, eq. 9, ν from {@link linNormalizer}). An O(n²s) reference, not the fast path.
 *
 * @param z the shared representation, n×s
 * @param p the four affine maps
 * @param opts `chunk`, `causal`, `linNorm`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { mixedChunkWeights } from "@lib/attention/gau.ts";
 * const id = { scale: new Float64Array([1]), bias: new Float64Array([0]) };
 * const w = mixedChunkWeights(matrix(4, 1, [1, 1, 1, 1]), { quadQ: id, quadK: id, linQ: id, linK: id },
 *   { chunk: 2, causal: true });
 * assertEquals(Array.from(w.data.slice(8, 12)), [0.5, 0.5, 0.5, 0]); // row 2: lin over chunk 1 (÷2), quad ÷(c·s)=2
 * ```
 */
export function mixedChunkWeights(z: Matrix, p: MixedChunkParams, opts: MixedChunkOpts): Matrix {
  checkMatrix("mixedChunkWeights", "z", z);
  const n = z.rows, s = z.cols;
  const { c, linNorm } = checkChunkOpts("mixedChunkWeights", n, opts);
  const { qq, kq, ql, kl } = chunkMaps(z, p, "mixedChunkWeights");
  const dot = (a: Matrix, i: number, b: Matrix, j: number) => {
    let t = 0;
    for (let k = 0; k < s; k++) t += (a.data[i * s + k] as number) * (b.data[j * s + k] as number);
    return t;
  };
  const w = matrix(n, n);
  for (let i = 0; i < n; i++) {
    const gi = Math.floor(i / c);
    const nu = opts.causal ? linNormalizer(gi + 1, n, c, linNorm) : n;
    for (let j = 0; j < n; j++) {
      const gj = Math.floor(j / c);
      let v = 0;
      if (gi === gj && !(opts.causal && j > i)) v += relu2(dot(qq, i, kq, j)) / (c * s);
      if (!opts.causal || gj < gi) v += dot(ql, i, kl, j) / nu;
      w.data[i * n + j] = v;
    }
  }
  return w;
}

/**
 * Which path connects query i to key j in mixed chunk attention: 2 = quadratic (same chunk), 1 = linear only
 * (another chunk), 0 = none (masked). Non-causal: same-chunk pairs use both paths (value 2, the quad path
 * being the distinctive one). Used for the notebook's diagram.
 *
 * @param n sequence length, a multiple of c
 * @param c chunk size
 * @param causal decoder masking
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mixedChunkPattern } from "@lib/attention/gau.ts";
 * assertEquals(Array.from(mixedChunkPattern(4, 2, true).data), [2, 0, 0, 0, 2, 2, 0, 0, 1, 1, 2, 0, 1, 1, 2, 2]);
 * ```
 */
export function mixedChunkPattern(n: number, c: number, causal: boolean): Matrix {
  checkInt("mixedChunkPattern", "c", c, 1);
  checkInt("mixedChunkPattern", "n", n, c);
  if (n % c !== 0) rangeError("mixedChunkPattern", "n", `a multiple of c = ${c}`, n);
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const gi = Math.floor(i / c), gj = Math.floor(j / c);
      if (gi === gj) m.data[i * n + j] = causal && j > i ? 0 : 2;
      else m.data[i * n + j] = !causal || gj < gi ? 1 : 0;
    }
  }
  return m;
}

/**
 * The two terms of mixed chunk attention, computed chunk by chunk in O(nc·s + n·s·e) (article eqs. 7–9):
 * $$\hat V^{quad}_g = \frac{1}{cs}\mathrm{relu}^2\big(Q^{quad}_g{K^{quad}_g}^\top\big)V_g,\qquad
 *   \hat V^{lin}_g = \frac{1}{\nu_g}Q^{lin}_g\sum_h {K^{lin}_h}^\top V_h,$$
 * with h over all chunks and ν = n (non-causal), or over h < g and ν from {@link linNormalizer} (causal, a running
 * sum of the s×e blocks ${K^{lin}_h}^\top V_h$).
 *
 * @param z the shared representation, n×s
 * @param v the values, n×e
 * @param p the four affine maps
 * @param opts `chunk`, `causal`, `linNorm`
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix, matmul } from "@lib/core/matrix.ts";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { initMixedChunkParams, mixedChunkParts, mixedChunkWeights } from "@lib/attention/gau.ts";
 * const rng = createRng(3), z = gaussianMatrix(8, 2, rng), v = gaussianMatrix(8, 3, rng);
 * const p = initMixedChunkParams(2, rng), opts = { chunk: 4, causal: true };
 * const { quad, lin } = mixedChunkParts(z, v, p, opts);
 * const ref = matmul(mixedChunkWeights(z, p, opts), v);
 * assert(maxAbsDiff(quad.data.map((q, i) => q + lin.data[i]!), ref.data) < 1e-12);
 * ```
 */
export function mixedChunkParts(
  z: Matrix,
  v: Matrix,
  p: MixedChunkParams,
  opts: MixedChunkOpts,
): { quad: Matrix; lin: Matrix } {
  checkMatrix("mixedChunkParts", "z", z);
  checkMatrix("mixedChunkParts", "v", v);
  const n = z.rows, s = z.cols, e = v.cols;
  if (v.rows !== n) rangeError("mixedChunkParts", "v.rows", `z.rows = ${n}`, v.rows);
  const { c, linNorm } = checkChunkOpts("mixedChunkParts", n, opts);
  const { qq, kq, ql, kl } = chunkMaps(z, p, "mixedChunkParts");
  const quad = matrix(n, e), lin = matrix(n, e);
  const chunks = n / c;
  // s×e blocks K_hᵀ V_h, one per chunk
  const blocks: Float64Array[] = [];
  for (let h = 0; h < chunks; h++) {
    const b = new Float64Array(s * e);
    for (let t = h * c; t < (h + 1) * c; t++) {
      for (let a = 0; a < s; a++) {
        const k = kl.data[t * s + a] as number;
        for (let f = 0; f < e; f++) {
          b[a * e + f] = (b[a * e + f] as number) + k * (v.data[t * e + f] as number);
        }
      }
    }
    blocks.push(b);
  }
  const total = new Float64Array(s * e);
  for (const b of blocks) {
    for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) + (b[i] as number);
  }
  const running = new Float64Array(s * e); // Σ_{h<g} K_hᵀ V_h
  for (let g = 0; g < chunks; g++) {
    const state = opts.causal ? running : total;
    const nu = opts.causal ? linNormalizer(g + 1, n, c, linNorm) : n;
    for (let i = g * c; i < (g + 1) * c; i++) {
      // quadratic part inside the chunk
      for (let j = g * c; j < (g + 1) * c; j++) {
        if (opts.causal && j > i) break;
        let dot = 0;
        for (let a = 0; a < s; a++) dot += (qq.data[i * s + a] as number) * (kq.data[j * s + a] as number);
        const w = relu2(dot) / (c * s);
        if (w === 0) continue;
        for (let f = 0; f < e; f++) {
          quad.data[i * e + f] = (quad.data[i * e + f] as number) + w * (v.data[j * e + f] as number);
        }
      }
      // linear part from the (running) state
      if (nu === 0) continue;
      for (let a = 0; a < s; a++) {
        const q = (ql.data[i * s + a] as number) / nu;
        for (let f = 0; f < e; f++) {
          lin.data[i * e + f] = (lin.data[i * e + f] as number) + q * (state[a * e + f] as number);
        }
      }
    }
    const b = blocks[g] as Float64Array;
    for (let i = 0; i < running.length; i++) running[i] = (running[i] as number) + (b[i] as number);
  }
  return { quad, lin };
}

/**
 * Mixed chunk attention before the output projection (article eq. 10 without $W_o$):
 * $$U_g \odot \big(\hat V^{quad}_g + \hat V^{lin}_g\big)$$
 * for every chunk g, with the two terms from {@link mixedChunkParts}. Multiply by $W_o$ to get FLASH's layer output.
 *
 * @param z the shared representation, n×s
 * @param u the gate, n×e
 * @param v the values, n×e
 * @param p the four affine maps
 * @param opts `chunk`, `causal`, `linNorm`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { initMixedChunkParams, mixedChunkAttention } from "@lib/attention/gau.ts";
 * const rng = createRng(4), z = gaussianMatrix(8, 2, rng), v = gaussianMatrix(8, 3, rng);
 * const u = { rows: 8, cols: 3, data: new Float64Array(24) }; // a zero gate closes everything
 * const o = mixedChunkAttention(z, u, v, initMixedChunkParams(2, rng), { chunk: 4 });
 * assertEquals(Math.max(...o.data.map(Math.abs)), 0);
 * ```
 */
export function mixedChunkAttention(
  z: Matrix,
  u: Matrix,
  v: Matrix,
  p: MixedChunkParams,
  opts: MixedChunkOpts,
): Matrix {
  checkMatrix("mixedChunkAttention", "u", u);
  checkMatrix("mixedChunkAttention", "v", v);
  checkDims("mixedChunkAttention", "u", u, v.rows, v.cols);
  const { quad, lin } = mixedChunkParts(z, v, p, opts);
  const out = matrix(u.rows, u.cols);
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = (u.data[i] as number) * ((quad.data[i] as number) + (lin.data[i] as number));
  }
  return out;
}

/**
 * Random affine maps for mixed chunk attention: scales 1 + 0.1·N(0, 1), offsets 0.1·N(0, 1).
 *
 * @param s the dimension of Z
 * @param rng random source
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { initMixedChunkParams } from "@lib/attention/gau.ts";
 * assertEquals(initMixedChunkParams(3, createRng(0)).linK.bias.length, 3);
 * ```
 */
export function initMixedChunkParams(s: number, rng: Rng): MixedChunkParams {
  checkInt("initMixedChunkParams", "s", s, 1);
  if (typeof rng !== "function" || typeof rng.normal !== "function") {
    typeError("initMixedChunkParams", "rng", "an Rng", rng);
  }
  const map = (): AffineMap => ({
    scale: Float64Array.from({ length: s }, () => 1 + 0.1 * rng.normal()),
    bias: Float64Array.from({ length: s }, () => 0.1 * rng.normal()),
  });
  return { quadQ: map(), quadK: map(), linQ: map(), linK: map() };
}

/**
 * Parameters of one GAU without biases (article eq. 5): $3de$ for $W_u, W_v, W_o$, $ds$ for $W_z$ and $4s$
 * for the γ, β of $\mathcal Q$ and $\mathcal K$.
 *
 * @param d model width
 * @param e expanded width
 * @param s attention dimension
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gauParamCount } from "@lib/attention/gau.ts";
 * assertEquals(gauParamCount(768, 1536, 128), 3_637_760);
 * ```
 */
export function gauParamCount(d: number, e: number, s: number): number {
  checkInt("gauParamCount", "d", d, 1);
  checkInt("gauParamCount", "e", e, 1);
  checkInt("gauParamCount", "s", s, 1);
  return 3 * d * e + d * s + 4 * s;
}

/**
 * Parameters of one standard Transformer layer without biases or norms: attention $4d^2$ ($W_q, W_k, W_v, W_o$)
 * plus an FFN of width $\text{ffnMult}\cdot d$, $2\,\text{ffnMult}\,d^2$; with the usual ffnMult = 4 that is $12d^2$.
 *
 * @param d model width
 * @param ffnMult FFN expansion (default 4)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { transformerLayerParamCount } from "@lib/attention/gau.ts";
 * assertEquals(transformerLayerParamCount(768), 7_077_888);
 * ```
 */
export function transformerLayerParamCount(d: number, ffnMult = 4): number {
  checkInt("transformerLayerParamCount", "d", d, 1);
  checkPositive("transformerLayerParamCount", "ffnMult", ffnMult);
  return 4 * d * d + 2 * ffnMult * d * d;
}

/** Sizes for {@link flashMemoryFloats}. */
export interface MemorySizes {
  /** batch */
  b: number;
  /** sequence length */
  n: number;
  /** attention (head or shared Z) dimension */
  s: number;
  /** GAU expanded width */
  e: number;
  /** FLASH chunk size */
  c: number;
  /** heads of the multi-head baseline */
  h: number;
}

/**
 * Floats held by the attention intermediates that training must keep, per the article's accounting:
 * multi-head softmax $bhn^2$; a quadratic GAU $bn^2$; causal linear attention kept parallel by materializing the
 * prefix sums $bns^2$; FLASH $b(n/c)se$ (one s×e state per chunk) plus $bnc$ for the intra-chunk matrices.
 *
 * @param m the sizes b, n, s, e, c, h
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { flashMemoryFloats } from "@lib/attention/gau.ts";
 * const f = flashMemoryFloats({ b: 1, n: 512, s: 128, e: 1536, c: 256, h: 12 });
 * assertEquals([f.mha, f.gauQuad, f.flash], [12 * 512 ** 2, 512 ** 2, 2 * 128 * 1536 + 512 * 256]);
 * ```
 */
export function flashMemoryFloats(
  m: MemorySizes,
): { mha: number; gauQuad: number; linearCausal: number; flash: number } {
  if (m === null || typeof m !== "object") typeError("flashMemoryFloats", "m", "{ b, n, s, e, c, h }", m);
  for (const k of ["b", "n", "s", "e", "c", "h"] as const) {
    checkInt("flashMemoryFloats", `m.${k}`, m[k], 1);
  }
  const { b, n, s, e, c, h } = m;
  if (n % c !== 0) rangeError("flashMemoryFloats", "m.n", `a multiple of m.c = ${c}`, n);
  return {
    mha: b * h * n * n,
    gauQuad: b * n * n,
    linearCausal: b * n * s * s,
    flash: b * (n / c) * s * e + b * n * c,
  };
}
