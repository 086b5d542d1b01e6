import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  chiSquareGof,
  countOutcomes,
  empiricalDistribution,
  mode,
  totalVariation,
} from "@lib/prob/discrete.ts";

const P = new Map([["x", 0.5], ["y", 0.3], ["z", 0.2]]);
const sample = (n: number, seed: number, p: Map<string, number>) => {
  const rng = createRng(seed), keys = [...p.keys()], out: string[] = [];
  for (let i = 0; i < n; i++) {
    let u = rng(), j = 0;
    while (j < keys.length - 1 && (u -= p.get(keys[j]!)!) >= 0) j++;
    out.push(keys[j]!);
  }
  return out;
};

Deno.test("empiricalDistribution / countOutcomes / mode", () => {
  const xs = ["b", "a", "b", "c"];
  assertEquals([...countOutcomes(xs)], [["b", 2], ["a", 1], ["c", 1]]);
  assertEquals(empiricalDistribution(xs).get("b"), 0.5);
  assertEquals(mode(countOutcomes(xs)), { key: "b", p: 2 });
  assertEquals(mode(new Map([["u", 1], ["v", 1]])).key, "u");
  assertThrows(() => empiricalDistribution([]), RangeError, "samples.length must be ≥ 1");
});

Deno.test("totalVariation: metric properties and disjoint supports", () => {
  const Q = new Map([["x", 0.2], ["y", 0.3], ["w", 0.5]]);
  assertAlmostEquals(totalVariation(P, Q), 0.5 * (0.3 + 0 + 0.2 + 0.5), 1e-15);
  assertEquals(totalVariation(P, P), 0);
  assertEquals(totalVariation(P, Q), totalVariation(Q, P));
  assertEquals(totalVariation(new Map([["a", 1]]), new Map([["b", 1]])), 1);
  assertThrows(() => totalVariation(new Map([["a", -1]]), P), RangeError, "≥ 0");
});

Deno.test("chiSquareGof: hand value, calibrated p-values under H0, power against a shift", () => {
  const g = chiSquareGof(new Map([["x", 45], ["y", 35], ["z", 20]]), P);
  assertAlmostEquals(g.stat, 25 / 50 + 25 / 30 + 0, 1e-12);
  assertEquals(g.dof, 2);
  // under H0, P(p < 0.05) ≈ 0.05 over 400 repetitions (binomial sd ≈ 0.011)
  let rejects = 0;
  for (let r = 0; r < 400; r++) {
    if (chiSquareGof(countOutcomes(sample(500, r, P)), P).pValue < 0.05) rejects++;
  }
  assertLess(Math.abs(rejects / 400 - 0.05), 0.035);
  const shifted = new Map([["x", 0.4], ["y", 0.35], ["z", 0.25]]);
  assertLess(chiSquareGof(countOutcomes(sample(5000, 1, shifted)), P).pValue, 1e-6);
  assertEquals(chiSquareGof(new Map([["q", 1], ["x", 3]]), P).stat, Infinity);
  assertThrows(
    () => chiSquareGof(new Map([["x", 1]]), new Map([["x", 0.5], ["y", 0.4]])),
    RangeError,
    "sum of probs",
  );
  assert(chiSquareGof(new Map([["x", 50], ["y", 30], ["z", 20]]), P).pValue > 0.999);
  assertGreater(chiSquareGof(new Map([["x", 100]]), P).stat, 99);
});
