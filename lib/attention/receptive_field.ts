/**
 * Receptive fields of stacked (window) attention layers, the counting argument behind HWFA
 * (https://kexue.fm/archives/9603): with L causal window layers of window w (a query sees itself and the
 * w − 1 keys before it), the last layer's token depends on at most $(w-1)L+1$ input tokens. HWFA keeps the
 * L − 1 window layers' field at $(w-1)(L-1)+1 = \alpha N \le \tfrac34 N$ and lets one full-attention layer do
 * the global retrieval.
 *
 * @module
 */
import { checkMatrix, type Matrix } from "../core/matrix.ts";
import { checkInt, checkRange, rangeError } from "../core/validate.ts";

/**
 * Which inputs each output can depend on after `layers` applications of the same attention pattern: the boolean
 * power $R^{(L)} = (M \lor I)^{L}$ of the allowed-attention matrix $M$ (entry ≠ 0 = may attend). The identity
 * stands for the residual stream, so a token always "reaches" itself.
 *
 * @param mask n×n matrix, entry (i, j) ≠ 0 when query i may attend to key j (e.g. `bandMask(n, w, { causal: true })`)
 * @param layers number of stacked layers L ≥ 1
 * @returns n×n booleans, `[i][j]` true when output i depends on input j
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bandMask } from "@lib/attention/masks.ts";
 * import { maskReach } from "@lib/attention/receptive_field.ts";
 * const reach = maskReach(bandMask(10, 3, { causal: true }), 2);
 * assertEquals(reach[9]!.filter(Boolean).length, (3 - 1) * 2 + 1);
 * ```
 */
export function maskReach(mask: Matrix, layers: number): boolean[][] {
  const where = "maskReach";
  checkMatrix(where, "mask", mask);
  if (mask.rows !== mask.cols) rangeError(where, "mask", "a square matrix", `${mask.rows}×${mask.cols}`);
  checkInt(where, "layers", layers, 1);
  const n = mask.rows;
  const step = Array.from({ length: n }, (_, i) => {
    const js: number[] = [];
    for (let j = 0; j < n; j++) if (i === j || mask.data[i * n + j] !== 0) js.push(j);
    return js;
  });
  let reach = step.map((js) => {
    const r = new Array<boolean>(n).fill(false);
    js.forEach((j) => (r[j] = true));
    return r;
  });
  for (let l = 1; l < layers; l++) {
    reach = step.map((js) => {
      const r = new Array<boolean>(n).fill(false);
      for (const k of js) reach[k]!.forEach((b, j) => (r[j] = r[j]! || b));
      return r;
    });
  }
  return reach;
}

/**
 * Receptive field of `layers` stacked causal window layers of window w (the window counts the token itself):
 * $$(w-1)L + 1.$$
 *
 * @param w window ≥ 1
 * @param layers number of layers L ≥ 0 (L = 0: the token itself)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { receptiveField } from "@lib/attention/receptive_field.ts";
 * assertEquals(receptiveField(16, 23), 346); // Su's GAU: 0.676 of the training length 512
 * ```
 */
export function receptiveField(w: number, layers: number): number {
  checkInt("receptiveField", "w", w, 1);
  checkInt("receptiveField", "layers", layers, 0);
  return (w - 1) * layers + 1;
}

/**
 * HWFA's window: the largest integer w ≥ 2 with $(w-1)(L-1)+1 \le \alpha N$, i.e. the L − 1 window layers
 * together see at most a fraction α of the training length N (Su recommends α ≤ 3/4 and w as large as allowed).
 *
 * @param trainLen training length N ≥ 2
 * @param layers total layers L ≥ 2 (L − 1 window layers + 1 full layer)
 * @param alpha fraction α in (0, 1]
 * @throws RangeError when even w = 2 does not fit (αN < L)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { hwfaMaxWindow } from "@lib/attention/receptive_field.ts";
 * assertEquals(hwfaMaxWindow(512, 24, 0.75), 17); // Su uses 16
 * assertEquals(hwfaMaxWindow(64, 2, 0.5), 32); // the toy LM's window
 * ```
 */
export function hwfaMaxWindow(trainLen: number, layers: number, alpha: number): number {
  const where = "hwfaMaxWindow";
  checkInt(where, "trainLen", trainLen, 2);
  checkInt(where, "layers", layers, 2);
  checkRange(where, "alpha", alpha, 0, 1);
  if (!(alpha > 0)) rangeError(where, "alpha", "in (0, 1]", alpha);
  const w = Math.floor((alpha * trainLen - 1) / (layers - 1) + 1e-9) + 1;
  if (w < 2) {
    rangeError(where, "alpha·trainLen", `≥ layers = ${layers} (room for a window of 2)`, alpha * trainLen);
  }
  return w;
}
