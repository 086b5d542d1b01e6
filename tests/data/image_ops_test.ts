import { assertAlmostEquals, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  avgPool,
  patchify,
  quantizeU8,
  unpatchify,
  upsampleBilinear,
  upsampleNearest,
} from "@lib/data/image_ops.ts";
import { highFreqEnergy, maxTemplateNcc, ncc, psnr } from "@lib/data/image_metrics.ts";

function randImg(n: number, seed: number): Float64Array {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => r.uniform());
}

Deno.test("image_ops: D∘U = identity, pooling preserves the mean, types follow the input", () => {
  const x = randImg(12, 1);
  const up = upsampleNearest(x, 3, 4, 3);
  assertEquals(up.length, 108);
  const back = avgPool(up, 9, 12, 3);
  for (let i = 0; i < 12; i++) assertAlmostEquals(back[i]!, x[i]!, 1e-15);
  const big = randImg(64, 2), pooled = avgPool(big, 8, 8, 4);
  const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
  assertAlmostEquals(mean(pooled), mean(big), 1e-14);
  assertInstanceOf(avgPool(new Float32Array(4), 2, 2, 2), Float32Array);
  assertInstanceOf(upsampleBilinear(new Float64Array(4), 2, 2, 2), Float64Array);
});

Deno.test("image_ops: bilinear upsampling keeps constants and interior linear ramps exactly", () => {
  const c = upsampleBilinear(new Float64Array(6).fill(0.3), 2, 3, 4);
  for (const v of c) assertAlmostEquals(v, 0.3, 1e-15);
  // ramp x_j = j along a row: output column t maps to (t + 1/2)/s − 1/2 inside [0, w − 1]
  const w = 5, s = 2, ramp = Float64Array.from({ length: w }, (_, j) => j);
  const out = upsampleBilinear(ramp, 1, w, s);
  for (let t = 1; t < w * s - 1; t++) assertAlmostEquals(out[t]!, (t + 0.5) / s - 0.5, 1e-14);
  assertEquals([out[0], out[w * s - 1]], [0, w - 1]);
});

Deno.test("image_ops: patchify/unpatchify round trip and token layout (channels last)", () => {
  const H = 6, W = 4, C = 3, p = 2;
  const img = Float32Array.from({ length: H * W * C }, (_, i) => i);
  const { tokens, n, dim } = patchify(img, H, W, C, p);
  assertEquals([n, dim], [6, 12]);
  // token 1 = patch (row 0, col 1): pixels (0,2),(0,3),(1,2),(1,3), channels inner
  const pix = (r: number, c: number, ch: number) => (r * W + c) * C + ch;
  assertEquals(Array.from(tokens.subarray(12, 24)), [
    ...[0, 1, 2].map((ch) => pix(0, 2, ch)),
    ...[0, 1, 2].map((ch) => pix(0, 3, ch)),
    ...[0, 1, 2].map((ch) => pix(1, 2, ch)),
    ...[0, 1, 2].map((ch) => pix(1, 3, ch)),
  ]);
  assertEquals(unpatchify(tokens, H, W, C, p), img);
});

Deno.test("image_ops: quantizeU8 rounds and clips", () => {
  assertEquals(Array.from(quantizeU8(Float64Array.of(0, 1 / 255, 0.499 / 255, 0.501 / 255, 1.5, -0.2))), [
    0,
    1,
    0,
    1,
    255,
    0,
  ]);
  assertThrows(() => quantizeU8(Float64Array.of(NaN)), RangeError, "x[0]");
});

Deno.test("image_metrics: highFreqEnergy, ncc, maxTemplateNcc and psnr on closed forms", () => {
  const blocky = upsampleNearest(randImg(4, 3), 2, 2, 2);
  assertAlmostEquals(highFreqEnergy(blocky, 4, 4, 2), 0, 1e-15);
  const x = randImg(16, 4);
  const e = highFreqEnergy(x, 4, 4, 2);
  // Pythagoras: ‖x‖² = ‖UDx‖² + ‖x − UDx‖²
  const low = upsampleNearest(avgPool(x, 4, 4, 2), 2, 2, 2);
  const n2 = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v * v, 0);
  assertAlmostEquals(e, 1 - n2(low) / n2(x), 1e-12);
  const a = randImg(10, 5), b = a.map((v) => 2 - 3 * v);
  assertAlmostEquals(ncc(a, b), -1, 1e-12);
  assertEquals(ncc(a, new Float64Array(10).fill(1)), 0);
  assertAlmostEquals(maxTemplateNcc(a, [b, a]), 1, 1e-12);
  assertAlmostEquals(
    psnr(Float64Array.of(0, 0, 0, 0), Float64Array.of(0.5, 0, 0, 0), 1),
    10 * Math.log10(16),
    1e-12,
  );
  assertEquals(psnr(a, a), Infinity);
});

Deno.test("image_ops/metrics: bad input throws with the argument named", () => {
  assertThrows(() => avgPool(new Float64Array(9), 3, 3, 2), RangeError, "s");
  assertThrows(() => avgPool(new Float64Array(8), 3, 3, 1), RangeError, "x.length");
  assertThrows(() => upsampleNearest([1, 2] as unknown as Float64Array, 1, 2, 2), TypeError, "x");
  assertThrows(() => patchify(new Float32Array(12), 2, 2, 3, 3), RangeError, "p");
  assertThrows(() => ncc(new Float64Array(3), new Float64Array(4)), RangeError, "b.length");
  assertThrows(() => maxTemplateNcc(new Float64Array(3), []), RangeError, "templates");
  assertThrows(() => psnr(new Float64Array(3), new Float64Array(3), 0), RangeError, "maxVal");
});

Deno.test("histogram2d: counts land in the right cells (top row = y max), log scaling, bounds checks", async () => {
  const { histogram2d } = await import("@lib/data/image_ops.ts");
  // 3×3 grid over [0,3]²: the point (0.5, 2.5) is the top-left cell, (2.5, 0.5) ×3 the bottom-right
  const img = histogram2d(Float64Array.of(0.5, 2.5, 2.5, 0.5, 2.6, 0.4, 2.9, 0.1, 9, 9), [0, 3, 0, 3], 3);
  assertAlmostEquals(img[0]!, Math.log(2) / Math.log(4), 1e-15);
  assertEquals(img[8], 1);
  assertEquals(img.filter((v) => v > 0).length, 2);
  // the edge x = xMax stays inside (last column)
  assertEquals(histogram2d(Float64Array.of(3, 3), [0, 3, 0, 3], 3)[2], 1);
  assertEquals(Array.from(histogram2d(Float64Array.of(5, 5), [0, 1, 0, 1], 2)), [0, 0, 0, 0]);
  assertThrows(() => histogram2d(Float64Array.of(1, 2, 3), [0, 1, 0, 1], 2), RangeError, "X.length");
  assertThrows(() => histogram2d(Float64Array.of(1, 2), [1, 0, 0, 1], 2), RangeError, "bounds");
  assertThrows(() => histogram2d(Float64Array.of(1, 2), [0, 1, 0, 1], 0), RangeError, "res");
});
