/**
 * IEEE 754 binary16 ("half precision", FP16) emulation on ordinary numbers.
 *
 * A finite FP16 number is $\pm 2^{e}(1 + f/2^{10})$ with $e\in[-14, 15]$ and $f\in[0, 2^{10})$ (normal), or
 * $\pm 2^{-24} f$ with $f\in[1, 2^{10})$ (subnormal). Hence the smallest positive value is
 * $2^{-24}\approx 5.96\times10^{-8}$, the largest $65504 = (2-2^{-10})\,2^{15}$, and the spacing of neighbouring
 * values at $|x|\in[2^e, 2^{e+1})$ is $2^{e-10}$ (Tiger's "FP16 range ≈ 6e-8 … 65504").
 *
 * @module
 */
import { checkFinite, checkLength, typeError } from "./validate.ts";

/** Largest finite binary16 value, 65504. */
export const FLOAT16_MAX = 65504;
/** Smallest positive (subnormal) binary16 value, 2^-24 ≈ 5.96e-8. */
export const FLOAT16_MIN_POSITIVE = 2 ** -24;

function _exponent(a: number): number {
  // floor(log2 a) for a > 0, corrected for the rounding of Math.log2
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

function _roundHalfEven(y: number): number {
  const f = Math.floor(y), d = y - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Rounds `x` to the nearest IEEE binary16 value (round half to even), as a cast to FP16 does:
 * $|x|\ge 65520$ overflows to ±∞, values below half of $2^{-24}$ flush to ±0, NaN and ±∞ pass through.
 *
 * @param x any number
 * @throws TypeError if x is not a number
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { roundToFloat16 } from "@lib/core/float16.ts";
 * assertEquals([65504, 65520, 6e-8, 2e-8].map(roundToFloat16), [65504, Infinity, 5.960464477539063e-8, 0]);
 * assertEquals(roundToFloat16(1 + 2 ** -11), 1);   // halfway: ties to the even neighbour
 * ```
 */
export function roundToFloat16(x: number): number {
  if (typeof x !== "number") typeError("roundToFloat16", "x", "a number", x);
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x), s = x < 0 ? -1 : 1;
  if (a >= 65520) return s * Infinity;
  const q = 2 ** (Math.max(_exponent(a), -14) - 10); // spacing at a (subnormals: 2^-24)
  return s * _roundHalfEven(a / q) * q;
}

/**
 * The spacing (ulp) of binary16 numbers at |x|: $2^{\lfloor\log_2|x|\rfloor-10}$ for normal values,
 * $2^{-24}$ below $2^{-14}$; ∞ beyond {@link FLOAT16_MAX}. An update $\delta$ of a value stored in FP16
 * is lost (rounded away) when $|\delta|$ is below half of it.
 *
 * @throws RangeError if x is not finite
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { float16Spacing } from "@lib/core/float16.ts";
 * assertEquals([float16Spacing(0.25), float16Spacing(1), float16Spacing(0)], [2 ** -12, 2 ** -10, 2 ** -24]);
 * ```
 */
export function float16Spacing(x: number): number {
  checkFinite("float16Spacing", "x", x);
  const a = Math.abs(x);
  if (a > FLOAT16_MAX) return Infinity;
  if (a < 2 ** -14) return 2 ** -24;
  return 2 ** (_exponent(a) - 10);
}

/**
 * Fraction of the non-zero entries of `x` that become 0 when cast to FP16 (underflow); 0 if all are zero.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { float16UnderflowFraction } from "@lib/core/float16.ts";
 * assertEquals(float16UnderflowFraction([1e-3, 1e-9, 0, -2e-8]), 2 / 3);
 * ```
 */
export function float16UnderflowFraction(x: ArrayLike<number>): number {
  checkLength("float16UnderflowFraction", "x", x);
  let nz = 0, lost = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === 0) continue;
    nz++;
    if (roundToFloat16(x[i]!) === 0) lost++;
  }
  return nz === 0 ? 0 : lost / nz;
}

/**
 * Fraction of the non-zero updates $\delta_i$ that leave a parameter stored in FP16 unchanged:
 * $\text{fp16}(\text{fp16}(\theta_i) - \delta_i) = \text{fp16}(\theta_i)$.
 *
 * @param theta parameter values (cast to FP16 first)
 * @param delta updates, same length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { float16StaleFraction } from "@lib/core/float16.ts";
 * // above 0.25 the spacing is 2^-12 ≈ 2.4e-4: an upward step of 1e-4 is lost, one of 2e-4 is not
 * assertEquals(float16StaleFraction([0.25, 0.25], [-1e-4, -2e-4]), 0.5);
 * ```
 */
export function float16StaleFraction(theta: ArrayLike<number>, delta: ArrayLike<number>): number {
  checkLength("float16StaleFraction", "theta", theta);
  checkLength("float16StaleFraction", "delta", delta, theta.length);
  let nz = 0, lost = 0;
  for (let i = 0; i < theta.length; i++) {
    if (delta[i] === 0) continue;
    nz++;
    const t = roundToFloat16(theta[i]!);
    if (roundToFloat16(t - delta[i]!) === t) lost++;
  }
  return nz === 0 ? 0 : lost / nz;
}
