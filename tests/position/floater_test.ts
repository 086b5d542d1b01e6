import { assertEquals, assertGreater, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { gaussianMatrix, matVec } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { floaterEncodings, linearField, sinusoidalGenerator } from "@lib/position/floater.ts";
import { sinusoidalEncoding } from "@lib/position/sinusoidal.ts";

Deno.test("acceptance: RK4 of dp/dt = Ap from p(0) = sinusoidal(0) gives sinusoidal(k), k ≤ 100 (1e-6)", () => {
  const d = 16, p = floaterEncodings(linearField(sinusoidalGenerator(d)), sinusoidalEncoding(0, d), 100, 100);
  assertEquals(p.length, 101);
  let worst = 0;
  p.forEach((pk, k) => (worst = Math.max(worst, maxAbsDiff(pk, sinusoidalEncoding(k, d)))));
  assertLess(worst, 1e-6);
  // and with too few steps it visibly drifts (the test can fail)
  const coarse = floaterEncodings(linearField(sinusoidalGenerator(d)), sinusoidalEncoding(0, d), 100, 1);
  assertGreater(maxAbsDiff(coarse[100]!, sinusoidalEncoding(100, d)), 1e-4);
});

Deno.test("sinusoidalGenerator is the derivative of the encoding: A p(t) = p'(t)", () => {
  const d = 10, a = sinusoidalGenerator(d), t = 3.7, eps = 1e-5;
  const fd = sinusoidalEncoding(t + eps, d).map((v, i) =>
    (v - sinusoidalEncoding(t - eps, d)[i]!) / (2 * eps)
  );
  assertLess(maxAbsDiff(matVec(a, sinusoidalEncoding(t, d)), fd), 1e-9);
  assertThrows(
    () => sinusoidalGenerator(5),
    RangeError,
    "sinusoidalGenerator: d must be an even integer ≥ 2, got 5",
  );
});

Deno.test("floaterEncodings: a non-linear field, validation", () => {
  const rng = createRng(1), w = gaussianMatrix(4, 4, rng, 0.5);
  const h = (p: Float64Array) => matVec(w, p).map(Math.tanh);
  const p = floaterEncodings(h, Float64Array.of(1, 0, 0, 0), 5, 50);
  const fine = floaterEncodings(h, Float64Array.of(1, 0, 0, 0), 5, 400);
  assertLess(maxAbsDiff(p[5]!, fine[5]!), 1e-7);
  assertThrows(() => floaterEncodings(h, Float64Array.of(1), -1), RangeError, "floaterEncodings: maxPos");
  assertThrows(
    () => linearField(gaussianMatrix(2, 3, rng)),
    RangeError,
    "linearField: a must be a non-empty square matrix",
  );
});
