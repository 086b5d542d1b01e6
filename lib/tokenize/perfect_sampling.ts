/**
 * Checking "perfect" Viterbi Sampling (kexue.fm/archives/9811, O10): exact laws of the two one-position
 * update rules (a chain of pairwise duels vs weighted reservoir sampling), the exact law of SentencePiece's
 * n-best Subword Regularization, the partition function in plain floating point (to show why BytePiece works
 * in log space), rank agreement between scores and probabilities, and a χ²/TV report for a sampler.
 *
 * The target of a perfect sampler is $P_\alpha(\boldsymbol w\mid S)=e^{\alpha s(\boldsymbol w)}/Z_\alpha(S)$
 * over all segmentations $\Omega(S)$ (see `unigram.ts`).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { chiSquareQuantile } from "../core/chi_square.ts";
import { logsumexp, logsumexp2, sigmoid } from "../core/special.ts";
import {
  checkInt,
  checkLength,
  checkNonNegative,
  checkRange,
  rangeError,
  typeError,
} from "../core/validate.ts";
import { chiSquareGof, countOutcomes, empiricalDistribution, totalVariation } from "../prob/discrete.ts";
import { enumerateSegmentations, type Lattice, logPartition, nBest, segKey } from "./unigram.ts";

function _checkLogWeights(where: string, lw: ArrayLike<number>): void {
  checkLength(where, "logWeights", lw);
  let finite = 0;
  for (let i = 0; i < lw.length; i++) {
    const l = lw[i];
    if (typeof l !== "number" || Number.isNaN(l) || l === Infinity) {
      rangeError(where, `logWeights[${i}]`, "a finite number or −∞", l);
    }
    if (l > -Infinity) finite++;
  }
  if (finite === 0) rangeError(where, "logWeights", "at least one finite entry", lw);
}

/**
 * Exact law of the **old** rule at one end position (BytePiece 0.4.0, eq. 3): candidates arrive in order
 * with log-weights $\ell_i=\alpha s_i$; the first is held; candidate $j$ replaces the current holder $h$
 * with probability $\sigma(\ell_j-\ell_h)=w_j/(w_j+w_h)$. Computed by propagating the holder's law,
 * $O(n^2)$. With $n$ equal weights the result is $(2^{-(n-1)},2^{-(n-1)},2^{-(n-2)},\dots,\tfrac14,\tfrac12)$:
 * the first arrivals are diluted geometrically.
 *
 * @param logWeights $\ell_i$ in arrival order (−∞ entries are skipped, as unreachable routes)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { duelChainProbabilities } from "@lib/tokenize/perfect_sampling.ts";
 * assertEquals([...duelChainProbabilities([0, 0, 0])], [0.25, 0.25, 0.5]); // the watching example
 * ```
 */
export function duelChainProbabilities(logWeights: ArrayLike<number>): Float64Array {
  _checkLogWeights("duelChainProbabilities", logWeights);
  const n = logWeights.length, p = new Float64Array(n);
  let started = false;
  for (let j = 0; j < n; j++) {
    const lj = logWeights[j]!;
    if (lj === -Infinity) continue;
    if (!started) {
      p[j] = 1;
      started = true;
      continue;
    }
    let win = 0;
    for (let h = 0; h < j; h++) {
      if (p[h] === 0) continue;
      const a = sigmoid(lj - logWeights[h]!);
      win += p[h]! * a;
      p[h] = p[h]! * (1 - a);
    }
    p[j] = win;
  }
  return p;
}

/**
 * Exact law of the **new** (reservoir) rule at one end position (eqs. 5–6): the acceptance probability of
 * candidate $i$ is $a_i=e^{\ell_i-Z^{\log}_i}$ with $Z^{\log}_i=\mathrm{logsumexp}(Z^{\log}_{i-1},\ell_i)$, and
 * it is the final holder with probability
 * $a_i\prod_{j>i}(1-a_j)=\frac{w_i}{Z_i}\prod_{j>i}\frac{Z_{j-1}}{Z_j}=\frac{w_i}{Z_n}$.
 * Returns the running log-partition, the acceptance probabilities and the final law (computed as the
 * product, not as $w_i/Z_n$, so that comparing it with the softmax checks the telescoping).
 *
 * @param logWeights $\ell_i$ in arrival order (finite or −∞, at least one finite)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { reservoirProbabilities } from "@lib/tokenize/perfect_sampling.ts";
 * const r = reservoirProbabilities([0, 0, 0]);
 * assertAlmostEquals(r.accept[2]!, 1 / 3, 1e-15); // (1/3) / (2/3 + 1/3), the article's re-derivation
 * assertAlmostEquals(r.final[0]!, 1 / 3, 1e-15);
 * ```
 */
export function reservoirProbabilities(
  logWeights: ArrayLike<number>,
): { logZ: Float64Array; accept: Float64Array; final: Float64Array } {
  _checkLogWeights("reservoirProbabilities", logWeights);
  const n = logWeights.length;
  const logZ = new Float64Array(n), accept = new Float64Array(n), final = new Float64Array(n);
  let z = -Infinity;
  for (let i = 0; i < n; i++) {
    const l = logWeights[i]!;
    z = logsumexp2(z, l);
    logZ[i] = z;
    accept[i] = l === -Infinity ? 0 : Math.exp(l - z);
  }
  let survive = 1;
  for (let i = n - 1; i >= 0; i--) {
    final[i] = accept[i]! * survive;
    survive *= 1 - accept[i]!;
  }
  return { logZ, accept, final };
}

/**
 * Exact law of SentencePiece's n-best Subword Regularization (eq. 12):
 * $q_i=e^{\alpha s(\boldsymbol w^*_i)}/\sum_{j\le n}e^{\alpha s(\boldsymbol w^*_j)}$ over the top-$n$
 * segmentations (exact k-best, {@link nBest}). Its total variation to the target is $1-M_n$, with $M_n$ the
 * target mass of the top $n$.
 *
 * @param lat the lattice
 * @param n ≥ 1 (n ≥ |Ω| gives the target)
 * @param alpha ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { buildLattice, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * import { nBestDistribution } from "@lib/tokenize/perfect_sampling.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.75 }));
 * assertAlmostEquals(nBestDistribution(lat, 2, 1).get("ab")!, 0.75, 1e-15);
 * ```
 */
export function nBestDistribution(lat: Lattice, n: number, alpha: number): Map<string, number> {
  checkInt("nBestDistribution", "n", n, 1);
  checkNonNegative("nBestDistribution", "alpha", alpha);
  const best = nBest(lat, n);
  const logits = best.map((b) => alpha * b.score), z = logsumexp(logits);
  return new Map(best.map((b, i) => [segKey(b.tokens), Math.exp(logits[i]! - z)]));
}

function _tokens(lat: Lattice, prev: Int32Array): string[] {
  const out: string[] = [];
  for (let e = lat.length; e > 0; e = prev[e]!) out.push(lat.symbols.slice(prev[e]!, e).join(""));
  return out.reverse();
}

/**
 * The exact output law of the one-pass reservoir sampler `viterbiSamplePerfect`, by exhaustive search
 * over its random decisions (not by the formula it is meant to produce). Walking the edges in arrival
 * order, edge $(s\to e,v)$ is accepted with probability $a=e^{Z^{\log}(s)+\alpha v-Z^{\log}_{\text{run}}(e)}$,
 * where $Z^{\log}_{\text{run}}(e)$ already includes this edge; these probabilities do not depend on earlier
 * outcomes, so the search branches on accept ($a$) / reject ($1-a$) and adds each leaf's probability to the
 * segmentation its `prev` pointers spell. Comparing the result with `targetDistribution` checks eq. 10.
 * Refuses more than $2^{22}$ branches ($2^{\#\text{edges}-\#\text{positions}}$).
 *
 * @param lat the lattice (small)
 * @param alpha ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { buildLattice, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * import { exactPerfectSamplerDistribution } from "@lib/tokenize/perfect_sampling.ts";
 * const v = vocabFromProbs({ w: 1, wat: 1, watch: 1, atching: 1, ching: 1, ing: 1 });
 * const d = exactPerfectSamplerDistribution(buildLattice("watching", v), 1);
 * assertAlmostEquals(d.get("watch|ing")!, 1 / 3, 1e-15);
 * ```
 */
export function exactPerfectSamplerDistribution(lat: Lattice, alpha: number): Map<string, number> {
  const logZ = logPartition(lat, alpha); // validates lat and alpha
  const L = lat.length, edges = lat.edges;
  if (edges.length - L > 22) {
    rangeError(
      "exactPerfectSamplerDistribution",
      "#edges − #positions",
      "≤ 22 (2^22 branches)",
      edges.length - L,
    );
  }
  const accept = new Float64Array(edges.length), run = new Float64Array(L + 1).fill(-Infinity);
  edges.forEach(({ s, e, v }, i) => {
    if (logZ[s] === -Infinity) return;
    const t = logZ[s]! + alpha * v;
    run[e] = logsumexp2(run[e]!, t);
    accept[i] = Math.exp(t - run[e]!);
  });
  if (logZ[L] === -Infinity) {
    throw new RangeError(`exactPerfectSamplerDistribution: position ${L} is not reachable`);
  }
  const prev = new Int32Array(L + 1).fill(-1), out = new Map<string, number>();
  const go = (i: number, pr: number): void => {
    if (pr === 0) return;
    if (i === edges.length) {
      const key = segKey(_tokens(lat, prev));
      out.set(key, (out.get(key) ?? 0) + pr);
      return;
    }
    const a = accept[i]!, e = edges[i]!.e, old = prev[e]!;
    if (a > 0) {
      prev[e] = edges[i]!.s;
      go(i + 1, pr * a);
      prev[e] = old;
    }
    if (a < 1) go(i + 1, pr * (1 - a));
  };
  go(0, 1);
  return out;
}

/**
 * The exact output law of FFBS (`ffbsSample`, eq. 11), path by path: for every segmentation
 * $0=t_0<\dots<t_k=L$ the product of its backward choice probabilities
 * $\prod_j e^{Z^{\log}(t_{j-1})+\alpha v_j-Z^{\log}(t_j)}$, which telescopes to
 * $e^{\alpha s(\boldsymbol w)}/Z(L)$ (computed as the product, so comparing it with the target checks the
 * telescoping numerically).
 *
 * @param lat the lattice (small: enumerated)
 * @param alpha ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { buildLattice, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * import { ffbsDistribution } from "@lib/tokenize/perfect_sampling.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.5 }));
 * assertAlmostEquals(ffbsDistribution(lat, 1).get("a|b")!, 1 / 3, 1e-15);
 * ```
 */
export function ffbsDistribution(lat: Lattice, alpha: number): Map<string, number> {
  const logZ = logPartition(lat, alpha);
  const v = new Map<number, number>();
  for (const ed of lat.edges) v.set(ed.s * (lat.length + 1) + ed.e, ed.v);
  const out = new Map<string, number>();
  for (const seg of enumerateSegmentations(lat)) {
    let s = 0, p = 1;
    for (const tok of seg.tokens) {
      const e = s + [...tok].length;
      p *= Math.exp(logZ[s]! + alpha * v.get(s * (lat.length + 1) + e)! - logZ[e]!);
      s = e;
    }
    out.set(segKey(seg.tokens), p);
  }
  return out;
}

/**
 * The prefix partition functions of eq. 9 in **plain** floating point,
 * $Z(e)=\sum_{(s,e,v)}Z(s)\,e^{\alpha v}$ with $Z(0)=1$: the quantity the log-space recursion
 * ({@link logPartition}) represents. It underflows to 0 on long strings, which is why the samplers keep
 * $Z^{\log}$.
 *
 * @param lat the lattice
 * @param alpha ≥ 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { buildLattice, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * import { linearPartition } from "@lib/tokenize/perfect_sampling.ts";
 * const v = vocabFromProbs({ a: 0.5 });
 * assertEquals(linearPartition(buildLattice("aa", v), 1)[2], 0.25);
 * assertEquals(linearPartition(buildLattice("a".repeat(1100), v), 1)[1100], 0); // 2^-1100 underflows
 * ```
 */
export function linearPartition(lat: Lattice, alpha: number): Float64Array {
  if (lat === null || typeof lat !== "object" || !Array.isArray(lat.edges)) {
    typeError("linearPartition", "lat", "a Lattice from buildLattice", lat);
  }
  checkNonNegative("linearPartition", "alpha", alpha);
  const z = new Float64Array(lat.length + 1);
  z[0] = 1;
  for (const { s, e, v } of lat.edges) z[e] = z[e]! + z[s]! * Math.exp(alpha * v);
  return z;
}

/**
 * Discordant pairs between scores and probabilities: the number of pairs $(i,j)$ with
 * $s_i>s_j+\text{tol}$ but $p_i<p_j-\text{tol}$ (a better-scoring item that is less probable). A "perfect"
 * sampler in Su's sense has none: $p\propto e^{\alpha s}$ is increasing in $s$.
 *
 * @param items scores and probabilities
 * @param tol tolerance for both comparisons (default 1e-12)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { discordantPairs } from "@lib/tokenize/perfect_sampling.ts";
 * assertEquals(discordantPairs([{ score: 2, p: 0.3 }, { score: 1, p: 0.5 }, { score: 0, p: 0.2 }]), 1);
 * ```
 */
export function discordantPairs(items: readonly { score: number; p: number }[], tol = 1e-12): number {
  if (!Array.isArray(items)) typeError("discordantPairs", "items", "an array of { score, p }", items);
  checkNonNegative("discordantPairs", "tol", tol);
  let d = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = 0; j < items.length; j++) {
      if (items[i]!.score > items[j]!.score + tol && items[i]!.p < items[j]!.p - tol) d++;
    }
  }
  return d;
}

/** The result of {@link samplerReport}. */
export type SamplerReport = {
  /** number of segmentations with positive target probability */
  k: number;
  /** Pearson's χ² of the counts against the target */
  chi2: number;
  /** the χ² quantile at `level` for k − 1 degrees of freedom */
  crit: number;
  pValue: number;
  /** total variation between the empirical and the target distribution */
  tv: number;
  empirical: Map<string, number>;
};

/**
 * Draws `n` segmentations with `sample` and compares them with `target`: Pearson's
 * $X^2=\sum_x(O_x-Np_x)^2/(Np_x)$, the critical value $\chi^2_{K-1}(\text{level})$, the p-value and the
 * total variation $\tfrac12\sum_x|\hat p_x-p_x|$.
 *
 * @param sample draws one segmentation (tokens)
 * @param target exact target distribution (keys: tokens joined with `"|"`)
 * @param n number of draws ≥ 1
 * @param level quantile of the critical value in (0, 1) (default 0.999)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { buildLattice, targetDistribution, viterbiSamplePerfect, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * import { samplerReport } from "@lib/tokenize/perfect_sampling.ts";
 * const lat = buildLattice("aba", vocabFromProbs({ a: 0.4, b: 0.3, ab: 0.2, ba: 0.1 }));
 * const rng = createRng(1);
 * const r = samplerReport(() => viterbiSamplePerfect(lat, 1, rng), targetDistribution(lat, 1), 5000);
 * assert(r.chi2 < r.crit && r.k === 3);
 * ```
 */
export function samplerReport(
  sample: () => readonly string[],
  target: Map<string, number>,
  n: number,
  level = 0.999,
): SamplerReport {
  if (typeof sample !== "function") typeError("samplerReport", "sample", "a function", sample);
  checkInt("samplerReport", "n", n, 1);
  checkRange("samplerReport", "level", level, 0, 1, "both");
  const xs: string[] = new Array(n);
  for (let i = 0; i < n; i++) xs[i] = segKey(sample());
  const g = chiSquareGof(countOutcomes(xs), target);
  const empirical = empiricalDistribution(xs);
  return {
    k: g.dof + 1,
    chi2: g.stat,
    crit: chiSquareQuantile(level, g.dof),
    pValue: g.pValue,
    tv: totalVariation(empirical, target),
    empirical,
  };
}

/** The signature shared by the samplers of `unigram.ts` (old, interim, perfect, FFBS). */
export type LatticeSampler = (lat: Lattice, alpha: number, rng: Rng) => string[];
