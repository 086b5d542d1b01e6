import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { chiSquareQuantile } from "@lib/core/chi_square.ts";
import {
  chiSquareGof,
  countOutcomes,
  empiricalDistribution,
  mode,
  totalVariation,
} from "@lib/prob/discrete.ts";
import { COMMON_WORDS, zipfWordCorpus } from "@lib/data/text_corpus.ts";
import {
  buildLattice,
  buildSubstringVocab,
  enumerateSegmentations,
  exactOldSamplerDistribution,
  ffbsSample,
  type Lattice,
  logPartition,
  nBest,
  nBestSample,
  segKey,
  targetDistribution,
  viterbiDecode,
  viterbiSampleInterim,
  viterbiSampleOld,
  viterbiSamplePerfect,
  vocabFromProbs,
} from "@lib/tokenize/unigram.ts";
import { VAB, WATCH_EQ } from "./_vocabs.ts";

const WATCH_SKEW = vocabFromProbs({ w: 0.4, wat: 0.3, watch: 0.3, atching: 1, ching: 1, ing: 1 });

const abStrings = (L: number) =>
  Array.from(
    { length: 1 << L },
    (_, m) => Array.from({ length: L }, (_, i) => (m >> (L - 1 - i)) & 1 ? "b" : "a").join(""),
  );
const draw = (n: number, f: () => string[]) => Array.from({ length: n }, () => segKey(f()));

Deno.test("buildLattice: arrival order, code points, orders, validation", () => {
  const lat = buildLattice("watching", WATCH_EQ);
  assertEquals(lat.length, 8);
  assertEquals(lat.edges.map((e) => `${e.s}-${e.e}`), ["0-1", "0-3", "0-5", "1-8", "3-8", "5-8"]);
  assertEquals([...lat.inStart], [0, 0, 1, 1, 2, 2, 3, 3, 3, 6]);
  const sf = buildLattice("watching", WATCH_EQ, { order: "shortest-first" });
  assertEquals(sf.edges.slice(3).map((e) => e.s), [5, 3, 1]);
  const cjk = buildLattice("今天天气", vocabFromProbs({ 今: 1, 天: 1, 气: 1, 今天: 1, 天气: 1 }));
  assertEquals(cjk.length, 4);
  assertEquals(viterbiDecode(cjk).tokens, ["今天", "天气"]);
  const emoji = buildLattice("a😀", vocabFromProbs({ a: 0.5, "😀": 0.5 }));
  assertEquals(emoji.symbols, ["a", "😀"]);
  assertThrows(() => buildLattice("", VAB), RangeError, "text must be a non-empty string");
  assertThrows(() => buildLattice("ab", VAB, { order: "random" as "longest-first" }), RangeError, "order");
  assertThrows(() => vocabFromProbs({ a: 0 }), RangeError, 'p["a"] must be > 0');
  assertThrows(() => viterbiDecode(buildLattice("xa", VAB)), RangeError, "not reachable");
  assertThrows(() => viterbiSampleOld(buildLattice("ab", VAB), -1, createRng(0)), RangeError, "alpha");
});

Deno.test("enumerateSegmentations: |Ω| = 13, 81, 3 and tribonacci counts", () => {
  assertEquals(enumerateSegmentations(buildLattice("aabba", VAB)).length, 13);
  assertEquals(enumerateSegmentations(buildLattice("ababbaba", VAB)).length, 81);
  assertEquals(enumerateSegmentations(buildLattice("watching", WATCH_EQ)).length, 3);
  assertEquals(enumerateSegmentations(buildLattice("abbaab", VAB)).length, 24);
  for (const seg of enumerateSegmentations(buildLattice("ababbaba", VAB))) {
    assertEquals(seg.tokens.join(""), "ababbaba");
    assertAlmostEquals(seg.score, seg.tokens.reduce((s, t) => s + VAB.get(t)!, 0), 1e-12);
  }
});

Deno.test("viterbiDecode = enumeration argmax for all 2^L strings over {a,b}, L = 1..8", () => {
  let unique = 0;
  for (let L = 1; L <= 8; L++) {
    for (const str of abStrings(L)) {
      const lat = buildLattice(str, VAB);
      const segs = enumerateSegmentations(lat).sort((x, y) => y.score - x.score);
      const dec = viterbiDecode(lat);
      assertAlmostEquals(dec.score, segs[0]!.score, 1e-12);
      if (segs.length === 1 || segs[0]!.score - segs[1]!.score > 1e-12) {
        assertEquals(dec.tokens, segs[0]!.tokens, str);
        unique++;
      }
    }
  }
  assertGreater(unique, 400);
  const dec = (s: string) => viterbiDecode(buildLattice(s, VAB)).tokens.join("|");
  assertEquals([dec("aabba"), dec("ababbaba"), dec("abab"), dec("ababab")], [
    "a|ab|ba",
    "a|bab|bab|a",
    "a|bab",
    "aba|bab",
  ]);
  // ties keep the first arrival = the longest token at that end
  assertEquals(viterbiDecode(buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.25 }))).tokens, [
    "ab",
  ]);
});

Deno.test("logPartition: log Σ e^{αs} over Ω; α = 0 gives log|Ω|; α → ∞ gives the max score", () => {
  const lat = buildLattice("ababbaba", VAB);
  const segs = enumerateSegmentations(lat);
  const direct = Math.log(segs.reduce((s, x) => s + Math.exp(x.score), 0));
  assertAlmostEquals(logPartition(lat, 1)[8]!, direct, 1e-12);
  assertAlmostEquals(logPartition(lat, 0)[8]!, Math.log(81), 1e-12);
  assertAlmostEquals(logPartition(lat, 1e4)[8]! / 1e4, viterbiDecode(lat).score, 1e-3);
});

Deno.test("exactOldSamplerDistribution: watching (equal, skewed), aabba, sums to 1", () => {
  const eq = exactOldSamplerDistribution(buildLattice("watching", WATCH_EQ), 1);
  assertAlmostEquals(eq.get("w|atching")!, 0.25, 1e-12);
  assertAlmostEquals(eq.get("wat|ching")!, 0.25, 1e-12);
  assertAlmostEquals(eq.get("watch|ing")!, 0.5, 1e-12);
  for (const a of [0.1, 3]) {
    assertAlmostEquals(
      exactOldSamplerDistribution(buildLattice("watching", WATCH_EQ), a).get("watch|ing")!,
      0.5,
      1e-12,
    );
  }
  const sf = exactOldSamplerDistribution(buildLattice("watching", WATCH_EQ, { order: "shortest-first" }), 1);
  assertAlmostEquals(sf.get("w|atching")!, 0.5, 1e-12);
  assertAlmostEquals(sf.get("watch|ing")!, 0.25, 1e-12);
  const sk = exactOldSamplerDistribution(buildLattice("watching", WATCH_SKEW), 1);
  assertAlmostEquals(sk.get("w|atching")!, 16 / 49, 1e-9);
  assertAlmostEquals(sk.get("wat|ching")!, 3 / 14, 1e-9);
  assertAlmostEquals(sk.get("watch|ing")!, 45 / 98, 1e-9);
  const ab = exactOldSamplerDistribution(buildLattice("aabba", VAB), 1);
  assertAlmostEquals(ab.get("a|abb|a")!, 0.3568, 5e-4);
  assertAlmostEquals(ab.get("a|ab|ba")!, 0.1750, 5e-4);
  for (const str of ["aabba", "ababbaba", "bbbab"]) {
    for (const a of [0, 0.1, 1, 10]) {
      for (const variant of ["old", "interim"] as const) {
        const d = exactOldSamplerDistribution(buildLattice(str, VAB), a, variant);
        assertAlmostEquals([...d.values()].reduce((s, x) => s + x, 0), 1, 1e-12);
      }
    }
  }
  // exact TVs of the O10 spec (old and interim) — both far from the target
  const tv = (str: string, a: number, v: "old" | "interim") => {
    const lat = buildLattice(str, VAB);
    return totalVariation(exactOldSamplerDistribution(lat, a, v), targetDistribution(lat, a));
  };
  assertAlmostEquals(tv("aabba", 0.1, "old"), 0.1566, 1e-4);
  assertAlmostEquals(tv("ababbaba", 1, "old"), 0.3645, 1e-4);
  assertAlmostEquals(tv("aabba", 0.1, "interim"), 0.2886, 1e-4);
  assertAlmostEquals(tv("ababbaba", 1, "interim"), 0.3914, 1e-4);
  const big = buildLattice("ab".repeat(20), VAB);
  assertThrows(() => exactOldSamplerDistribution(big, 1), RangeError, "2^22");
});

Deno.test("the flaw: on aabba (α = 1) the old sampler's mode is not the Viterbi path", () => {
  const lat = buildLattice("aabba", VAB);
  assertEquals(mode(exactOldSamplerDistribution(lat, 1)).key, "a|abb|a");
  assertEquals(mode(targetDistribution(lat, 1)).key, segKey(viterbiDecode(lat).tokens));
});

Deno.test("viterbiSampleOld / Interim match their exact distributions (N = 20,000, ±0.012)", () => {
  const rng = createRng(9);
  for (const [str, vocab] of [["aabba", VAB], ["watching", WATCH_EQ], ["watching", WATCH_SKEW]] as const) {
    const lat = buildLattice(str, vocab);
    for (const variant of ["old", "interim"] as const) {
      const exact = exactOldSamplerDistribution(lat, 1, variant);
      const f = variant === "old" ? viterbiSampleOld : viterbiSampleInterim;
      const emp = empiricalDistribution(draw(20000, () => f(lat, 1, rng)));
      for (const k of new Set([...exact.keys(), ...emp.keys()])) {
        assertLess(Math.abs((emp.get(k) ?? 0) - (exact.get(k) ?? 0)), 0.012, `${str} ${variant} ${k}`);
      }
    }
  }
});

Deno.test("perfect sampler and FFBS pass χ² (p = 0.999) against the target; old fails", () => {
  const rng = createRng(2023);
  for (const str of ["aabba", "ababbaba"]) {
    const lat = buildLattice(str, VAB);
    for (const a of [0, 0.1, 1]) {
      const target = targetDistribution(lat, a);
      const crit = chiSquareQuantile(0.999, target.size - 1);
      for (const f of [viterbiSamplePerfect, ffbsSample]) {
        const xs = draw(20000, () => f(lat, a, rng));
        const g = chiSquareGof(countOutcomes(xs), target);
        assertLess(g.stat, crit, `${f.name} ${str} α=${a}`);
        assertLess(totalVariation(empiricalDistribution(xs), target), str === "aabba" ? 0.02 : 0.05);
      }
      if (a > 0) {
        const xs = draw(20000, () => viterbiSampleOld(lat, a, rng));
        assertGreater(chiSquareGof(countOutcomes(xs), target).stat, 10 * crit);
        assertGreater(totalVariation(empiricalDistribution(xs), target), 0.12);
      }
    }
  }
});

Deno.test("large α: old sampler and perfect sampler return the Viterbi path", () => {
  const lat = buildLattice("ababbaba", VAB), best = segKey(viterbiDecode(lat).tokens), rng = createRng(5);
  assert(draw(1000, () => viterbiSampleOld(lat, 1e3, rng)).every((k) => k === best));
  assertGreater(draw(10000, () => viterbiSamplePerfect(lat, 50, rng)).filter((k) => k === best).length, 9990);
});

Deno.test("nBest: top-n of the enumeration, non-increasing; SR TV = 1 − M_n", () => {
  const lat = buildLattice("ababbaba", VAB);
  const all = enumerateSegmentations(lat).sort((x, y) => y.score - x.score);
  const target = targetDistribution(lat, 1);
  for (const n of [1, 4, 8, 16, 81, 100]) {
    const nb = nBest(lat, n);
    assertEquals(nb.length, Math.min(n, 81));
    assertAlmostEquals(nb[0]!.score, viterbiDecode(lat).score, 1e-12);
    for (let i = 1; i < nb.length; i++) assert(nb[i]!.score <= nb[i - 1]!.score);
    nb.forEach((x, i) => assertAlmostEquals(x.score, all[i]!.score, 1e-12));
    if (n < 81) assertGreater(nb[nb.length - 1]!.score - all[n]!.score, -1e-12);
    // the exact SR distribution and its TV to the target
    const z = nb.reduce((s, x) => s + Math.exp(x.score), 0);
    const sr = new Map(nb.map((x) => [segKey(x.tokens), Math.exp(x.score) / z]));
    const mass = nb.reduce((s, x) => s + target.get(segKey(x.tokens))!, 0);
    assertAlmostEquals(totalVariation(sr, target), 1 - mass, 1e-12);
    if (n === 8) assertAlmostEquals(1 - mass, 0.6305, 1e-4);
    if (n === 4) assertAlmostEquals(1 - mass, 0.7664, 1e-4);
  }
  // n ≥ |Ω|: nBestSample is the target
  const rng = createRng(4), xs = draw(20000, () => nBestSample(lat, 81, 1, rng));
  assertLess(chiSquareGof(countOutcomes(xs), target).stat, chiSquareQuantile(0.999, 80));
  assertThrows(() => nBest(lat, 0), RangeError, "n must be an integer ≥ 1");
});

Deno.test("log-space safety: a 3,000-symbol string", () => {
  const rng = createRng(11);
  const text = Array.from({ length: 3000 }, () => (rng() < 0.5 ? "a" : "b")).join("");
  const lat = buildLattice(text, VAB) as Lattice;
  const z = logPartition(lat, 1)[3000]!;
  assert(Number.isFinite(z) && z < -1000);
  for (const f of [viterbiSamplePerfect, ffbsSample, viterbiSampleOld]) {
    assertEquals(f(lat, 1, rng).join(""), text);
  }
  assertEquals(nBestSample(lat, 4, 1, rng).join(""), text);
});

Deno.test("buildSubstringVocab: all characters kept, probabilities sum to 1, top-k by count", () => {
  const corpus = zipfWordCorpus(COMMON_WORDS, 20000, createRng(1));
  const v = buildSubstringVocab(corpus, { maxLen: 6, keep: 500 });
  for (const ch of new Set(corpus)) assert(v.has(ch), ch);
  assertEquals(v.size, new Set(corpus).size + 500);
  assertAlmostEquals([...v.values()].reduce((s, x) => s + Math.exp(x), 0), 1, 1e-9);
  assert(v.has("the"));
  assertEquals(viterbiDecode(buildLattice("ttt", v)).tokens.join(""), "ttt");
  assertThrows(() => buildSubstringVocab("", { maxLen: 2, keep: 1 }), RangeError);
});
