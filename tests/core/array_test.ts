import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { argmax, cumsum, linspace, logspace, maxAbsDiff, relErr, take } from "@lib/core/array.ts";

Deno.test("linspace: endpoints exact, even steps, n = 1", () => {
  const x = linspace(-1, 2, 7);
  assertEquals(x.length, 7);
  assertEquals(x[0], -1);
  assertEquals(x[6], 2);
  for (let k = 1; k < 7; k++) assertAlmostEquals(x[k]! - x[k - 1]!, 0.5, 1e-15);
  assertEquals(Array.from(linspace(3, 9, 1)), [3]);
  assertEquals(Array.from(linspace(1, 0, 3)), [1, 0.5, 0]);
});

Deno.test("logspace: powers of the base", () => {
  const x = logspace(-2, 2, 5);
  [0.01, 0.1, 1, 10, 100].forEach((v, k) => assertAlmostEquals(x[k]!, v, 1e-12 * v));
  const y = logspace(0, 4, 5, 2);
  assertEquals(Array.from(y), [1, 2, 4, 8, 16]);
});

Deno.test("cumsum: prefix sums, empty input", () => {
  assertEquals(Array.from(cumsum(new Float64Array([0.5, -1, 2]))), [0.5, -0.5, 1.5]);
  assertEquals(cumsum([]).length, 0);
});

Deno.test("argmax: first maximum, skips NaN", () => {
  assertEquals(argmax([1, 5, 2, 5]), 1);
  assertEquals(argmax([NaN, -3, -1]), 2);
  assertEquals(argmax([-Infinity]), 0);
});

Deno.test("maxAbsDiff and relErr", () => {
  assertEquals(maxAbsDiff([1, -2, 3], [1, 2, 3]), 4);
  assertEquals(maxAbsDiff([], []), 0);
  assert(Number.isNaN(maxAbsDiff([NaN], [1])));
  assertAlmostEquals(relErr([1, 1], [1, 0]), 1, 1e-15);
  assertEquals(relErr([0, 0], [0, 0]), 0);
  assertEquals(relErr([1, 0], [0, 0]), Infinity);
});

Deno.test("take gathers by index", () => {
  assertEquals(Array.from(take(new Float64Array([5, 6, 7]), new Int32Array([2, 1, 0]))), [7, 6, 5]);
});

Deno.test("bad inputs throw clear errors", () => {
  assertThrows(() => linspace(0, 1, 0), RangeError, "linspace: n must be an integer ≥ 1, got 0");
  assertThrows(() => linspace(0, NaN, 3), RangeError, "linspace: b must be a finite number, got NaN");
  assertThrows(() => logspace(0, 1, 3, -2), RangeError, "logspace: base must be a positive number, got -2");
  assertThrows(() => argmax([]), RangeError, "argmax: x.length must be ≥ 1, got 0");
  assertThrows(() => argmax([NaN, NaN]), RangeError, "argmax: x must be an array with at least one non-NaN");
  assertThrows(() => maxAbsDiff([1, 2], [1]), RangeError, "maxAbsDiff: b.length must be 2, got 1");
  assertThrows(() => relErr([1], [1, 2]), RangeError, "relErr: b.length must be 1, got 2");
  assertThrows(() => take([1, 2], [2]), RangeError, "take: idx[0] must be an integer in [0, 1], got 2");
  assertThrows(() => cumsum(null as never), TypeError, "cumsum: x must be an array of numbers");
});
