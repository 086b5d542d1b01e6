/**
 * Helpers for the digit-glyph GAN proxy of the image experiments (G10, https://kexue.fm/archives/6163): batches of
 * glyph images scaled to [−1, 1] (the range of the official GAN-QP code) and simple sample statistics — how
 * digit-like the samples are (best normalized cross-correlation with a clean glyph), how the nearest-glyph classes are
 * spread (entropy; log 10 ≈ 2.303 for all ten equally), and the mean distance to the nearest training image.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, rangeError } from "../core/validate.ts";
import { ncc } from "../data/image_metrics.ts";

/**
 * A sampler of random rows of an image set, mapped from [0, 1] to [−1, 1] ($2x-1$).
 *
 * @param images flat n × dim pixel values in [0, 1]
 * @param dim pixels per image
 * @param rng source of the row indices
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { imageBatchSampler } from "@lib/gan/digits.ts";
 * await initTf();
 * const s = imageBatchSampler(Float32Array.of(0, 1, 1, 0), 2, createRng(0));
 * assertEquals(s(3).shape, [3, 2]);
 * ```
 */
export function imageBatchSampler(images: Float32Array, dim: number, rng: Rng): (n: number) => tf.Tensor2D {
  checkInt("imageBatchSampler", "dim", dim, 1);
  if (images.length === 0 || images.length % dim !== 0) {
    rangeError("imageBatchSampler", "images.length", `a positive multiple of dim = ${dim}`, images.length);
  }
  const N = images.length / dim;
  return (n: number) => {
    const out = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const r = rng.int(N);
      for (let j = 0; j < dim; j++) out[i * dim + j] = 2 * images[r * dim + j]! - 1;
    }
    return tf.tensor2d(out, [n, dim]);
  };
}

/** Result of {@link glyphSampleStats}. */
export interface GlyphStats {
  /** Mean over samples of the best NCC with a clean glyph. */
  meanMaxNcc: number;
  /** Samples per nearest-glyph class (argmax NCC). */
  classCounts: Int32Array;
  /** Entropy (nats) of the class histogram. */
  classEntropy: number;
  /** Mean Euclidean distance from a sample to its nearest image of `real`. */
  meanNearestReal: number;
}

/**
 * Statistics of generated glyph images (values in [0, 1]) against the clean templates and a reference set.
 *
 * @param X flat n × dim samples in [0, 1]
 * @param templates the clean glyphs (each dim pixels)
 * @param real flat m × dim reference images
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { glyphSampleStats } from "@lib/gan/digits.ts";
 * const t = [Float32Array.of(1, 0, 0, 0), Float32Array.of(0, 0, 0, 1)];
 * const s = glyphSampleStats(Float64Array.of(1, 0, 0, 0, 0, 0, 0, 1), t, Float32Array.of(1, 0, 0, 0));
 * assertAlmostEquals(s.meanMaxNcc, 1, 1e-12);
 * assertEquals(Array.from(s.classCounts), [1, 1]);
 * assertAlmostEquals(s.classEntropy, Math.LN2, 1e-12);
 * ```
 */
export function glyphSampleStats(X: Float64Array, templates: Float32Array[], real: Float32Array): GlyphStats {
  if (!Array.isArray(templates) || templates.length === 0) {
    rangeError("glyphSampleStats", "templates", "a non-empty array", templates);
  }
  const dim = templates[0]!.length;
  if (X.length === 0 || X.length % dim !== 0) {
    rangeError("glyphSampleStats", "X.length", `a positive multiple of ${dim}`, X.length);
  }
  if (real.length === 0 || real.length % dim !== 0) {
    rangeError("glyphSampleStats", "real.length", `a positive multiple of ${dim}`, real.length);
  }
  const n = X.length / dim, m = real.length / dim, counts = new Int32Array(templates.length);
  let sumNcc = 0, sumNear = 0;
  for (let i = 0; i < n; i++) {
    const x = X.subarray(i * dim, (i + 1) * dim);
    let best = -Infinity, arg = 0;
    templates.forEach((t, k) => {
      const c = ncc(x, t);
      if (c > best) [best, arg] = [c, k];
    });
    sumNcc += best;
    counts[arg]!++;
    let near = Infinity;
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (x[j]! - real[r * dim + j]!) ** 2;
      near = Math.min(near, s);
    }
    sumNear += Math.sqrt(near);
  }
  let H = 0;
  for (const c of counts) if (c > 0) H -= (c / n) * Math.log(c / n);
  return { meanMaxNcc: sumNcc / n, classCounts: counts, classEntropy: H, meanNearestReal: sumNear / n };
}
