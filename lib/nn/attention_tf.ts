/**
 * Multi-head scaled dot-product self-attention as a differentiable tfjs op (batched, float32):
 * $$\mathrm{head}_h = \mathrm{softmax}\big(\mathrm{scale}\cdot Q_h K_h^\top + B\big) V_h,\quad
 *   Q = XW_q,\ K = XW_k,\ V = XW_v,\quad O = [\mathrm{head}_1,\dots,\mathrm{head}_H]\,W_o .$$
 * The Float64 reference is `lib/attention/softmax_attention.ts`; the tests check agreement head by head.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkFinite, checkInt, rangeError, typeError } from "../core/validate.ts";

/** Projection weights of {@link selfAttentionTf}: $W_q, W_k$ [d, H·d_k], $W_v$ [d, H·d_v], optional $W_o$ [H·d_v, d_o]. */
export interface SelfAttentionWeights {
  wq: tf.Tensor2D;
  wk: tf.Tensor2D;
  wv: tf.Tensor2D;
  wo?: tf.Tensor2D;
}

/** Options of {@link selfAttentionTf}. */
export interface SelfAttentionOpts {
  /** Number of heads H (default 1); must divide the widths of $W_q$ and $W_v$. */
  heads?: number;
  /** Decoder mask: query i sees keys j ≤ i only (default false = bidirectional, as in an encoder). */
  causal?: boolean;
  /** Multiplies $q\cdot k$; default $1/\sqrt{d_k}$ with $d_k$ the per-head query width. */
  scale?: number;
  /** Compute the output of this one query position only (out [B, 1, ·], weights [B, H, 1, n]). */
  queryIndex?: number;
  /** Additive logit bias [n, n] (row = query, column = key); −∞ entries are allowed but not a whole row. */
  bias?: tf.Tensor2D;
}

/**
 * Multi-head self-attention of a batch `x` [B, n, d]. Heads split the columns of $W_q, W_k, W_v$ into H equal
 * consecutive blocks (head h uses columns $h\,d_k \ldots (h+1)d_k - 1$). Differentiable in `x` and all weights.
 * Call inside `tf.tidy` in loops (the returned tensors are the caller's).
 *
 * @param x inputs [B, n, d]
 * @param w projections `wq`, `wk` [d, H·d_k], `wv` [d, H·d_v], optional `wo` [H·d_v, d_o]
 * @param opts `heads`, `causal`, `scale`, `queryIndex`, `bias` (see {@link SelfAttentionOpts})
 * @returns `out` [B, n, d_o] (or [B, n, H·d_v] without `wo`) and the attention weights [B, H, n, n]
 *   (n queries → 1 with `queryIndex`); every row of `weights` sums to 1
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { selfAttentionTf } from "@lib/nn/attention_tf.ts";
 * await initTf();
 * const x = tf.tensor3d([[[1], [0], [2]]]); // B = 1, n = 3, d = 1
 * const eye = tf.tensor2d([[1]]);
 * const { out, weights } = selfAttentionTf(x, { wq: eye, wk: eye, wv: eye }, { causal: true, scale: 1 });
 * assertEquals(weights.shape, [1, 1, 3, 3]);
 * assertEquals(weights.arraySync()[0]![0]![0], [1, 0, 0]); // the first query sees only itself
 * // query 1 (q = 0): uniform over keys 0, 1 → mean of values 1 and 0
 * assertAlmostEquals(out.arraySync()[0]![1]![0]!, 0.5, 1e-6);
 * ```
 */
export function selfAttentionTf(
  x: tf.Tensor3D,
  w: SelfAttentionWeights,
  opts: SelfAttentionOpts = {},
): { out: tf.Tensor3D; weights: tf.Tensor4D } {
  const where = "selfAttentionTf";
  if (!(x instanceof tf.Tensor) || x.rank !== 3) typeError(where, "x", "a rank-3 tf.Tensor [B, n, d]", x);
  if (w === null || typeof w !== "object") typeError(where, "w", "{ wq, wk, wv, wo? }", w);
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an options object", opts);
  const [b, n, d] = x.shape;
  for (const k of ["wq", "wk", "wv"] as const) {
    const t = w[k];
    if (!(t instanceof tf.Tensor) || t.rank !== 2) typeError(where, `w.${k}`, "a rank-2 tf.Tensor", t);
    if (t.shape[0] !== d) rangeError(where, `w.${k}.shape[0]`, `x.shape[2] = ${d}`, t.shape[0]);
  }
  const heads = checkInt(where, "opts.heads", opts.heads ?? 1, 1);
  const qk = w.wq.shape[1], vw = w.wv.shape[1];
  if (w.wk.shape[1] !== qk) rangeError(where, "w.wk.shape[1]", `w.wq.shape[1] = ${qk}`, w.wk.shape[1]);
  if (qk % heads !== 0) rangeError(where, "w.wq.shape[1]", `a multiple of heads = ${heads}`, qk);
  if (vw % heads !== 0) rangeError(where, "w.wv.shape[1]", `a multiple of heads = ${heads}`, vw);
  if (w.wo !== undefined) {
    if (!(w.wo instanceof tf.Tensor) || w.wo.rank !== 2) typeError(where, "w.wo", "a rank-2 tf.Tensor", w.wo);
    if (w.wo.shape[0] !== vw) rangeError(where, "w.wo.shape[0]", `w.wv.shape[1] = ${vw}`, w.wo.shape[0]);
  }
  const dk = qk / heads, dv = vw / heads;
  const scale = opts.scale === undefined ? 1 / Math.sqrt(dk) : checkFinite(where, "opts.scale", opts.scale);
  const qi = opts.queryIndex === undefined
    ? -1
    : checkInt(where, "opts.queryIndex", opts.queryIndex, 0, n - 1);
  if (opts.bias !== undefined) {
    const bs = opts.bias;
    if (!(bs instanceof tf.Tensor) || bs.rank !== 2) typeError(where, "opts.bias", "a rank-2 tf.Tensor", bs);
    if (bs.shape[0] !== n || bs.shape[1] !== n) {
      rangeError(where, "opts.bias.shape", `[${n}, ${n}]`, bs.shape);
    }
  }
  const nq = qi < 0 ? n : 1;
  return tf.tidy(() => {
    const flat = x.reshape([b * n, d]);
    // [B·n, H·dh] → [B, H, n, dh] → [B·H, n, dh]
    const split = (t: tf.Tensor2D, rows: number, dh: number) =>
      t.reshape([b, rows, heads, dh]).transpose([0, 2, 1, 3]).reshape([b * heads, rows, dh]) as tf.Tensor3D;
    const xq = qi < 0 ? flat : x.slice([0, qi, 0], [b, 1, d]).reshape([b, d]);
    const q = split(tf.matMul(xq as tf.Tensor2D, w.wq), nq, dk);
    const k = split(tf.matMul(flat, w.wk), n, dk);
    const v = split(tf.matMul(flat, w.wv), n, dv);
    let logits = tf.matMul(q, k, false, true).mul(scale) as tf.Tensor3D; // [B·H, nq, n]
    let addend: tf.Tensor | null = null;
    if (opts.bias !== undefined) addend = qi < 0 ? opts.bias : opts.bias.slice([qi, 0], [1, n]);
    if (opts.causal) {
      const m = new Float32Array(nq * n);
      for (let i = 0; i < nq; i++) {
        const pos = qi < 0 ? i : qi;
        for (let j = pos + 1; j < n; j++) m[i * n + j] = -1e30;
      }
      const cm = tf.tensor2d(m, [nq, n]);
      addend = addend === null ? cm : addend.add(cm);
    }
    if (addend !== null) logits = logits.add(addend) as tf.Tensor3D;
    const p = tf.softmax(logits, -1) as tf.Tensor3D;
    const o = tf.matMul(p, v) // [B·H, nq, dv] → [B, nq, H·dv]
      .reshape([b, heads, nq, dv]).transpose([0, 2, 1, 3]).reshape([b * nq, heads * dv]) as tf.Tensor2D;
    const out = (w.wo === undefined ? o : tf.matMul(o, w.wo)).reshape([b, nq, -1]) as tf.Tensor3D;
    return { out, weights: p.reshape([b, heads, nq, n]) as tf.Tensor4D };
  });
}
