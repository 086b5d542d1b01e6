/**
 * Relative-position biases that make attention "local" in a smooth way (kexue.fm/archives/9431):
 * ALiBi and KERPLE subtract a non-negative, growing function of the distance from the logits, Sandwich adds a
 * Sinusoidal inner product that falls on average, and XPOS multiplies the RoPE score by $\xi^{m-n}$.
 *
 * All matrices are n × n with row m = query position and column n = key position. With `causal` (the default)
 * entries with key after query (n > m) are −Infinity; the sliding-window mask itself lives in
 * `lib/attention/masks.ts` (`bandMask`).
 *
 * @module
 */
import { type Matrix, matrix } from "../core/matrix.ts";
import { checkFinite, checkInt, checkPositive, checkRange, rangeError, typeError } from "../core/validate.ts";
import { sinusoidalDot } from "./sinusoidal.ts";

function biasMatrix(n: number, causal: boolean, f: (dist: number) => number): Matrix {
  const out = matrix(n, n);
  for (let m = 0; m < n; m++) {
    for (let k = 0; k < n; k++) {
      out.data[m * n + k] = causal && k > m ? -Infinity : f(Math.abs(m - k));
    }
  }
  return out;
}

function checkCausal(where: string, causal: unknown): boolean {
  if (typeof causal !== "boolean") typeError(where, "causal", "a boolean", causal);
  return causal;
}

/**
 * ALiBi's additive bias $B_{mn} = -\lambda|m-n|$ (logits become $q_m^\top k_n - \lambda|m-n|$).
 *
 * @param n sequence length, integer ≥ 1
 * @param slope λ > 0
 * @param causal −Infinity above the diagonal (default true)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { alibiBias } from "@lib/position/relative_bias.ts";
 * const b = alibiBias(5, 0.5);
 * assertEquals(Array.from(b.data.subarray(20, 25)), [-2, -1.5, -1, -0.5, -0]);
 * assertEquals(b.data[1], -Infinity);
 * ```
 */
export function alibiBias(n: number, slope: number, causal = true): Matrix {
  const where = "alibiBias";
  checkInt(where, "n", n, 1);
  checkPositive(where, "slope", slope);
  return biasMatrix(n, checkCausal(where, causal), (r) => -slope * r);
}

/**
 * ALiBi's per-head slopes, a geometric sequence $\lambda_h = 2^{-8h/H}$ for h = 1..H.
 *
 * @param nHeads number of heads H, integer ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { alibiSlopes } from "@lib/position/relative_bias.ts";
 * assertEquals(alibiSlopes(8), [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256]);
 * ```
 */
export function alibiSlopes(nHeads: number): number[] {
  checkInt("alibiSlopes", "nHeads", nHeads, 1);
  return Array.from({ length: nHeads }, (_, i) => 2 ** ((-8 * (i + 1)) / nHeads));
}

/** Options of {@link kerpleBias}. */
export interface KerpleOpts {
  /** "power": $-r_1|m-n|^{r_2}$ (0 < r₂ ≤ 2); "log": $-r_1\log(1+r_2|m-n|)$. */
  kind: "power" | "log";
  /** r₁ > 0. */
  r1: number;
  /** r₂ > 0 (≤ 2 for "power"). */
  r2: number;
  /** −Infinity above the diagonal (default true). */
  causal?: boolean;
}

/**
 * KERPLE's bias, a learnable generalisation of ALiBi: $B_{mn} = -r_1|m-n|^{r_2}$ (power) or
 * $B_{mn} = -r_1\log(1+r_2|m-n|)$ (log). Power with r₂ = 1 is ALiBi with slope r₁.
 *
 * @param n sequence length, integer ≥ 1
 * @param opts kind and parameters
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { kerpleBias } from "@lib/position/relative_bias.ts";
 * const b = kerpleBias(4, { kind: "log", r1: 2, r2: 1 });
 * assertAlmostEquals(b.data[3 * 4 + 0]!, -2 * Math.log(4), 1e-15);
 * ```
 */
export function kerpleBias(n: number, opts: KerpleOpts): Matrix {
  const where = "kerpleBias";
  checkInt(where, "n", n, 1);
  if (typeof opts !== "object" || opts === null) typeError(where, "opts", "an object { kind, r1, r2 }", opts);
  checkPositive(where, "opts.r1", opts.r1);
  checkPositive(where, "opts.r2", opts.r2);
  const causal = checkCausal(where, opts.causal ?? true), { r1, r2 } = opts;
  if (opts.kind === "power") {
    checkRange(where, "opts.r2", opts.r2, 0, 2);
    return biasMatrix(n, causal, (r) => -r1 * r ** r2);
  }
  if (opts.kind === "log") return biasMatrix(n, causal, (r) => -r1 * Math.log1p(r2 * r));
  return rangeError(where, "opts.kind", '"power" or "log"', opts.kind);
}

/**
 * Sandwich's additive bias $B_{mn} = \lambda\,p_m^\top p_n = \lambda\sum_{i<d/2}\cos\big((m-n)\theta_i\big)$, with
 * Sinusoidal vectors p and $\theta_i = 10000^{-2i/d}$. Equivalently, $[q_m,\sqrt\lambda p_m]^\top[k_n,\sqrt\lambda p_n]$.
 * It falls with |m − n| on average but oscillates, so it is only a rough version of a local mask.
 *
 * @param n sequence length, integer ≥ 1
 * @param d Sinusoidal dimension, even integer ≥ 2
 * @param lambda λ > 0
 * @param causal −Infinity above the diagonal (default true)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sandwichBias } from "@lib/position/relative_bias.ts";
 * assertEquals(sandwichBias(3, 8, 0.5).data[0], 2); // λ·d/2 on the diagonal
 * ```
 */
export function sandwichBias(n: number, d: number, lambda: number, causal = true): Matrix {
  const where = "sandwichBias";
  checkInt(where, "n", n, 1);
  checkInt(where, "d", d, 2);
  if (d % 2 !== 0) rangeError(where, "d", "an even integer ≥ 2", d);
  checkPositive(where, "lambda", lambda);
  const table = Float64Array.from({ length: n }, (_, r) => lambda * sinusoidalDot(r, d));
  return biasMatrix(n, checkCausal(where, causal), (r) => table[r]!);
}

/**
 * XPOS's multiplicative factor on the RoPE score of query m and key n: q is scaled by $\xi^m$ and k by $\xi^{-n}$,
 * so the score is $q_m^\top\mathcal R_{n-m}k_n\,\xi^{m-n}$. For ξ ∈ (0, 1) and m ≥ n it decays with the distance
 * (towards 0, never to −∞); for m < n it grows without bound, which is why XPOS is causal-only.
 * Computed as $\xi^{m-n}$ directly (not $\xi^m\cdot\xi^{-n}$, which overflows for large positions).
 *
 * @param m query position (finite)
 * @param n key position (finite)
 * @param xi ξ in (0, 1]
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { xposFactor } from "@lib/position/relative_bias.ts";
 * assertAlmostEquals(xposFactor(10, 8, 0.5), 0.25, 1e-15);
 * assertAlmostEquals(xposFactor(1010, 1008, 0.5), 0.25, 1e-15);
 * ```
 */
export function xposFactor(m: number, n: number, xi: number): number {
  const where = "xposFactor";
  checkFinite(where, "m", m);
  checkFinite(where, "n", n);
  checkFinite(where, "xi", xi);
  if (!(xi > 0 && xi <= 1)) rangeError(where, "xi", "in (0, 1]", xi);
  return xi ** (m - n);
}
