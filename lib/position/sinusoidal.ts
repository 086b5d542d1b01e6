/**
 * The Sinusoidal absolute position encoding of "Attention Is All You Need":
 * $p_{k,2i} = \sin(k\theta_i)$, $p_{k,2i+1} = \cos(k\theta_i)$ with $\theta_i = \mathrm{base}^{-2i/d}$.
 *
 * It is additive and absolute, yet "wants to be relative": $p_m^\top p_n$ depends on m − n only, and
 * $p_{m+\delta}$ is a fixed linear (rotation) map of $p_m$. RoPE uses the same frequencies θ_i.
 *
 * @module
 */
import { type Matrix, matrix } from "../core/matrix.ts";
import { checkFinite, checkInt, checkPositive, rangeError } from "../core/validate.ts";
import { ropeInvFreq } from "./rope.ts";

function checkArgs(where: string, d: number, base: number): Float64Array {
  checkInt(where, "d", d, 2);
  if (d % 2 !== 0) rangeError(where, "d", "an even integer ≥ 2", d);
  checkPositive(where, "base", base);
  return ropeInvFreq(d, base);
}

/**
 * The encoding vector of position k: $p_{k,2i} = \sin(k\theta_i)$, $p_{k,2i+1} = \cos(k\theta_i)$,
 * $\theta_i = \mathrm{base}^{-2i/d}$.
 *
 * @param pos the position k (any finite number)
 * @param d the dimension, an even integer ≥ 2
 * @param base the base, > 0 (default 10000)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sinusoidalEncoding } from "@lib/position/sinusoidal.ts";
 * assertEquals(Array.from(sinusoidalEncoding(0, 4)), [0, 1, 0, 1]);
 * ```
 */
export function sinusoidalEncoding(pos: number, d: number, base = 10000): Float64Array {
  const th = checkArgs("sinusoidalEncoding", d, base);
  checkFinite("sinusoidalEncoding", "pos", pos);
  const out = new Float64Array(d);
  for (let i = 0; i < d / 2; i++) {
    const a = pos * (th[i] as number);
    out[2 * i] = Math.sin(a);
    out[2 * i + 1] = Math.cos(a);
  }
  return out;
}

/**
 * The inner product of two encodings as a function of their offset,
 * $p_m^\top p_n = \sum_{i=0}^{d/2-1}\cos\big((m-n)\theta_i\big)$ (so $d/2$ at offset 0).
 *
 * @param rel the relative position m − n
 * @param d the dimension, an even integer ≥ 2
 * @param base the base, > 0 (default 10000)
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { dot } from "@lib/core/matrix.ts";
 * import { sinusoidalDot, sinusoidalEncoding } from "@lib/position/sinusoidal.ts";
 * assertEquals(sinusoidalDot(0, 16), 8);
 * const direct = dot(sinusoidalEncoding(30, 16), sinusoidalEncoding(21, 16));
 * assertAlmostEquals(sinusoidalDot(9, 16), direct, 1e-12);
 * ```
 */
export function sinusoidalDot(rel: number, d: number, base = 10000): number {
  const th = checkArgs("sinusoidalDot", d, base);
  checkFinite("sinusoidalDot", "rel", rel);
  let s = 0;
  for (let i = 0; i < d / 2; i++) s += Math.cos(rel * (th[i] as number));
  return s;
}

/**
 * The fixed linear map that shifts an encoding by δ, $p_{k+\delta} = M_\delta\, p_k$ for every k: block
 * diagonal with blocks $\begin{pmatrix}\cos\delta\theta_i & \sin\delta\theta_i\\ -\sin\delta\theta_i & \cos\delta\theta_i\end{pmatrix}$
 * (the addition formulas for sin and cos in the (sin, cos) ordering).
 *
 * @param delta the shift δ
 * @param d the dimension, an even integer ≥ 2
 * @param base the base, > 0 (default 10000)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { maxAbsDiff } from "@lib/core/array.ts";
 * import { matVec } from "@lib/core/matrix.ts";
 * import { sinusoidalEncoding, sinusoidalShiftMatrix } from "@lib/position/sinusoidal.ts";
 * const shifted = matVec(sinusoidalShiftMatrix(5, 8), sinusoidalEncoding(12, 8));
 * assert(maxAbsDiff(shifted, sinusoidalEncoding(17, 8)) < 1e-12);
 * ```
 */
export function sinusoidalShiftMatrix(delta: number, d: number, base = 10000): Matrix {
  const th = checkArgs("sinusoidalShiftMatrix", d, base);
  checkFinite("sinusoidalShiftMatrix", "delta", delta);
  const out = matrix(d, d);
  for (let i = 0; i < d / 2; i++) {
    const a = delta * (th[i] as number);
    const c = Math.cos(a), s = Math.sin(a);
    const p = 2 * i, q = 2 * i + 1;
    out.data[p * d + p] = c;
    out.data[p * d + q] = s;
    out.data[q * d + p] = -s;
    out.data[q * d + q] = c;
  }
  return out;
}
