/**
 * Masks that sparsify an attention matrix after the fact: a band $|i-j| < w$ (local attention), optionally
 * causal ($j \le i$), applied to an explicit weight matrix with the rows renormalized. Su uses this
 * (https://kexue.fm/archives/8338) to show that truncating a linear-attention matrix to a band helps, and that
 * sparsification raises the rank: a causal matrix with a non-zero diagonal, or the w = 1 band (the
 * identity), has full rank.
 *
 * @module
 */
import { checkMatrix, type Matrix, matrix } from "../core/matrix.ts";
import { checkInt, rangeError } from "../core/validate.ts";

/**
 * The n×n 0/1 band mask $M_{ij} = [\,|i-j| < w\,]$, and with `causal` also $[\,j \le i\,]$.
 *
 * @param n size, integer ≥ 1
 * @param w band half-width, integer ≥ 1 (w = 1 keeps the diagonal only; w ≥ n keeps everything)
 * @param opts `causal` (default false)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bandMask } from "@lib/attention/masks.ts";
 * assertEquals(Array.from(bandMask(3, 2).data), [1, 1, 0, 1, 1, 1, 0, 1, 1]);
 * assertEquals(Array.from(bandMask(3, 2, { causal: true }).data), [1, 0, 0, 1, 1, 0, 0, 1, 1]);
 * ```
 */
export function bandMask(n: number, w: number, opts: { causal?: boolean } = {}): Matrix {
  checkInt("bandMask", "n", n, 1);
  checkInt("bandMask", "w", w, 1);
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (Math.abs(i - j) < w && (!opts.causal || j <= i)) out.data[i * n + j] = 1;
    }
  }
  return out;
}

/**
 * Multiplies a weight matrix entry-wise by a 0/1 mask and renormalizes every row to sum 1:
 * $\tilde a_{ij} = a_{ij}M_{ij} / \sum_{j'} a_{ij'}M_{ij'}$.
 *
 * @param w n×m non-negative weights
 * @param mask n×m mask with entries 0 or 1; every row must keep some positive weight
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matrix } from "@lib/core/matrix.ts";
 * import { applyMaskRenormalize, bandMask } from "@lib/attention/masks.ts";
 * const a = matrix(2, 2, [0.5, 0.5, 0.25, 0.75]);
 * assertEquals(Array.from(applyMaskRenormalize(a, bandMask(2, 1)).data), [1, 0, 0, 1]);
 * ```
 */
export function applyMaskRenormalize(w: Matrix, mask: Matrix): Matrix {
  checkMatrix("applyMaskRenormalize", "w", w);
  checkMatrix("applyMaskRenormalize", "mask", mask);
  if (mask.rows !== w.rows || mask.cols !== w.cols) {
    rangeError("applyMaskRenormalize", "mask", `a ${w.rows}×${w.cols} matrix`, `${mask.rows}×${mask.cols}`);
  }
  const out = matrix(w.rows, w.cols), c = w.cols;
  for (let i = 0; i < w.rows; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) {
      const m = mask.data[i * c + j]!, x = w.data[i * c + j]!;
      if (m !== 0 && m !== 1) rangeError("applyMaskRenormalize", `mask[${i}][${j}]`, "0 or 1", m);
      if (!(x >= 0)) rangeError("applyMaskRenormalize", `w[${i}][${j}]`, "a number ≥ 0", x);
      out.data[i * c + j] = x * m;
      s += x * m;
    }
    if (!(s > 0)) rangeError("applyMaskRenormalize", `masked row ${i}`, "a positive sum", s);
    for (let j = 0; j < c; j++) out.data[i * c + j] = out.data[i * c + j]! / s;
  }
  return out;
}
