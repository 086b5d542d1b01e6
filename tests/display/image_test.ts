import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { decode } from "fast-png";
import { autoScale, bundleOf, image, imageGrid, tensorImage, tileGrid, toPng } from "@lib/display/mod.ts";

function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

Deno.test("image: PNG round trip with min/max mapping, clamping and nearest-neighbour scale", () => {
  // 3×2 image, values in [-1, 1].
  const px = new Float64Array([-1, 0, 1, 2, -3, 0.5]);
  const b = bundleOf(image(px, 3, 2, { min: -1, max: 1, scale: 2, title: "t" }));
  assertEquals(Object.keys(b).sort(), ["image/png", "text/plain"]);
  assertEquals(b["text/plain"], "[image 3×2, shown 6×4] t");
  const png = decode(fromBase64(b["image/png"] as string));
  assertEquals([png.width, png.height, png.channels, png.depth], [6, 4, 1, 8]);
  const want = [0, 128, 255, 255, 0, 191]; // (v+1)/2·255 rounded, clamped
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 6; x++) {
      assertEquals(
        png.data[y * 6 + x],
        want[Math.floor(y / 2) * 3 + Math.floor(x / 2)],
        `pixel (${x}, ${y})`,
      );
    }
  }
});

Deno.test("image: PNG bytes are deterministic; default scale", () => {
  const px = Float32Array.from({ length: 28 * 28 }, (_, i) => (i % 29) / 28);
  assertEquals(toPng(px, 28, 28), toPng(px, 28, 28));
  assertEquals([autoScale(28, 28), autoScale(8, 8), autoScale(256, 64), autoScale(1, 1)], [5, 16, 1, 16]);
  assertEquals(decode(toPng(px, 28, 28)).width, 140);
});

Deno.test("image: RGB channels", () => {
  const px = new Float32Array([1, 0, 0, 0, 1, 0]); // red, green; 2×1
  const png = decode(toPng(px, 2, 1, { channels: 3, scale: 1 }));
  assertEquals([png.channels, ...png.data], [3, 255, 0, 0, 0, 255, 0]);
});

Deno.test("tileGrid / imageGrid: layout, padding and pixels", () => {
  const tiles = [0, 0.2, 0.4, 0.6, 0.8].map((v) => new Float32Array(4).fill(v)); // five 2×2 tiles
  const g = tileGrid(tiles, 2, 2, { cols: 3, pad: 1, padValue: 1 });
  assertEquals([g.width, g.height], [1 + 3 * 3, 1 + 2 * 3]);
  assertEquals(g.data[1 * g.width + 1], 0); // tile 0 top-left
  assertEquals(g.data[1 * g.width + 4], Math.fround(0.2)); // tile 1
  assertEquals(g.data[4 * g.width + 4], Math.fround(0.8)); // tile 4, second row
  assertEquals(g.data[4 * g.width + 7], 1); // empty sixth slot = padding
  const b = bundleOf(imageGrid(tiles, 2, 2, { cols: 3, scale: 3 }));
  const png = decode(fromBase64(b["image/png"] as string));
  assertEquals([png.width, png.height], [30, 21]);
  assertEquals(png.data[(4 * 3) * 30 + 4 * 3], Math.round(0.8 * 255));
  assertStringIncludes(b["text/plain"] as string, "[image 10×7, shown 30×21]");
});

Deno.test("tensorImage: structural tensor, gray and RGB", () => {
  const gray = { shape: [2, 3], dataSync: () => new Float32Array([0, 0.5, 1, 1, 0.5, 0]) };
  const png = decode(fromBase64(bundleOf(tensorImage(gray, { scale: 1 }))["image/png"] as string));
  assertEquals([png.width, png.height, ...png.data], [3, 2, 0, 128, 255, 255, 128, 0]);
  const rgb = { shape: [1, 1, 3], dataSync: () => new Float32Array([0, 0, 1]) };
  assertEquals(
    [...decode(fromBase64(bundleOf(tensorImage(rgb, { scale: 1 }))["image/png"] as string)).data],
    [0, 0, 255],
  );
  assertThrows(
    () => tensorImage({ shape: [2, 2, 2], dataSync: () => new Float32Array(8) }),
    RangeError,
    "t.shape",
  );
});

Deno.test("image: validation", () => {
  assertThrows(
    () => image(new Float32Array(5), 2, 3),
    RangeError,
    "image: pixels.length must be w·h = 6, got 5",
  );
  assertThrows(
    () => image(new Float32Array([0, NaN]), 2, 1),
    RangeError,
    "image: pixels[1] must be a finite number, got NaN",
  );
  assertThrows(() => image(new Float32Array(4), 2, 2, { scale: 1.5 }), RangeError, "opts.scale");
  assertThrows(
    () => image(new Float32Array(4), 2, 2, { min: 1, max: 1 }),
    RangeError,
    "opts.max must be > opts.min",
  );
  assertThrows(() => image(new Float32Array(4), 0, 2), RangeError, "image: w must be an integer ≥ 1, got 0");
  assertThrows(() => tileGrid([], 2, 2), RangeError, "images.length");
  assertThrows(() => tileGrid([new Float32Array(3)], 2, 2), RangeError, "images[0].length must be 4, got 3");
});
