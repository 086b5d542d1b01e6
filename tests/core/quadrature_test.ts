import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { gaussExpectation, gaussLegendre, gaussLegendreNodes, simpson } from "@lib/core/quadrature.ts";

Deno.test("simpson: exact for cubics, O(h^4) convergence", () => {
  assertAlmostEquals(simpson((x) => 2 * x ** 3 - x + 1, -1, 3, 2), 2 * 20 - 4 + 4, 1e-12);
  const e1 = Math.abs(simpson(Math.exp, 0, 1, 10) - (Math.E - 1));
  const e2 = Math.abs(simpson(Math.exp, 0, 1, 20) - (Math.E - 1));
  assertAlmostEquals(e1 / e2, 16, 0.1); // halving h divides the error by 2^4
  assertThrows(() => simpson(Math.sin, 0, 1, 3), RangeError, "simpson: n must be an even integer ≥ 2, got 3");
  assertThrows(() => simpson(Math.sin, 1, 1), RangeError, "simpson: b must be greater than a = 1, got 1");
});

Deno.test("gaussLegendreNodes: symmetric, weights sum to 2, known 3-point rule", () => {
  for (const m of [1, 2, 5, 64, 200]) {
    const { x, w } = gaussLegendreNodes(m);
    assertAlmostEquals(w.reduce((s, v) => s + v, 0), 2, 1e-13);
    for (let i = 0; i < m; i++) assertAlmostEquals(x[i]! + x[m - 1 - i]!, 0, 1e-15);
    for (let i = 1; i < m; i++) assertEquals(x[i]! > x[i - 1]!, true);
  }
  const { x, w } = gaussLegendreNodes(3);
  assertAlmostEquals(x[2]!, Math.sqrt(3 / 5), 1e-15);
  assertAlmostEquals(w[1]!, 8 / 9, 1e-15);
  assertAlmostEquals(w[0]!, 5 / 9, 1e-15);
});

Deno.test("gaussLegendre: exact up to degree 2m − 1, not beyond; panels converge", () => {
  const m = 4;
  for (let k = 0; k <= 2 * m - 1; k++) {
    assertAlmostEquals(gaussLegendre((x) => x ** k, 0, 2, m), 2 ** (k + 1) / (k + 1), 1e-12);
  }
  const deg8 = gaussLegendre((x) => x ** 8, 0, 2, m);
  assertEquals(Math.abs(deg8 - 512 / 9) > 1e-3, true); // degree 2m is not exact
  // a kink: panels help
  const f = (x: number) => Math.abs(x - 0.3);
  const exact = (0.3 ** 2 + 0.7 ** 2) / 2;
  const one = Math.abs(gaussLegendre(f, 0, 1, 16) - exact),
    many = Math.abs(gaussLegendre(f, 0, 1, 16, 10) - exact);
  assertEquals(many < 1e-14 && one > 1e-6, true);
});

Deno.test("gaussExpectation: normal moments, MGF, truncation", () => {
  assertAlmostEquals(gaussExpectation(() => 1), 1, 1e-14);
  assertAlmostEquals(gaussExpectation((z) => z * z), 1, 1e-13);
  assertAlmostEquals(gaussExpectation((z) => z ** 4), 3, 1e-12);
  for (const a of [0.5, 2, 3.5]) {
    assertAlmostEquals(gaussExpectation((z) => Math.exp(a * z)) / Math.exp(a * a / 2), 1, 1e-12);
  }
  assertAlmostEquals(gaussExpectation((z) => z, { mean: 2, std: 3 }), 2, 1e-12);
  assertAlmostEquals(gaussExpectation((z) => (z - 2) ** 2, { mean: 2, std: 3 }), 9, 1e-11);
  assertAlmostEquals(gaussExpectation((z) => z, { a: 0 }), Math.sqrt(2 / Math.PI), 1e-13);
  // truncated to [−1, 1]: E z² = 1 − 2φ(1)/(2Φ(1) − 1)
  const phi1 = Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
  assertAlmostEquals(
    gaussExpectation((z) => z * z, { a: -1, b: 1 }),
    1 - (2 * phi1) / 0.6826894921370859,
    1e-13,
  );
  assertThrows(
    () => gaussExpectation((z) => z, { std: 0 }),
    RangeError,
    "gaussExpectation: std must be a positive number, got 0",
  );
});
