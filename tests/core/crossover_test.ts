import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { crossover } from "@lib/core/crossover.ts";

Deno.test("crossover: exact for power laws, interpolated in log–log", () => {
  // a = 4x·64², b = 2x²·64 (linear vs quadratic attention flops): equal at x = 128.
  const xs = [16, 32, 64, 100, 256, 1024];
  const a = xs.map((x) => 4 * x * 64 * 64), b = xs.map((x) => 2 * x * x * 64);
  assertAlmostEquals(crossover(xs, a, b)!, 128, 1e-9);
  assertAlmostEquals(crossover([1, 4], [2, 1], [1, 2])!, 2, 1e-12); // log r: ln2 → −ln2 at the midpoint
});

Deno.test("crossover: edge cases — never, always, and a late recrossing wins", () => {
  assertEquals(crossover([1, 2, 3], [5, 5, 5], [1, 2, 3]), null);
  assertEquals(crossover([1, 2, 3], [1, 1, 1], [2, 2, 2]), 1);
  assertEquals(crossover([1, 2, 3], [1, 1, 1], [1, 1, 1]), null); // ties are not "below"
  // below at x = 1, above at x = 2, below from x = 4 on: the crossing counted is between 2 and 4
  const x = crossover([1, 2, 4, 8], [1, 3, 1, 1], [2, 2, 2, 2])!;
  assertEquals(x > 2 && x < 4, true);
});

Deno.test("crossover: validation", () => {
  assertThrows(() => crossover([1, 2], [1], [1, 2]), RangeError, "crossover: a.length must be 2, got 1");
  assertThrows(() => crossover([1, 1], [1, 2], [1, 2]), RangeError, "xs[1] must be > xs[0] = 1 (increasing)");
  assertThrows(
    () => crossover([1, 2], [0, 2], [1, 2]),
    RangeError,
    "a[0] must be a finite number > 0, got 0",
  );
  assertThrows(() => crossover([], [], []), RangeError, "xs.length must be ≥ 1");
});
