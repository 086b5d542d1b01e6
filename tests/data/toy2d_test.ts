import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { checkerboard, grid25, moons, ring8, threeComp1d, twoComp1d } from "@lib/data/toy2d.ts";

Deno.test("toy2d: component counts, weights sum to 1, variances", () => {
  for (
    const [g, K] of [[ring8(), 8], [grid25(), 25], [moons(), 20], [checkerboard(), 72], [twoComp1d(), 2], [
      threeComp1d(),
      3,
    ]] as const
  ) {
    assertEquals(g.weights.length, K);
    assertAlmostEquals(g.weights.reduce((a, b) => a + b, 0), 1, 1e-12);
  }
  assertAlmostEquals(ring8(2, 0.1).vars[0]!, 0.01, 1e-15);
  assertAlmostEquals(checkerboard().vars[0]!, 1 / 36, 1e-15);
});

Deno.test("toy2d: geometry (ring radius, grid centred, checkerboard cells black only)", () => {
  const r = ring8(3);
  for (let k = 0; k < 8; k++) assertAlmostEquals(Math.hypot(r.means[2 * k]!, r.means[2 * k + 1]!), 3, 1e-12);
  const g = grid25(0.5);
  assertAlmostEquals(g.means.reduce((a, b) => a + b, 0), 0, 1e-12);
  const c = checkerboard();
  for (let k = 0; k < 72; k++) {
    const col = Math.floor(c.means[2 * k]! + 2), row = Math.floor(c.means[2 * k + 1]! + 2);
    assertEquals((row + col) % 2, 0);
  }
  const m = moons(5);
  assertAlmostEquals(m.means[2 * 5]!, 0, 1e-12); // second moon starts at (1 − 1, 0.5)
  assertAlmostEquals(m.means[2 * 5 + 1]!, 0.5, 1e-12);
});

Deno.test("toy2d: argument validation", () => {
  assertThrows(() => ring8(0), RangeError, "ring8: radius must be a positive number, got 0");
  assertThrows(() => moons(1), RangeError, "moons: nPerMoon must be an integer ≥ 2, got 1");
  assertThrows(() => grid25(1, -1), RangeError, "grid25: s must be a non-negative number");
});
