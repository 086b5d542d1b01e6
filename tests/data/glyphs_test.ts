import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { DIGIT_FONT_5X7, digitDataset, digitTemplates, glyphGmm, renderDigit } from "@lib/data/glyphs.ts";
import { maxTemplateNcc, ncc } from "@lib/data/image_metrics.ts";

Deno.test("glyphs: the font has ten 5×7 glyphs of '#' and '.', all different", () => {
  assertEquals(DIGIT_FONT_5X7.length, 10);
  for (const g of DIGIT_FONT_5X7) {
    assertEquals(g.length, 7);
    for (const row of g) assertEquals(/^[#.]{5}$/.test(row), true);
  }
  assertEquals(new Set(DIGIT_FONT_5X7.map((g) => g.join(""))).size, 10);
});

Deno.test("glyphs: clean templates are centred, in [0,1], and the ink mass follows the font's '#' count", () => {
  const size = 28, t = digitTemplates(size);
  const cell = (0.8 * size) / 7;
  for (let d = 0; d < 10; d++) {
    const img = t[d]!;
    let mass = 0, mx = 0, my = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = img[y * size + x]!;
        assert(v >= 0 && v <= 1);
        mass += v;
        mx += v * (x + 0.5);
        my += v * (y + 0.5);
      }
    }
    // the blur keeps mass away from the border; unclipped ink = (#cells)·cell²
    const cells = DIGIT_FONT_5X7[d]!.join("").split("").filter((c) => c === "#").length;
    assertLess(Math.abs(mass / (cells * cell * cell) - 1), 0.05, `digit ${d} mass`);
    // centre of mass of the font itself, mapped to pixels
    let fx = 0, fy = 0;
    DIGIT_FONT_5X7[d]!.forEach((row, r) => {
      for (let c = 0; c < 5; c++) if (row[c] === "#") (fx += c + 0.5), (fy += r + 0.5);
    });
    assertAlmostEquals(mx / mass, size / 2 + (fx / cells - 2.5) * cell, 0.15, `digit ${d} x-centre`);
    assertAlmostEquals(my / mass, size / 2 + (fy / cells - 3.5) * cell, 0.15, `digit ${d} y-centre`);
  }
});

Deno.test("glyphs: rendered digits are seeded, vary with the seed, and stay closest to their own template", () => {
  const a = renderDigit(4, 16, createRng(3)),
    b = renderDigit(4, 16, createRng(3)),
    c = renderDigit(4, 16, createRng(4));
  assertEquals(a, b);
  assert(a.some((v, i) => v !== c[i]));
  const t = digitTemplates(16), { images, labels } = digitDataset(200, 16, createRng(7));
  let right = 0;
  for (let i = 0; i < 200; i++) {
    const img = images.subarray(i * 256, (i + 1) * 256);
    let best = -1, arg = -1;
    for (let d = 0; d < 10; d++) {
      const r = ncc(img, t[d]!);
      if (r > best) (best = r), (arg = d);
    }
    if (arg === labels[i]) right++;
    assertGreater(maxTemplateNcc(img, t), 0.5);
  }
  assertGreater(right / 200, 0.9, "nearest-template accuracy");
  // labels are roughly uniform
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  for (const k of counts) assertGreater(k, 5);
});

Deno.test("glyphs: without jitter/rotation and with scale and stroke 1 a rendering equals the template", () => {
  const img = renderDigit(2, 12, createRng(0), { jitter: 0, rotDeg: 0, scale: [1, 1], stroke: [1, 1] });
  assertEquals(img, digitTemplates(12)[2]!);
});

Deno.test("glyphs: glyphGmm has the templates as means and variance s²", () => {
  const g = glyphGmm(8, 0.1), t = digitTemplates(8);
  assertEquals(g.d, 64);
  assertAlmostEquals(g.means[3 * 64 + 10]!, t[3]![10]!, 1e-7);
  assertAlmostEquals(g.vars[0]!, 0.01, 1e-15);
});

Deno.test("glyphs: bad input throws with the argument named", () => {
  assertThrows(() => renderDigit(10, 8, createRng(0)), RangeError, "digit");
  assertThrows(() => renderDigit(1, 3, createRng(0)), RangeError, "size");
  assertThrows(() => renderDigit(1, 8, createRng(0), { scale: [1.2, 1] }), RangeError, "opts.scale");
  assertThrows(() => renderDigit(1, 8, createRng(0), { jitter: -1 }), RangeError, "opts.jitter");
  assertThrows(() => digitDataset(0, 8, createRng(0)), RangeError, "n");
  assertThrows(() => glyphGmm(8, -1), RangeError, "s");
});
