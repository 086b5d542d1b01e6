/**
 * Position maths of the length-extrapolation tricks (framework-free, Float64): position interpolation (PI),
 * NTK-aware and YaRN frequency scaling, the log-n and YaRN logit scales, ReRoPE / Leaky ReRoPE / Self-Extend
 * relative positions, and random training positions. `lib/position/toy_extrapolation.ts` turns these numbers
 * into the `RunOpts` of the toy language model.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { ropeInvFreq } from "./rope.ts";

function checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== "function") typeError(where, "rng", "an Rng (createRng)", rng);
  return rng as Rng;
}

function checkEvenDim(where: string, dim: number): number {
  checkInt(where, "dim", dim, 4);
  if (dim % 2 !== 0) rangeError(where, "dim", "an even integer ≥ 4", dim);
  return dim;
}

/**
 * Random-position training: a sorted sample of `n` distinct integer positions from {0, …, maxPos − 1}
 * (Floyd's algorithm), so that training sees position ids up to `maxPos` while its sequences stay `n` long.
 *
 * @param n number of positions, 1 ≤ n ≤ maxPos
 * @param maxPos size of the position range
 * @param rng random source
 * @example
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { randomPositionIds } from "@lib/position/extrapolation.ts";
 * const p = randomPositionIds(64, 1024, createRng(0));
 * assertEquals(p.length, 64);
 * for (let i = 1; i < 64; i++) assert(p[i]! > p[i - 1]! && p[i]! < 1024);
 * ```
 */
export function randomPositionIds(n: number, maxPos: number, rng: Rng): Int32Array {
  const where = "randomPositionIds";
  checkInt(where, "maxPos", maxPos, 1, 2 ** 31 - 1);
  checkInt(where, "n", n, 1, maxPos);
  checkRng(where, rng);
  const chosen = new Set<number>();
  for (let j = maxPos - n; j < maxPos; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

/**
 * `n` evenly spaced positions in [0, maxPos): $p_i = i\cdot\mathrm{maxPos}/n$ (the test positions of
 * random-position training, which spread a test sequence over the whole trained range).
 *
 * @param n number of positions ≥ 1
 * @param maxPos the range, > 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { evenPositions } from "@lib/position/extrapolation.ts";
 * assertEquals([...evenPositions(4, 1024)], [0, 256, 512, 768]);
 * ```
 */
export function evenPositions(n: number, maxPos: number): Float64Array {
  checkInt("evenPositions", "n", n, 1);
  checkPositive("evenPositions", "maxPos", maxPos);
  return Float64Array.from({ length: n }, (_, i) => (i * maxPos) / n);
}

/**
 * Position interpolation (PI): a test sequence of length `len` is squeezed into the trained range,
 * $p_i = i\cdot\min(1, L_{train}/L_{test})$. Inside the training length nothing changes.
 *
 * @param len the test length ≥ 1
 * @param trainLen the training length ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { piPositions } from "@lib/position/extrapolation.ts";
 * assertEquals([...piPositions(8, 4)], [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
 * assertEquals([...piPositions(3, 4)], [0, 1, 2]);
 * ```
 */
export function piPositions(len: number, trainLen: number): Float64Array {
  checkInt("piPositions", "len", len, 1);
  checkInt("piPositions", "trainLen", trainLen, 1);
  const f = Math.min(1, trainLen / len);
  return Float64Array.from({ length: len }, (_, i) => i * f);
}

/**
 * Equal-mean random positions: draw a length $n\sim\mathcal D$ with mean N, then use `linspace(0, n, N)`.
 * Exponential: $n\sim\mathrm{Exp}$ with mean N (mean = std = N, so by "3σ" the trained range reaches ≈ 4N).
 * Beta: $n = L_{test}\cdot b$, $b\sim\mathrm{Beta}(\alpha,\beta)$ (mean $L_{test}\,\alpha/(\alpha+\beta)$).
 *
 * @param n number of positions N ≥ 2 (the training length)
 * @param rng random source
 * @param dist `{ kind: "exponential" }` (mean N) or `{ kind: "beta", alpha, beta, testLen }`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { equalMeanPositions } from "@lib/position/extrapolation.ts";
 * const p = equalMeanPositions(64, createRng(1), { kind: "exponential" });
 * assertEquals([p.length, p[0]], [64, 0]);
 * ```
 */
export function equalMeanPositions(
  n: number,
  rng: Rng,
  dist: { kind: "exponential" } | { kind: "beta"; alpha: number; beta: number; testLen: number },
): Float64Array {
  const where = "equalMeanPositions";
  checkInt(where, "n", n, 2);
  checkRng(where, rng);
  if (dist === null || typeof dist !== "object") typeError(where, "dist", "{ kind: ... }", dist);
  let top: number;
  if (dist.kind === "exponential") {
    top = -n * Math.log(1 - rng());
  } else if (dist.kind === "beta") {
    const a = checkPositive(where, "dist.alpha", dist.alpha),
      b = checkPositive(where, "dist.beta", dist.beta);
    const tl = checkPositive(where, "dist.testLen", dist.testLen);
    const ga = gammaSample(a, rng), gb = gammaSample(b, rng);
    top = tl * (ga / (ga + gb));
  } else {
    return rangeError(where, "dist.kind", '"exponential" or "beta"', (dist as { kind: unknown }).kind);
  }
  return Float64Array.from({ length: n }, (_, i) => (top * i) / (n - 1));
}

/** Gamma(shape, 1) by Marsaglia–Tsang (with the shape < 1 boost). */
function gammaSample(shape: number, rng: Rng): number {
  if (shape < 1) return gammaSample(shape + 1, rng) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal(), v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0, u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * Log-n attention scale for the query at 1-based position `pos1`: $\lambda_n = \log n/\log L_{train}$
 * ("raw", used in training and testing) or $\max(1, \log n/\log L_{train})$ ("clip", applied at test time only,
 * so nothing changes inside the training length).
 *
 * @param pos1 1-based position n ≥ 1
 * @param trainLen training length ≥ 2
 * @param mode "raw" or "clip"
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { lognScale } from "@lib/position/extrapolation.ts";
 * assertEquals(lognScale(100, 2048, "clip"), 1);
 * assertAlmostEquals(lognScale(4096, 2048, "clip"), 12 / 11, 1e-12);
 * ```
 */
export function lognScale(pos1: number, trainLen: number, mode: "raw" | "clip"): number {
  checkPositive("lognScale", "pos1", pos1);
  checkInt("lognScale", "trainLen", trainLen, 2);
  if (mode !== "raw" && mode !== "clip") rangeError("lognScale", "mode", '"raw" or "clip"', mode);
  const r = Math.log(pos1) / Math.log(trainLen);
  return mode === "raw" ? r : Math.max(1, r);
}

/**
 * Dynamic scale factor $s(pos) = \max(L_{train}, pos + 1)/L_{train}$ (0-based pos): 1 inside the training
 * length, growing with the position beyond it.
 *
 * @param pos 0-based position ≥ 0
 * @param trainLen training length ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { dynamicScale } from "@lib/position/extrapolation.ts";
 * assertEquals([dynamicScale(10, 64), dynamicScale(127, 64)], [1, 2]);
 * ```
 */
export function dynamicScale(pos: number, trainLen: number): number {
  checkInt("dynamicScale", "pos", pos, 0);
  checkInt("dynamicScale", "trainLen", trainLen, 1);
  return Math.max(trainLen, pos + 1) / trainLen;
}

/**
 * YaRN's logit scale $\lambda = (1 + 0.1\ln s)^2 \approx 1 + 0.2\ln s$ for the length ratio s ≥ 1.
 *
 * @param scale s = L_test / L_train, ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { yarnLogitScale } from "@lib/position/extrapolation.ts";
 * assertAlmostEquals(yarnLogitScale(16), 1.631390, 1e-6);
 * ```
 */
export function yarnLogitScale(scale: number): number {
  checkFinite("yarnLogitScale", "scale", scale);
  if (!(scale >= 1)) rangeError("yarnLogitScale", "scale", "≥ 1", scale);
  return (1 + 0.1 * Math.log(scale)) ** 2;
}

/**
 * NTK-aware base factor $\kappa = s^{d/(d-2)}$: with base·κ the lowest frequency is interpolated exactly,
 * $(b\kappa)^{-(d-2)/d} = b^{-(d-2)/d}/s$, while the highest (θ_0 = 1) is untouched.
 *
 * @param scale s = L_test / L_train, > 0
 * @param dim even rotary dimension ≥ 4
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ntkKappa } from "@lib/position/extrapolation.ts";
 * assertAlmostEquals(ntkKappa(4, 128), 4.088994, 1e-6);
 * ```
 */
export function ntkKappa(scale: number, dim: number): number {
  checkPositive("ntkKappa", "scale", scale);
  checkEvenDim("ntkKappa", dim);
  return scale ** (dim / (dim - 2));
}

/**
 * NTK-RoPE frequencies $\theta_i = (b\kappa)^{-2i/d}$ with κ = {@link ntkKappa}(scale, dim). scale ≤ 1 gives
 * the plain RoPE frequencies (nothing changes inside the training length).
 *
 * @param dim even rotary dimension ≥ 4
 * @param base RoPE base (10000)
 * @param scale s = L_test / L_train (values < 1 are treated as 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ropeInvFreq } from "@lib/position/rope.ts";
 * import { ntkInvFreq } from "@lib/position/extrapolation.ts";
 * const f = ntkInvFreq(32, 1e4, 8), f0 = ropeInvFreq(32, 1e4);
 * assertAlmostEquals(f[15]!, f0[15]! / 8, 1e-15);
 * assertAlmostEquals(f[0]!, 1, 0);
 * ```
 */
export function ntkInvFreq(dim: number, base: number, scale: number): Float64Array {
  checkEvenDim("ntkInvFreq", dim);
  checkPositive("ntkInvFreq", "base", base);
  checkPositive("ntkInvFreq", "scale", scale);
  return ropeInvFreq(dim, base * ntkKappa(Math.max(1, scale), dim));
}

/**
 * Number of turns of each RoPE frequency over the training range, $r_i = \theta_i L_{train}/(2\pi)$.
 * r_i > 1: the model has seen the full circle; r_i < 1: only an arc, so longer inputs reach unseen angles.
 *
 * @param dim even rotary dimension ≥ 4
 * @param base RoPE base
 * @param trainLen training length ≥ 1
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { rotationCounts } from "@lib/position/extrapolation.ts";
 * assertAlmostEquals(rotationCounts(128, 1e4, 4096)[0]!, 651.899, 1e-3);
 * ```
 */
export function rotationCounts(dim: number, base: number, trainLen: number): Float64Array {
  checkEvenDim("rotationCounts", dim);
  checkPositive("rotationCounts", "base", base);
  checkInt("rotationCounts", "trainLen", trainLen, 1);
  return ropeInvFreq(dim, base).map((t) => (t * trainLen) / (2 * Math.PI));
}

/**
 * YaRN frequencies $\theta_i' = [\gamma_i + (1-\gamma_i)L_{train}/L_{test}]\,\theta_i$ with the ramp
 * $\gamma_i = 1$ for $r_i > \tau$, 0 for $r_i < 1$, $(r_i - 1)/(\tau - 1)$ between (r_i from {@link rotationCounts}).
 * testLen ≤ trainLen gives the plain frequencies.
 *
 * @param dim even rotary dimension ≥ 4
 * @param base RoPE base
 * @param trainLen training length ≥ 1
 * @param testLen test length ≥ 1
 * @param tau upper threshold τ > 1 (default 32)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { ropeInvFreq } from "@lib/position/rope.ts";
 * import { yarnInvFreq } from "@lib/position/extrapolation.ts";
 * const f = yarnInvFreq(32, 1e4, 64, 512, 8), f0 = ropeInvFreq(32, 1e4);
 * assertAlmostEquals(f[0]!, f0[0]!, 0); // r_0 = 10.2 > τ: kept
 * assertAlmostEquals(f[15]!, f0[15]! / 8, 1e-18); // r < 1: interpolated like PI
 * ```
 */
export function yarnInvFreq(
  dim: number,
  base: number,
  trainLen: number,
  testLen: number,
  tau = 32,
): Float64Array {
  const where = "yarnInvFreq";
  checkInt(where, "testLen", testLen, 1);
  checkFinite(where, "tau", tau);
  if (!(tau > 1)) rangeError(where, "tau", "> 1", tau);
  const r = rotationCounts(dim, base, trainLen), theta = ropeInvFreq(dim, base);
  const s = Math.min(1, trainLen / testLen);
  return theta.map((t, i) => {
    const ri = r[i] as number;
    const g = ri > tau ? 1 : ri < 1 ? 0 : (ri - 1) / (tau - 1);
    return (g + (1 - g) * s) * t;
  });
}

function checkPair(where: string, i: number, j: number): void {
  checkInt(where, "i", i, 0);
  checkInt(where, "j", j, 0);
  if (j > i) rangeError(where, "j", `≤ i = ${i} (causal)`, j);
}

/**
 * ReRoPE relative position (causal, i ≥ j): $\min(i - j, w)$ — exact inside the window, frozen at w beyond.
 *
 * @param i query position
 * @param j key position ≤ i
 * @param w window ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { reropeRelPos } from "@lib/position/extrapolation.ts";
 * assertEquals([reropeRelPos(5, 3, 4), reropeRelPos(50, 3, 4)], [2, 4]);
 * ```
 */
export function reropeRelPos(i: number, j: number, w: number): number {
  checkPair("reropeRelPos", i, j);
  checkInt("reropeRelPos", "w", w, 1);
  return Math.min(i - j, w);
}

/**
 * Leaky ReRoPE relative position: $i - j$ for $i - j < w$, else $w + (i - j - w)/k$ (k → ∞ is ReRoPE, k = 1 RoPE).
 *
 * @param i query position
 * @param j key position ≤ i
 * @param w window ≥ 1
 * @param k compression factor ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { leakyReropeRelPos } from "@lib/position/extrapolation.ts";
 * assertEquals(leakyReropeRelPos(20, 0, 12, 4), 14);
 * ```
 */
export function leakyReropeRelPos(i: number, j: number, w: number, k: number): number {
  checkPair("leakyReropeRelPos", i, j);
  checkInt("leakyReropeRelPos", "w", w, 1);
  checkFinite("leakyReropeRelPos", "k", k);
  if (!(k >= 1)) rangeError("leakyReropeRelPos", "k", "≥ 1", k);
  const r = i - j;
  return r < w ? r : w + (r - w) / k;
}

/**
 * Self-Extend relative position: $i - j$ inside the window, else grouped positions
 * $\lfloor i/g\rfloor - \lfloor j/g\rfloor + w - \lfloor w/g\rfloor$ (a rounded Leaky ReRoPE with k = g).
 *
 * @param i query position
 * @param j key position ≤ i
 * @param w neighbour window ≥ 1
 * @param group group size g ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { selfExtendRelPos } from "@lib/position/extrapolation.ts";
 * assertEquals([selfExtendRelPos(5, 2, 4, 2), selfExtendRelPos(20, 0, 4, 2)], [3, 12]);
 * ```
 */
export function selfExtendRelPos(i: number, j: number, w: number, group: number): number {
  checkPair("selfExtendRelPos", i, j);
  checkInt("selfExtendRelPos", "w", w, 1);
  checkInt("selfExtendRelPos", "group", group, 1);
  if (i - j < w) return i - j;
  return Math.floor(i / group) - Math.floor(j / group) + w - Math.floor(w / group);
}

/**
 * Absolute positions that realize Leaky ReRoPE's far branch with ordinary RoPE: q_i at $i/k + w(1 - 1/k)$ and
 * k_j at $j/k$, so that the difference is $w + (i - j - w)/k$. k = Infinity gives ReRoPE (q at w, k at 0).
 *
 * @param len sequence length ≥ 1
 * @param w window ≥ 1
 * @param k compression factor ≥ 1 or Infinity
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { leakyReropeQKPositions } from "@lib/position/extrapolation.ts";
 * const { q, k } = leakyReropeQKPositions(3, 4, Infinity);
 * assertEquals([[...q], [...k]], [[4, 4, 4], [0, 0, 0]]);
 * ```
 */
export function leakyReropeQKPositions(
  len: number,
  w: number,
  k: number,
): { q: Float64Array; k: Float64Array } {
  const where = "leakyReropeQKPositions";
  checkInt(where, "len", len, 1);
  checkInt(where, "w", w, 1);
  if (typeof k !== "number" || !(k >= 1)) rangeError(where, "k", "≥ 1 or Infinity", k);
  if (k === Infinity) return { q: new Float64Array(len).fill(w), k: new Float64Array(len) };
  return {
    q: Float64Array.from({ length: len }, (_, i) => i / k + w * (1 - 1 / k)),
    k: Float64Array.from({ length: len }, (_, j) => j / k),
  };
}

/**
 * The causal relative-position matrix $M_{ij} = f(i, j)$ for $j \le i$ (NaN above the diagonal), for pictures.
 *
 * @param len size ≥ 1
 * @param f relative position rule, e.g. `(i, j) => reropeRelPos(i, j, 6)`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { relPosMatrix } from "@lib/position/extrapolation.ts";
 * assertEquals([...relPosMatrix(2, (i, j) => i - j).data], [0, NaN, 1, 0]);
 * ```
 */
export function relPosMatrix(len: number, f: (i: number, j: number) => number): Matrix {
  checkInt("relPosMatrix", "len", len, 1);
  if (typeof f !== "function") typeError("relPosMatrix", "f", "a function (i, j) => number", f);
  const m = matrix(len, len);
  for (let i = 0; i < len; i++) {
    for (let j = 0; j < len; j++) m.data[i * len + j] = j <= i ? f(i, j) : NaN;
  }
  return m;
}
