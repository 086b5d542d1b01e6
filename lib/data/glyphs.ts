/**
 * Digit images drawn in code (X-gen §7): no data set is downloaded. A 5×7 dot-matrix font is rasterised at any
 * size with area sampling, optionally jittered, scaled, rotated and varied in stroke intensity, then lightly
 * blurred. The images stand in for MNIST/CelebA in the generative notebooks (G01 G02 G06 G07 G09 G10 G11).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, checkNonNegative, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { type Gmm, makeGmm } from "../prob/gmm.ts";

/** The ten digits of a standard 5×7 dot-matrix font: 7 rows of 5 characters, '#' = ink, '.' = paper. */
export const DIGIT_FONT_5X7: readonly (readonly string[])[] = [
  [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
  ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
  [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
  ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
  ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
  ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
  ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
  ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
  [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
  [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
];

/** Options of {@link renderDigit}. */
export interface RenderDigitOptions {
  /** Maximum shift of the glyph centre in pixels, uniform in [−jitter, jitter] per axis (default 1). */
  jitter?: number;
  /** Range of the scale factor, uniform (default [0.85, 1.1]; 1 = glyph height 0.8·size). */
  scale?: [number, number];
  /** Maximum rotation in degrees, uniform in [−rotDeg, rotDeg] (default 10). */
  rotDeg?: number;
  /** Range of the ink intensity, uniform (default [0.6, 1.2]; values are clipped to [0, 1] at the end). */
  stroke?: [number, number];
  /** Apply the separable [1, 4, 1]/6 blur (default true). */
  blur?: boolean;
}

/** Supersampling factor per axis of the area sampling. */
const SUPER = 4;

function inkAt(font: readonly string[], u: number, v: number): number {
  // u: column coordinate in [0, 5), v: row coordinate in [0, 7); outside = paper
  if (u < 0 || v < 0 || u >= 5 || v >= 7) return 0;
  return font[Math.floor(v)]!.charCodeAt(Math.floor(u)) === 35 ? 1 : 0; // '#'
}

interface Pose {
  dx: number;
  dy: number;
  scale: number;
  rot: number;
  stroke: number;
  blur: boolean;
}

function rasterise(digit: number, size: number, pose: Pose): Float32Array {
  const font = DIGIT_FONT_5X7[digit]!;
  const cell = (0.8 * size * pose.scale) / 7; // pixels per font cell
  const cx = size / 2 + pose.dx, cy = size / 2 + pose.dy;
  const c = Math.cos(pose.rot), s = Math.sin(pose.rot);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let sy = 0; sy < SUPER; sy++) {
        for (let sx = 0; sx < SUPER; sx++) {
          const px = x + (sx + 0.5) / SUPER - cx, py = y + (sy + 0.5) / SUPER - cy;
          // inverse rotation, then pixels → font cells, centred on the 5×7 box
          const rx = c * px + s * py, ry = -s * px + c * py;
          acc += inkAt(font, rx / cell + 2.5, ry / cell + 3.5);
        }
      }
      out[y * size + x] = acc / (SUPER * SUPER);
    }
  }
  const img = pose.blur ? blur141(out, size) : out;
  let peak = 0;
  for (let i = 0; i < img.length; i++) peak = Math.max(peak, img[i]!);
  // at small sizes strokes are thinner than a pixel: normalise the peak so every size has full contrast
  const gain = peak > 0 ? pose.stroke / peak : 0;
  for (let i = 0; i < img.length; i++) img[i] = Math.min(1, Math.max(0, img[i]! * gain));
  return img;
}

function blur141(x: Float32Array, n: number): Float32Array {
  const tmp = new Float32Array(n * n), out = new Float32Array(n * n);
  const at = (
    a: Float32Array,
    r: number,
    c: number,
  ) => (r < 0 || c < 0 || r >= n || c >= n ? 0 : a[r * n + c]!);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) tmp[r * n + c] = (at(x, r, c - 1) + 4 * at(x, r, c) + at(x, r, c + 1)) / 6;
  }
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      out[r * n + c] = (at(tmp, r - 1, c) + 4 * at(tmp, r, c) + at(tmp, r + 1, c)) / 6;
    }
  }
  return out;
}

function checkPair(where: string, name: string, p: unknown): [number, number] {
  if (!Array.isArray(p) || p.length !== 2) typeError(where, name, "a pair [lo, hi]", p);
  const [lo, hi] = p as [number, number];
  checkNonNegative(where, `${name}[0]`, lo);
  checkPositive(where, `${name}[1]`, hi);
  if (lo > hi) rangeError(where, name, "lo ≤ hi", p);
  return [lo, hi];
}

/**
 * Renders one digit as a size×size grey image in [0, 1] (row-major, ink = 1). The pose is drawn from `rng`:
 * centre shift $\delta\sim U[-j,j]^2$, scale $\sigma\sim U[a,b]$, rotation $\theta\sim U[-r,r]$, ink $\kappa\sim U[c,d]$;
 * pixel value $=\mathrm{clip}_{[0,1]}\big(\kappa\,(B * A)(x)/\max_y (B * A)(y)\big)$ with $A$ the ink fraction of the
 * pixel (4×4 supersampling) and $B$ the [1, 4, 1]/6 blur; the peak normalisation gives small sizes, whose strokes
 * are thinner than a pixel, full contrast.
 *
 * @param digit 0…9
 * @param size image side in pixels, integer ≥ 4
 * @param rng random source of the pose
 * @param opts pose ranges ({@link RenderDigitOptions})
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { renderDigit } from "@lib/data/glyphs.ts";
 * const img = renderDigit(7, 16, createRng(0));
 * assert(img.length === 256 && Math.max(...img) > 0.5 && Math.min(...img) === 0);
 * ```
 */
export function renderDigit(
  digit: number,
  size: number,
  rng: Rng,
  opts: RenderDigitOptions = {},
): Float32Array {
  const where = "renderDigit";
  checkInt(where, "digit", digit, 0, 9);
  checkInt(where, "size", size, 4);
  const jitter = checkNonNegative(where, "opts.jitter", opts.jitter ?? 1);
  const [s0, s1] = checkPair(where, "opts.scale", opts.scale ?? [0.85, 1.1]);
  const rotDeg = checkNonNegative(where, "opts.rotDeg", opts.rotDeg ?? 10);
  const [k0, k1] = checkPair(where, "opts.stroke", opts.stroke ?? [0.6, 1.2]);
  const u = () => rng.uniform();
  const pose: Pose = {
    dx: (2 * u() - 1) * jitter,
    dy: (2 * u() - 1) * jitter,
    scale: s0 + (s1 - s0) * u(),
    rot: ((2 * u() - 1) * rotDeg * Math.PI) / 180,
    stroke: k0 + (k1 - k0) * u(),
    blur: opts.blur ?? true,
  };
  return rasterise(digit, size, pose);
}

/**
 * The ten clean glyphs at one size: centred, scale 1, upright, ink 1, blurred like {@link renderDigit}.
 *
 * @param size image side, integer ≥ 4
 * @returns ten size×size images in [0, 1], index = digit
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { digitTemplates } from "@lib/data/glyphs.ts";
 * const t = digitTemplates(8);
 * assertEquals([t.length, t[0]!.length], [10, 64]);
 * ```
 */
export function digitTemplates(size: number): Float32Array[] {
  checkInt("digitTemplates", "size", size, 4);
  return Array.from(
    { length: 10 },
    (_, d) => rasterise(d, size, { dx: 0, dy: 0, scale: 1, rot: 0, stroke: 1, blur: true }),
  );
}

/**
 * A labelled data set of rendered digits (labels uniform on 0…9, poses from {@link renderDigit}'s defaults).
 *
 * @param n number of images ≥ 1
 * @param size image side ≥ 4
 * @param rng random source (labels and poses)
 * @returns `images` (n·size² values, image i at offset i·size²) and `labels`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { digitDataset } from "@lib/data/glyphs.ts";
 * const { images, labels } = digitDataset(5, 8, createRng(1));
 * assertEquals([images.length, labels.length], [320, 5]);
 * ```
 */
export function digitDataset(
  n: number,
  size: number,
  rng: Rng,
): { images: Float32Array; labels: Int32Array } {
  checkInt("digitDataset", "n", n, 1);
  checkInt("digitDataset", "size", size, 4);
  const images = new Float32Array(n * size * size), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(10);
    images.set(renderDigit(labels[i]!, size, rng), i * size * size);
  }
  return { images, labels };
}

/**
 * A size²-dimensional Gaussian mixture whose ten equal-weight components sit at the flattened clean glyphs
 * ({@link digitTemplates}), each with isotropic standard deviation s: a high-dimensional target whose score is
 * exact (X-gen §4).
 *
 * @param size glyph side (default 8 → d = 64)
 * @param s component standard deviation ≥ 0 (default 0.05)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { glyphGmm } from "@lib/data/glyphs.ts";
 * const g = glyphGmm();
 * assertEquals([g.d, g.weights.length], [64, 10]);
 * ```
 */
export function glyphGmm(size = 8, s = 0.05): Gmm {
  checkInt("glyphGmm", "size", size, 4);
  checkNonNegative("glyphGmm", "s", s);
  return makeGmm(new Array(10).fill(1), digitTemplates(size).map((t) => Array.from(t)), s * s);
}
