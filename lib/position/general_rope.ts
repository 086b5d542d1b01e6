/**
 * The general solution of RoPE's defining equation (Su, "The Transformer upgrade road 6: completeness of
 * rotary position embedding", https://kexue.fm/archives/9403): any family of square matrices with
 * $\mathcal R_m^\top\mathcal R_n = \mathcal R_{n-m}$, in particular $\mathcal R_n = \exp(nB)$ with a
 * skew-symmetric B, of which the usual block-diagonal RoPE is the special case
 * $B = \mathrm{diag}(J_{\theta_0}, \dots, J_{\theta_{d/2-1}})$.
 *
 * @module
 */
import { expm } from "../core/linalg.ts";
import { checkMatrix, frobenius, matmul, type Matrix, scale, sub, transpose } from "../core/matrix.ts";
import { checkFinite, rangeError, typeError } from "../core/validate.ts";

/**
 * The general rotary position matrix $\mathcal R_{\mathrm{pos}} = \exp(\mathrm{pos}\cdot B)$ (matrix
 * exponential). For a skew-symmetric B it is orthogonal and satisfies
 * $\mathcal R_m^\top \mathcal R_n = \mathcal R_{n-m}$; for $B = \mathrm{diag}(J_{\theta_i})$ it is the
 * standard RoPE matrix `ropeMatrix(pos, thetas)`.
 *
 * @param b the generator, a square matrix (skew-symmetric for a valid RoPE; not enforced, so that
 *   the failure of other generators can be measured)
 * @param pos the position, a finite number
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { generalRope } from "@lib/position/general_rope.ts";
 * import { ropeMatrix } from "@lib/position/rope.ts";
 * const r = generalRope(matrix(2, 2, [0, -0.5, 0.5, 0]), 3); // exp(3·J_0.5) = R_1.5
 * const ref = ropeMatrix(3, new Float64Array([0.5]));
 * r.data.forEach((x, k) => assertAlmostEquals(x, ref.data[k]!, 1e-14));
 * ```
 */
export function generalRope(b: Matrix, pos: number): Matrix {
  checkMatrix("generalRope", "b", b);
  if (b.rows !== b.cols) rangeError("generalRope", "b", "a square matrix", `${b.rows}×${b.cols}`);
  checkFinite("generalRope", "pos", pos);
  return expm(scale(b, pos));
}

/**
 * How far a family of position matrices is from RoPE's defining identity at (m, n):
 * $\big\|\mathcal R_m^\top\mathcal R_n - \mathcal R_{n-m}\big\|_F$ (0 for a valid RoPE).
 *
 * @param family position → matrix, e.g. `(p) => generalRope(b, p)` or `(p) => matPow(o, p)`
 * @param m the query position
 * @param n the key position
 * @example
 * ```ts
 * import { assertAlmostEquals, assertGreater } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { generalRope, relativityDefect } from "@lib/position/general_rope.ts";
 * const skew = matrix(2, 2, [0, -1, 1, 0]), notSkew = matrix(2, 2, [0, 1, 1, 0]);
 * assertAlmostEquals(relativityDefect((p) => generalRope(skew, p), 1, 2), 0, 1e-13);
 * assertGreater(relativityDefect((p) => generalRope(notSkew, p), 1, 2), 1);
 * ```
 */
export function relativityDefect(family: (pos: number) => Matrix, m: number, n: number): number {
  if (typeof family !== "function") {
    typeError("relativityDefect", "family", "a function pos → Matrix", family);
  }
  checkFinite("relativityDefect", "m", m);
  checkFinite("relativityDefect", "n", n);
  const rm = checkMatrix("relativityDefect", "family(m)", family(m));
  const rn = checkMatrix("relativityDefect", "family(n)", family(n));
  const rel = checkMatrix("relativityDefect", "family(n − m)", family(n - m));
  return frobenius(sub(matmul(transpose(rm), rn), rel));
}
