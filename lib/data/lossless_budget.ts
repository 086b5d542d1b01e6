/**
 * The information budget of lossless image tokens (G07, "armchair thoughts on multimodality (1)"):
 * how many bits an image carries, how long a pixel sequence is, how large a codebook would have to be for a
 * tokeniser of length L to be lossless, and two measured stand-ins for the information of real bytes
 * (order-0 entropy and deflate size).
 *
 * $$L\log_2 V \ \ge\ H\cdot W\cdot C\cdot b,$$ with b the information in bits per byte (Su uses b ≈ 3 for ImageNet-64).
 *
 * @module
 */
import { deflateRawSync } from "node:zlib";
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";

/**
 * Total information of an H×W×C byte image at `bitsPerByte` bits per byte: $H\,W\,C\,b$.
 *
 * @param h height (≥ 1)
 * @param w width (≥ 1)
 * @param c channels (≥ 1)
 * @param bitsPerByte information per byte, in (0, 8]
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { imageBits } from "@lib/data/lossless_budget.ts";
 * assertEquals(imageBits(64, 64, 3, 3), 36864); // the article's 64×64×3×3
 * ```
 */
export function imageBits(h: number, w: number, c: number, bitsPerByte: number): number {
  checkInt("imageBits", "h", h, 1);
  checkInt("imageBits", "w", w, 1);
  checkInt("imageBits", "c", c, 1);
  checkPositive("imageBits", "bitsPerByte", bitsPerByte);
  return h * w * c * bitsPerByte;
}

/**
 * The smallest $\log_2 V$ for which L tokens from a vocabulary of V can carry `totalBits` losslessly:
 * $\log_2 V \ge \text{totalBits}/L$ (eq. 2 of the article).
 *
 * @param totalBits information to carry (> 0)
 * @param L sequence length (≥ 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { minLog2Vocab } from "@lib/data/lossless_budget.ts";
 * assertEquals([minLog2Vocab(36864, 1024), minLog2Vocab(36864, 256)], [36, 144]);
 * ```
 */
export function minLog2Vocab(totalBits: number, L: number): number {
  checkPositive("minLog2Vocab", "totalBits", totalBits);
  checkInt("minLog2Vocab", "L", L, 1);
  return totalBits / L;
}

/**
 * Length of an n×n image written as a sequence of bytes, $c\,n^2$ (c = 3 for RGB), or of a tokeniser's grid
 * after downsampling by `down` with one token per cell, $(n/\text{down})^2$ when `down` is given.
 *
 * @param n image side (≥ 1)
 * @param c channels (default 3; ignored when `down` is given)
 * @param down downsampling factor of a tokeniser (divides n)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pixelSeqLen } from "@lib/data/lossless_budget.ts";
 * assertEquals([pixelSeqLen(256), pixelSeqLen(256, 3, 16)], [196608, 256]);
 * ```
 */
export function pixelSeqLen(n: number, c = 3, down?: number): number {
  checkInt("pixelSeqLen", "n", n, 1);
  checkInt("pixelSeqLen", "c", c, 1);
  if (down === undefined) return c * n * n;
  checkInt("pixelSeqLen", "down", down, 1, n);
  if (n % down !== 0) rangeError("pixelSeqLen", "down", `a divisor of n = ${n}`, down);
  return (n / down) ** 2;
}

function _checkBytes(where: string, bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    typeError(where, "bytes", "a non-empty Uint8Array", bytes);
  }
  return bytes;
}

/**
 * Order-0 (byte-histogram) entropy in bits per byte, $-\sum_b \hat p_b\log_2\hat p_b$ — what a code that ignores all
 * context would need; 8 for uniform bytes, 0 for a constant array.
 *
 * @param bytes the data (non-empty)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { order0EntropyBitsPerByte } from "@lib/data/lossless_budget.ts";
 * assertEquals(order0EntropyBitsPerByte(Uint8Array.from({ length: 256 }, (_, i) => i)), 8);
 * ```
 */
export function order0EntropyBitsPerByte(bytes: Uint8Array): number {
  _checkBytes("order0EntropyBitsPerByte", bytes);
  const counts = new Float64Array(256);
  for (const b of bytes) counts[b]!++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / bytes.length) * Math.log2(c / bytes.length);
  return h === 0 ? 0 : h;
}

/**
 * Size of the raw-deflate stream (zlib level 9, no header) in bits per input byte: an achievable code length,
 * hence an upper bound on the information per byte of this data under the deflate model.
 *
 * @param bytes the data (non-empty)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { deflateBitsPerByte } from "@lib/data/lossless_budget.ts";
 * assert(deflateBitsPerByte(new Uint8Array(10000)) < 0.05); // constant data compresses to almost nothing
 * ```
 */
export function deflateBitsPerByte(bytes: Uint8Array): number {
  _checkBytes("deflateBitsPerByte", bytes);
  return (deflateRawSync(bytes, { level: 9 }).length * 8) / bytes.length;
}
