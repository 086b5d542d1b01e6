/**
 * Image similarity measures of the generative notebooks (X-gen §7; G02 G07 G10): high-frequency energy,
 * normalised cross-correlation against templates, PSNR.
 *
 * @module
 */
import { rangeError, typeError } from "../core/validate.ts";
import { avgPool, type Img, upsampleNearest } from "./image_ops.ts";

function checkPair(where: string, a: unknown, b: unknown): void {
  for (const [name, v] of [["a", a], ["b", b]] as const) {
    if (!(v instanceof Float32Array || v instanceof Float64Array)) {
      typeError(where, name, "a Float32Array or Float64Array", v);
    }
  }
  const n = (a as Img).length;
  if (n === 0) rangeError(where, "a.length", "≥ 1", 0);
  if ((b as Img).length !== n) rangeError(where, "b.length", `a.length = ${n}`, (b as Img).length);
}

/**
 * Fraction of an image's energy above the resolution H/s: $\|x-UDx\|^2/\|x\|^2$ with $D$ = s×s average pooling
 * and $U$ = nearest upsampling (0 for an image that is constant on s×s blocks; 0 for the zero image).
 *
 * @param x H×W image
 * @param H height (multiple of s)
 * @param W width (multiple of s)
 * @param s factor ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { highFreqEnergy } from "@lib/data/image_metrics.ts";
 * // a 2×2 checkerboard has all its energy above the half resolution
 * assertAlmostEquals(highFreqEnergy(Float64Array.of(1, -1, -1, 1), 2, 2, 2), 1, 1e-15);
 * ```
 */
export function highFreqEnergy(x: Img, H: number, W: number, s: number): number {
  const low = upsampleNearest(avgPool(x, H, W, s), H / s, W / s, s);
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - low[i]!) ** 2;
    den += x[i]! ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Normalised cross-correlation (Pearson correlation of the pixels)
 * $\frac{\sum(a-\bar a)(b-\bar b)}{\sqrt{\sum(a-\bar a)^2\sum(b-\bar b)^2}}\in[-1,1]$; 0 when either image is
 * constant.
 *
 * @param a image
 * @param b image of the same size
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ncc } from "@lib/data/image_metrics.ts";
 * assertAlmostEquals(ncc(Float64Array.of(0, 1, 2), Float64Array.of(5, 7, 9)), 1, 1e-15);
 * ```
 */
export function ncc(a: Img, b: Img): number {
  checkPair("ncc", a, b);
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/**
 * Best {@link ncc} of an image against a set of templates (e.g. the clean digit glyphs): a cheap "does this
 * sample look like some digit" score in [−1, 1].
 *
 * @param x image
 * @param templates non-empty list of images of x's size
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { digitTemplates } from "@lib/data/glyphs.ts";
 * import { maxTemplateNcc } from "@lib/data/image_metrics.ts";
 * const t = digitTemplates(8);
 * assertAlmostEquals(maxTemplateNcc(t[3]!, t), 1, 1e-6);
 * ```
 */
export function maxTemplateNcc(x: Img, templates: Img[]): number {
  if (!Array.isArray(templates) || templates.length === 0) {
    rangeError("maxTemplateNcc", "templates", "a non-empty array of images", templates);
  }
  let best = -Infinity;
  for (const t of templates) best = Math.max(best, ncc(x, t));
  return best;
}

/**
 * Peak signal-to-noise ratio $10\log_{10}\big(\text{maxVal}^2/\mathrm{MSE}(a,b)\big)$ in dB (+∞ for identical
 * images).
 *
 * @param a image
 * @param b image of the same size
 * @param maxVal peak value > 0 (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { psnr } from "@lib/data/image_metrics.ts";
 * assertAlmostEquals(psnr(Float64Array.of(0, 0), Float64Array.of(0.1, 0.1)), 20, 1e-9);
 * ```
 */
export function psnr(a: Img, b: Img, maxVal = 1): number {
  checkPair("psnr", a, b);
  if (!(typeof maxVal === "number" && maxVal > 0 && Number.isFinite(maxVal))) {
    rangeError("psnr", "maxVal", "a positive number", maxVal);
  }
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((maxVal * maxVal) / mse);
}
