import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { ecdf, kendallTau, mean, quantile, spearman } from "@lib/core/stats.ts";
import { createRng } from "@lib/core/rng.ts";

Deno.test("quantile: order statistics, interpolation, validation", () => {
  const xs = [5, 1, 4, 2, 3];
  assertEquals([0, 0.25, 0.5, 1].map((q) => quantile(xs, q)), [1, 2, 3, 5]);
  assertAlmostEquals(quantile(xs, 0.9), 4.6, 1e-12);
  assertEquals(xs, [5, 1, 4, 2, 3]); // not modified
  assertThrows(() => quantile(xs, 1.5), RangeError, "q");
  assertThrows(() => quantile([], 0.5), RangeError);
});

Deno.test("ecdf ends at 1 and is non-decreasing", () => {
  const r = createRng(1), xs = Array.from({ length: 200 }, () => Math.floor(r() * 30));
  const e = ecdf(xs);
  assertEquals(e.at(-1)!.y, 1);
  for (let i = 1; i < e.length; i++) assert(e[i]!.x > e[i - 1]!.x && e[i]!.y > e[i - 1]!.y);
  assertEquals(mean([2, 4]), 3);
});

Deno.test("kendallTau: brute-force tau-b with ties; invariance under monotone maps", () => {
  const a = [1, 2, 2, 3, 4, 4, 4], b = [2, 1, 3, 3, 5, 4, 4];
  // concordant / discordant / ties counted by hand: n0 = 21, ties in a: 1 + 3 = 4, in b: 1 + 1 = 2
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) s += Math.sign(a[j]! - a[i]!) * Math.sign(b[j]! - b[i]!);
  }
  assertAlmostEquals(kendallTau(a, b), s / Math.sqrt((21 - 4) * (21 - 2)), 1e-12);
  const r = createRng(2), x = Array.from({ length: 50 }, () => r.normal()), y = x.map((v) => v + r.normal());
  assertAlmostEquals(kendallTau(x, y), kendallTau(x.map(Math.exp), y.map((v) => v * 3 + 1)), 1e-12);
  assert(Number.isNaN(kendallTau([1, 1, 1], [1, 2, 3])));
  assertThrows(() => kendallTau([1, 2], [1]), RangeError);
});

Deno.test("spearman: ±1 for monotone relations, matches Pearson of ranks, bounded", () => {
  assertAlmostEquals(spearman([1, 2, 3, 4], [-1, -8, -27, -64]), -1, 1e-12);
  const r = createRng(3),
    x = Array.from({ length: 100 }, () => r.normal()),
    y = x.map((v) => v + 2 * r.normal());
  const s = spearman(x, y);
  assert(s > 0.2 && s < 0.7, `${s}`);
  // no ties: 1 − 6Σd²/(n(n²−1))
  const rank = (v: number[]) => v.map((q) => v.filter((w) => w < q).length + 1);
  const rx = rank(x), ry = rank(y), n = x.length;
  const d2 = rx.reduce((acc, q, i) => acc + (q - ry[i]!) ** 2, 0);
  assertAlmostEquals(s, 1 - (6 * d2) / (n * (n * n - 1)), 1e-12);
});
