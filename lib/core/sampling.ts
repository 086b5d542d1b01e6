/**
 * Discrete random variates from a seeded {@link Rng}: a categorical draw by inversion, a one-pass
 * weighted reservoir choice over log-weights (the rule of "perfect" Viterbi Sampling, kexue.fm/archives/9811),
 * and a uniform random permutation.
 *
 * The reservoir rule walks the candidates once, keeping a running log-partition
 * $Z^{\log}_i=\mathrm{logsumexp}(Z^{\log}_{i-1},\ell_i)$ and replacing the held candidate by candidate $i$ iff
 * $\varepsilon_i<e^{\ell_i-Z^{\log}_i}$. The final holder is $i$ with probability
 * $\frac{w_i}{Z_i}\prod_{j>i}\frac{Z_{j-1}}{Z_j}=\frac{w_i}{Z_n}$ ($w_i=e^{\ell_i}$): exact, without knowing
 * $n$ or $Z_n$ in advance.
 *
 * @module
 */
import type { Rng } from "./rng.ts";
import { checkInt, checkLength, rangeError, typeError } from "./validate.ts";

function _checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== "function") typeError(where, "rng", "an Rng (createRng)", rng);
  return rng as Rng;
}

/**
 * One draw from the categorical distribution $P(i)=p_i/\sum_j p_j$ by inversion: the first $i$ with
 * $\varepsilon\sum_j p_j<\sum_{j\le i}p_j$, $\varepsilon\sim U[0,1)$ (one uniform per call). The weights
 * need not be normalised; an index with $p_i=0$ is never returned.
 *
 * @param probs non-negative finite weights with a positive sum
 * @param rng random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { categorical } from "@lib/core/sampling.ts";
 * const rng = createRng(1);
 * const counts = [0, 0, 0];
 * for (let k = 0; k < 1000; k++) counts[categorical([0.2, 0, 0.8], rng)]!++;
 * assertEquals(counts[1], 0);
 * ```
 */
export function categorical(probs: ArrayLike<number>, rng: Rng): number {
  checkLength("categorical", "probs", probs);
  _checkRng("categorical", rng);
  let total = 0, last = -1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0) {
      rangeError("categorical", `probs[${i}]`, "a finite number ≥ 0", p);
    }
    total += p;
    if (p > 0) last = i;
  }
  if (!(total > 0)) rangeError("categorical", "sum of probs", "> 0", total);
  const u = rng() * total;
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i]!;
    if (u < acc && probs[i]! > 0) return i;
  }
  return last; // rounding: u can reach the float sum
}

/**
 * Weighted reservoir sampling in one pass over log-weights $\ell_i=\log w_i$ (eq. 6 of the article):
 * $Z^{\log}_i=\mathrm{logsumexp}(Z^{\log}_{i-1},\ell_i)$, and candidate $i$ replaces the held one iff
 * $\varepsilon_i<e^{\ell_i-Z^{\log}_i}$. Returns $i$ with probability exactly $w_i/\sum_j w_j$. Draws one
 * uniform per finite entry (−∞ entries are skipped and never returned), so it works for weights that
 * would under- or overflow as plain numbers.
 *
 * @param logWeights log-weights: finite or −∞, at least one finite
 * @param rng random stream
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { reservoirChoice } from "@lib/core/sampling.ts";
 * const rng = createRng(7);
 * // weights e^-1000 : 3 e^-1000 : 0 — plain exp() underflows to 0, log space does not
 * let ones = 0;
 * for (let k = 0; k < 4000; k++) if (reservoirChoice([-1000, -1000 + Math.log(3), -Infinity], rng) === 1) ones++;
 * assertAlmostEquals(ones / 4000, 0.75, 0.03);
 * ```
 */
export function reservoirChoice(logWeights: ArrayLike<number>, rng: Rng): number {
  checkLength("reservoirChoice", "logWeights", logWeights);
  _checkRng("reservoirChoice", rng);
  let logZ = -Infinity, held = -1;
  for (let i = 0; i < logWeights.length; i++) {
    const l = logWeights[i];
    if (typeof l !== "number" || Number.isNaN(l) || l === Infinity) {
      rangeError("reservoirChoice", `logWeights[${i}]`, "a finite number or −∞", l);
    }
    if (l === -Infinity) continue;
    logZ = logZ === -Infinity
      ? l
      : logZ >= l
      ? logZ + Math.log1p(Math.exp(l - logZ))
      : l + Math.log1p(Math.exp(logZ - l));
    if (rng() < Math.exp(l - logZ)) held = i;
  }
  if (held < 0) rangeError("reservoirChoice", "logWeights", "at least one finite entry", logWeights);
  return held;
}

/**
 * A uniformly random permutation of $0..n-1$ (Fisher–Yates: for $i=n-1,\dots,1$ swap $i$ with a
 * uniform $j\le i$), each of the $n!$ orders with probability $1/n!$.
 *
 * @param n length ≥ 0
 * @param rng random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { permutation } from "@lib/core/sampling.ts";
 * const p = permutation(5, createRng(3));
 * assertEquals([...p].sort(), [0, 1, 2, 3, 4]);
 * ```
 */
export function permutation(n: number, rng: Rng): Int32Array {
  checkInt("permutation", "n", n, 0, 2 ** 31 - 1);
  _checkRng("permutation", rng);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
