/**
 * The Gated Attention Unit as a trainable tfjs block (FLASH-Quad's layer; Su, https://kexue.fm/archives/8934):
 * $$O = (U\odot AV)W_o,\quad U = \mathrm{swish}(XW_u),\ V = \mathrm{swish}(XW_v),\ Z = \mathrm{swish}(XW_z),\quad
 *   A = \frac{1}{ns}\mathrm{relu}^2\big(\mathcal R\mathcal Q(Z)\,(\mathcal R\mathcal K(Z))^\top\big),$$
 * one head, a shared low-dimensional Z, per-dimension affine $\mathcal Q, \mathcal K$ and RoPE $\mathcal R$ on both
 * (Su's own GAU uses RoPE only). Float64 reference: `lib/attention/gau.ts` (tested to agree).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import type { Rng } from "../core/rng.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";

/** Trainable weights of one GAU block: $W_u, W_v$ (d×e), $W_z$ (d×s), $W_o$ (e×d), and γ, β of Q and K (s). */
export interface GauTfParams {
  wu: tf.Variable;
  wv: tf.Variable;
  wz: tf.Variable;
  wo: tf.Variable;
  qScale: tf.Variable;
  qBias: tf.Variable;
  kScale: tf.Variable;
  kBias: tf.Variable;
}

let _counter = 0;

/** Options of {@link gauBlockTf}. */
export interface GauBlockOpts {
  /** Decoder mask (default false). */
  causal?: boolean;
  /** `"ns"` (default): $\mathrm{relu}^2(QK^\top)/(ns)$; `"n2"`: $/n^2$ as in the paper's code. */
  norm?: "ns" | "n2";
  /** RoPE on Q and K (half-split layout): cos/sin tables from {@link ropeTablesTf}. */
  rope?: { cos: tf.Tensor2D; sin: tf.Tensor2D };
}

/**
 * Creates the variables of a GAU block from a seeded `Rng` (tfjs's own random ops are not used, so runs are
 * reproducible): projections N(0, 1/fan_in), $W_o$ additionally × `outScale`, γ = 1 + 0.02·N(0, 1), β = 0.02·N(0, 1).
 *
 * @param d model width
 * @param e expanded width (2d in the paper)
 * @param s shared attention dimension (even when RoPE is used)
 * @param rng random source
 * @param opts `name` prefix of the variables, unique among live variables (default "gau_<k>"), `outScale` (default 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gauTfVariables, initGauTf } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * const p = initGauTf(8, 16, 4, createRng(0));
 * assertEquals(p.wo.shape, [16, 8]);
 * gauTfVariables(p).forEach((v) => v.dispose());
 * ```
 */
export function initGauTf(
  d: number,
  e: number,
  s: number,
  rng: Rng,
  opts: { name?: string; outScale?: number } = {},
): GauTfParams {
  checkInt("initGauTf", "d", d, 1);
  checkInt("initGauTf", "e", e, 1);
  checkInt("initGauTf", "s", s, 1);
  if (typeof rng !== "function" || typeof rng.normal !== "function") {
    typeError("initGauTf", "rng", "an Rng", rng);
  }
  const name = opts.name ?? `gau_${_counter++}`, outScale = opts.outScale ?? 1;
  const mat = (rows: number, cols: number, k: string, extra = 1) =>
    makeVar(
      tf.tensor2d(
        Float32Array.from({ length: rows * cols }, () => (extra * rng.normal()) / Math.sqrt(rows)),
        [
          rows,
          cols,
        ],
      ),
      true,
      `${name}/${k}`,
    );
  const vec = (mean: number, k: string) =>
    makeVar(
      tf.tensor1d(Float32Array.from({ length: s }, () => mean + 0.02 * rng.normal())),
      true,
      `${name}/${k}`,
    );
  return {
    wu: mat(d, e, "wu"),
    wv: mat(d, e, "wv"),
    wz: mat(d, s, "wz"),
    wo: mat(e, d, "wo", outScale),
    qScale: vec(1, "qScale"),
    qBias: vec(0, "qBias"),
    kScale: vec(1, "kScale"),
    kBias: vec(0, "kBias"),
  };
}

/**
 * The variables of a GAU block as a list (for an optimizer or for disposal).
 *
 * @param p the block's weights
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gauTfVariables, initGauTf } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * const vars = gauTfVariables(initGauTf(4, 8, 2, createRng(0)));
 * assertEquals(vars.reduce((a, v) => a + v.size, 0), 3 * 4 * 8 + 4 * 2 + 4 * 2); // 3de + ds + 4s
 * vars.forEach((v) => v.dispose());
 * ```
 */
export function gauTfVariables(p: GauTfParams): tf.Variable[] {
  return [p.wu, p.wv, p.wz, p.wo, p.qScale, p.qBias, p.kScale, p.kBias];
}

/**
 * cos and sin tables [n, dim/2] for RoPE at positions 0..n−1 (or `positions`), $\theta_i = \text{base}^{-2i/\text{dim}}$.
 *
 * @param n number of positions
 * @param dim rotated dimension (even)
 * @param opts `base` (default 10000), `positions` (n numbers, default 0..n−1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { ropeTablesTf } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * const { cos, sin } = ropeTablesTf(3, 4);
 * assertAlmostEquals(sin.arraySync()[2]![0]!, Math.sin(2), 1e-6); // position 2, θ0 = 1
 * cos.dispose(); sin.dispose();
 * ```
 */
export function ropeTablesTf(
  n: number,
  dim: number,
  opts: { base?: number; positions?: ArrayLike<number> } = {},
): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  checkInt("ropeTablesTf", "n", n, 1);
  checkInt("ropeTablesTf", "dim", dim, 2);
  if (dim % 2 !== 0) rangeError("ropeTablesTf", "dim", "an even integer", dim);
  const base = opts.base ?? 10000, h = dim / 2;
  if (opts.positions && opts.positions.length !== n) {
    rangeError("ropeTablesTf", "opts.positions.length", String(n), opts.positions.length);
  }
  const c = new Float32Array(n * h), s = new Float32Array(n * h);
  for (let t = 0; t < n; t++) {
    const pos = opts.positions ? (opts.positions[t] as number) : t;
    for (let i = 0; i < h; i++) {
      const a = pos * Math.pow(base, (-2 * i) / dim);
      c[t * h + i] = Math.cos(a);
      s[t * h + i] = Math.sin(a);
    }
  }
  return { cos: tf.tensor2d(c, [n, h]), sin: tf.tensor2d(s, [n, h]) };
}

/**
 * RoPE in the half-split layout on the last axis of x [B, n, dim]: with $x = (x_1, x_2)$ halves,
 * $(x_1\cos - x_2\sin,\ x_1\sin + x_2\cos)$ row by row (position = row index of the tables).
 *
 * @param x the vectors, [B, n, dim]
 * @param rope cos/sin tables [n, dim/2] ({@link ropeTablesTf})
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { ropeHalfTf, ropeTablesTf } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * const t = ropeTablesTf(2, 2), y = ropeHalfTf(tf.tensor3d([[[1, 0], [1, 0]]]), t).arraySync();
 * assertAlmostEquals(y[0]![1]![1]!, Math.sin(1), 1e-6); // position 1 turned by 1 rad
 * ```
 */
export function ropeHalfTf(x: tf.Tensor3D, rope: { cos: tf.Tensor2D; sin: tf.Tensor2D }): tf.Tensor3D {
  const [, n, dim] = x.shape;
  if (rope.cos.shape[0] !== n || rope.cos.shape[1] * 2 !== dim) {
    rangeError("ropeHalfTf", "rope tables", `[${n}, ${dim / 2}]`, `[${rope.cos.shape}]`);
  }
  return tf.tidy(() => {
    const [x1, x2] = tf.split(x, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
    return tf.concat([x1.mul(rope.cos).sub(x2.mul(rope.sin)), x1.mul(rope.sin).add(x2.mul(rope.cos))], 2);
  });
}

/**
 * `tf.variable(t)` that also disposes the initial tensor `t` (the variable keeps its own reference to the data),
 * so that creating and disposing a model leaves `tf.memory().numTensors` unchanged.
 *
 * @param t the initial value (consumed)
 * @param trainable whether optimizers update it
 * @param name the variable's name (unique)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { makeVar } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * const before = tf.memory().numTensors;
 * makeVar(tf.ones([2]), true, "makeVar-example").dispose();
 * assertEquals(tf.memory().numTensors, before);
 * ```
 */
export function makeVar(t: tf.Tensor, trainable: boolean, name: string): tf.Variable {
  const v = tf.variable(t, trainable, name);
  t.dispose();
  return v;
}

/** Swish $x\sigma(x)$ on a tensor. */
function swishTf<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x)) as T;
}

/**
 * x [B, n, k] · w [k, m] → [B, n, m] through one flat 2-D product (fast on wasm, simple gradient).
 *
 * @param x [B, n, k]
 * @param w [k, m]
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { matMulRows } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * assertEquals(matMulRows(tf.ones([2, 3, 4]), tf.ones([4, 5])).arraySync()[1]![2], [4, 4, 4, 4, 4]);
 * ```
 */
export function matMulRows(x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
  const [b, n, k] = x.shape;
  return tf.matMul(x.reshape([b * n, k]), w).reshape([b, n, w.shape[1]]);
}

/**
 * The lower-triangular 0/1 mask [n, n] of a decoder (1 where key j ≤ query i).
 *
 * @param n sequence length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { causalMaskTf } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * assertEquals(causalMaskTf(2).arraySync(), [[1, 0], [1, 1]]);
 * ```
 */
export function causalMaskTf(n: number): tf.Tensor2D {
  checkInt("causalMaskTf", "n", n, 1);
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = 1;
  return tf.tensor2d(m, [n, n]);
}

/**
 * One GAU block (no residual, no norm): $O = (U\odot AV)W_o$ with the relu² attention above.
 *
 * @param x inputs [B, n, d]
 * @param p the block's weights
 * @param opts `causal`, `norm`, `rope`
 * @returns O [B, n, d]
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { gauBlockTf, gauTfVariables, initGauTf } from "@lib/nn/gau_tf.ts";
 * await initTf();
 * const p = initGauTf(4, 8, 2, createRng(0));
 * assertEquals(gauBlockTf(tf.ones([2, 3, 4]), p, { causal: true }).shape, [2, 3, 4]);
 * gauTfVariables(p).forEach((v) => v.dispose());
 * ```
 */
export function gauBlockTf(x: tf.Tensor3D, p: GauTfParams, opts: GauBlockOpts = {}): tf.Tensor3D {
  if (!(x instanceof tf.Tensor) || x.rank !== 3) typeError("gauBlockTf", "x", "a rank-3 tensor [B, n, d]", x);
  const [, n, d] = x.shape;
  if (p.wu.shape[0] !== d) rangeError("gauBlockTf", "x.shape[2]", `p.wu.shape[0] = ${p.wu.shape[0]}`, d);
  const norm = opts.norm ?? "ns";
  if (norm !== "ns" && norm !== "n2") rangeError("gauBlockTf", "opts.norm", '"ns" or "n2"', norm);
  const s = p.wz.shape[1] as number;
  return tf.tidy(() => {
    const u = swishTf(matMulRows(x, p.wu as tf.Tensor2D));
    const v = swishTf(matMulRows(x, p.wv as tf.Tensor2D));
    const z = swishTf(matMulRows(x, p.wz as tf.Tensor2D));
    let q = z.mul(p.qScale).add(p.qBias) as tf.Tensor3D;
    let k = z.mul(p.kScale).add(p.kBias) as tf.Tensor3D;
    if (opts.rope) {
      q = ropeHalfTf(q, opts.rope);
      k = ropeHalfTf(k, opts.rope);
    }
    let a = tf.square(tf.relu(tf.matMul(q, k, false, true))).mul(norm === "ns" ? 1 / (n * s) : 1 / (n * n));
    if (opts.causal) a = a.mul(causalMaskTf(n));
    const av = tf.matMul(a as tf.Tensor3D, v);
    return matMulRows(u.mul(av) as tf.Tensor3D, p.wo as tf.Tensor2D);
  });
}
