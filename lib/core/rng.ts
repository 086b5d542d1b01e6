/**
 * Seeded random streams: the one source of randomness in the library.
 *
 * Algorithm: the seed is hashed by SplitMix32-style mixing into a 32-bit state, which drives
 * **mulberry32** (Tommy Ettinger's 32-bit generator; period 2^32). Uniforms are
 * `u = x / 2^32` ∈ [0, 1). Normals use the Box–Muller transform
 * $z_1 = \sqrt{-2\ln u_1}\cos(2\pi u_2)$, $z_2 = \sqrt{-2\ln u_1}\sin(2\pi u_2)$, caching $z_2$.
 * `fork(stream)` derives an independent generator from (seed, stream) by hashing, so data and
 * initialisation can draw from separate streams that do not shift when one of them draws more.
 *
 * Same seed → same stream, on every machine (only 32-bit integer arithmetic and `Math.log/cos/sin`).
 *
 * @module
 */
import { checkInt, typeError } from "./validate.ts";

/** A seeded random stream. Callable: `rng()` is a uniform draw in [0, 1). */
export interface Rng {
  (): number;
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in {0, …, n − 1}; n a positive integer ≤ 2^32. */
  int(n: number): number;
  /** In-place Fisher–Yates shuffle; returns the same array. */
  shuffle<T>(xs: T[]): T[];
  /** An independent stream derived from this generator's seed and `stream`. */
  fork(stream: string | number): Rng;
  /** The seed this generator was created from (forks get a derived seed). */
  readonly seed: number;
}

function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashStream(seed: number, stream: string | number): number {
  let h = mix32(seed ^ 0x9e3779b9);
  const s = String(stream);
  for (let i = 0; i < s.length; i++) h = mix32(h ^ s.charCodeAt(i));
  return mix32(h ^ s.length);
}

/**
 * Creates a seeded generator.
 *
 * @param seed any integer in [0, 2^32) (or a negative safe integer, taken mod 2^32)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * const a = createRng(42), b = createRng(42);
 * assertEquals([a(), a.normal(), a.int(10)], [b(), b.normal(), b.int(10)]);
 * ```
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    typeError("createRng", "seed", "a safe integer", seed);
  }
  const seed32 = seed >>> 0;
  let state = mix32(seed32 + 0x6d2b79f5);
  let spare: number | null = null;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const rng = (() => next()) as Rng;
  rng.uniform = next;
  rng.normal = () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    let u1 = next();
    while (u1 === 0) u1 = next();
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  rng.int = (n: number) => {
    checkInt("Rng.int", "n", n, 1, 4294967296);
    return Math.floor(next() * n);
  };
  rng.shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const tmp = xs[i] as T;
      xs[i] = xs[j] as T;
      xs[j] = tmp;
    }
    return xs;
  };
  rng.fork = (stream: string | number) => createRng(hashStream(seed32, stream));
  Object.defineProperty(rng, "seed", { value: seed32, enumerable: true });
  return rng;
}
