/**
 * Performer's random features for the softmax kernel (https://kexue.fm/archives/7921, Choromanski et al.,
 * arXiv 2009.14794). The exact identity
 * $$e^{q\cdot k} = \mathbb E_{\omega\sim\mathcal N(0, I_d)}\big[e^{\omega\cdot q - \|q\|^2/2}\, e^{\omega\cdot k - \|k\|^2/2}\big]$$
 * turns $e^{q\cdot k}$ into an inner product $\tilde q\cdot\tilde k$ of m-dimensional non-negative features
 * (Monte Carlo over m draws ω_1..ω_m), so softmax attention becomes a linear attention of key size m.
 * The older "trig" features come from the Fourier form of the same kernel and can be negative.
 *
 * All maths in plain Float64 on {@link Matrix}; rows of Q, K, V are the vectors.
 *
 * @module
 */
import { chiSquareQuantile } from "../core/chi_square.ts";
import { qr } from "../core/linalg.ts";
import { checkMatrix, dot, type Matrix, matrix } from "../core/matrix.ts";
import type { Rng } from "../core/rng.ts";
import { checkInt, checkLength, checkRange, rangeError, typeError } from "../core/validate.ts";
import { linearAttention, linearWeights } from "./linear_attention.ts";

/** How {@link sampleOmega} draws the projection rows. */
export type OmegaMode = "iid" | "orthogonal" | "orthogonal-quantile";

/** Which random features approximate $e^{q\cdot k}$: positive (eq. 3 of the article) or trig (eq. 7). */
export type FeatureKind = "positive" | "trig";

function _checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== "function" || typeof (rng as Rng).normal !== "function") {
    typeError(where, "rng", "an Rng (createRng)", rng);
  }
  return rng as Rng;
}

function _checkKind(where: string, kind: unknown): FeatureKind {
  if (kind !== "positive" && kind !== "trig") rangeError(where, "kind", '"positive" or "trig"', kind);
  return kind;
}

/**
 * Quantile of the χ_d distribution (the length of a standard Gaussian vector in d dimensions): the R with
 * $$P_d(r\le R) = \frac{\int_0^R r^{d-1}e^{-r^2/2}dr}{\int_0^\infty r^{d-1}e^{-r^2/2}dr} = P\big(\tfrac d2, \tfrac{R^2}{2}\big) = p,$$
 * i.e. the square root of the χ²_d quantile.
 *
 * @param d the dimension, an integer ≥ 1
 * @param p the probability, in [0, 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { chiQuantile } from "@lib/attention/performer.ts";
 * assertAlmostEquals(chiQuantile(2, 0.5), Math.sqrt(2 * Math.LN2), 1e-9); // Rayleigh median
 * ```
 */
export function chiQuantile(d: number, p: number): number {
  checkInt("chiQuantile", "d", d, 1);
  checkRange("chiQuantile", "p", p, 0, 1, "hi");
  return Math.sqrt(chiSquareQuantile(p, d));
}

/**
 * Draws the m×d projection Ω whose rows are the ω_j of the random features.
 * - `"iid"`: independent $\mathcal N(0, I_d)$ rows;
 * - `"orthogonal"`: blocks of d rows with Haar-random orthonormal directions (QR of a Gaussian block; the
 *   last block is cut to size), each row rescaled to an independent χ_d length, so every row is still
 *   marginally $\mathcal N(0, I_d)$ and the estimator stays unbiased;
 * - `"orthogonal-quantile"` (Su's refinement): the same directions, but the m lengths are the χ_d quantiles
 *   $R_i$ with $P_d(R_i) = i/(m+1)$, assigned to the rows in random order (a quadrature of the radial law,
 *   so the estimate carries a small bias).
 *
 * @param m number of features, integer ≥ 1
 * @param d head size, integer ≥ 1
 * @param rng seeded stream
 * @param mode see above
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { dot, row } from "@lib/core/matrix.ts";
 * import { sampleOmega } from "@lib/attention/performer.ts";
 * const w = sampleOmega(4, 4, createRng(0), "orthogonal");
 * assertAlmostEquals(dot(row(w, 0), row(w, 3)), 0, 1e-12);
 * ```
 */
export function sampleOmega(m: number, d: number, rng: Rng, mode: OmegaMode): Matrix {
  checkInt("sampleOmega", "m", m, 1);
  checkInt("sampleOmega", "d", d, 1);
  _checkRng("sampleOmega", rng);
  if (mode !== "iid" && mode !== "orthogonal" && mode !== "orthogonal-quantile") {
    rangeError("sampleOmega", "mode", '"iid", "orthogonal" or "orthogonal-quantile"', mode);
  }
  const out = matrix(m, d);
  if (mode === "iid") {
    for (let i = 0; i < out.data.length; i++) out.data[i] = rng.normal();
    return out;
  }
  // Unit directions: rows of Qᵀ for Q from the QR of a d×d Gaussian block.
  for (let start = 0; start < m; start += d) {
    const g = matrix(d, d);
    for (let i = 0; i < g.data.length; i++) g.data[i] = rng.normal();
    const q = qr(g).q; // orthonormal columns
    for (let r = 0; r < Math.min(d, m - start); r++) {
      for (let c = 0; c < d; c++) out.data[(start + r) * d + c] = q.data[c * d + r]!;
    }
  }
  let lengths: number[];
  if (mode === "orthogonal") {
    lengths = Array.from({ length: m }, () => {
      let s = 0;
      for (let c = 0; c < d; c++) s += rng.normal() ** 2;
      return Math.sqrt(s);
    });
  } else {
    lengths = rng.shuffle(Array.from({ length: m }, (_, i) => chiQuantile(d, (i + 1) / (m + 1))));
  }
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < d; c++) out.data[r * d + c] = out.data[r * d + c]! * lengths[r]!;
  }
  return out;
}

function _checkOmega(where: string, x: Matrix, omega: Matrix): void {
  checkMatrix(where, "x", x);
  checkMatrix(where, "omega", omega);
  if (omega.cols !== x.cols) rangeError(where, "omega.cols", `x.cols = ${x.cols}`, omega.cols);
  if (omega.rows === 0) rangeError(where, "omega.rows", "≥ 1", 0);
}

/** Row i, column j: ω_j·x_i − ‖x_i‖²/2 (the exponent of the positive features). */
function _exponents(x: Matrix, omega: Matrix): Matrix {
  const n = x.rows, d = x.cols, m = omega.rows, out = matrix(n, m);
  for (let i = 0; i < n; i++) {
    const xi = x.data.subarray(i * d, (i + 1) * d), half = dot(xi, xi) / 2;
    for (let j = 0; j < m; j++) out.data[i * m + j] = dot(omega.data.subarray(j * d, (j + 1) * d), xi) - half;
  }
  return out;
}

/**
 * Positive random features (eq. 3 of the article):
 * $$\tilde x = \tfrac{1}{\sqrt m}\big(e^{\omega_1\cdot x - \|x\|^2/2}, \dots, e^{\omega_m\cdot x - \|x\|^2/2}\big),$$
 * so that $\mathbb E[\tilde q\cdot\tilde k] = e^{q\cdot k}$ for Gaussian ω. All entries are > 0.
 *
 * @param x n×d inputs (rows)
 * @param omega m×d projection from {@link sampleOmega}
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { positiveFeatures } from "@lib/attention/performer.ts";
 * const f = positiveFeatures(matrix(1, 2, [1, 0]), matrix(1, 2, [2, 5]));
 * assertAlmostEquals(f.data[0]!, Math.exp(2 - 0.5), 1e-12);
 * ```
 */
export function positiveFeatures(x: Matrix, omega: Matrix): Matrix {
  _checkOmega("positiveFeatures", x, omega);
  const out = _exponents(x, omega), s = 1 / Math.sqrt(omega.rows);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.exp(out.data[i]!) * s;
  return out;
}

/**
 * Trig random features (the real part of the Fourier form, eq. 7 of the article):
 * $$\tilde x = \tfrac{e^{\|x\|^2/2}}{\sqrt m}\big(\cos\omega_1\cdot x, \dots, \cos\omega_m\cdot x,\ \sin\omega_1\cdot x, \dots, \sin\omega_m\cdot x\big),$$
 * with $\tilde q\cdot\tilde k = \frac{e^{(\|q\|^2+\|k\|^2)/2}}{m}\sum_j\cos\omega_j\cdot(q-k)$, unbiased for $e^{q\cdot k}$
 * but possibly negative.
 *
 * @param x n×d inputs
 * @param omega m×d projection
 * @returns n×2m features (all cosines, then all sines)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { trigFeatures } from "@lib/attention/performer.ts";
 * const f = trigFeatures(matrix(1, 1, [0]), matrix(1, 1, [3]));
 * assertAlmostEquals(f.data[0]!, 1, 1e-15); // cos 0 = 1, sin 0 = 0
 * ```
 */
export function trigFeatures(x: Matrix, omega: Matrix): Matrix {
  _checkOmega("trigFeatures", x, omega);
  const n = x.rows, d = x.cols, m = omega.rows, out = matrix(n, 2 * m);
  for (let i = 0; i < n; i++) {
    const xi = x.data.subarray(i * d, (i + 1) * d), s = Math.exp(dot(xi, xi) / 2) / Math.sqrt(m);
    for (let j = 0; j < m; j++) {
      const a = dot(omega.data.subarray(j * d, (j + 1) * d), xi);
      out.data[i * 2 * m + j] = s * Math.cos(a);
      out.data[i * 2 * m + m + j] = s * Math.sin(a);
    }
  }
  return out;
}

/**
 * Positive features with a constant factor removed for floating-point safety: each query row is divided
 * by its largest entry and all key rows by the largest key entry. Both factors cancel in the attention
 * normalization, so attention outputs and weights are unchanged.
 */
function _stablePositive(q: Matrix, k: Matrix, omega: Matrix): { fq: Matrix; fk: Matrix } {
  const eq = _exponents(q, omega), ek = _exponents(k, omega), m = omega.rows;
  for (let i = 0; i < q.rows; i++) {
    const r = eq.data.subarray(i * m, (i + 1) * m);
    let mx = -Infinity;
    for (const v of r) mx = Math.max(mx, v);
    for (let j = 0; j < m; j++) r[j] = Math.exp(r[j]! - mx);
  }
  let mk = -Infinity;
  for (const v of ek.data) mk = Math.max(mk, v);
  for (let i = 0; i < ek.data.length; i++) ek.data[i] = Math.exp(ek.data[i]! - mk);
  return { fq: eq, fk: ek };
}

function _features(where: string, q: Matrix, k: Matrix, omega: Matrix, kind: FeatureKind) {
  checkMatrix(where, "q", q);
  checkMatrix(where, "k", k);
  if (k.cols !== q.cols) rangeError(where, "k.cols", `q.cols = ${q.cols}`, k.cols);
  _checkOmega(where, q, omega);
  _checkKind(where, kind);
  return kind === "positive"
    ? _stablePositive(q, k, omega)
    : { fq: trigFeatures(q, omega), fk: trigFeatures(k, omega) };
}

/**
 * Performer attention: softmax attention with unit scale, $\mathrm{softmax}(QK^\top)V$, approximated by the
 * linear attention $\frac{\tilde Q(\tilde K^\top V)}{\tilde Q(\tilde K^\top \mathbf 1)}$ in O(n·m·d)
 * (causal: prefix sums $S_i=\sum_{j\le i}\tilde k_j v_j^\top$, $z_i=\sum_{j\le i}\tilde k_j$). For the usual
 * $1/\sqrt d$ scale multiply q and k by $d^{-1/4}$ first.
 *
 * @param q n×d queries
 * @param k n'×d keys
 * @param v n'×dv values
 * @param omega m×d projection ({@link sampleOmega})
 * @param opts `kind` (default "positive"), `causal` (default false)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { frobenius, gaussianMatrix, sub } from "@lib/core/matrix.ts";
 * import { softmaxAttention } from "@lib/attention/softmax_attention.ts";
 * import { performerAttention, sampleOmega } from "@lib/attention/performer.ts";
 * const rng = createRng(0);
 * const [q, k, v] = [gaussianMatrix(8, 4, rng, 0.5), gaussianMatrix(8, 4, rng, 0.5), gaussianMatrix(8, 2, rng)];
 * const exact = softmaxAttention(q, k, v, { scale: 1 });
 * const approx = performerAttention(q, k, v, sampleOmega(1024, 4, rng, "orthogonal"));
 * assert(frobenius(sub(approx, exact)) / frobenius(exact) < 0.1);
 * ```
 */
export function performerAttention(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  omega: Matrix,
  opts: { kind?: FeatureKind; causal?: boolean } = {},
): Matrix {
  const { fq, fk } = _features("performerAttention", q, k, omega, opts.kind ?? "positive");
  checkMatrix("performerAttention", "v", v);
  if (v.rows !== k.rows) rangeError("performerAttention", "v.rows", `k.rows = ${k.rows}`, v.rows);
  return linearAttention(fq, fk, v, { causal: opts.causal ?? false });
}

/**
 * The explicit n×n' attention matrix that {@link performerAttention} applies,
 * $a_{ij} = \tilde q_i\cdot\tilde k_j / \sum_{j'}\tilde q_i\cdot\tilde k_{j'}$ (for plots; O(n²)).
 *
 * @param q n×d queries
 * @param k n'×d keys
 * @param omega m×d projection
 * @param opts `kind` (default "positive"), `causal` (default false)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix, rowSums } from "@lib/core/matrix.ts";
 * import { performerWeights, sampleOmega } from "@lib/attention/performer.ts";
 * const rng = createRng(1), q = gaussianMatrix(3, 2, rng);
 * assertAlmostEquals(rowSums(performerWeights(q, q, sampleOmega(8, 2, rng, "iid")))[0]!, 1, 1e-12);
 * ```
 */
export function performerWeights(
  q: Matrix,
  k: Matrix,
  omega: Matrix,
  opts: { kind?: FeatureKind; causal?: boolean } = {},
): Matrix {
  const { fq, fk } = _features("performerWeights", q, k, omega, opts.kind ?? "positive");
  return linearWeights(fq, fk, { causal: opts.causal ?? false });
}

function _checkPairVecs(where: string, q: Float64Array, k: Float64Array): void {
  checkLength(where, "q", q);
  checkLength(where, "k", k, q.length);
}

/**
 * Variance of the one-sample (m = 1) positive estimate $e^{\omega\cdot(q+k) - \|q\|^2/2 - \|k\|^2/2}$, from
 * $\mathbb E[e^{2\omega\cdot s}] = e^{2\|s\|^2}$:
 * $$\mathrm{Var} = e^{2q\cdot k}\big(e^{\|q+k\|^2} - 1\big).$$
 * An average over m independent ω has variance Var/m.
 *
 * @param q query vector
 * @param k key vector (same length)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { positiveFeatureVariance } from "@lib/attention/performer.ts";
 * assertAlmostEquals(positiveFeatureVariance(new Float64Array([1]), new Float64Array([-1])), 0, 1e-15);
 * ```
 */
export function positiveFeatureVariance(q: Float64Array, k: Float64Array): number {
  _checkPairVecs("positiveFeatureVariance", q, k);
  let qk = 0, s2 = 0;
  for (let i = 0; i < q.length; i++) {
    qk += q[i]! * k[i]!;
    s2 += (q[i]! + k[i]!) ** 2;
  }
  return Math.exp(2 * qk) * Math.expm1(s2);
}

/**
 * Variance of the one-sample trig estimate $e^{(\|q\|^2+\|k\|^2)/2}\cos\omega\cdot(q-k)$ (cos·cos + sin·sin of
 * one ω), from $\mathbb E\cos\omega\cdot u = e^{-\|u\|^2/2}$ and $\cos^2 = (1+\cos 2\cdot)/2$:
 * $$\mathrm{Var} = \tfrac12 e^{\|q\|^2+\|k\|^2}\big(1 - e^{-\|q-k\|^2}\big)^2.$$
 *
 * @param q query vector
 * @param k key vector (same length)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { trigFeatureVariance } from "@lib/attention/performer.ts";
 * const x = new Float64Array([0.3, 0.4]);
 * assertEquals(trigFeatureVariance(x, x), 0); // q = k: cos 0 = 1 for every ω
 * ```
 */
export function trigFeatureVariance(q: Float64Array, k: Float64Array): number {
  _checkPairVecs("trigFeatureVariance", q, k);
  let n2 = 0, u2 = 0;
  for (let i = 0; i < q.length; i++) {
    n2 += q[i]! ** 2 + k[i]! ** 2;
    u2 += (q[i]! - k[i]!) ** 2;
  }
  return 0.5 * Math.exp(n2) * (-Math.expm1(-u2)) ** 2;
}

/**
 * The random-feature estimate $\tilde q\cdot\tilde k$ of $e^{q\cdot k}$ for one pair of vectors (no
 * matrices): positive $\frac1m\sum_j e^{\omega_j\cdot(q+k) - \|q\|^2/2-\|k\|^2/2}$ or trig
 * $\frac{e^{(\|q\|^2+\|k\|^2)/2}}{m}\sum_j\cos\omega_j\cdot(q-k)$.
 *
 * @param q query vector (length d)
 * @param k key vector (length d)
 * @param omega m×d projection
 * @param kind "positive" or "trig"
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { kernelEstimate } from "@lib/attention/performer.ts";
 * const q = new Float64Array([0.5]), k = new Float64Array([0.2]), w = matrix(1, 1, [0]);
 * assertAlmostEquals(kernelEstimate(q, k, w, "positive"), Math.exp(-(0.25 + 0.04) / 2), 1e-15);
 * ```
 */
export function kernelEstimate(q: Float64Array, k: Float64Array, omega: Matrix, kind: FeatureKind): number {
  _checkPairVecs("kernelEstimate", q, k);
  checkMatrix("kernelEstimate", "omega", omega);
  if (omega.cols !== q.length) {
    rangeError("kernelEstimate", "omega.cols", `q.length = ${q.length}`, omega.cols);
  }
  _checkKind("kernelEstimate", kind);
  const d = q.length, m = omega.rows, u = new Float64Array(d);
  let n2 = 0;
  for (let c = 0; c < d; c++) {
    u[c] = kind === "positive" ? q[c]! + k[c]! : q[c]! - k[c]!;
    n2 += q[c]! ** 2 + k[c]! ** 2;
  }
  let s = 0;
  for (let j = 0; j < m; j++) {
    const a = dot(omega.data.subarray(j * d, (j + 1) * d), u);
    s += kind === "positive" ? Math.exp(a - n2 / 2) : Math.cos(a);
  }
  return kind === "positive" ? s / m : (Math.exp(n2 / 2) * s) / m;
}

/**
 * A random pair (q, k) in d dimensions with $\|q\| = \|k\| = r$ and $q\cdot k = r^2 c$ exactly: q along a
 * random direction u, $k = r(c\,u + \sqrt{1-c^2}\,w)$ with w a random unit vector orthogonal to u.
 *
 * @param d dimension ≥ 2
 * @param r common norm ≥ 0
 * @param c cosine of the angle, in [−1, 1]
 * @param rng seeded stream
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { dot } from "@lib/core/matrix.ts";
 * import { randomPairWithCosine } from "@lib/attention/performer.ts";
 * const { q, k } = randomPairWithCosine(16, 0.8, -0.5, createRng(0));
 * assertAlmostEquals(dot(q, k), -0.32, 1e-14);
 * ```
 */
export function randomPairWithCosine(
  d: number,
  r: number,
  c: number,
  rng: Rng,
): { q: Float64Array; k: Float64Array } {
  checkInt("randomPairWithCosine", "d", d, 2);
  checkRange("randomPairWithCosine", "r", r, 0, Infinity);
  checkRange("randomPairWithCosine", "c", c, -1, 1);
  _checkRng("randomPairWithCosine", rng);
  const unit = (x: Float64Array) => {
    const n = Math.sqrt(dot(x, x));
    return x.map((v) => v / n);
  };
  const u = unit(Float64Array.from({ length: d }, () => rng.normal()));
  const g = Float64Array.from({ length: d }, () => rng.normal()), gu = dot(g, u);
  const w = unit(g.map((v, i) => v - gu * u[i]!));
  const s = Math.sqrt(1 - c * c);
  return { q: u.map((v) => r * v), k: u.map((v, i) => r * (c * v + s * w[i]!)) };
}

/**
 * Mean relative squared error $\mathbb E\big[(\tilde q\cdot\tilde k - e^{q\cdot k})^2\big]/e^{2q\cdot k}$ of the
 * random-feature estimate for each pair, averaged over `reps` fresh draws of Ω (m rows, `mode`).
 *
 * @param pairs the (q, k) pairs, all of the same length d
 * @param m number of features
 * @param mode how Ω is drawn ({@link sampleOmega})
 * @param kind "positive" or "trig"
 * @param rng seeded stream (one Ω per pair and repetition)
 * @param reps repetitions per pair (default 1)
 * @returns one relative MSE per pair
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { randomPairWithCosine, relativeSquaredErrors } from "@lib/attention/performer.ts";
 * const rng = createRng(2), pairs = [randomPairWithCosine(4, 0.5, 0, rng)];
 * const [few, many] = [4, 256].map((m) => relativeSquaredErrors(pairs, m, "iid", "positive", rng, 200)[0]!);
 * assert(many! < few!);
 * ```
 */
export function relativeSquaredErrors(
  pairs: readonly { q: Float64Array; k: Float64Array }[],
  m: number,
  mode: OmegaMode,
  kind: FeatureKind,
  rng: Rng,
  reps = 1,
): Float64Array {
  if (!Array.isArray(pairs) || pairs.length === 0) {
    typeError("relativeSquaredErrors", "pairs", "a non-empty array", pairs);
  }
  checkInt("relativeSquaredErrors", "reps", reps, 1);
  const d = pairs[0]!.q.length;
  return Float64Array.from(pairs, ({ q, k }) => {
    const truth = Math.exp(dot(q, k));
    let s = 0;
    for (let r = 0; r < reps; r++) {
      s += ((kernelEstimate(q, k, sampleOmega(m, d, rng, mode), kind) - truth) / truth) ** 2;
    }
    return s / reps;
  });
}
