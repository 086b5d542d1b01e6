import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { sameTokenSimilarity } from "@lib/nn/similarity.ts";

Deno.test("sameTokenSimilarity: a context-free embedding gives within = cross = 1; a group code separates them", () => {
  const rng = createRng(4);
  const S = 12, n = 10, V = 5, d = 6;
  const table = Array.from({ length: V }, () => Array.from({ length: d }, () => rng.normal()));
  const ids = Array.from({ length: S }, () => Int32Array.from({ length: n }, () => rng.int(V)));
  const group = Int32Array.from({ length: S }, (_, s) => s % 2);
  const free = sameTokenSimilarity(ids.map((x) => Array.from(x, (t) => table[t]!.slice())), ids, group);
  assertAlmostEquals(free.within, 1, 1e-12);
  assertAlmostEquals(free.cross, 1, 1e-12);
  // add a strong group-specific direction: same-group pairs become more similar than cross-group pairs
  const code = [
    Array.from({ length: d }, () => 3 * rng.normal()),
    Array.from({ length: d }, () => 3 * rng.normal()),
  ];
  const ctx = ids.map((x, s) => Array.from(x, (t) => table[t]!.map((v, k) => v + code[group[s]!]![k]!)));
  const r = sameTokenSimilarity(ctx, ids, group);
  assert(r.within > r.cross + 0.1, `within ${r.within}, cross ${r.cross}`);
  assertAlmostEquals(r.within, 1, 1e-12); // same token + same code = identical vectors
  // pair counts: every same-id pair from different sentences is counted once
  let total = 0;
  for (let t = 0; t < V; t++) {
    const per = ids.map((x) => x.filter((v) => v === t).length);
    const all = per.reduce((a, b) => a + b, 0);
    total += (all * (all - 1)) / 2 - per.reduce((a, c) => a + (c * (c - 1)) / 2, 0);
  }
  assertAlmostEquals(r.pairsWithin + r.pairsCross, total, 0);
});

Deno.test("sameTokenSimilarity validates its inputs", () => {
  const ids = [Int32Array.of(1), Int32Array.of(1)];
  assertThrows(() => sameTokenSimilarity([[[1]], [[1]]], ids, Int32Array.of(0)), RangeError, "group");
  assertThrows(() => sameTokenSimilarity([[[1]], [[0]]], ids, Int32Array.of(0, 1)), RangeError, "non-zero");
  assertThrows(
    () => sameTokenSimilarity([[[1]], [[1]]], ids, Int32Array.of(0, 0)),
    RangeError,
    "within and across",
  );
});
