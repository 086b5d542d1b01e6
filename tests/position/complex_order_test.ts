import { assertAlmostEquals, assertLess, assertThrows } from "@std/assert";
import { cexp, cmul } from "@lib/core/complex.ts";
import { createRng } from "@lib/core/rng.ts";
import { complexOrderEmbedding } from "@lib/position/complex_order.ts";

Deno.test("acceptance: shifting k by δ multiplies each component by e^{iω δ} (1e-12)", () => {
  const rng = createRng(3), d = 12;
  const draw = (s: number) => Float64Array.from({ length: d }, () => s * rng.normal());
  const [r, omega, theta] = [draw(1), draw(0.5), draw(3)];
  let worst = 0;
  for (const [k, delta] of [[0, 1], [5, 7], [20, -3], [2.5, 0.25]]) {
    const a = complexOrderEmbedding(r, omega, theta, k!),
      b = complexOrderEmbedding(r, omega, theta, k! + delta!);
    a.forEach((z, c) => {
      const shifted = cmul(z, cexp(omega[c]! * delta!));
      worst = Math.max(worst, Math.abs(shifted.re - b[c]!.re), Math.abs(shifted.im - b[c]!.im));
    });
  }
  assertLess(worst, 1e-12);
});

Deno.test("complexOrderEmbedding: modulus r, phase θ at k = 0; validation", () => {
  const z = complexOrderEmbedding(Float64Array.of(2, -1), Float64Array.of(1, 1), Float64Array.of(0.3, 0), 0);
  assertAlmostEquals(Math.hypot(z[0]!.re, z[0]!.im), 2, 1e-15);
  assertAlmostEquals(Math.atan2(z[0]!.im, z[0]!.re), 0.3, 1e-15);
  assertAlmostEquals(z[1]!.re, -1, 1e-15);
  assertThrows(
    () => complexOrderEmbedding(Float64Array.of(1), Float64Array.of(1, 2), Float64Array.of(0), 0),
    RangeError,
    "complexOrderEmbedding: omega.length must be 1, got 2",
  );
  assertThrows(
    () => complexOrderEmbedding(Float64Array.of(1), Float64Array.of(1), Float64Array.of(0), NaN),
    RangeError,
    "k must be a finite number",
  );
});
