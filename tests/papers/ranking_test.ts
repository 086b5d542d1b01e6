import { assert, assertEquals, assertThrows } from "@std/assert";
import { ipsScores, simulateClicks, sortByStars } from "@lib/papers/ranking.ts";
import { createRng } from "@lib/core/rng.ts";
import { kendallTau, spearman } from "@lib/core/stats.ts";

const exam = (r: number) => 1 / (1 + r / 20);

Deno.test("sortByStars: stable descending; equal stars keep the input", () => {
  const items = Array.from({ length: 30 }, (_, i) => i);
  assertEquals(sortByStars(items, new Array(30).fill(7)), items);
  const stars = items.map((i) => i % 3);
  const s = sortByStars(items, stars);
  assertEquals(s.slice(0, 10), [2, 5, 8, 11, 14, 17, 20, 23, 26, 29]);
  for (let i = 1; i < s.length; i++) {
    const a = stars[s[i - 1]!]!, b = stars[s[i]!]!;
    assert(a > b || (a === b && s[i - 1]! < s[i]!));
  }
  assertThrows(() => sortByStars(items, [1, 2]), RangeError);
});

Deno.test("simulateClicks: position bias; IPS recovers appeal better (seeded)", () => {
  let wins = 0;
  for (let seed = 0; seed < 5; seed++) {
    const rng = createRng(seed), n = 120;
    const q = Float64Array.from({ length: n }, () => rng.normal());
    const { pdf, kimi, events } = simulateClicks(n, 300, q, exam, rng.fork("clicks"));
    const pos = Array.from({ length: n }, (_, i) => i);
    assert(spearman(pos, pdf) < -0.2, `seed ${seed}`);
    const e = pos.map(exam);
    if (kendallTau(q, ipsScores(pdf, e)) > kendallTau(q, pdf)) wins++;
    const k = kimi.reduce((a, b) => a + b, 0), p = pdf.reduce((a, b) => a + b, 0);
    assert(k / p > 0.25 && k / p < 0.35, `kimi share ${k / p}`);
    for (let i = 1; i < events.length; i++) assert(events[i]!.t >= events[i - 1]!.t);
  }
  assert(wins >= 4, `IPS better in ${wins}/5`);
});

Deno.test("simulateClicks: expected clicks match the model", () => {
  const n = 4, users = 4000, q = new Float64Array([2, 2, 0, 4]), ex = [1, 0.5, 1, 0.25];
  const { pdf } = simulateClicks(n, users, q, (r) => ex[r]!, createRng(9), { kimiRate: 0 });
  for (let i = 0; i < n; i++) {
    const p = ex[i]! / (1 + Math.exp(2 - q[i]!)), sd = Math.sqrt(users * p * (1 - p));
    assert(Math.abs(pdf[i]! - users * p) < 4 * sd, `paper ${i}: ${pdf[i]} vs ${users * p}`);
  }
  assertThrows(() => simulateClicks(2, 1, new Float64Array(3), exam, createRng(0)), RangeError);
  assertThrows(() => simulateClicks(2, 1, new Float64Array(2), () => 2, createRng(0)), RangeError, "exam(0)");
  assertEquals(ipsScores([3, 0], [0.5, 1]), new Float64Array([6, 0]));
  assertThrows(() => ipsScores([1], [0]), RangeError);
});
