import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { gaussLegendre } from "@lib/core/quadrature.ts";
import { createRng } from "@lib/core/rng.ts";
import { dot, norm2, row } from "@lib/core/matrix.ts";
import { cosineDensity, randomUnitVectors } from "@lib/prob/angles.ts";

Deno.test("cosineDensity: integrates to 1, variance 1/d, known cases", () => {
  for (const d of [3, 5, 9, 128, 513]) { // odd d: polynomial densities, exact quadrature
    assertAlmostEquals(gaussLegendre((s) => cosineDensity(s, d), -1, 1, 200, 4), 1, 1e-12);
    assertAlmostEquals(gaussLegendre((s) => s * s * cosineDensity(s, d), -1, 1, 200, 4), 1 / d, 1e-12);
  }
  assertAlmostEquals(cosineDensity(0.5, 2), 1 / (Math.PI * Math.sqrt(0.75)), 1e-15);
  assertAlmostEquals(cosineDensity(0.2, 4), (2 / Math.PI) * Math.sqrt(1 - 0.04), 1e-14); // semicircle
  assertAlmostEquals(cosineDensity(1.5, 10), 0, 0);
  assertThrows(() => cosineDensity(0, 1), RangeError, "cosineDensity: d must be an integer ≥ 2, got 1");
});

Deno.test("randomUnitVectors: unit norms, seeded, cosines have mean 0 and variance 1/d", () => {
  const d = 32, U = randomUnitVectors(4001, d, createRng(7));
  for (let i = 0; i < 50; i++) assertAlmostEquals(norm2(row(U, i)), 1, 1e-14);
  const q = row(U, 0);
  const c = Array.from({ length: 4000 }, (_, i) => dot(q, row(U, i + 1)));
  const mean = c.reduce((s, v) => s + v, 0) / c.length, v = c.reduce((s, x) => s + x * x, 0) / c.length;
  assert(Math.abs(mean) < 4 / Math.sqrt(d * 4000), `mean ${mean}`);
  assertAlmostEquals(v * d, 1, 0.1);
  assertEquals(randomUnitVectors(2, 3, createRng(7)).data, randomUnitVectors(2, 3, createRng(7)).data);
  assertThrows(() => randomUnitVectors(0, 3, createRng(1)), RangeError, "count must be an integer ≥ 1");
});
