import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { piecewiseLinear } from "@lib/optim/schedule.ts";

Deno.test("piecewiseLinear: the Tiger README schedule (X-opt check 3)", () => {
  const pts: [number, number][] = [[40000, 1], [160000, 0.5], [640000, 0.1], [1280000, 0.01]];
  assertEquals(piecewiseLinear(0, pts), 0);
  assertEquals(piecewiseLinear(20000, pts), 0.5);
  assertEquals(piecewiseLinear(100000, pts), 0.75);
  assertEquals(piecewiseLinear(2e6, pts), 0.01);
});

Deno.test("piecewiseLinear: the X-opt benchmark schedule and fromZero = false", () => {
  const pts: [number, number][] = [[50, 1], [1000, 0.1]];
  assertEquals([1, 25, 50].map((t) => piecewiseLinear(t, pts)), [0.02, 0.5, 1]);
  assertAlmostEquals(piecewiseLinear(525, pts), 0.55, 1e-15);
  assertEquals(piecewiseLinear(5000, pts), 0.1);
  assertEquals(piecewiseLinear(10, pts, false), 1);
  assertEquals(piecewiseLinear(10, [[0, 2], [20, 0]]), 1, "a curve starting at t = 0 is used as is");
});

Deno.test("piecewiseLinear: bad inputs throw", () => {
  assertThrows(() => piecewiseLinear(1, []), RangeError, "piecewiseLinear: points.length must be ≥ 1, got 0");
  assertThrows(() => piecewiseLinear(1, [[5, 1], [5, 2]]), RangeError, "strictly increasing");
  assertThrows(() => piecewiseLinear(NaN, [[5, 1]]), RangeError, "t must be a finite number");
});
