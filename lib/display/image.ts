/**
 * Images as PNG: gray or RGB arrays (row-major, channels-last), grids of samples, and tfjs
 * tensors (through a structural type, so lib/display does not import tfjs). Pixels are mapped
 * linearly from [min, max] (default [0, 1]) to 0…255, clamped, and upscaled by an integer
 * factor with nearest-neighbour sampling so small images stay crisp.
 *
 * @module
 */
import { encode } from "fast-png";
import { checkFinite, checkInt, rangeError, typeError } from "../core/validate.ts";
import { type Displayable, displayable } from "./displayable.ts";

/** Pixel data, row-major, channels-last (H×W or H×W×3). */
export type Pixels = ArrayLike<number>;

/** Options of {@link toPng} and {@link image}. */
export interface ImageOptions {
  /** Integer upscaling factor (nearest neighbour). Default: the smallest factor that makes the
   * longer side ≥ 128 px, capped at 16 (1 for images with a side ≥ 128). */
  scale?: number;
  /** Value shown as black (default 0). */
  min?: number;
  /** Value shown as white (default 1). */
  max?: number;
  /** 1 (gray, default) or 3 (RGB, channels-last). */
  channels?: 1 | 3;
  /** A caption, shown in `text/plain`. */
  title?: string;
}

/** The default upscaling factor for a w×h image (see {@link ImageOptions.scale}). */
export function autoScale(w: number, h: number): number {
  return Math.min(16, Math.max(1, Math.ceil(128 / Math.max(w, h))));
}

function checkPixels(where: string, pixels: Pixels, w: number, h: number, channels: number): void {
  if (pixels === null || typeof pixels !== "object" || typeof pixels.length !== "number") {
    typeError(where, "pixels", "an array of numbers (Float32Array, Float64Array, …)", pixels);
  }
  const n = w * h * channels;
  if (pixels.length !== n) {
    rangeError(where, "pixels.length", `w·h${channels > 1 ? "·3" : ""} = ${n}`, pixels.length);
  }
}

function checkChannels(where: string, c: unknown): 1 | 3 {
  if (c === undefined) return 1;
  if (c !== 1 && c !== 3) rangeError(where, "opts.channels", "1 or 3", c);
  return c as 1 | 3;
}

interface Resolved {
  scale: number;
  min: number;
  max: number;
  channels: 1 | 3;
}

function resolve(where: string, w: number, h: number, opts: ImageOptions): Resolved {
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an object", opts);
  const scale = opts.scale === undefined ? autoScale(w, h) : checkInt(where, "opts.scale", opts.scale, 1, 64);
  const min = opts.min === undefined ? 0 : checkFinite(where, "opts.min", opts.min);
  const max = opts.max === undefined ? 1 : checkFinite(where, "opts.max", opts.max);
  if (!(max > min)) rangeError(where, "opts.max", `> opts.min = ${min}`, max);
  if (opts.title !== undefined && typeof opts.title !== "string") {
    typeError(where, "opts.title", "a string", opts.title);
  }
  return { scale, min, max, channels: checkChannels(where, opts.channels) };
}

function encodePixels(where: string, pixels: Pixels, w: number, h: number, r: Resolved): Uint8Array {
  const { scale, min, max, channels } = r;
  const W = w * scale, H = h * scale;
  const out = new Uint8Array(W * H * channels);
  const k = 255 / (max - min);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * w + x) * channels + c;
        const v = pixels[i]!;
        if (!Number.isFinite(v)) rangeError(where, `pixels[${i}]`, "a finite number", v);
        const b = Math.min(255, Math.max(0, Math.round((v - min) * k)));
        for (let dy = 0; dy < scale; dy++) {
          const row = (y * scale + dy) * W;
          for (let dx = 0; dx < scale; dx++) out[(row + x * scale + dx) * channels + c] = b;
        }
      }
    }
  }
  return encode({ width: W, height: H, data: out, depth: 8, channels });
}

/**
 * Encodes an image as PNG bytes.
 *
 * @param pixels H×W gray (or H×W×3 RGB with `channels: 3`) values, row-major.
 * @param w width in pixels.
 * @param h height in pixels.
 * @param opts `scale`, `min`, `max`, `channels`.
 * @returns the PNG file bytes (8-bit gray or RGB, size (w·scale)×(h·scale)).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decode } from "fast-png";
 * import { toPng } from "@lib/display/image.ts";
 * const png = decode(toPng(new Float32Array([0, 1, 0.5, 0.25]), 2, 2, { scale: 1 }));
 * assertEquals([...png.data], [0, 255, 128, 64]);
 * ```
 */
export function toPng(pixels: Pixels, w: number, h: number, opts: ImageOptions = {}): Uint8Array {
  checkInt("toPng", "w", w, 1);
  checkInt("toPng", "h", h, 1);
  const r = resolve("toPng", w, h, opts);
  checkPixels("toPng", pixels, w, h, r.channels);
  return encodePixels("toPng", pixels, w, h, r);
}

/** Standard base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function pngDisplayable(png: Uint8Array, w: number, h: number, r: Resolved, title?: string): Displayable {
  const kind = r.channels === 3 ? "RGB image" : "image";
  const plain = `[${kind} ${w}×${h}, shown ${w * r.scale}×${h * r.scale}]${title ? " " + title : ""}`;
  return displayable({ "image/png": toBase64(png), "text/plain": plain });
}

/**
 * Shows an image as PNG.
 *
 * @param pixels H×W gray (or H×W×3 RGB with `channels: 3`) values, row-major; non-finite values
 *   throw a `RangeError`.
 * @param w width in pixels.
 * @param h height in pixels.
 * @param opts `scale`, `min`, `max` (default [0, 1]), `channels`, `title`.
 * @returns a Displayable with `image/png` (base64) and `text/plain`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bundleOf, image } from "@lib/display/mod.ts";
 * const b = bundleOf(image(new Float32Array(28 * 28).fill(0.5), 28, 28, { title: "mean" }));
 * assertEquals(b["text/plain"], "[image 28×28, shown 140×140] mean");
 * ```
 */
export function image(pixels: Pixels, w: number, h: number, opts: ImageOptions = {}): Displayable {
  checkInt("image", "w", w, 1);
  checkInt("image", "h", h, 1);
  const r = resolve("image", w, h, opts);
  checkPixels("image", pixels, w, h, r.channels);
  return pngDisplayable(encodePixels("image", pixels, w, h, r), w, h, r, opts.title);
}

/** Options of {@link tileGrid}. */
export interface TileOptions {
  /** Images per row. Default ⌈√n⌉. */
  cols?: number;
  /** Pixels between tiles and around the grid. Default 1. */
  pad?: number;
  /** Value of the padding pixels. Default 1 (white with the default range). */
  padValue?: number;
  /** 1 (gray, default) or 3 (RGB). */
  channels?: 1 | 3;
}

/**
 * Tiles equally sized images into one image (row-major order, padding between and around).
 *
 * @param images the tiles, each w×h (×3 for RGB).
 * @param w tile width.
 * @param h tile height.
 * @param opts `cols`, `pad`, `padValue`, `channels`.
 * @returns `{ data, width, height }` of the grid (data is Float64Array, channels-last).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { tileGrid } from "@lib/display/image.ts";
 * const g = tileGrid([new Float32Array([0]), new Float32Array([0.5])], 1, 1, { cols: 2, padValue: 1 });
 * assertEquals([g.width, g.height], [5, 3]);
 * assertEquals([...g.data.slice(5, 10)], [1, 0, 1, 0.5, 1]);
 * ```
 */
export function tileGrid(
  images: Pixels[],
  w: number,
  h: number,
  opts: TileOptions = {},
): { data: Float64Array; width: number; height: number } {
  const where = "tileGrid";
  if (!Array.isArray(images)) typeError(where, "images", "an array of images", images);
  if (images.length === 0) rangeError(where, "images.length", "≥ 1", 0);
  checkInt(where, "w", w, 1);
  checkInt(where, "h", h, 1);
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an object", opts);
  const n = images.length;
  const cols = opts.cols === undefined ? Math.ceil(Math.sqrt(n)) : checkInt(where, "opts.cols", opts.cols, 1);
  const pad = opts.pad === undefined ? 1 : checkInt(where, "opts.pad", opts.pad, 0, 64);
  const padValue = opts.padValue === undefined ? 1 : checkFinite(where, "opts.padValue", opts.padValue);
  const ch = checkChannels(where, opts.channels);
  const c = Math.min(cols, n);
  const rows = Math.ceil(n / c);
  const width = pad + c * (w + pad), height = pad + rows * (h + pad);
  const data = new Float64Array(width * height * ch).fill(padValue);
  images.forEach((img, t) => {
    if (img === null || typeof img !== "object" || img.length !== w * h * ch) {
      rangeError(where, `images[${t}].length`, `${w * h * ch}`, img?.length);
    }
    const x0 = pad + (t % c) * (w + pad), y0 = pad + Math.floor(t / c) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < ch; k++) data[((y0 + y) * width + x0 + x) * ch + k] = img[(y * w + x) * ch + k]!;
      }
    }
  });
  return { data, width, height };
}

/**
 * Shows several equally sized images as one PNG grid.
 *
 * @param images the tiles, each w×h (×3 for RGB).
 * @param w tile width.
 * @param h tile height.
 * @param opts grid options (`cols`, `pad`, `padValue`) and image options (`scale` — default from
 *   the whole grid's size —, `min`, `max`, `channels`, `title`).
 * @returns a Displayable with `image/png` and `text/plain`.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { bundleOf, imageGrid } from "@lib/display/mod.ts";
 * const tiles = Array.from({ length: 6 }, (_, i) => new Float32Array(64).fill(i / 5));
 * const b = bundleOf(imageGrid(tiles, 8, 8, { cols: 3, scale: 4 }));
 * assertStringIncludes(b["text/plain"] as string, "[image 28×19, shown 112×76]");
 * ```
 */
export function imageGrid(
  images: Pixels[],
  w: number,
  h: number,
  opts: TileOptions & ImageOptions = {},
): Displayable {
  const g = tileGrid(images, w, h, opts);
  const r = resolve("imageGrid", g.width, g.height, opts);
  return pngDisplayable(
    encodePixels("imageGrid", g.data, g.width, g.height, r),
    g.width,
    g.height,
    r,
    opts.title,
  );
}

/** The part of a tfjs tensor that {@link tensorImage} uses (so lib/display needs no tfjs). */
export interface TensorLike {
  shape: number[];
  dataSync(): ArrayLike<number>;
}

/**
 * Shows a tensor as an image: shape [H, W] or [H, W, 1] (gray) or [H, W, 3] (RGB).
 *
 * @param t a tfjs `Tensor2D`/`Tensor3D` (or anything with `shape` and `dataSync()`).
 * @param opts as for {@link image} (`channels` comes from the shape).
 * @returns a Displayable with `image/png` and `text/plain`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bundleOf, tensorImage } from "@lib/display/mod.ts";
 * const t = { shape: [2, 2, 3], dataSync: () => new Float32Array(12).fill(1) };
 * assertEquals(bundleOf(tensorImage(t, { scale: 2 }))["text/plain"], "[RGB image 2×2, shown 4×4]");
 * ```
 */
export function tensorImage(t: TensorLike, opts: Omit<ImageOptions, "channels"> = {}): Displayable {
  if (t === null || typeof t !== "object" || !Array.isArray(t.shape) || typeof t.dataSync !== "function") {
    typeError("tensorImage", "t", "a tensor (shape and dataSync())", t);
  }
  const s = t.shape;
  const ok = (s.length === 2) || (s.length === 3 && (s[2] === 1 || s[2] === 3));
  if (!ok) rangeError("tensorImage", "t.shape", "[H, W], [H, W, 1] or [H, W, 3]", s);
  const h = s[0]!, w = s[1]!;
  const channels = s.length === 3 && s[2] === 3 ? 3 : 1;
  return image(t.dataSync(), w, h, { ...opts, channels });
}
