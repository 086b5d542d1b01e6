/**
 * Contextualised token vectors: how similar are the output vectors of the **same token id** in different
 * sentences, split by whether the two sentences share a group (e.g. a topic)? With $\hat h = h/\Vert h\Vert$,
 * $$\text{within} = \operatorname*{mean}_{(s,i),(t,j):\ x_{s,i}=x_{t,j},\ g_s = g_t,\ s\ne t} \hat h_{s,i}\cdot\hat h_{t,j},
 * \qquad \text{cross}: \text{the same with } g_s \ne g_t .$$
 * A context-free embedding gives within = cross; BERT-like vectors that encode the context give within > cross.
 *
 * @module
 */
import { checkInt, rangeError, typeError } from "../core/validate.ts";

/**
 * Mean cosine similarity of same-token pairs from different sentences, within a group and across groups
 * (pooled over all pairs of all token ids). Pairs inside one sentence are left out (they share more than the group).
 *
 * @param h hidden states, `h[s][i]` the vector of token i of sentence s (all of one width)
 * @param ids `ids[s][i]` the token id at that position (same lengths as `h`)
 * @param group `group[s]` the group (topic) of sentence s
 * @returns `within` and `cross` mean cosines, and the numbers of pairs behind them
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sameTokenSimilarity } from "@lib/nn/similarity.ts";
 * // token 7 in three sentences; sentences 0 and 1 are group 0, sentence 2 group 1
 * const h = [[[1, 0]], [[1, 1]], [[0, 1]]];
 * const ids = [Int32Array.of(7), Int32Array.of(7), Int32Array.of(7)];
 * const r = sameTokenSimilarity(h, ids, Int32Array.of(0, 0, 1));
 * assertAlmostEquals(r.within, Math.SQRT1_2, 1e-12); // (1,0)·(1,1)/√2
 * assertAlmostEquals(r.cross, (0 + Math.SQRT1_2) / 2, 1e-12); // (1,0)·(0,1) and (1,1)·(0,1)/√2
 * ```
 */
export function sameTokenSimilarity(
  h: number[][][],
  ids: Int32Array[],
  group: Int32Array,
): { within: number; cross: number; pairsWithin: number; pairsCross: number } {
  const where = "sameTokenSimilarity";
  if (!Array.isArray(h) || h.length < 2) typeError(where, "h", "an array of ≥ 2 sentences [s][i][dim]", h);
  if (!Array.isArray(ids) || ids.length !== h.length) {
    rangeError(where, "ids.length", `h.length = ${h.length}`, ids?.length);
  }
  if (!(group instanceof Int32Array) || group.length !== h.length) {
    rangeError(where, "group", `an Int32Array of length h.length = ${h.length}`, group);
  }
  const dim = h[0]?.[0]?.length ?? 0;
  checkInt(where, "vector width", dim, 1);
  // unit vectors, bucketed by token id
  const byToken = new Map<number, { s: number; u: Float64Array }[]>();
  h.forEach((sent, s) => {
    if (!Array.isArray(sent) || sent.length !== ids[s]!.length) {
      rangeError(where, `h[${s}].length`, `ids[${s}].length = ${ids[s]!.length}`, sent?.length);
    }
    sent.forEach((v, i) => {
      if (v.length !== dim) rangeError(where, `h[${s}][${i}].length`, String(dim), v.length);
      let nrm = 0;
      for (const x of v) nrm += x * x;
      nrm = Math.sqrt(nrm);
      if (!(nrm > 0) || !Number.isFinite(nrm)) {
        rangeError(where, `h[${s}][${i}]`, "a finite non-zero vector", "norm " + nrm);
      }
      const u = Float64Array.from(v, (x) => x / nrm);
      const id = ids[s]![i]!;
      if (!byToken.has(id)) byToken.set(id, []);
      byToken.get(id)!.push({ s, u });
    });
  });
  let sw = 0, nw = 0, sc = 0, nc = 0;
  for (const occ of byToken.values()) {
    for (let a = 0; a < occ.length; a++) {
      const oa = occ[a]!;
      for (let b = a + 1; b < occ.length; b++) {
        const ob = occ[b]!;
        if (ob.s === oa.s) continue;
        let c = 0;
        for (let k = 0; k < dim; k++) c += oa.u[k]! * ob.u[k]!;
        if (group[oa.s] === group[ob.s]) {
          sw += c;
          nw++;
        } else {
          sc += c;
          nc++;
        }
      }
    }
  }
  if (nw === 0 || nc === 0) {
    rangeError(
      where,
      "the data",
      "same-token pairs both within and across groups",
      `${nw} within, ${nc} across`,
    );
  }
  return { within: sw / nw, cross: sc / nc, pairsWithin: nw, pairsCross: nc };
}
