/**
 * Unigram tokenization on a segmentation lattice: Viterbi decoding, the random samplers of BytePiece
 * (the "old" Viterbi Sampling of v0.4.0, the interim rule, the "perfect" reservoir rule), SentencePiece's
 * FFBS and n-best Subword Regularization, and exact references (enumeration, target distribution, the
 * exact output distribution of the old sampler) for small inputs.
 *
 * A segmentation $\boldsymbol w=(w_1,\dots,w_k)$ of a string $S$ scores
 * $s(\boldsymbol w)=\sum_i \log p(w_i)$; decoding finds $\arg\max_{\boldsymbol w\in\Omega(S)} s(\boldsymbol w)$.
 * The reference target of a sampler with temperature $\alpha$ is
 * $P_\alpha(\boldsymbol w\mid S)=e^{\alpha s(\boldsymbol w)}/\sum_{\boldsymbol w'\in\Omega(S)}e^{\alpha s(\boldsymbol w')}$.
 *
 * **Lattice convention.** Positions are $0..L$ between code points (not UTF-16 units). An edge
 * $(s, e, v)$ is a vocabulary token $S[s:e]$ with $v=\log p$. Edges come in *arrival order*: $e$
 * ascending and, for each $e$, longest token first ($s$ ascending) — the order of BytePiece's
 * Aho–Corasick scan — or shortest first with `order: "shortest-first"`. Every sampler walks the edges in
 * this order, which matters for the old rule (its output distribution depends on it).
 *
 * Distributions over segmentations are `Map`s keyed by the tokens joined with `"|"` (see {@link segKey}).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, rangeError, typeError } from "../core/validate.ts";

/** Token → log-probability. */
export type Vocab = Map<string, number>;
/** A lattice edge: token `symbols[s..e)` with log-probability `v`. */
export type Edge = { s: number; e: number; v: number };
/** Edge arrival order within one end position. */
export type LatticeOrder = "longest-first" | "shortest-first";
/**
 * The segmentation lattice of one string. `edges` are sorted by `e` ascending (arrival order);
 * `inStart[e]..inStart[e+1]-1` are the indices of the edges ending at `e` (length `length + 2`).
 */
export type Lattice = {
  length: number;
  edges: Edge[];
  symbols: string[];
  order: LatticeOrder;
  inStart: Int32Array;
};
/** A segmentation and its score $s(\boldsymbol w)=\sum_i\log p(w_i)$. */
export type Segmentation = { tokens: string[]; score: number };

/** The key of a segmentation in distribution maps: tokens joined with `"|"`. */
export function segKey(tokens: readonly string[]): string {
  return tokens.join("|");
}

// ---------------------------------------------------------------------------------------------
// small numerics (private: the shared versions live in core/special.ts)

function _sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const z = Math.exp(x);
  return z / (1 + z);
}

function _lse2(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x >= y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

function _lse(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i]! > m) m = xs[i]!;
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s);
}

function _checkLattice(where: string, lat: unknown): Lattice {
  const l = lat as Lattice;
  if (
    l === null || typeof l !== "object" || !Array.isArray(l.edges) || !Array.isArray(l.symbols) ||
    !(l.inStart instanceof Int32Array)
  ) {
    typeError(where, "lat", "a Lattice from buildLattice", lat);
  }
  return l;
}

function _checkAlpha(where: string, alpha: unknown): number {
  checkFinite(where, "alpha", alpha);
  if ((alpha as number) < 0) {
    rangeError(where, "alpha", "≥ 0 (BytePiece maps α ≤ 0 to decoding: call viterbiDecode)", alpha);
  }
  return alpha as number;
}

function _tokensFromPrev(lat: Lattice, prev: Int32Array, where: string): string[] {
  const out: string[] = [];
  let e = lat.length;
  while (e > 0) {
    const s = prev[e]!;
    if (s < 0 || s >= e) throw new RangeError(`${where}: position ${e} is not reachable (no segmentation)`);
    out.push(lat.symbols.slice(s, e).join(""));
    e = s;
  }
  return out.reverse();
}

// ---------------------------------------------------------------------------------------------
// vocabularies and lattices

/**
 * A vocabulary from token probabilities: $v=\log p$. The values are **not** renormalised (only ratios
 * matter for the samplers; pass normalised probabilities for a proper unigram model).
 *
 * @param p token → probability (> 0), as a record or a Map
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const v = vocabFromProbs({ a: 0.5, ab: 0.25, b: 0.25 });
 * assertAlmostEquals(v.get("ab")!, Math.log(0.25), 1e-15);
 * ```
 */
export function vocabFromProbs(p: Record<string, number> | Map<string, number>): Vocab {
  if (p === null || typeof p !== "object") {
    typeError("vocabFromProbs", "p", "a record token → probability", p);
  }
  const entries = p instanceof Map ? [...p.entries()] : Object.entries(p);
  if (entries.length === 0) rangeError("vocabFromProbs", "p", "non-empty", "{}");
  const v: Vocab = new Map();
  for (const [tok, q] of entries) {
    if (tok.length === 0) rangeError("vocabFromProbs", "token", "a non-empty string", tok);
    checkFinite("vocabFromProbs", `p[${JSON.stringify(tok)}]`, q);
    if (q <= 0) rangeError("vocabFromProbs", `p[${JSON.stringify(tok)}]`, "> 0", q);
    v.set(tok, Math.log(q));
  }
  return v;
}

type _TrieNode = { next: Map<string, _TrieNode>; v: number | undefined };
const _trieCache = new WeakMap<Vocab, { root: _TrieNode; maxLen: number; size: number }>();

/** A code-point trie of the vocabulary (cached per Map; rebuilt if the Map's size changed). */
function _vocabTrie(vocab: Vocab): { root: _TrieNode; maxLen: number } {
  const hit = _trieCache.get(vocab);
  if (hit !== undefined && hit.size === vocab.size) return hit;
  const root: _TrieNode = { next: new Map(), v: undefined };
  let maxLen = 0;
  for (const [tok, v] of vocab) {
    let node = root, len = 0;
    for (const ch of tok) {
      let nx = node.next.get(ch);
      if (nx === undefined) node.next.set(ch, nx = { next: new Map(), v: undefined });
      node = nx;
      len++;
    }
    node.v = v;
    maxLen = Math.max(maxLen, len);
  }
  const built = { root, maxLen, size: vocab.size };
  _trieCache.set(vocab, built);
  return built;
}

/**
 * Builds the segmentation lattice of `text` (code points) under `vocab`, edges in arrival order.
 * Matches are found by walking a code-point trie of the vocabulary from every start position (the
 * trie is cached per `vocab` Map: treat a vocabulary as immutable once used).
 *
 * @param text the string to segment (non-empty)
 * @param vocab token → log p (see {@link vocabFromProbs}); its keys are matched against substrings
 * @param opts order (default "longest-first", BytePiece's); maxLen caps the token length in code points
 *   (default: the longest vocabulary token)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { buildLattice, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.4, b: 0.4, ab: 0.2 }));
 * assertEquals(lat.edges.map((x) => [x.s, x.e]), [[0, 1], [0, 2], [1, 2]]); // at e = 2: "ab" before "b"
 * ```
 */
export function buildLattice(
  text: string,
  vocab: Vocab,
  opts: { order?: LatticeOrder; maxLen?: number } = {},
): Lattice {
  if (typeof text !== "string") typeError("buildLattice", "text", "a string", text);
  if (text.length === 0) rangeError("buildLattice", "text", "a non-empty string", text);
  if (!(vocab instanceof Map)) typeError("buildLattice", "vocab", "a Map token → log p", vocab);
  const order = opts.order ?? "longest-first";
  if (order !== "longest-first" && order !== "shortest-first") {
    rangeError("buildLattice", "order", '"longest-first" or "shortest-first"', order);
  }
  const trie = _vocabTrie(vocab);
  const maxLen = opts.maxLen === undefined ? trie.maxLen : checkInt("buildLattice", "maxLen", opts.maxLen, 1);
  const symbols = Array.from(text);
  const L = symbols.length;
  // Walk the trie from every start s (s ascending), collecting matches; then bucket them by end e
  // (a stable counting sort), so within one e the starts are ascending (longest first).
  const ms: number[] = [], me: number[] = [], mv: number[] = [];
  const inStart = new Int32Array(L + 2);
  for (let s = 0; s < L; s++) {
    let node: _TrieNode | undefined = trie.root;
    for (let e = s + 1; e <= L && e - s <= maxLen; e++) {
      node = node.next.get(symbols[e - 1]!);
      if (node === undefined) break;
      if (node.v !== undefined) {
        ms.push(s);
        me.push(e);
        mv.push(node.v);
        inStart[e + 1]!++;
      }
    }
  }
  for (let e = 1; e <= L + 1; e++) inStart[e]! += inStart[e - 1]!;
  const edges: Edge[] = new Array(ms.length);
  const fill = inStart.slice(0, L + 1);
  if (order === "longest-first") {
    for (let i = 0; i < ms.length; i++) edges[fill[me[i]!]!++] = { s: ms[i]!, e: me[i]!, v: mv[i]! };
  } else {
    for (let i = ms.length - 1; i >= 0; i--) edges[fill[me[i]!]!++] = { s: ms[i]!, e: me[i]!, v: mv[i]! };
  }
  return { length: L, edges, symbols, order, inStart };
}

/**
 * A unigram vocabulary learned by counting: every substring of `corpus` with at most `maxLen` code
 * points is counted; all single characters are kept (so every string over the corpus alphabet is
 * segmentable) plus the `keep` most frequent longer substrings (ties broken by first appearance);
 * $p\propto$ count, normalised over the kept set, stored as $\log p$.
 *
 * @param corpus training text (non-empty)
 * @param opts maxLen ≥ 1 (longest substring counted), keep ≥ 0 (multi-character tokens kept)
 * @example
 * ```ts
 * import { assert, assertAlmostEquals } from "@std/assert";
 * import { buildSubstringVocab } from "@lib/tokenize/unigram.ts";
 * const v = buildSubstringVocab("abababc", { maxLen: 2, keep: 1 });
 * assert(v.has("a") && v.has("c") && v.has("ab") && !v.has("ba"));
 * assertAlmostEquals([...v.values()].reduce((s, x) => s + Math.exp(x), 0), 1, 1e-12);
 * ```
 */
export function buildSubstringVocab(corpus: string, opts: { maxLen: number; keep: number }): Vocab {
  if (typeof corpus !== "string") typeError("buildSubstringVocab", "corpus", "a string", corpus);
  if (corpus.length === 0) rangeError("buildSubstringVocab", "corpus", "a non-empty string", corpus);
  if (opts === null || typeof opts !== "object") {
    typeError("buildSubstringVocab", "opts", "{ maxLen, keep }", opts);
  }
  const maxLen = checkInt("buildSubstringVocab", "maxLen", opts.maxLen, 1);
  const keep = checkInt("buildSubstringVocab", "keep", opts.keep, 0);
  const sym = Array.from(corpus);
  const counts = new Map<string, number>();
  for (let i = 0; i < sym.length; i++) {
    let t = "";
    for (let k = 0; k < maxLen && i + k < sym.length; k++) {
      t += sym[i + k]!;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  }
  const singles: [string, number][] = [], longer: [string, number][] = [];
  for (const kv of counts) ([...kv[0]].length === 1 ? singles : longer).push(kv);
  longer.sort((a, b) => b[1] - a[1]); // stable: ties keep first appearance
  const kept = singles.concat(longer.slice(0, keep));
  const total = kept.reduce((s, [, c]) => s + c, 0);
  const logTotal = Math.log(total);
  return new Map(kept.map(([t, c]) => [t, Math.log(c) - logTotal]));
}

// ---------------------------------------------------------------------------------------------
// decoding and samplers

/**
 * Viterbi decoding: the maximum-score segmentation
 * $\boldsymbol w^*=\arg\max_{\boldsymbol w\in\Omega(S)}\sum_i\log p(w_i)$, by the one-pass rule
 * `t = score[s] + v; if (t > score[e]) { score[e] = t; prev[e] = s }` over the edges in arrival order.
 * Ties keep the first arrival (the longest token at that end, in the default order).
 *
 * @param lat the lattice; throws a RangeError if the end is unreachable
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { buildLattice, viterbiDecode, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const v = vocabFromProbs({ a: 0.3, b: 0.3, ab: 0.2, abb: 0.05 });
 * assertEquals(viterbiDecode(buildLattice("abb", v)).tokens, ["ab", "b"]);
 * ```
 */
export function viterbiDecode(lat: Lattice): Segmentation {
  _checkLattice("viterbiDecode", lat);
  const L = lat.length;
  const score = new Float64Array(L + 1).fill(-Infinity);
  const prev = new Int32Array(L + 1).fill(-1);
  score[0] = 0;
  for (const { s, e, v } of lat.edges) {
    const t = score[s]! + v;
    if (t > score[e]!) {
      score[e] = t;
      prev[e] = s;
    }
  }
  return { tokens: _tokensFromPrev(lat, prev, "viterbiDecode"), score: score[L]! };
}

/**
 * The article's Viterbi Sampling (BytePiece 0.4.0): decoding with the comparison made random,
 * $r_i=1\iff\varepsilon<\sigma(\alpha(s_i-s_{i-1}))$, $\varepsilon\sim U[0,1)$, where $s_i$ is the score of
 * the arriving route and $s_{i-1}$ that of the route currently held at this end. The held score is the
 * *sampled* route's score. The first arrival always wins ($\sigma(+\infty)=1$). Its output distribution
 * is **not** $P_\alpha$ (see {@link exactOldSamplerDistribution}).
 *
 * @param lat the lattice
 * @param alpha ≥ 0 (α → ∞ is decoding; α = 0 makes every duel a fair coin)
 * @param rng random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { buildLattice, viterbiSampleOld, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.01 }));
 * assertEquals(viterbiSampleOld(lat, 1000, createRng(1)), ["a", "b"]);
 * ```
 */
export function viterbiSampleOld(lat: Lattice, alpha: number, rng: Rng): string[] {
  _checkLattice("viterbiSampleOld", lat);
  _checkAlpha("viterbiSampleOld", alpha);
  const L = lat.length;
  const score = new Float64Array(L + 1).fill(-Infinity);
  const prev = new Int32Array(L + 1).fill(-1);
  score[0] = 0;
  for (const { s, e, v } of lat.edges) {
    const ss = score[s]!;
    if (ss === -Infinity) continue;
    const t = ss + v, held = score[e]!;
    if (held === -Infinity || rng() < _sigmoid(alpha * (t - held))) {
      score[e] = t;
      prev[e] = s;
    }
  }
  return _tokensFromPrev(lat, prev, "viterbiSampleOld");
}

/**
 * The interim fix (BytePiece commit 4e92759), kept for comparison: the end position accumulates
 * $Z^{\log}_e\leftarrow\mathrm{logsumexp}(Z^{\log}_e,\alpha t)$ with $t$ the *sampled* prefix score plus
 * $v$, and accepts with probability $e^{\alpha t-Z^{\log}_e}$. Using the sampled prefix score instead of
 * the prefix partition function leaves it inexact.
 *
 * @param lat the lattice
 * @param alpha ≥ 0
 * @param rng random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { buildLattice, viterbiSampleInterim, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5 }));
 * assertEquals(viterbiSampleInterim(lat, 1, createRng(1)), ["a", "b"]);
 * ```
 */
export function viterbiSampleInterim(lat: Lattice, alpha: number, rng: Rng): string[] {
  _checkLattice("viterbiSampleInterim", lat);
  _checkAlpha("viterbiSampleInterim", alpha);
  const L = lat.length;
  const score = new Float64Array(L + 1).fill(-Infinity);
  const logZ = new Float64Array(L + 1).fill(-Infinity);
  const prev = new Int32Array(L + 1).fill(-1);
  score[0] = 0;
  for (const { s, e, v } of lat.edges) {
    const ss = score[s]!;
    if (ss === -Infinity) continue;
    const t = ss + v, at = alpha * t;
    logZ[e] = _lse2(logZ[e]!, at);
    if (rng() < Math.exp(at - logZ[e]!)) {
      score[e] = t;
      prev[e] = s;
    }
  }
  return _tokensFromPrev(lat, prev, "viterbiSampleInterim");
}

/**
 * The exact one-pass sampler (BytePiece ≥ 0.5.0, O10): weighted reservoir sampling at each end,
 * $Z^{\log}_e\leftarrow\mathrm{logsumexp}(Z^{\log}_e,\,Z^{\log}_s+\alpha v)$ and accept the arriving route
 * iff $\varepsilon<e^{Z^{\log}_s+\alpha v-Z^{\log}_e}$. Its output has law exactly
 * $P_\alpha(\boldsymbol w\mid S)\propto e^{\alpha s(\boldsymbol w)}$.
 *
 * @param lat the lattice
 * @param alpha ≥ 0 (0: uniform over $\Omega(S)$)
 * @param rng random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { buildLattice, viterbiSamplePerfect, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 1e-9 }));
 * assertEquals(viterbiSamplePerfect(lat, 50, createRng(1)), ["a", "b"]);
 * ```
 */
export function viterbiSamplePerfect(lat: Lattice, alpha: number, rng: Rng): string[] {
  _checkLattice("viterbiSamplePerfect", lat);
  _checkAlpha("viterbiSamplePerfect", alpha);
  const L = lat.length;
  const logZ = new Float64Array(L + 1).fill(-Infinity);
  const prev = new Int32Array(L + 1).fill(-1);
  logZ[0] = 0;
  for (const { s, e, v } of lat.edges) {
    const zs = logZ[s]!;
    if (zs === -Infinity) continue;
    const t = zs + alpha * v;
    const z = _lse2(logZ[e]!, t);
    logZ[e] = z;
    if (rng() < Math.exp(t - z)) prev[e] = s;
  }
  return _tokensFromPrev(lat, prev, "viterbiSamplePerfect");
}

/**
 * Prefix log-partition functions $Z^{\log}_e=\log\sum_{\text{paths }0\to e}e^{\alpha\,\text{score}}$,
 * by $Z(e)=\sum_{(s,e,v)}Z(s)\,e^{\alpha v}$ in log space ($Z^{\log}_0=0$; unreachable: $-\infty$).
 *
 * @param lat the lattice
 * @param alpha ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { buildLattice, logPartition, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.25 }));
 * assertAlmostEquals(logPartition(lat, 1)[2]!, Math.log(0.25 + 0.25), 1e-15);
 * ```
 */
export function logPartition(lat: Lattice, alpha: number): Float64Array {
  _checkLattice("logPartition", lat);
  _checkAlpha("logPartition", alpha);
  const logZ = new Float64Array(lat.length + 1).fill(-Infinity);
  logZ[0] = 0;
  for (const { s, e, v } of lat.edges) {
    if (logZ[s] === -Infinity) continue;
    logZ[e] = _lse2(logZ[e]!, logZ[s]! + alpha * v);
  }
  return logZ;
}

/**
 * Forward-filtering backward-sampling (SentencePiece `Lattice::Sample`): compute
 * $Z^{\log}$, then walk back from $L$ choosing an incoming edge $(s\to e)$ with probability
 * $\exp(Z^{\log}_s+\alpha v-Z^{\log}_e)$. Exact for $P_\alpha$, with a second pass.
 *
 * @param lat the lattice
 * @param alpha ≥ 0
 * @param rng random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { buildLattice, ffbsSample, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5 }));
 * assertEquals(ffbsSample(lat, 1, createRng(3)), ["a", "b"]);
 * ```
 */
export function ffbsSample(lat: Lattice, alpha: number, rng: Rng): string[] {
  const logZ = logPartition(lat, alpha);
  const L = lat.length;
  if (logZ[L] === -Infinity) {
    throw new RangeError(`ffbsSample: position ${L} is not reachable (no segmentation)`);
  }
  const out: string[] = [];
  let e = L;
  while (e > 0) {
    const u = rng();
    let acc = 0, chosen = -1;
    const lo = lat.inStart[e]!, hi = lat.inStart[e + 1]!;
    for (let i = lo; i < hi; i++) {
      const { s, v } = lat.edges[i]!;
      if (logZ[s] === -Infinity) continue;
      chosen = s;
      acc += Math.exp(logZ[s]! + alpha * v - logZ[e]!);
      if (u < acc) break;
    }
    out.push(lat.symbols.slice(chosen, e).join(""));
    e = chosen;
  }
  return out.reverse();
}

/**
 * The top-`n` segmentations by score (exact k-best Viterbi): each position keeps its best `n` partial
 * paths, obtained by merging the sorted lists of its incoming edges. Scores are non-increasing; equal
 * scores keep arrival order. Fewer than `n` are returned when $|\Omega(S)|<n$.
 *
 * @param lat the lattice
 * @param n ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { buildLattice, nBest, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.1 }));
 * assertEquals(nBest(lat, 5).map((x) => x.tokens.join("|")), ["a|b", "ab"]);
 * ```
 */
export function nBest(lat: Lattice, n: number): Segmentation[] {
  _checkLattice("nBest", lat);
  checkInt("nBest", "n", n, 1);
  const L = lat.length;
  const score = new Float64Array((L + 1) * n);
  const backPos = new Int32Array((L + 1) * n);
  const backRank = new Int32Array((L + 1) * n);
  const count = new Int32Array(L + 1);
  count[0] = 1;
  const ptr: number[] = [];
  for (let e = 1; e <= L; e++) {
    const lo = lat.inStart[e]!, hi = lat.inStart[e + 1]!;
    ptr.length = 0;
    for (let i = lo; i < hi; i++) ptr.push(0);
    let k = 0;
    while (k < n) {
      // pick the incoming list whose next candidate is best (first edge wins ties)
      let best = -1, bestScore = -Infinity;
      for (let i = lo; i < hi; i++) {
        const { s, v } = lat.edges[i]!;
        const r = ptr[i - lo]!;
        if (r >= count[s]!) continue;
        const c = score[s * n + r]! + v;
        if (best < 0 || c > bestScore) {
          best = i;
          bestScore = c;
        }
      }
      if (best < 0) break;
      const s = lat.edges[best]!.s;
      score[e * n + k] = bestScore;
      backPos[e * n + k] = s;
      backRank[e * n + k] = ptr[best - lo]!;
      ptr[best - lo]!++;
      k++;
    }
    count[e] = k;
  }
  const out: Segmentation[] = [];
  for (let k = 0; k < count[L]!; k++) {
    const toks: string[] = [];
    let e = L, r = k;
    while (e > 0) {
      const s = backPos[e * n + r]!, r2 = backRank[e * n + r]!;
      toks.push(lat.symbols.slice(s, e).join(""));
      e = s;
      r = r2;
    }
    out.push({ tokens: toks.reverse(), score: score[L * n + k]! });
  }
  if (out.length === 0) throw new RangeError(`nBest: position ${L} is not reachable (no segmentation)`);
  return out;
}

/**
 * Subword Regularization with n-best sampling (Kudo 2018): draw one of the top-`n` segmentations with
 * probability $p_i=P(\boldsymbol w^*_i)^\alpha/\sum_{j=1}^n P(\boldsymbol w^*_j)^\alpha$.
 *
 * @param lat the lattice
 * @param n ≥ 1 (n = 1 is decoding)
 * @param alpha ≥ 0
 * @param rng random stream
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { buildLattice, nBestSample, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.1 }));
 * assertEquals(nBestSample(lat, 1, 1, createRng(0)), ["a", "b"]);
 * ```
 */
export function nBestSample(lat: Lattice, n: number, alpha: number, rng: Rng): string[] {
  _checkAlpha("nBestSample", alpha);
  const best = nBest(lat, n);
  const logits = best.map((b) => alpha * b.score);
  const z = _lse(logits);
  const u = rng();
  let acc = 0;
  for (let i = 0; i < best.length; i++) {
    acc += Math.exp(logits[i]! - z);
    if (u < acc) return best[i]!.tokens;
  }
  return best[best.length - 1]!.tokens;
}

// ---------------------------------------------------------------------------------------------
// exact references for small inputs

/**
 * All segmentations $\Omega(S)$ with their scores, by depth-first search (in lexicographic order of
 * cut positions, shorter first tokens first).
 *
 * @param lat the lattice
 * @param opts limit on the number of segmentations (default 1e6; RangeError beyond)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { buildLattice, enumerateSegmentations, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const v = vocabFromProbs({ w: 1, wat: 1, watch: 1, atching: 1, ching: 1, ing: 1 });
 * assertEquals(enumerateSegmentations(buildLattice("watching", v)).length, 3);
 * ```
 */
export function enumerateSegmentations(lat: Lattice, opts: { limit?: number } = {}): Segmentation[] {
  _checkLattice("enumerateSegmentations", lat);
  const limit = checkInt("enumerateSegmentations", "limit", opts.limit ?? 1e6, 1);
  const L = lat.length;
  const out: Segmentation[] = [];
  const outgoing: Edge[][] = Array.from({ length: L + 1 }, () => []);
  for (const ed of lat.edges) outgoing[ed.s]!.push(ed);
  for (const list of outgoing) list.sort((a, b) => a.e - b.e);
  const stack: string[] = [];
  const go = (pos: number, sc: number) => {
    if (pos === L) {
      if (out.length >= limit) {
        rangeError("enumerateSegmentations", "number of segmentations", `≤ limit = ${limit}`, out.length + 1);
      }
      out.push({ tokens: [...stack], score: sc });
      return;
    }
    for (const { e, v } of outgoing[pos]!) {
      stack.push(lat.symbols.slice(pos, e).join(""));
      go(e, sc + v);
      stack.pop();
    }
  };
  go(0, 0);
  return out;
}

/**
 * The reference target $P_\alpha(\boldsymbol w\mid S)=e^{\alpha s(\boldsymbol w)}/\sum_{\boldsymbol w'}e^{\alpha s(\boldsymbol w')}$,
 * exactly, by enumeration (keys: tokens joined with `"|"`).
 *
 * @param lat the lattice (small: enumerated)
 * @param alpha ≥ 0
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { buildLattice, targetDistribution, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const lat = buildLattice("ab", vocabFromProbs({ a: 0.5, b: 0.5, ab: 0.5 }));
 * assertAlmostEquals(targetDistribution(lat, 1).get("ab")!, 2 / 3, 1e-15);
 * ```
 */
export function targetDistribution(lat: Lattice, alpha: number): Map<string, number> {
  _checkAlpha("targetDistribution", alpha);
  const segs = enumerateSegmentations(lat);
  if (segs.length === 0) throw new RangeError(`targetDistribution: position ${lat.length} is not reachable`);
  const logits = segs.map((x) => alpha * x.score);
  const z = _lse(logits);
  return new Map(segs.map((x, i) => [segKey(x.tokens), Math.exp(logits[i]! - z)]));
}

/**
 * The exact output distribution of {@link viterbiSampleOld} (or, with `variant: "interim"`, of
 * {@link viterbiSampleInterim}): a depth-first search over every accept/reject outcome in arrival
 * order, multiplying the outcome probabilities, and adding each leaf's probability to the segmentation
 * it backtracks to. Certain outcomes (probability 0 or 1) do not branch. Refuses lattices with more than
 * $2^{22}$ potential branches ($2^{\#\text{edges}-\#\text{positions}}$).
 *
 * @param lat the lattice (small)
 * @param alpha ≥ 0
 * @param variant "old" (default) or "interim"
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { buildLattice, exactOldSamplerDistribution, vocabFromProbs } from "@lib/tokenize/unigram.ts";
 * const v = vocabFromProbs({ w: 1, wat: 1, watch: 1, atching: 1, ching: 1, ing: 1 });
 * const d = exactOldSamplerDistribution(buildLattice("watching", v), 1);
 * assertAlmostEquals(d.get("watch|ing")!, 0.5, 1e-12); // equal weights, yet the last arrival gets 1/2
 * ```
 */
export function exactOldSamplerDistribution(
  lat: Lattice,
  alpha: number,
  variant: "old" | "interim" = "old",
): Map<string, number> {
  _checkLattice("exactOldSamplerDistribution", lat);
  _checkAlpha("exactOldSamplerDistribution", alpha);
  if (variant !== "old" && variant !== "interim") {
    rangeError("exactOldSamplerDistribution", "variant", '"old" or "interim"', variant);
  }
  const L = lat.length, edges = lat.edges;
  const branchBits = edges.length - L;
  if (branchBits > 22) {
    rangeError("exactOldSamplerDistribution", "#edges − #positions", "≤ 22 (2^22 branches)", branchBits);
  }
  const score = new Float64Array(L + 1).fill(-Infinity);
  const logZ = new Float64Array(L + 1).fill(-Infinity);
  const prev = new Int32Array(L + 1).fill(-1);
  score[0] = 0;
  const out = new Map<string, number>();
  const interim = variant === "interim";
  const go = (i: number, pr: number) => {
    if (pr === 0) return;
    if (i === edges.length) {
      if (prev[L]! < 0) return;
      const key = segKey(_tokensFromPrev(lat, prev, "exactOldSamplerDistribution"));
      out.set(key, (out.get(key) ?? 0) + pr);
      return;
    }
    const { s, e, v } = edges[i]!;
    const ss = score[s]!;
    if (ss === -Infinity) return go(i + 1, pr);
    const t = ss + v;
    const oldScore = score[e]!, oldPrev = prev[e]!, oldZ = logZ[e]!;
    let a: number;
    if (interim) {
      logZ[e] = _lse2(oldZ, alpha * t);
      a = Math.exp(alpha * t - logZ[e]!);
    } else {
      a = oldScore === -Infinity ? 1 : _sigmoid(alpha * (t - oldScore));
    }
    if (a > 0) {
      score[e] = t;
      prev[e] = s;
      go(i + 1, pr * a);
      score[e] = oldScore;
      prev[e] = oldPrev;
    }
    if (a < 1) go(i + 1, pr * (1 - a));
    logZ[e] = oldZ;
  };
  go(0, 1);
  if (out.size === 0) throw new RangeError(`exactOldSamplerDistribution: position ${L} is not reachable`);
  return out;
}
