import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { logsumexp, softmax } from "@lib/core/special.ts";
import { totalVariation } from "@lib/prob/discrete.ts";
import {
  buildLattice,
  enumerateSegmentations,
  exactOldSamplerDistribution,
  ffbsSample,
  logPartition,
  nBestSample,
  segKey,
  targetDistribution,
  viterbiDecode,
  viterbiSampleInterim,
  viterbiSampleOld,
  viterbiSamplePerfect,
  vocabFromProbs,
} from "@lib/tokenize/unigram.ts";
import {
  discordantPairs,
  duelChainProbabilities,
  exactPerfectSamplerDistribution,
  ffbsDistribution,
  linearPartition,
  nBestDistribution,
  reservoirProbabilities,
  samplerReport,
} from "@lib/tokenize/perfect_sampling.ts";
import { VAB, WATCH_EQ } from "./_vocabs.ts";

Deno.test("duelChainProbabilities: geometric dilution; equals the exact old sampler at one position", () => {
  for (let n = 2; n <= 12; n++) {
    const p = duelChainProbabilities(new Array(n).fill(0));
    assertEquals(p[0], 2 ** -(n - 1));
    for (let j = 1; j < n; j++) assertEquals(p[j], 2 ** -(n - j));
  }
  // watching has all three routes ending at position 8: the one-position law is the whole law
  const skew = vocabFromProbs({ w: 0.4, wat: 0.3, watch: 0.3, atching: 1, ching: 1, ing: 1 });
  const exact = exactOldSamplerDistribution(buildLattice("watching", skew), 1);
  const p = duelChainProbabilities([Math.log(0.4), Math.log(0.3), Math.log(0.3)]);
  ["w|atching", "wat|ching", "watch|ing"].forEach((k, i) => assertAlmostEquals(p[i]!, exact.get(k)!, 1e-14));
  assertAlmostEquals(p[2]!, 45 / 98, 1e-14);
  // −∞ entries are skipped (unreachable routes), the rest sums to 1
  const q = duelChainProbabilities([-Infinity, 0, -Infinity, 0]);
  assertEquals([...q], [0, 0.5, 0, 0.5]);
  assertThrows(() => duelChainProbabilities([-Infinity]), RangeError, "at least one finite entry");
  assertThrows(() => duelChainProbabilities([NaN]), RangeError, "logWeights[0]");
});

Deno.test("reservoirProbabilities: the telescoping product equals the softmax (eq. 5)", () => {
  const rng = createRng(3);
  for (const n of [1, 2, 5, 40]) {
    const lw = Array.from({ length: n }, () => 20 * rng.normal() - 3000); // far below exp()'s range
    const r = reservoirProbabilities(lw);
    assertEquals(r.accept[0], 1);
    const sm = softmax(lw);
    for (let i = 0; i < n; i++) assertAlmostEquals(r.final[i]!, sm[i]!, 1e-12);
    assertAlmostEquals(r.logZ[n - 1]!, logsumexp(lw), 1e-9);
    assert(Number.isFinite(r.logZ[n - 1]!) && Math.exp(lw[0]!) === 0);
  }
  const eq = reservoirProbabilities([0, 0, 0]);
  assertEquals([...eq.accept].map((x) => +x.toFixed(12)), [1, 0.5, +(1 / 3).toFixed(12)]);
  const masked = reservoirProbabilities([-Infinity, 0, -Infinity, Math.log(3)]);
  [0, 0.25, 0, 0.75].forEach((x, i) => assertAlmostEquals(masked.final[i]!, x, 1e-15));
  assertEquals([masked.final[0], masked.final[2]], [0, 0]);
});

Deno.test("nBestDistribution: TV to the target = 1 − M_n (spec values); n ≥ |Ω| is the target", () => {
  const lat = buildLattice("ababbaba", VAB);
  const expect: Record<number, [number, number]> = {
    1: [0.9844, 0.918],
    4: [0.9399, 0.7664],
    16: [0.7736, 0.4535],
  };
  for (const a of [0.1, 1]) {
    const target = targetDistribution(lat, a);
    for (const n of [1, 4, 16, 64, 81]) {
      const q = nBestDistribution(lat, n, a);
      let mass = 0;
      for (const k of q.keys()) mass += target.get(k)!;
      assertAlmostEquals(totalVariation(q, target), 1 - mass, 1e-12);
      if (expect[n]) assertAlmostEquals(1 - mass, expect[n]![a === 1 ? 1 : 0], 1e-4);
    }
    assertLess(totalVariation(nBestDistribution(lat, 81, a), target), 1e-12);
  }
  assertAlmostEquals(
    1 - [...nBestDistribution(lat, 64, 1).keys()].reduce(
      (s, k) => s + targetDistribution(lat, 1).get(k)!,
      0,
    ),
    0.0366,
    1e-4,
  );
  assertThrows(() => nBestDistribution(lat, 0, 1), RangeError, "n must be an integer ≥ 1");
});

Deno.test("linearPartition = exp(logPartition) on small strings; underflows where Z^log does not", () => {
  for (const s of ["aabba", "ababbaba", "bbbab"]) {
    const lat = buildLattice(s, VAB);
    for (const a of [0, 0.1, 1, 3]) {
      const lin = linearPartition(lat, a), lg = logPartition(lat, a);
      for (let e = 0; e <= lat.length; e++) assertAlmostEquals(Math.log(lin[e]!), lg[e]!, 1e-12);
    }
  }
  const rng = createRng(11);
  const text = Array.from({ length: 3000 }, () => (rng() < 0.5 ? "a" : "b")).join("");
  const lat = buildLattice(text, VAB);
  assertEquals(linearPartition(lat, 1)[3000], 0);
  const z = logPartition(lat, 1)[3000]!;
  assert(Number.isFinite(z) && z < -1500 && z > -2500);
  assertEquals(viterbiSamplePerfect(lat, 1, rng).join(""), text);
});

Deno.test("discordantPairs: 0 for the target, > 0 for the old sampler (ababbaba, α = 1)", () => {
  const lat = buildLattice("ababbaba", VAB), segs = enumerateSegmentations(lat);
  const target = targetDistribution(lat, 1), old = exactOldSamplerDistribution(lat, 1);
  const rows = (d: Map<string, number>) =>
    segs.map((x) => ({ score: x.score, p: d.get(segKey(x.tokens)) ?? 0 }));
  assertEquals(discordantPairs(rows(target)), 0);
  assertGreater(discordantPairs(rows(old)), 0);
  assertEquals(discordantPairs([{ score: 1, p: 0.5 }, { score: 1, p: 0.2 }]), 0); // ties in score: no order
  assertEquals(discordantPairs([{ score: 0, p: 0.9 }, { score: 1, p: 0.1 }]), 1);
});

Deno.test("the core check: perfect + FFBS pass χ² and TV; old and interim fail (N = 20,000)", () => {
  const rng = createRng(9811);
  for (const str of ["aabba", "ababbaba"]) {
    const lat = buildLattice(str, VAB);
    for (const a of [0, 0.1, 1]) {
      const target = targetDistribution(lat, a);
      for (const f of [viterbiSamplePerfect, ffbsSample]) {
        const r = samplerReport(() => f(lat, a, rng), target, 20000);
        assertEquals(r.k, str === "aabba" ? 13 : 81);
        assertLess(r.chi2, r.crit, `${f.name} ${str} α=${a}`);
        assertLess(r.tv, str === "aabba" ? 0.02 : 0.05);
      }
      if (a === 0) continue;
      const old = samplerReport(() => viterbiSampleOld(lat, a, rng), target, 20000);
      assertGreater(old.chi2, 10 * old.crit);
      assertGreater(old.tv, 0.12);
      const interim = samplerReport(() => viterbiSampleInterim(lat, a, rng), target, 20000);
      assertGreater(interim.chi2, 10 * interim.crit);
      assertGreater(interim.tv, 0.2);
    }
  }
  assertAlmostEquals(samplerReport(() => ["x"], new Map([["x", 0.5], ["y", 0.5]]), 10).crit, 10.8276, 1e-3);
  assertThrows(() => samplerReport(() => ["x"], new Map([["x", 1]]), 0), RangeError, "n must be");
});

Deno.test("α → ∞: perfect sampler concentrates on the Viterbi path; nBestSample(n ≥ |Ω|) is perfect", () => {
  const lat = buildLattice("ababbaba", VAB), best = segKey(viterbiDecode(lat).tokens), rng = createRng(50);
  let hits = 0;
  for (let i = 0; i < 10000; i++) if (segKey(viterbiSamplePerfect(lat, 50, rng)) === best) hits++;
  assertGreater(hits, 9990);
  const r = samplerReport(() => nBestSample(lat, 81, 1, rng), targetDistribution(lat, 1), 20000);
  assertLess(r.chi2, r.crit);
  // watching, equal p: new rule 1/3 each, in either order
  for (const order of ["longest-first", "shortest-first"] as const) {
    const w = buildLattice("watching", WATCH_EQ, { order });
    const rw = samplerReport(() => viterbiSamplePerfect(w, 1, rng), targetDistribution(w, 1), 30000);
    for (const p of rw.empirical.values()) assertAlmostEquals(p, 1 / 3, 0.01);
  }
});

Deno.test("exact laws: the reservoir sampler's decisions and FFBS's product both give the target", () => {
  for (const str of ["aabba", "ababbaba", "bbbab", "abab"]) {
    const lat = buildLattice(str, VAB);
    for (const a of [0, 0.1, 1, 5]) {
      const target = targetDistribution(lat, a);
      for (const d of [exactPerfectSamplerDistribution(lat, a), ffbsDistribution(lat, a)]) {
        assertEquals(d.size, target.size);
        for (const [k, p] of target) assertAlmostEquals(d.get(k)!, p, 1e-13, `${str} α=${a} ${k}`);
      }
    }
  }
  // the same search on the old rule's decisions is NOT the target: the exact check can fail
  const lat = buildLattice("aabba", VAB);
  assertGreater(totalVariation(exactOldSamplerDistribution(lat, 1), targetDistribution(lat, 1)), 0.2);
  // shortest-first order gives the same law (the reservoir rule does not depend on the order)
  const sf = buildLattice("ababbaba", VAB, { order: "shortest-first" });
  assertLess(totalVariation(exactPerfectSamplerDistribution(sf, 1), targetDistribution(sf, 1)), 1e-13);
  assertThrows(
    () => exactPerfectSamplerDistribution(buildLattice("ab".repeat(20), VAB), 1),
    RangeError,
    "2^22",
  );
});
