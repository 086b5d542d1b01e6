/**
 * Array operations on images stored row-major in flat typed arrays (X-gen §7; G02 G07): average pooling,
 * nearest and bilinear upsampling, patchify/unpatchify, 8-bit quantisation. Results have the input's array type.
 *
 * @module
 */
import { checkInt, rangeError, typeError } from "../core/validate.ts";

/** A flat row-major image (H×W, or H×W×C where a function says so). */
export type Img = Float32Array | Float64Array;

function like(x: Img, n: number): Img {
  return x instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

function checkImg(where: string, x: unknown, h: number, w: number, c = 1): Img {
  if (!(x instanceof Float32Array || x instanceof Float64Array)) {
    typeError(where, "x", "a Float32Array or Float64Array", x);
  }
  checkInt(where, "H", h, 1);
  checkInt(where, "W", w, 1);
  if (x.length !== h * w * c) {
    rangeError(where, "x.length", `H·W${c > 1 ? "·C" : ""} = ${h * w * c}`, x.length);
  }
  return x;
}

/**
 * Average pooling $D$ with an s×s window and stride s: $(Dx)_{ij}=\frac1{s^2}\sum_{a,b<s}x_{si+a,\,sj+b}$.
 *
 * @param x H×W image
 * @param H height, a multiple of s
 * @param W width, a multiple of s
 * @param s pooling factor ≥ 1
 * @returns (H/s)×(W/s) image
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { avgPool } from "@lib/data/image_ops.ts";
 * assertEquals(Array.from(avgPool(Float64Array.of(1, 2, 3, 4), 2, 2, 2)), [2.5]);
 * ```
 */
export function avgPool(x: Img, H: number, W: number, s: number): Img {
  const where = "avgPool";
  checkImg(where, x, H, W);
  checkInt(where, "s", s, 1);
  if (H % s !== 0 || W % s !== 0) rangeError(where, "s", `a divisor of H = ${H} and W = ${W}`, s);
  const h = H / s, w = W / s, out = like(x, h * w), inv = 1 / (s * s);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let acc = 0;
      for (let a = 0; a < s; a++) for (let b = 0; b < s; b++) acc += x[(s * i + a) * W + s * j + b]!;
      out[i * w + j] = acc * inv;
    }
  }
  return out;
}

/**
 * Nearest-neighbour upsampling $U$ by s: every pixel becomes an s×s block, so $D\,U x = x$ exactly.
 *
 * @param x h×w image
 * @param h height
 * @param w width
 * @param s factor ≥ 1
 * @returns (h·s)×(w·s) image
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { upsampleNearest } from "@lib/data/image_ops.ts";
 * assertEquals(Array.from(upsampleNearest(Float64Array.of(1, 2), 1, 2, 2)), [1, 1, 2, 2, 1, 1, 2, 2]);
 * ```
 */
export function upsampleNearest(x: Img, h: number, w: number, s: number): Img {
  const where = "upsampleNearest";
  checkImg(where, x, h, w);
  checkInt(where, "s", s, 1);
  const W = w * s, out = like(x, h * s * W);
  for (let r = 0; r < h * s; r++) {
    for (let c = 0; c < W; c++) out[r * W + c] = x[Math.floor(r / s) * w + Math.floor(c / s)]!;
  }
  return out;
}

/**
 * Bilinear upsampling by s with pixel-centre alignment (source coordinate $(t+\frac12)/s-\frac12$, clamped to the
 * image): constant images stay constant, and linear ramps stay linear away from the border.
 *
 * @param x h×w image
 * @param h height
 * @param w width
 * @param s factor ≥ 1
 * @returns (h·s)×(w·s) image
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { upsampleBilinear } from "@lib/data/image_ops.ts";
 * assertEquals(Array.from(upsampleBilinear(Float64Array.of(0, 4), 1, 2, 2)), [0, 1, 3, 4, 0, 1, 3, 4]);
 * ```
 */
export function upsampleBilinear(x: Img, h: number, w: number, s: number): Img {
  const where = "upsampleBilinear";
  checkImg(where, x, h, w);
  checkInt(where, "s", s, 1);
  const H = h * s, W = w * s, out = like(x, H * W);
  const coord = (t: number, n: number) => {
    const u = Math.min(n - 1, Math.max(0, (t + 0.5) / s - 0.5));
    const i0 = Math.floor(u), i1 = Math.min(n - 1, i0 + 1);
    return [i0, i1, u - i0] as const;
  };
  for (let r = 0; r < H; r++) {
    const [r0, r1, fr] = coord(r, h);
    for (let c = 0; c < W; c++) {
      const [c0, c1, fc] = coord(c, w);
      const top = x[r0 * w + c0]! * (1 - fc) + x[r0 * w + c1]! * fc;
      const bot = x[r1 * w + c0]! * (1 - fc) + x[r1 * w + c1]! * fc;
      out[r * W + c] = top * (1 - fr) + bot * fr;
    }
  }
  return out;
}

/**
 * Splits an H×W×C image (channels last) into non-overlapping p×p patches, the ViT-style tokenisation of G07:
 * $n=(H/p)(W/p)$ tokens of dimension $p^2C$, patches in row-major order, each flattened as (row, column, channel).
 *
 * @param img H×W×C values
 * @param H height, a multiple of p
 * @param W width, a multiple of p
 * @param C channels ≥ 1
 * @param p patch side ≥ 1
 * @returns `tokens` (n·dim values), `n`, `dim`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { patchify } from "@lib/data/image_ops.ts";
 * const { tokens, n, dim } = patchify(Float32Array.of(1, 2, 3, 4), 2, 2, 1, 1);
 * assertEquals([n, dim, Array.from(tokens)], [4, 1, [1, 2, 3, 4]]);
 * ```
 */
export function patchify(
  img: Float32Array,
  H: number,
  W: number,
  C: number,
  p: number,
): { tokens: Float32Array; n: number; dim: number } {
  const where = "patchify";
  checkInt(where, "C", C, 1);
  checkImg(where, img, H, W, C);
  checkInt(where, "p", p, 1);
  if (H % p !== 0 || W % p !== 0) rangeError(where, "p", `a divisor of H = ${H} and W = ${W}`, p);
  const gh = H / p, gw = W / p, dim = p * p * C, tokens = new Float32Array(gh * gw * dim);
  let o = 0;
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      for (let a = 0; a < p; a++) {
        const start = ((i * p + a) * W + j * p) * C;
        tokens.set(img.subarray(start, start + p * C), o);
        o += p * C;
      }
    }
  }
  return { tokens, n: gh * gw, dim };
}

/**
 * Inverse of {@link patchify}: reassembles the H×W×C image from its p×p patch tokens.
 *
 * @param tokens (H/p)(W/p)·p²C values
 * @param H height
 * @param W width
 * @param C channels
 * @param p patch side
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { patchify, unpatchify } from "@lib/data/image_ops.ts";
 * const img = Float32Array.from({ length: 48 }, (_, i) => i);
 * assertEquals(unpatchify(patchify(img, 4, 4, 3, 2).tokens, 4, 4, 3, 2), img);
 * ```
 */
export function unpatchify(tokens: Float32Array, H: number, W: number, C: number, p: number): Float32Array {
  const where = "unpatchify";
  checkInt(where, "C", C, 1);
  checkInt(where, "p", p, 1);
  checkImg(where, tokens, H, W, C);
  if (H % p !== 0 || W % p !== 0) rangeError(where, "p", `a divisor of H = ${H} and W = ${W}`, p);
  const gh = H / p, gw = W / p, img = new Float32Array(H * W * C);
  let o = 0;
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      for (let a = 0; a < p; a++) {
        img.set(tokens.subarray(o, o + p * C), ((i * p + a) * W + j * p) * C);
        o += p * C;
      }
    }
  }
  return img;
}

/**
 * Quantises values in [0, 1] to bytes: $\mathrm{round}(255\,\mathrm{clip}_{[0,1]}(x))$ (non-finite values throw).
 *
 * @param x values
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { quantizeU8 } from "@lib/data/image_ops.ts";
 * assertEquals(Array.from(quantizeU8(Float32Array.of(-1, 0.5, 2))), [0, 128, 255]);
 * ```
 */
export function quantizeU8(x: Img): Uint8Array {
  if (!(x instanceof Float32Array || x instanceof Float64Array)) {
    typeError("quantizeU8", "x", "a Float32Array or Float64Array", x);
  }
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) rangeError("quantizeU8", `x[${i}]`, "a finite number", v);
    out[i] = Math.round(255 * Math.min(1, Math.max(0, v)));
  }
  return out;
}

/**
 * A 2-D point cloud as a grey image (the PNG view of 2-D toy samples, X-gen §7): counts $c$ on a res×res grid over
 * `bounds`, shown as $\log(1+c)/\log(1+\max c)$ so that sparse regions stay visible. Row 0 is the top edge
 * ($y = y_{\max}$), column 0 the left edge; points outside the bounds are dropped.
 *
 * @param X flat n×2 points
 * @param bounds [xMin, xMax, yMin, yMax] with xMin < xMax and yMin < yMax
 * @param res pixels per side ≥ 1
 * @returns res×res values in [0, 1] (all 0 when no point falls inside)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { histogram2d } from "@lib/data/image_ops.ts";
 * // one point in the top-left cell, two in the bottom-right cell
 * const img = histogram2d(Float64Array.of(-0.9, 0.9, 0.9, -0.9, 0.8, -0.8), [-1, 1, -1, 1], 2);
 * assertEquals(Array.from(img), [Math.log(2) / Math.log(3), 0, 0, 1]);
 * ```
 */
export function histogram2d(
  X: Float64Array,
  bounds: [number, number, number, number],
  res: number,
): Float64Array {
  const where = "histogram2d";
  if (!(X instanceof Float64Array)) typeError(where, "X", "a Float64Array (n×2)", X);
  if (X.length % 2 !== 0) rangeError(where, "X.length", "a multiple of 2", X.length);
  if (!Array.isArray(bounds) || bounds.length !== 4 || !bounds.every(Number.isFinite)) {
    typeError(where, "bounds", "[xMin, xMax, yMin, yMax] (finite)", bounds);
  }
  const [x0, x1, y0, y1] = bounds;
  if (!(x0 < x1 && y0 < y1)) rangeError(where, "bounds", "xMin < xMax and yMin < yMax", bounds);
  checkInt(where, "res", res, 1);
  const counts = new Float64Array(res * res);
  for (let i = 0; i < X.length; i += 2) {
    const x = X[i]!, y = X[i + 1]!;
    if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue;
    const c = Math.min(res - 1, Math.floor(((x - x0) / (x1 - x0)) * res));
    const r = Math.min(res - 1, Math.floor(((y1 - y) / (y1 - y0)) * res));
    counts[r * res + c]! += 1;
  }
  let max = 0;
  for (const c of counts) max = Math.max(max, c);
  if (max === 0) return counts;
  const norm = Math.log1p(max);
  for (let k = 0; k < counts.length; k++) counts[k] = Math.log1p(counts[k]!) / norm;
  return counts;
}
