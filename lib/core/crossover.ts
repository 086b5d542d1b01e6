/**
 * Where one measured curve overtakes another, e.g. the sequence length beyond which linear attention is
 * faster than softmax attention (https://kexue.fm/archives/7546).
 *
 * @module
 */
import { checkLength, rangeError } from "./validate.ts";

/**
 * The crossover of two positive curves sampled at the same increasing x: with $r(x) = a(x)/b(x)$, find the
 * first index t such that $r(x_i) < 1$ for every i ≥ t, and interpolate $\log r$ linearly in $\log x$ between
 * $x_{t-1}$ and $x_t$ to the point where $r = 1$:
 * $$x^* = \exp\Big(\log x_{t-1} + \frac{\log r_{t-1}}{\log r_{t-1} - \log r_t}\,(\log x_t - \log x_{t-1})\Big).$$
 * Returns `null` when a is not below b at the last x, and `xs[0]` when a is below b everywhere (the crossover
 * is then at or before the first sample). Later crossings back and forth before t are ignored: the result is
 * the point after which a stays below b.
 *
 * @param xs increasing positive abscissae (e.g. sequence lengths)
 * @param a positive values of the curve that should end up lower (e.g. linear-attention times)
 * @param b positive values of the other curve (e.g. softmax-attention times)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { crossover } from "@lib/core/crossover.ts";
 * // a ∝ x, b ∝ x²/100 meet at x = 100
 * const xs = [10, 50, 200, 1000];
 * assertAlmostEquals(crossover(xs, xs, xs.map((x) => x * x / 100))!, 100, 1e-9);
 * ```
 */
export function crossover(xs: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  checkLength("crossover", "xs", xs);
  checkLength("crossover", "a", a, xs.length);
  checkLength("crossover", "b", b, xs.length);
  for (let i = 0; i < xs.length; i++) {
    for (const [name, arr] of [["xs", xs], ["a", a], ["b", b]] as const) {
      const v = arr[i] as number;
      if (!(v > 0) || v === Infinity) rangeError("crossover", `${name}[${i}]`, "a finite number > 0", v);
    }
    if (i > 0 && !((xs[i] as number) > (xs[i - 1] as number))) {
      rangeError("crossover", `xs[${i}]`, `> xs[${i - 1}] = ${xs[i - 1]} (increasing)`, xs[i]);
    }
  }
  const lr = (i: number) => Math.log((a[i] as number) / (b[i] as number));
  let t = xs.length;
  while (t > 0 && lr(t - 1) < 0) t--;
  if (t === xs.length) return null;
  if (t === 0) return xs[0] as number;
  const x0 = Math.log(xs[t - 1] as number), x1 = Math.log(xs[t] as number), r0 = lr(t - 1), r1 = lr(t);
  return Math.exp(x0 + (r0 / (r0 - r1)) * (x1 - x0));
}
