/**
 * Gradient estimators for vector quantization (G09, https://kexue.fm/archives/10489): the straight-through
 * estimator (STE) and the rotation trick of Fifty et al. (arXiv 2410.06424) as a generalised STE
 * $z_q = \mathrm{sg}[G]z + \mathrm{sg}[q - Gz]$, which outputs q and has Jacobian $\partial z_q/\partial z = G$.
 *
 * The rotation trick takes $G = \frac{\Vert q\Vert}{\Vert z\Vert}R$ with the rotation
 * $R = I + 2\tilde q\tilde z^\top - 2ww^\top$, $w = (\tilde q + \tilde z)/\Vert\tilde q + \tilde z\Vert$, which maps
 * $\tilde z = z/\Vert z\Vert$ to $\tilde q = q/\Vert q\Vert$, so $Gz = q$. The encoder then receives
 * $\nabla_z\mathcal L = G^\top\nabla_{z_q}\mathcal L$.
 *
 * Degenerate rows (z or q zero, or q pointing exactly opposite to z, where R is undefined) fall back to the STE
 * (G = I) for that row.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { det } from "../core/linalg.ts";
import { matrix } from "../core/matrix.ts";
import { checkFinite, rangeError, typeError } from "../core/validate.ts";

/** Rows with 1 + cos θ below this use the STE fallback. */
export const ROTATION_ANTIPODAL_EPS = 1e-6;

function _vec(where: string, name: string, x: unknown, d?: number): Float64Array {
  if (!(x instanceof Float64Array)) typeError(where, name, "a Float64Array", x);
  const v = x as Float64Array;
  if (v.length === 0) rangeError(where, `${name}.length`, "≥ 1", 0);
  if (d !== undefined && v.length !== d) rangeError(where, `${name}.length`, String(d), v.length);
  for (let i = 0; i < v.length; i++) checkFinite(where, `${name}[${i}]`, v[i]);
  return v;
}

function _dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Unit vectors z̃, q̃, w, the scale ‖q‖/‖z‖, or null for a degenerate pair. */
function _frame(
  z: Float64Array,
  q: Float64Array,
): { zt: Float64Array; qt: Float64Array; w: Float64Array; ratio: number } | null {
  const nz = Math.sqrt(_dot(z, z)), nq = Math.sqrt(_dot(q, q));
  if (nz === 0 || nq === 0) return null;
  const zt = z.map((v) => v / nz), qt = q.map((v) => v / nq);
  if (1 + _dot(zt, qt) < ROTATION_ANTIPODAL_EPS) return null;
  const w = zt.map((v, i) => v + qt[i]!);
  const nw = Math.sqrt(_dot(w, w));
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / nw;
  return { zt, qt, w, ratio: nq / nz };
}

/**
 * The rotation $R = I + 2\tilde q\tilde z^\top - 2ww^\top$ (eq. 5 of the article), a d×d row-major matrix with
 * $R\tilde z = \tilde q$, $R^\top R = I$, $\det R = 1$, acting as the identity on the complement of span(z, q).
 * For a degenerate pair (zero vector or q ∥ −z) it returns the identity (the STE fallback).
 *
 * @param z encoder output (d ≥ 1)
 * @param q its code vector (same d)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { rotationMatrix } from "@lib/vq/rotation.ts";
 * // rotating e1 onto e2 in the plane: R = [[0, −1], [1, 0]]
 * const R = rotationMatrix(new Float64Array([2, 0]), new Float64Array([0, 3]));
 * [0, -1, 1, 0].forEach((v, i) => assertAlmostEquals(R[i]!, v, 1e-15));
 * ```
 */
export function rotationMatrix(z: Float64Array, q: Float64Array): Float64Array {
  _vec("rotationMatrix", "z", z);
  const d = z.length;
  _vec("rotationMatrix", "q", q, d);
  const R = new Float64Array(d * d);
  for (let i = 0; i < d; i++) R[i * d + i] = 1;
  const f = _frame(z, q);
  if (f === null) return R;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      R[i * d + j] = R[i * d + j]! + 2 * f.qt[i]! * f.zt[j]! - 2 * f.w[i]! * f.w[j]!;
    }
  }
  return R;
}

/**
 * $Gv = \frac{\Vert q\Vert}{\Vert z\Vert}\big(v + 2\tilde q(\tilde z^\top v) - 2w(w^\top v)\big)$ without forming R
 * (eq. 6); `rotateTo(z, q, z)` equals q. Degenerate pairs give v (STE).
 *
 * @param z encoder output
 * @param q code vector
 * @param v vector to transform
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { rotateTo } from "@lib/vq/rotation.ts";
 * const z = new Float64Array([1, 2, 2]), q = new Float64Array([0.5, 0, -0.1]);
 * const r = rotateTo(z, q, z);
 * r.forEach((v, i) => assertAlmostEquals(v, q[i]!, 1e-14));
 * ```
 */
export function rotateTo(z: Float64Array, q: Float64Array, v: Float64Array): Float64Array {
  _vec("rotateTo", "z", z);
  _vec("rotateTo", "q", q, z.length);
  _vec("rotateTo", "v", v, z.length);
  const f = _frame(z, q);
  if (f === null) return Float64Array.from(v);
  const a = 2 * _dot(f.zt, v), b = 2 * _dot(f.w, v);
  return v.map((x, i) => f.ratio * (x + a * f.qt[i]! - b * f.w[i]!));
}

/**
 * The encoder gradient under the rotation trick, $G^\top g = \frac{\Vert q\Vert}{\Vert z\Vert}\big(g + 2\tilde z
 * (\tilde q^\top g) - 2w(w^\top g)\big)$ (eq. 4 with $G = \frac{\Vert q\Vert}{\Vert z\Vert}R$). Its norm is
 * $\frac{\Vert q\Vert}{\Vert z\Vert}\Vert g\Vert$. Degenerate pairs give g (STE).
 *
 * @param z encoder output
 * @param q code vector
 * @param gZq gradient of the loss with respect to the quantized output z_q
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { encoderGradRotation } from "@lib/vq/rotation.ts";
 * // 2-D: z = e1, q = 2·e2; the gradient is rotated back by −90° and doubled
 * const g = encoderGradRotation(new Float64Array([1, 0]), new Float64Array([0, 2]), new Float64Array([0, 1]));
 * assertAlmostEquals(g[0]!, 2, 1e-15);
 * assertAlmostEquals(g[1]!, 0, 1e-15);
 * ```
 */
export function encoderGradRotation(z: Float64Array, q: Float64Array, gZq: Float64Array): Float64Array {
  _vec("encoderGradRotation", "z", z);
  _vec("encoderGradRotation", "q", q, z.length);
  _vec("encoderGradRotation", "gZq", gZq, z.length);
  const f = _frame(z, q);
  if (f === null) return Float64Array.from(gZq);
  const a = 2 * _dot(f.qt, gZq), b = 2 * _dot(f.w, gZq);
  return gZq.map((x, i) => f.ratio * (x + a * f.zt[i]! - b * f.w[i]!));
}

function _checkPair(where: string, z: unknown, q: unknown): void {
  if (!(z instanceof tf.Tensor) || z.rank !== 2) typeError(where, "z", "a rank-2 tf.Tensor", z);
  if (!(q instanceof tf.Tensor) || q.rank !== 2) typeError(where, "q", "a rank-2 tf.Tensor", q);
  const zs = (z as tf.Tensor).shape, qs = (q as tf.Tensor).shape;
  if (zs[0] !== qs[0] || zs[1] !== qs[1]) {
    rangeError(where, "q.shape", `[${zs.join(", ")}] (= z.shape)`, `[${qs}]`);
  }
}

/** Batched Gᵀ·dy for rows of z, q (tfjs), with the STE fallback for degenerate rows. */
function _rotGradTf(z: tf.Tensor2D, q: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const tiny = 1e-30;
    const nz = tf.norm(z, "euclidean", 1, true), nq = tf.norm(q, "euclidean", 1, true);
    const zt = tf.div(z, tf.maximum(nz, tiny)), qt = tf.div(q, tf.maximum(nq, tiny));
    const s = tf.add(zt, qt);
    const ns = tf.norm(s, "euclidean", 1, true);
    const w = tf.div(s, tf.maximum(ns, tiny));
    const ratio = tf.div(nq, tf.maximum(nz, tiny));
    const a = tf.mul(2, tf.sum(tf.mul(qt, dy), 1, true)), b = tf.mul(2, tf.sum(tf.mul(w, dy), 1, true));
    const rot = tf.mul(ratio, tf.sub(tf.add(dy, tf.mul(a, zt)), tf.mul(b, w)));
    const cos1 = tf.add(1, tf.sum(tf.mul(zt, qt), 1, true));
    const ok = tf.logicalAnd(
      tf.logicalAnd(tf.greater(nz, 0), tf.greater(nq, 0)),
      tf.greaterEqual(cos1, ROTATION_ANTIPODAL_EPS),
    );
    return tf.where(tf.broadcastTo(ok, dy.shape), rot, dy) as tf.Tensor2D;
  });
}

/**
 * Rotation-trick quantizer for a batch of rows (tfjs): the forward value is exactly q (a copy), the gradient
 * to z is $G^\top dy$ row by row (see {@link encoderGradRotation}), and q receives no gradient (the codebook
 * is trained by the separate codebook loss). Implemented with `tf.customGrad`, so it is the generalised
 * STE $\mathrm{sg}[G]z + \mathrm{sg}[q - Gz]$ without the float rounding of the sum.
 *
 * @param z encoder outputs, n×d
 * @param q their codes, n×d
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { vqRotationTf } from "@lib/vq/rotation.ts";
 * await initTf();
 * const z = tf.tensor2d([[1, 0]]), q = tf.tensor2d([[0, 2]]);
 * assertEquals(Array.from(vqRotationTf(z, q).dataSync()), [0, 2]);
 * const g = tf.grad((v: tf.Tensor) => vqRotationTf(v as tf.Tensor2D, q).mul(tf.tensor2d([[0, 1]])).sum())(z);
 * assertAlmostEquals(g.dataSync()[0]!, 2, 1e-6);
 * tf.dispose([z, q, g]);
 * ```
 */
export function vqRotationTf(z: tf.Tensor2D, q: tf.Tensor2D): tf.Tensor2D {
  _checkPair("vqRotationTf", z, q);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [zz, qq, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([zz, qq]);
    return {
      value: tf.clone(qq),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        _rotGradTf(saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D, dy as tf.Tensor2D),
        tf.zerosLike(saved[1]!),
      ],
    };
  });
  return f(z, q) as tf.Tensor2D;
}

/**
 * Straight-through quantizer $z + \mathrm{sg}[q - z]$ (tfjs): forward value exactly q, gradient dy passed to z
 * unchanged, none to q.
 *
 * @param z encoder outputs, n×d
 * @param q their codes, n×d
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { vqSteTf } from "@lib/vq/rotation.ts";
 * await initTf();
 * const z = tf.tensor2d([[1, 0]]), q = tf.tensor2d([[0, 2]]);
 * const g = tf.grad((v: tf.Tensor) => vqSteTf(v as tf.Tensor2D, q).mul(tf.tensor2d([[3, 4]])).sum())(z);
 * assertEquals(Array.from(g.dataSync()), [3, 4]);
 * tf.dispose([z, q, g]);
 * ```
 */
export function vqSteTf(z: tf.Tensor2D, q: tf.Tensor2D): tf.Tensor2D {
  _checkPair("vqSteTf", z, q);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [, qq, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([qq]);
    return {
      value: tf.clone(qq),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.clone(dy), tf.zerosLike(saved[0]!)],
    };
  });
  return f(z, q) as tf.Tensor2D;
}

/**
 * Numerical diagnostics of the rotation trick for one (z, q, g) triple: how well $R\tilde z = \tilde q$,
 * $R^\top R = I$, $\det R = 1$ and $Gz = q$ hold (max-abs residuals), the norm-ratio identity
 * $\Vert G^\top g\Vert/\Vert g\Vert = \Vert q\Vert/\Vert z\Vert$, and the angle between $G^\top g$ and g next
 * to θ = ∠(z, q) (equal in 2-D, at most θ in higher dimension).
 *
 * @param z encoder output (non-degenerate pair with q)
 * @param q code vector
 * @param g a downstream gradient
 * @returns residuals (detErr is NaN for d > 8, where the determinant is skipped), angle and theta in radians
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { rotationDiagnostics } from "@lib/vq/rotation.ts";
 * const r = rotationDiagnostics(new Float64Array([1, 2]), new Float64Array([-1, 0.5]), new Float64Array([0.3, 1]));
 * assert(r.mapErr < 1e-15 && r.orthErr < 1e-15 && Math.abs(r.angle - r.theta) < 1e-7);
 * ```
 */
export function rotationDiagnostics(
  z: Float64Array,
  q: Float64Array,
  g: Float64Array,
): {
  mapErr: number;
  orthErr: number;
  detErr: number;
  gzErr: number;
  normRatioErr: number;
  angle: number;
  theta: number;
} {
  const where = "rotationDiagnostics";
  _vec(where, "z", z);
  const d = z.length;
  _vec(where, "q", q, d);
  _vec(where, "g", g, d);
  const f = _frame(z, q);
  if (f === null) {
    rangeError(where, "(z, q)", "a non-degenerate pair (non-zero, not antipodal)", "degenerate");
  }
  const R = rotationMatrix(z, q);
  let mapErr = 0, orthErr = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      s += R[i * d + j]! * f!.zt[j]!;
      let o = 0;
      for (let k = 0; k < d; k++) o += R[k * d + i]! * R[k * d + j]!;
      orthErr = Math.max(orthErr, Math.abs(o - (i === j ? 1 : 0)));
    }
    mapErr = Math.max(mapErr, Math.abs(s - f!.qt[i]!));
  }
  const gz = rotateTo(z, q, z);
  const gzErr = Math.max(...Array.from(gz, (v, i) => Math.abs(v - q[i]!)));
  const e = encoderGradRotation(z, q, g);
  const ne = Math.sqrt(_dot(e, e)), ng = Math.sqrt(_dot(g, g));
  const cos = (a: number) => Math.acos(Math.max(-1, Math.min(1, a)));
  return {
    mapErr,
    orthErr,
    detErr: d <= 8 ? Math.abs(det(matrix(d, d, R)) - 1) : NaN,
    gzErr,
    normRatioErr: Math.abs(ne / ng - f!.ratio),
    angle: cos(_dot(e, g) / (ne * ng)),
    theta: cos(_dot(f!.zt, f!.qt)),
  };
}
