/**
 * Complex scalars as plain `{ re, im }` records, and the pairing of a real vector of even length
 * with a complex vector of half the length: $(x_0, x_1, x_2, x_3, \dots) \leftrightarrow
 * (x_0 + \mathrm i x_1,\; x_2 + \mathrm i x_3,\; \dots)$, the identification RoPE is derived with.
 *
 * @module
 */
import { checkFinite, checkLength, rangeError, typeError } from "./validate.ts";

/** A complex number $z = \mathrm{re} + \mathrm i\,\mathrm{im}$. */
export type Complex = { re: number; im: number };

function checkComplex(where: string, name: string, z: unknown): Complex {
  if (
    z === null || typeof z !== "object" || typeof (z as Complex).re !== "number" ||
    typeof (z as Complex).im !== "number"
  ) {
    typeError(where, name, "a Complex { re: number; im: number }", z);
  }
  return z as Complex;
}

/**
 * Builds $z = \mathrm{re} + \mathrm i\,\mathrm{im}$.
 *
 * @param re real part
 * @param im imaginary part (default 0)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { complex } from "@lib/core/complex.ts";
 * assertEquals(complex(1, -2), { re: 1, im: -2 });
 * ```
 */
export function complex(re: number, im = 0): Complex {
  checkFinite("complex", "re", re);
  checkFinite("complex", "im", im);
  return { re, im };
}

/**
 * Product $(a_r + \mathrm i a_i)(b_r + \mathrm i b_i) = (a_r b_r - a_i b_i) + \mathrm i(a_r b_i + a_i b_r)$.
 *
 * @param a first factor
 * @param b second factor
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cmul } from "@lib/core/complex.ts";
 * assertEquals(cmul({ re: 0, im: 1 }, { re: 0, im: 1 }), { re: -1, im: 0 }); // i² = −1
 * ```
 */
export function cmul(a: Complex, b: Complex): Complex {
  checkComplex("cmul", "a", a);
  checkComplex("cmul", "b", b);
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

/**
 * Sum $a + b$.
 *
 * @param a first term
 * @param b second term
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cadd } from "@lib/core/complex.ts";
 * assertEquals(cadd({ re: 1, im: 2 }, { re: 3, im: -1 }), { re: 4, im: 1 });
 * ```
 */
export function cadd(a: Complex, b: Complex): Complex {
  checkComplex("cadd", "a", a);
  checkComplex("cadd", "b", b);
  return { re: a.re + b.re, im: a.im + b.im };
}

/**
 * Complex conjugate $z^* = \mathrm{re} - \mathrm i\,\mathrm{im}$. With it the real inner product of
 * two 2-D vectors is $\langle q, k\rangle = \mathrm{Re}[q k^*]$.
 *
 * @param z the number
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cmul, conj } from "@lib/core/complex.ts";
 * const q = { re: 1, im: 2 }, k = { re: 3, im: 4 };
 * assertEquals(cmul(q, conj(k)).re, 1 * 3 + 2 * 4); // Re[q k*] = q·k
 * ```
 */
export function conj(z: Complex): Complex {
  checkComplex("conj", "z", z);
  return { re: z.re, im: -z.im };
}

/**
 * The unit complex number $e^{\mathrm i\theta} = \cos\theta + \mathrm i \sin\theta$: multiplying by it
 * rotates a 2-D vector by the angle θ.
 *
 * @param theta the angle in radians
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { cexp } from "@lib/core/complex.ts";
 * const z = cexp(Math.PI / 2);
 * assertAlmostEquals(z.re, 0, 1e-15);
 * assertAlmostEquals(z.im, 1, 1e-15);
 * ```
 */
export function cexp(theta: number): Complex {
  checkFinite("cexp", "theta", theta);
  return { re: Math.cos(theta), im: Math.sin(theta) };
}

/**
 * Modulus $|z| = \sqrt{\mathrm{re}^2 + \mathrm{im}^2}$ (via `Math.hypot`, so exact for real integers).
 *
 * @param z the number
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cabs } from "@lib/core/complex.ts";
 * assertEquals(cabs({ re: 3, im: 4 }), 5);
 * ```
 */
export function cabs(z: Complex): number {
  checkComplex("cabs", "z", z);
  return Math.hypot(z.re, z.im);
}

/**
 * Reads a real vector of even length $d$ as $d/2$ complex numbers, $z_j = x_{2j} + \mathrm i x_{2j+1}$
 * (the article's $q_{[2j:2j+1]}$).
 *
 * @param x a real vector of even, non-zero length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toComplexPairs } from "@lib/core/complex.ts";
 * assertEquals(toComplexPairs([1, 2, 3, 4]), [{ re: 1, im: 2 }, { re: 3, im: 4 }]);
 * ```
 */
export function toComplexPairs(x: ArrayLike<number>): Complex[] {
  checkLength("toComplexPairs", "x", x);
  if (x.length % 2 !== 0) rangeError("toComplexPairs", "x.length", "even", x.length);
  const out: Complex[] = [];
  for (let j = 0; j < x.length / 2; j++) out.push({ re: x[2 * j] as number, im: x[2 * j + 1] as number });
  return out;
}

/**
 * Inverse of {@link toComplexPairs}: $(z_0, z_1, \dots) \mapsto (\mathrm{Re}\,z_0, \mathrm{Im}\,z_0, \mathrm{Re}\,z_1, \dots)$.
 *
 * @param z a non-empty list of complex numbers
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fromComplexPairs } from "@lib/core/complex.ts";
 * assertEquals(Array.from(fromComplexPairs([{ re: 1, im: 2 }, { re: 3, im: 4 }])), [1, 2, 3, 4]);
 * ```
 */
export function fromComplexPairs(z: readonly Complex[]): Float64Array {
  if (!Array.isArray(z)) typeError("fromComplexPairs", "z", "an array of Complex", z);
  if (z.length === 0) rangeError("fromComplexPairs", "z.length", "≥ 1", 0);
  const out = new Float64Array(2 * z.length);
  z.forEach((c, j) => {
    checkComplex("fromComplexPairs", `z[${j}]`, c);
    out[2 * j] = c.re;
    out[2 * j + 1] = c.im;
  });
  return out;
}
