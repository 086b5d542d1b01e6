/**
 * Complex Order (Wang et al., "Encoding word order in complex embeddings", arXiv 1912.12333), the most
 * unconventional encoding of Su's survey (https://kexue.fm/archives/8130): word j at position k is the
 * complex vector $\big[r_{j,1}e^{\mathrm i(\omega_{j,1}k+\theta_{j,1})}, \dots, r_{j,d}e^{\mathrm i(\omega_{j,d}k+\theta_{j,d})}\big]$
 * built from three position-free word vectors (amplitudes r, frequencies ω, phases θ).
 *
 * Moving the word by δ multiplies component c by $e^{\mathrm i\omega_{j,c}\delta}$: a fixed linear map that
 * depends on δ only, which is how the embedding carries relative order.
 *
 * @module
 */
import { type Complex } from "../core/complex.ts";
import { checkFinite, checkLength, typeError } from "../core/validate.ts";

function checkVec(where: string, name: string, a: unknown, n?: number): Float64Array {
  if (!(a instanceof Float64Array)) typeError(where, name, "a Float64Array", a);
  checkLength(where, name, a, n);
  for (let i = 0; i < a.length; i++) checkFinite(where, `${name}[${i}]`, a[i]);
  return a;
}

/**
 * The Complex Order embedding of one word at position k:
 * $z_c = r_c\,e^{\mathrm i(\omega_c k + \theta_c)}$ for $c = 1, \dots, d$.
 *
 * @param r amplitudes $r_j$, d numbers
 * @param omega frequencies $\omega_j$, d numbers
 * @param theta initial phases $\theta_j$, d numbers
 * @param k the position (any finite number)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { complexOrderEmbedding } from "@lib/position/complex_order.ts";
 * const [z] = complexOrderEmbedding(Float64Array.of(2), Float64Array.of(Math.PI / 4), Float64Array.of(0), 2);
 * // 2·e^{iπ/2} = 2i
 * assertAlmostEquals(z!.re, 0, 1e-15);
 * assertAlmostEquals(z!.im, 2, 1e-15);
 * ```
 */
export function complexOrderEmbedding(
  r: Float64Array,
  omega: Float64Array,
  theta: Float64Array,
  k: number,
): Complex[] {
  const where = "complexOrderEmbedding";
  checkVec(where, "r", r);
  checkVec(where, "omega", omega, r.length);
  checkVec(where, "theta", theta, r.length);
  checkFinite(where, "k", k);
  const out: Complex[] = [];
  for (let c = 0; c < r.length; c++) {
    const a = (omega[c] as number) * k + (theta[c] as number), m = r[c] as number;
    out.push({ re: m * Math.cos(a), im: m * Math.sin(a) });
  }
  return out;
}
