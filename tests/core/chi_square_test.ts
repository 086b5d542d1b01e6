import { assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { chiSquareCdf, chiSquareQuantile, chiSquareSf } from "@lib/core/chi_square.ts";

Deno.test("chiSquareCdf: closed forms for k = 1, 2, 4", () => {
  for (const x of [0.01, 0.5, 1, 3, 10, 30]) {
    assertAlmostEquals(chiSquareCdf(x, 2), 1 - Math.exp(-x / 2), 1e-13);
    assertAlmostEquals(chiSquareCdf(x, 4), 1 - Math.exp(-x / 2) * (1 + x / 2), 1e-13);
    // k = 1: F(x) = erf(√(x/2)) = 2Φ(√x) − 1, checked through the k = 3 recurrence F3 = F1 − √(2x/π) e^{−x/2}
    const f1 = chiSquareCdf(x, 1), f3 = chiSquareCdf(x, 3);
    assertAlmostEquals(f1 - f3, Math.sqrt((2 * x) / Math.PI) * Math.exp(-x / 2), 1e-13);
    assertAlmostEquals(chiSquareCdf(x, 2) + chiSquareSf(x, 2), 1, 1e-15);
  }
  assertEquals(chiSquareCdf(0, 3), 0);
  assertEquals(chiSquareSf(Infinity, 3), 0);
  assertLess(Math.abs(chiSquareSf(200, 2) / Math.exp(-100) - 1), 1e-12); // upper tail without cancellation
});

Deno.test("chiSquareQuantile: table values and inverse of the CDF", () => {
  assertAlmostEquals(chiSquareQuantile(0.95, 1), 3.841458820694124, 1e-9);
  assertAlmostEquals(chiSquareQuantile(0.999, 12), 32.90949040736021, 1e-8);
  assertAlmostEquals(chiSquareQuantile(0.999, 80), 124.8392240157773, 1e-8);
  assertAlmostEquals(chiSquareQuantile(0.5, 2), 2 * Math.log(2), 1e-10);
  for (const k of [1, 3, 10, 100]) {
    for (const p of [0.01, 0.5, 0.9, 0.999]) {
      assertAlmostEquals(chiSquareCdf(chiSquareQuantile(p, k), k), p, 1e-10);
    }
  }
  assertThrows(() => chiSquareQuantile(1, 3), RangeError, "p must be in [0, 1)");
  assertThrows(() => chiSquareQuantile(0.5, 0), RangeError, "dof must be a positive number");
});
