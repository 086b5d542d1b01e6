import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { kdeGaussian, kdeScore, kdeSelfScore, silvermanBandwidth } from "@lib/prob/kde.ts";

const sample = (n: number, seed: number, scale = 1) => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => scale * rng.normal());
};

Deno.test("silvermanBandwidth: scales with σ and N^{-1/5}", () => {
  const x = sample(4000, 1);
  const h = silvermanBandwidth(x);
  assertAlmostEquals(h / (0.9 * 4000 ** -0.2), 1, 0.05);
  assertAlmostEquals(silvermanBandwidth(x.map((v) => 3 * v + 7)), 3 * h, 1e-12);
  assertThrows(
    () => silvermanBandwidth([1, 1, 1]),
    RangeError,
    "silvermanBandwidth: x must be not all equal",
  );
  assertThrows(() => silvermanBandwidth([1]), RangeError, "x.length must be ≥ 2, got 1");
});

Deno.test("kdeGaussian: integrates to 1 and approaches the density", () => {
  const x = sample(2000, 2), p = kdeGaussian(x, silvermanBandwidth(x));
  let s = 0;
  for (let y = -8; y <= 8; y += 0.01) s += 0.01 * p(y);
  assertAlmostEquals(s, 1, 1e-6);
  assertAlmostEquals(p(0), 1 / Math.sqrt(2 * Math.PI), 0.03);
});

Deno.test("kdeScore: equals the derivative of log kdeGaussian, also in the far tails", () => {
  const x = sample(300, 3), h = 0.4, p = kdeGaussian(x, h);
  const at = Float64Array.of(-2.5, -0.3, 0, 0.7, 1.9);
  const s = kdeScore(at, x, h);
  for (let i = 0; i < at.length; i++) {
    const y = at[i]!, e = 1e-5;
    const fd = (Math.log(p(y + e)) - Math.log(p(y - e))) / (2 * e);
    assertAlmostEquals(s[i]!, fd, 1e-6);
  }
  // far tail: the nearest point dominates, score → (x_max − y)/h²
  const far = kdeScore(Float64Array.of(1e3), x, h)[0]!;
  assert(Number.isFinite(far));
  assertAlmostEquals(far, (Math.max(...x) - 1e3) / (h * h), 1e-6 * Math.abs(far));
  // brute force agrees with the windowed sum
  const y = 0.25;
  let sw = 0, swd = 0;
  for (const v of x) {
    const w = Math.exp(-((y - v) ** 2) / (2 * h * h));
    sw += w;
    swd += w * (v - y);
  }
  assertAlmostEquals(kdeScore([y], x, h)[0]!, swd / (sw * h * h), 1e-12);
  assertThrows(() => kdeScore([0], [1], 0), RangeError, "kdeScore: h must be a positive number, got 0");
});

Deno.test("kdeSelfScore: equals kdeScore at the sample points, in the caller's order", () => {
  const x = sample(500, 4);
  const a = kdeSelfScore(x, 0.2), b = kdeScore(x, x, 0.2);
  for (let i = 0; i < x.length; i++) assertAlmostEquals(a[i]!, b[i]!, 1e-12 * (1 + Math.abs(b[i]!)));
  assertThrows(() => kdeSelfScore([], 1), RangeError, "kdeSelfScore: pts.length must be ≥ 1, got 0");
});
