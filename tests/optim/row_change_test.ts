import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { rankBinnedMean, rowRelativeChange } from "@lib/optim/row_change.ts";

Deno.test("rowRelativeChange: per-row ‖Δ‖/‖before‖, zero rows, scale invariance", () => {
  const before = [1, 0, 0, 0, 2, 2];
  const after = [1, 1, 0, 0, 1, 1];
  const r = rowRelativeChange(before, after, 2);
  assertEquals(r[0], 1);
  assertEquals(r[1], 0, "an unmoved zero row");
  assertAlmostEquals(r[2]!, 0.5, 1e-15);
  assertEquals(rowRelativeChange([0, 0], [0, 1], 2)[0], Infinity);
  const s = rowRelativeChange(before.map((x) => 3 * x), after.map((x) => 3 * x), 2);
  assertAlmostEquals(s[2]!, 0.5, 1e-15);
});

Deno.test("rowRelativeChange: bad inputs throw", () => {
  assertThrows(
    () => rowRelativeChange([1, 2], [1], 1),
    RangeError,
    "rowRelativeChange: after.length must be 2, got 1",
  );
  assertThrows(() => rowRelativeChange([1, 2, 3], [1, 2, 3], 2), RangeError, "a multiple of cols (2)");
  assertThrows(() => rowRelativeChange([1], [1], 0), RangeError, "cols must be an integer ≥ 1");
});

Deno.test("rankBinnedMean: log bins cover every rank once, in order", () => {
  const v = Array.from({ length: 512 }, (_, k) => k + 1);
  const bins = rankBinnedMean(v, 4);
  assertEquals(bins.length, 32); // 9 octaves × 4 + the bin of rank 512, minus 5 empty bins below rank 8
  for (let i = 1; i < bins.length; i++) assert(bins[i]!.rank > bins[i - 1]!.rank);
  assertEquals(bins[0], { rank: 1, mean: 1 });
  assertThrows(
    () => rankBinnedMean([1], 0),
    RangeError,
    "rankBinnedMean: binsPerOctave must be an integer ≥ 1, got 0",
  );
});
