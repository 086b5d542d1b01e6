import { assertAlmostEquals, assertThrows } from "@std/assert";
import { bisect, goldenSectionMax } from "@lib/core/optimize.ts";

Deno.test("goldenSectionMax: interior maxima, end-point maxima, tolerance", () => {
  // at a smooth maximum f is flat to O(δ²), so the argmax is only resolvable to ~√ε ≈ 1e-8
  assertAlmostEquals(goldenSectionMax((x) => Math.sin(x), 0, 3), Math.PI / 2, 5e-8);
  assertAlmostEquals(goldenSectionMax((x) => x * Math.exp(-x), 0, 10), 1, 5e-8);
  assertAlmostEquals(goldenSectionMax((x) => x, 0, 1), 1, 1e-9); // increasing: right end
  assertAlmostEquals(goldenSectionMax((x) => -x, 0, 1), 0, 1e-9);
  assertAlmostEquals(goldenSectionMax((x) => -((x - 0.123) ** 2), -5, 5, 1e-3), 0.123, 1e-3);
  assertThrows(
    () => goldenSectionMax((x) => x, 1, 0),
    RangeError,
    "goldenSectionMax: hi must be greater than lo = 1, got 0",
  );
  assertThrows(() => goldenSectionMax((x) => x, 0, 1, 0), RangeError, "tol must be a positive number");
});

Deno.test("bisect: roots, exact zeros at the ends, same-sign bracket throws", () => {
  assertAlmostEquals(bisect(Math.cos, 0, 3), Math.PI / 2, 1e-11);
  assertAlmostEquals(bisect((x) => x ** 3 - x - 2, 1, 2), 1.5213797068045676, 1e-11);
  assertAlmostEquals(bisect((x) => x, 0, 5), 0, 0);
  assertThrows(
    () => bisect((x) => x * x + 1, -1, 1),
    RangeError,
    "bisect: [f(lo), f(hi)] must be of opposite signs",
  );
});
