/**
 * KV-cache sizes and the cost of one decoding step for MHA, MQA, GQA and MLA (Su, "The tug-of-war between cache
 * and quality: from MHA, MQA, GQA to MLA", https://kexue.fm/archives/10091).
 *
 * Per token and per layer an autoregressive decoder keeps:
 * - MHA: every head's key and value, $h(d_k + d_v)$ numbers;
 * - MQA: one key and one value shared by all heads, $d_k + d_v$ (1/h of MHA);
 * - GQA with g groups: $g(d_k + d_v)$ (g/h of MHA; g = h is MHA, g = 1 is MQA);
 * - MLA: the shared latent $c_i \in \mathbb R^{d_c}$ plus the shared RoPE key $\in \mathbb R^{d_r}$, $d_c + d_r$
 *   numbers, independent of h.
 *
 * @module
 */
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";

/** The attention variants whose cache is sized here. */
export type AttnKind = "mha" | "mqa" | "gqa" | "mla";

/**
 * Attention sizes (any subset; each kind says which fields it needs): model width d, heads h, key and value head
 * sizes d_k, d_v, GQA groups g, MLA latent size d_c, MLA query latent size d'_c (`dcq`) and decoupled RoPE size d_r.
 */
export interface AttnDims {
  d?: number;
  h?: number;
  dk?: number;
  dv?: number;
  g?: number;
  dc?: number;
  dcq?: number;
  dr?: number;
}

const KINDS: readonly AttnKind[] = ["mha", "mqa", "gqa", "mla"];

function need(where: string, dims: AttnDims, key: keyof AttnDims, kind: AttnKind, min = 1): number {
  const v = dims[key];
  if (v === undefined) rangeError(where, `dims.${key}`, `given for "${kind}"`, v);
  return checkInt(where, `dims.${key}`, v, min);
}

function checkKind(where: string, kind: unknown, dims: unknown): void {
  if (!KINDS.includes(kind as AttnKind)) rangeError(where, "kind", '"mha", "mqa", "gqa" or "mla"', kind);
  if (dims === null || typeof dims !== "object") typeError(where, "dims", "an AttnDims object", dims);
}

/**
 * Cached numbers (elements) per token per layer: MHA $h(d_k+d_v)$, MQA $d_k+d_v$, GQA $g(d_k+d_v)$ (g must
 * divide h when h is given), MLA $d_c + d_r$ (d_r defaults to 0, MLA without RoPE).
 *
 * @param kind `"mha"`, `"mqa"`, `"gqa"` or `"mla"`
 * @param dims the sizes the kind needs: h, dk, dv (MHA); dk, dv (MQA); g, dk, dv (GQA); dc, dr (MLA)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kvCachePerToken } from "@lib/attention/kv_cache.ts";
 * assertEquals(kvCachePerToken("mha", { h: 32, dk: 128, dv: 128 }), 8192); // LLaMA-2-7B
 * assertEquals(kvCachePerToken("gqa", { h: 64, g: 8, dk: 128, dv: 128 }), 2048); // LLaMA-2-70B
 * assertEquals(kvCachePerToken("mla", { dc: 512, dr: 64 }), 576); // DeepSeek-V2
 * ```
 */
export function kvCachePerToken(kind: AttnKind, dims: AttnDims): number {
  const where = "kvCachePerToken";
  checkKind(where, kind, dims);
  if (kind === "mla") {
    return need(where, dims, "dc", kind) + (dims.dr === undefined ? 0 : need(where, dims, "dr", kind, 0));
  }
  const kv = need(where, dims, "dk", kind) + need(where, dims, "dv", kind);
  if (kind === "mqa") return kv;
  if (kind === "mha") return need(where, dims, "h", kind) * kv;
  const g = need(where, dims, "g", kind);
  if (dims.h !== undefined) {
    const h = need(where, dims, "h", kind);
    if (h % g !== 0) rangeError(where, "dims.g", `a divisor of h = ${h}`, g);
  }
  return g * kv;
}

/**
 * Total cache size in bytes, $\text{perToken}\cdot\text{layers}\cdot\text{context}\cdot\text{batch}\cdot\text{bytesPerElem}$.
 *
 * @param kind the attention variant
 * @param dims its sizes (see {@link kvCachePerToken})
 * @param opts `layers` and `context` (integers ≥ 1), `batch` (default 1), `bytesPerElem` (default 2: BF16/FP16)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kvCacheBytes } from "@lib/attention/kv_cache.ts";
 * // LLaMA-2-7B (32 layers) at 4096 tokens in FP16: 2 GiB
 * assertEquals(kvCacheBytes("mha", { h: 32, dk: 128, dv: 128 }, { layers: 32, context: 4096 }), 2 ** 31);
 * ```
 */
export function kvCacheBytes(
  kind: AttnKind,
  dims: AttnDims,
  opts: { layers: number; context: number; batch?: number; bytesPerElem?: number },
): number {
  const where = "kvCacheBytes";
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "{ layers, context }", opts);
  const layers = checkInt(where, "opts.layers", opts.layers, 1);
  const context = checkInt(where, "opts.context", opts.context, 1);
  const batch = checkInt(where, "opts.batch", opts.batch ?? 1, 1);
  const bytes = checkPositive(where, "opts.bytesPerElem", opts.bytesPerElem ?? 2);
  return kvCachePerToken(kind, dims) * layers * context * batch * bytes;
}

/** What one decoding step of one layer costs: see {@link decodeCost}. */
export interface DecodeCost {
  /** Multiply-adds of the scores and the weighted sum over the cached tokens (all heads). */
  flops: number;
  /** Bytes of cache read: every cached element once. */
  cacheBytes: number;
  /** The Q/K head size and the V head size the attention works with in this form. */
  qkHead: number;
  vHead: number;
  /** flops / cacheBytes: multiply-adds per byte read (the arithmetic intensity of the step). */
  intensity: number;
}

/**
 * The cost of generating one token in one layer with `context` cached tokens: multiply-adds of attention over
 * the cache, $h \cdot \text{context}\cdot(d_{qk} + d_{v})$, and bytes read from the cache,
 * $\text{perToken}\cdot\text{context}\cdot\text{bytesPerElem}$. MHA, MQA and GQA have $d_{qk} = d_k$,
 * $d_v = d_v$; the decode (MQA-like) form of MLA works with $d_{qk} = d_c + d_r$ and value size $d_c$, so it does
 * more arithmetic per head while reading far fewer bytes. Projections (independent of the context) are not counted.
 *
 * @param kind the attention variant
 * @param dims sizes; every kind needs h; MLA needs dc (and dr, default 0)
 * @param context the number of cached tokens, an integer ≥ 1
 * @param opts `bytesPerElem` (default 2)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decodeCost } from "@lib/attention/kv_cache.ts";
 * const mla = decodeCost("mla", { h: 128, dc: 512, dr: 64 }, 1000);
 * assertEquals(mla.flops, 128 * 1000 * (576 + 512));
 * assertEquals(mla.cacheBytes, 576 * 1000 * 2);
 * ```
 */
export function decodeCost(
  kind: AttnKind,
  dims: AttnDims,
  context: number,
  opts: { bytesPerElem?: number } = {},
): DecodeCost {
  const where = "decodeCost";
  checkKind(where, kind, dims);
  checkInt(where, "context", context, 1);
  const bytes = checkPositive(where, "opts.bytesPerElem", opts.bytesPerElem ?? 2);
  const h = need(where, dims, "h", kind);
  const perToken = kvCachePerToken(kind, dims);
  let qkHead: number, vHead: number;
  if (kind === "mla") {
    qkHead = need(where, dims, "dc", kind) + (dims.dr ?? 0);
    vHead = need(where, dims, "dc", kind);
  } else {
    qkHead = need(where, dims, "dk", kind);
    vHead = need(where, dims, "dv", kind);
  }
  const flops = h * context * (qkHead + vHead);
  const cacheBytes = perToken * context * bytes;
  return { flops, cacheBytes, qkHead, vHead, intensity: flops / cacheBytes };
}
