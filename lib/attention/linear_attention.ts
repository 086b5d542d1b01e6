/**
 * Kernelized ("linear") attention in plain Float64, with RoPE inserted the ways Su discusses
 * (https://kexue.fm/archives/7546 and https://kexue.fm/archives/8265):
 * $$\mathrm{Att}_i = \frac{\sum_j \phi(q_i)^\top \varphi(k_j)\, v_j}{\sum_j \phi(q_i)^\top \varphi(k_j)}.$$
 * Because the similarity is an inner product of features, $\phi(Q)\big(\varphi(K)^\top V\big)$ costs O(n), and
 * RoPE — which only rotates the features — keeps it O(n). Positions are the row indices: query i is at
 * position i, key j at position j.
 *
 * @module
 */
import { checkMatrix, dot, type Matrix, matrix, norm2 } from "../core/matrix.ts";
import { rangeError, typeError } from "../core/validate.ts";
import { applyRopeRows, type RopeLayout } from "../position/rope.ts";

/** A feature map applied to one row (a query or a key): $x \mapsto \phi(x)$. */
export type FeatureMap = (x: Float64Array) => Float64Array;

/** RoPE settings for the attention functions: the frequencies θ_i and the pair layout. */
export type RopeOption = { invFreq: Float64Array; layout?: RopeLayout };

/** How {@link linearAttention} evaluates the sums; all give the same result up to rounding. */
export type LinearImpl = "quadratic" | "associative" | "cumsum" | "rnn";

/** Options shared by {@link linearWeights} and {@link linearAttention}. */
export type LinearOpts = {
  /** Query i attends to keys j ≤ i only (requires as many keys as queries). Default false. */
  causal?: boolean;
  /** Rotate the features to their positions in the numerator, $[\mathcal R_i\phi(q_i)]^\top[\mathcal R_j\varphi(k_j)]$. */
  ropeNumerator?: RopeOption;
  /** Rotate in the denominator too (requires `ropeNumerator`); the denominator may then be ≤ 0. Default false. */
  ropeDenominator?: boolean;
};

/**
 * Standard non-negative feature maps, applied to a whole row:
 * - `elu1`: $\phi(x) = \mathrm{elu}(x) + 1$ (x + 1 for x > 0, $e^x$ otherwise; Katharopoulos et al.);
 * - `relu`: $\max(x, 0)$;
 * - `exp`: $e^{x}$ entry-wise;
 * - `softmax`: $\mathrm{softmax}(x)$ over the feature dimension (stable).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { featureMaps } from "@lib/attention/linear_attention.ts";
 * assertEquals(Array.from(featureMaps.elu1(new Float64Array([0, 2]))), [1, 3]);
 * ```
 */
export const featureMaps: Readonly<
  { elu1: FeatureMap; relu: FeatureMap; exp: FeatureMap; softmax: FeatureMap }
> = Object.freeze({
  elu1: (x: Float64Array) => x.map((v) => (v > 0 ? v + 1 : Math.exp(v))),
  relu: (x: Float64Array) => x.map((v) => (v > 0 ? v : 0)),
  exp: (x: Float64Array) => x.map((v) => Math.exp(v)),
  softmax: (x: Float64Array) => {
    let m = -Infinity;
    for (const v of x) m = Math.max(m, v);
    const e = x.map((v) => Math.exp(v - m));
    let s = 0;
    for (const v of e) s += v;
    return e.map((v) => v / s);
  },
});

/**
 * Applies a feature map to every row: row i of the result is $\phi(x_i)$.
 *
 * @param x an n×d matrix (queries or keys)
 * @param f the feature map (e.g. `featureMaps.elu1`); it must return the same length for every row
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { applyFeatureMap, featureMaps } from "@lib/attention/linear_attention.ts";
 * const y = applyFeatureMap(matrix(1, 2, [-1, 3]), featureMaps.relu);
 * assertEquals(Array.from(y.data), [0, 3]);
 * ```
 */
export function applyFeatureMap(x: Matrix, f: FeatureMap): Matrix {
  checkMatrix("applyFeatureMap", "x", x);
  if (typeof f !== "function") typeError("applyFeatureMap", "f", "a FeatureMap function", f);
  const rows: Float64Array[] = [];
  for (let i = 0; i < x.rows; i++) {
    const y = f(x.data.slice(i * x.cols, (i + 1) * x.cols));
    if (!(y instanceof Float64Array)) typeError("applyFeatureMap", "f(row)", "a Float64Array", y);
    if (rows.length > 0 && y.length !== (rows[0] as Float64Array).length) {
      rangeError("applyFeatureMap", `f(row ${i}).length`, String((rows[0] as Float64Array).length), y.length);
    }
    rows.push(y);
  }
  const cols = rows.length > 0 ? (rows[0] as Float64Array).length : 0;
  const out = matrix(x.rows, cols);
  rows.forEach((r, i) => out.data.set(r, i * cols));
  return out;
}

function checkPair(where: string, a: Matrix, b: Matrix, causal: boolean): void {
  checkMatrix(where, "phiQ", a);
  checkMatrix(where, "phiK", b);
  if (a.cols !== b.cols) rangeError(where, "phiK.cols", `phiQ.cols = ${a.cols}`, b.cols);
  if (b.rows === 0) rangeError(where, "phiK.rows", "≥ 1", 0);
  if (causal && a.rows !== b.rows) {
    rangeError(where, "phiK.rows", `phiQ.rows = ${a.rows} (causal attention)`, b.rows);
  }
}

function checkOpts(where: string, opts: LinearOpts): void {
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  if (opts.ropeDenominator && !opts.ropeNumerator) {
    rangeError(where, "opts.ropeDenominator", "used together with opts.ropeNumerator", true);
  }
}

function rotate(x: Matrix, rope: RopeOption | undefined): Matrix {
  return rope ? applyRopeRows(x, rope.invFreq, { layout: rope.layout ?? "interleaved" }) : x;
}

/**
 * The raw (unnormalized) similarity matrix $s_{ij} = [\mathcal R_i \phi(q_i)]^\top [\mathcal R_j \varphi(k_j)]$
 * (no rotation without `rope`), with $s_{ij} = 0$ for j > i when causal. Its row sums are the
 * denominators of linear attention.
 *
 * @param phiQ n×f query features
 * @param phiK m×f key features
 * @param opts `causal` (default false), `rope` (rotate the features to their row positions)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { linearScores } from "@lib/attention/linear_attention.ts";
 * const s = linearScores(matrix(2, 1, [1, 2]), matrix(2, 1, [3, 4]), { causal: true });
 * assertEquals(Array.from(s.data), [3, 0, 6, 8]);
 * ```
 */
export function linearScores(
  phiQ: Matrix,
  phiK: Matrix,
  opts: { causal?: boolean; rope?: RopeOption } = {},
): Matrix {
  const causal = opts.causal ?? false;
  checkPair("linearScores", phiQ, phiK, causal);
  const a = rotate(phiQ, opts.rope), b = rotate(phiK, opts.rope);
  const f = a.cols, out = matrix(a.rows, b.rows);
  for (let i = 0; i < a.rows; i++) {
    const ai = a.data.subarray(i * f, (i + 1) * f);
    const jmax = causal ? i + 1 : b.rows;
    for (let j = 0; j < jmax; j++) out.data[i * b.rows + j] = dot(ai, b.data.subarray(j * f, (j + 1) * f));
  }
  return out;
}

/**
 * The explicit n×m weight matrix of linear attention, for plots and checks:
 * $$w_{ij} = \frac{[\mathcal R_i\phi(q_i)]^\top[\mathcal R_j\varphi(k_j)]}{\sum_{j'} \phi(q_i)^\top\varphi(k_{j'})}$$
 * with RoPE in the numerator only (`ropeNumerator`), in both (`ropeDenominator: true`; rows then sum to 1
 * but entries may be negative and the denominator may vanish), or nowhere (plain linear attention:
 * weights ≥ 0 for non-negative features, rows sum to 1). Numerator-only weights need not be ≥ 0 nor
 * sum to 1: they are no longer a probability distribution.
 *
 * @param phiQ n×f query features (already mapped, e.g. {@link applyFeatureMap})
 * @param phiK m×f key features
 * @param opts {@link LinearOpts}
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix, rowSums } from "@lib/core/matrix.ts";
 * import { linearWeights } from "@lib/attention/linear_attention.ts";
 * const w = linearWeights(matrix(1, 2, [1, 2]), matrix(3, 2, [1, 0, 0, 1, 1, 1]));
 * assertAlmostEquals(rowSums(w)[0]!, 1, 1e-15);
 * assertAlmostEquals(w.data[2]!, 3 / 6, 1e-15);
 * ```
 */
export function linearWeights(phiQ: Matrix, phiK: Matrix, opts: LinearOpts = {}): Matrix {
  checkOpts("linearWeights", opts);
  const causal = opts.causal ?? false;
  checkPair("linearWeights", phiQ, phiK, causal);
  const num = linearScores(phiQ, phiK, { causal, rope: opts.ropeNumerator });
  // The denominator uses the same similarities unless RoPE is in the numerator only.
  const numeratorOnly = opts.ropeNumerator !== undefined && !opts.ropeDenominator;
  const den = numeratorOnly ? linearScores(phiQ, phiK, { causal }) : num;
  const m = num.cols;
  for (let i = 0; i < num.rows; i++) {
    let z = 0;
    for (let j = 0; j < m; j++) z += den.data[i * m + j] as number;
    for (let j = 0; j < m; j++) num.data[i * m + j] = (num.data[i * m + j] as number) / z;
  }
  return num;
}

/** out_i = Σ_{j ∈ J(i)} (a_i·b_j) v_j, J(i) = all keys or j ≤ i, evaluated as `impl` says. */
function _kernelProduct(a: Matrix, b: Matrix, v: Matrix, causal: boolean, impl: LinearImpl): Matrix {
  const n = a.rows, m = b.rows, f = a.cols, dv = v.cols;
  const out = matrix(n, dv);
  const A = a.data, B = b.data, V = v.data, O = out.data;
  if (impl === "quadratic") {
    for (let i = 0; i < n; i++) {
      const jmax = causal ? i + 1 : m;
      for (let j = 0; j < jmax; j++) {
        let s = 0;
        for (let c = 0; c < f; c++) s += (A[i * f + c] as number) * (B[j * f + c] as number);
        for (let e = 0; e < dv; e++) {
          O[i * dv + e] = (O[i * dv + e] as number) + s * (V[j * dv + e] as number);
        }
      }
    }
    return out;
  }
  // State S = Σ_j b_j v_jᵀ (f×dv): all keys at once (associative, non-causal), or as a running prefix.
  const addKey = (S: Float64Array, j: number) => {
    for (let c = 0; c < f; c++) {
      const bjc = B[j * f + c] as number;
      for (let e = 0; e < dv; e++) {
        S[c * dv + e] = (S[c * dv + e] as number) + bjc * (V[j * dv + e] as number);
      }
    }
  };
  const readQuery = (S: Float64Array, i: number) => {
    for (let c = 0; c < f; c++) {
      const aic = A[i * f + c] as number;
      for (let e = 0; e < dv; e++) {
        O[i * dv + e] = (O[i * dv + e] as number) + aic * (S[c * dv + e] as number);
      }
    }
  };
  if (!causal) {
    const S = new Float64Array(f * dv);
    for (let j = 0; j < m; j++) addKey(S, j);
    for (let i = 0; i < n; i++) readQuery(S, i);
  } else if (impl === "cumsum") {
    // All prefix states at once (n·f·dv floats): the memory-hungry training form.
    const states = new Float64Array(n * f * dv);
    for (let j = 0; j < n; j++) {
      const Sj = states.subarray(j * f * dv, (j + 1) * f * dv);
      if (j > 0) Sj.set(states.subarray((j - 1) * f * dv, j * f * dv));
      addKey(Sj, j);
    }
    for (let i = 0; i < n; i++) readQuery(states.subarray(i * f * dv, (i + 1) * f * dv), i);
  } else {
    // "rnn" (and causal "associative"): one running state S_i = S_{i−1} + b_i v_iᵀ.
    const S = new Float64Array(f * dv);
    for (let i = 0; i < n; i++) {
      addKey(S, i);
      readQuery(S, i);
    }
  }
  return out;
}

/**
 * Linear attention, optionally with RoPE:
 * $$\mathrm{Att}_i = \frac{\sum_j [\mathcal R_i\phi(q_i)]^\top[\mathcal R_j\varphi(k_j)]\, v_j}{\sum_j \phi(q_i)^\top\varphi(k_j)}$$
 * (sums over j ≤ i when causal). `impl` picks the evaluation order:
 * - `"quadratic"`: the n×m similarities first, $(\phi(Q)\varphi(K)^\top)V$ — O(n²);
 * - `"associative"` (default): $\phi(Q)(\varphi(K)^\top V)$ — O(n); when causal, a running prefix state;
 * - `"cumsum"` (causal only): all prefix states $S_i=\sum_{j\le i}\varphi(k_j)v_j^\top$ materialized (n·f·dv floats);
 * - `"rnn"` (causal only): the recurrence $S_i = S_{i-1} + \varphi(k_i)v_i^\top$, $z_i = z_{i-1} + \varphi(k_i)$.
 *
 * @param phiQ n×f query features
 * @param phiK m×f key features
 * @param v m×dv values
 * @param opts {@link LinearOpts} plus `impl`
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix } from "@lib/core/matrix.ts";
 * import { applyFeatureMap, featureMaps, linearAttention } from "@lib/attention/linear_attention.ts";
 * const rng = createRng(0);
 * const q = applyFeatureMap(gaussianMatrix(6, 4, rng), featureMaps.elu1);
 * const k = applyFeatureMap(gaussianMatrix(6, 4, rng), featureMaps.elu1);
 * const v = gaussianMatrix(6, 3, rng);
 * const fast = linearAttention(q, k, v), slow = linearAttention(q, k, v, { impl: "quadratic" });
 * assert(maxAbsDiff(fast.data, slow.data) < 1e-12);
 * ```
 */
export function linearAttention(
  phiQ: Matrix,
  phiK: Matrix,
  v: Matrix,
  opts: LinearOpts & { impl?: LinearImpl } = {},
): Matrix {
  checkOpts("linearAttention", opts);
  const causal = opts.causal ?? false;
  const impl = opts.impl ?? "associative";
  checkPair("linearAttention", phiQ, phiK, causal);
  checkMatrix("linearAttention", "v", v);
  if (v.rows !== phiK.rows) rangeError("linearAttention", "v.rows", `phiK.rows = ${phiK.rows}`, v.rows);
  if (!["quadratic", "associative", "cumsum", "rnn"].includes(impl)) {
    rangeError("linearAttention", "opts.impl", '"quadratic", "associative", "cumsum" or "rnn"', impl);
  }
  if ((impl === "cumsum" || impl === "rnn") && !causal) {
    rangeError("linearAttention", "opts.causal", `true for impl "${impl}"`, causal);
  }
  const num = _kernelProduct(
    rotate(phiQ, opts.ropeNumerator),
    rotate(phiK, opts.ropeNumerator),
    v,
    causal,
    impl,
  );
  const denRope = opts.ropeDenominator ? opts.ropeNumerator : undefined;
  const ones = matrix(phiK.rows, 1);
  ones.data.fill(1);
  const den = _kernelProduct(rotate(phiQ, denRope), rotate(phiK, denRope), ones, causal, impl);
  for (let i = 0; i < num.rows; i++) {
    const z = den.data[i] as number;
    for (let e = 0; e < num.cols; e++) {
      num.data[i * num.cols + e] = (num.data[i * num.cols + e] as number) / z;
    }
  }
  return num;
}

/**
 * Features that turn Su's cosine similarity into a linear-attention inner product:
 * $x_i \mapsto \big(1,\ \mathcal R_i x_i / \|x_i\|\big)$, so that
 * $\psi(q_i)^\top\psi(k_j) = 1 + \big(\frac{\mathcal R_i q_i}{\|q_i\|}\big)^\top\big(\frac{\mathcal R_j k_j}{\|k_j\|}\big) \ge 0$
 * (RoPE keeps norms, so the rotated vectors are still unit vectors).
 *
 * @param x an n×d matrix with non-zero rows
 * @param opts `rope`: rotate row i to position i (default: no rotation)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { cosineFeatures } from "@lib/attention/linear_attention.ts";
 * assertEquals(Array.from(cosineFeatures(matrix(1, 2, [3, 4])).data), [1, 0.6, 0.8]);
 * ```
 */
export function cosineFeatures(x: Matrix, opts: { rope?: RopeOption } = {}): Matrix {
  checkMatrix("cosineFeatures", "x", x);
  const r = rotate(x, opts.rope);
  const out = matrix(x.rows, x.cols + 1);
  for (let i = 0; i < x.rows; i++) {
    const xi = r.data.subarray(i * x.cols, (i + 1) * x.cols);
    const nrm = norm2(xi);
    if (nrm === 0) rangeError("cosineFeatures", `x row ${i}`, "a non-zero vector", "the zero vector");
    out.data[i * out.cols] = 1;
    for (let c = 0; c < x.cols; c++) out.data[i * out.cols + 1 + c] = (xi[c] as number) / nrm;
  }
  return out;
}

/**
 * Weights of the "1 + cos" linear attention, optionally with RoPE:
 * $$w_{ij} = \frac{1 + \cos(\mathcal R_i q_i, \mathcal R_j k_j)}{\sum_{j'} \big(1 + \cos(\mathcal R_i q_i, \mathcal R_{j'} k_{j'})\big)}.$$
 * Every entry is ≥ 0 and every row sums to 1 with or without RoPE, and scaling a row of q or k
 * changes nothing.
 *
 * @param q n×d queries (non-zero rows)
 * @param k m×d keys (non-zero rows)
 * @param opts `rope` (rotate row i to position i), `causal` (default false)
 * @example
 * ```ts
 * import { assert, assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gaussianMatrix, rowSums } from "@lib/core/matrix.ts";
 * import { ropeInvFreq } from "@lib/position/rope.ts";
 * import { cosineLinearWeights } from "@lib/attention/linear_attention.ts";
 * const rng = createRng(1);
 * const w = cosineLinearWeights(gaussianMatrix(5, 4, rng), gaussianMatrix(5, 4, rng), { rope: { invFreq: ropeInvFreq(4) } });
 * assert(w.data.every((x) => x >= 0));
 * assertAlmostEquals(rowSums(w)[3]!, 1, 1e-12);
 * ```
 */
export function cosineLinearWeights(
  q: Matrix,
  k: Matrix,
  opts: { rope?: RopeOption; causal?: boolean } = {},
): Matrix {
  checkMatrix("cosineLinearWeights", "q", q);
  checkMatrix("cosineLinearWeights", "k", k);
  if (q.cols !== k.cols) rangeError("cosineLinearWeights", "k.cols", `q.cols = ${q.cols}`, k.cols);
  return linearWeights(cosineFeatures(q, { rope: opts.rope }), cosineFeatures(k, { rope: opts.rope }), {
    causal: opts.causal ?? false,
  });
}
