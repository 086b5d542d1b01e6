/**
 * Several training seeds of the shared length-extrapolation experiment (`toy_extrapolation.ts`): train (or load
 * from the cache) each variant once per seed, evaluate it under its modifications, and read the table back per
 * seed, so that a notebook's claims can use the worst case over seeds, e.g.
 * $$\min_{\text{seed}}\big(\mathrm{acc}_{\rm KNA}(512) - \mathrm{acc}_{\rm RoPE}(512)\big) \ge X.$$
 * Also the probe of the KeyNorm article (https://kexue.fm/archives/9859): the norm and angle statistics of the
 * trained queries and keys, $s_{ij} = \|q_i\|\,\|k_j\|\cos(q_i,k_j)$.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { createRng } from "../core/rng.ts";
import { matrix } from "../core/matrix.ts";
import { checkInt, rangeError, typeError } from "../core/validate.ts";
import { markovSource, sampleMarkov } from "../data/synthetic_lm.ts";
import { disposeToyLM, type ToyLMConfig, toyLMForward, type ToyLMParams } from "../nn/toy_lm.ts";
import { type QKGeometry, qkGeometry } from "../attention/qk_norm.ts";
import {
  evalExtrapolation,
  type EvalOpts,
  evalRunOpts,
  type ExtrapRow,
  type InferenceMod,
  lastToyTrain,
  MARKOV_SEED,
  type ToyVariant,
  trainToyLM,
} from "./toy_extrapolation.ts";

/** One evaluated cell of one seed. */
export interface SeedRow extends ExtrapRow {
  seed: number;
}

/** What to evaluate for one trained variant: every mod at every length. */
export interface SeedSuiteItem {
  variant: ToyVariant;
  mods: InferenceMod[];
  lengths: number[];
}

/** Training record of one variant and seed. */
export interface SeedTrainInfo {
  variant: ToyVariant;
  seed: number;
  /** Seconds spent in `trainToyLM` (≈ 0 when loaded from the cache). */
  seconds: number;
  fromCache: boolean;
  /** Mean training loss over the last 50 steps (nats/token). */
  finalLoss: number;
}

/** Options of {@link runToySeeds}. */
export interface RunToySeedsOpts {
  /** Training seeds, e.g. [0, 1]. */
  seeds: number[];
  /** Adam steps, batch, lr (shared with the other notebooks so the cache is shared). */
  train: { steps: number; batch: number; lr: number; cacheDir?: string | null };
  /** Evaluation set sizes and seed (the same for every variant and training seed). */
  eval: EvalOpts;
  /** Called after each variant-seed is trained or loaded. */
  onTrained?: (info: SeedTrainInfo) => void;
}

/**
 * Trains (or loads) every variant of `items` for every seed, evaluates it, frees the weights, and returns all
 * rows tagged with their seed plus one training record per variant and seed. Items naming the same variant share
 * one training. Deterministic: same arguments → identical rows.
 *
 * @param cfg sizes (the shared experiment uses `TOY_CONFIG`)
 * @param items variants with their modifications and lengths
 * @param opts seeds, training and evaluation options
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { TOY_CONFIG } from "@lib/position/toy_extrapolation.ts";
 * import { runToySeeds } from "@lib/position/toy_seeds.ts";
 * await initTf();
 * const cfg = { ...TOY_CONFIG, trainLen: 16 };
 * const out = await runToySeeds(cfg, [{ variant: "rope", mods: ["none"], lengths: [32] }], {
 *   seeds: [0, 1], train: { steps: 2, batch: 2, lr: 1e-2, cacheDir: null }, eval: { textSeqs: 2, passkeySeqs: 2, seed: 0 },
 * });
 * assertEquals(out.rows.map((r) => r.seed), [0, 1]);
 * ```
 */
export async function runToySeeds(
  cfg: ToyLMConfig,
  items: SeedSuiteItem[],
  opts: RunToySeedsOpts,
): Promise<{ rows: SeedRow[]; train: SeedTrainInfo[] }> {
  const where = "runToySeeds";
  if (!Array.isArray(items) || items.length === 0) {
    typeError(where, "items", "a non-empty SeedSuiteItem[]", items);
  }
  if (!Array.isArray(opts?.seeds) || opts.seeds.length === 0) {
    typeError(where, "opts.seeds", "a non-empty number[]", opts?.seeds);
  }
  opts.seeds.forEach((s) => checkInt(where, "opts.seeds[·]", s, 0));
  if (new Set(opts.seeds).size !== opts.seeds.length) rangeError(where, "opts.seeds", "distinct", opts.seeds);
  const variants = [...new Set(items.map((it) => it.variant))];
  const rows: SeedRow[] = [], train: SeedTrainInfo[] = [];
  for (const v of variants) {
    for (const seed of opts.seeds) {
      const p = await trainToyLM(cfg, v, { ...opts.train, seed });
      const losses = p.losses ?? [];
      const tail = losses.slice(-50);
      const info: SeedTrainInfo = {
        variant: v,
        seed,
        seconds: lastToyTrain.seconds,
        fromCache: lastToyTrain.fromCache,
        finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
      };
      train.push(info);
      opts.onTrained?.(info);
      try {
        for (const it of items.filter((x) => x.variant === v)) {
          for (const r of evalExtrapolation(p, cfg, v, it.mods, it.lengths, opts.eval)) {
            rows.push({ ...r, seed });
          }
        }
      } finally {
        disposeToyLM(p);
      }
    }
  }
  return { rows, train };
}

/**
 * The values of one table cell, one per seed in ascending seed order.
 *
 * @param rows output of {@link runToySeeds}
 * @param variant trained variant
 * @param mod inference modification
 * @param length evaluation length
 * @param metric "textAcc" or "passkeyAcc" (or "lastNAcc")
 * @throws RangeError if the cell is missing
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { seedValues } from "@lib/position/toy_seeds.ts";
 * const rows = [1, 0].map((seed) => ({ seed, variant: "rope", mod: "none" as const, length: 64, textAcc: 40 + seed, passkeyAcc: 0 }));
 * assertEquals(seedValues(rows, "rope", "none", 64, "textAcc"), [40, 41]);
 * ```
 */
export function seedValues(
  rows: SeedRow[],
  variant: string,
  mod: InferenceMod,
  length: number,
  metric: "textAcc" | "passkeyAcc" | "lastNAcc",
): number[] {
  const hit = rows.filter((r) => r.variant === variant && r.mod === mod && r.length === length)
    .sort((a, b) => a.seed - b.seed);
  if (hit.length === 0) rangeError("seedValues", "cell", "present in rows", `${variant}/${mod}/${length}`);
  return hit.map((r) => {
    const x = r[metric];
    if (x === undefined) rangeError("seedValues", "metric", "present in the rows", metric);
    return x;
  });
}

/**
 * Per-seed differences a − b of two equally long lists (e.g. KNA minus RoPE, seed by seed), and their minimum.
 *
 * @param a values per seed
 * @param b values per seed, same order
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { seedMargin } from "@lib/position/toy_seeds.ts";
 * assertEquals(seedMargin([30, 35], [20, 31]), { diffs: [10, 4], min: 4 });
 * ```
 */
export function seedMargin(a: number[], b: number[]): { diffs: number[]; min: number } {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || a.length === 0) {
    rangeError("seedMargin", "b.length", `a.length = ${a?.length} (non-empty)`, b?.length);
  }
  const diffs = a.map((x, i) => x - (b[i] as number));
  return { diffs, min: Math.min(...diffs) };
}

/**
 * Formats per-seed values as "v0 / v1 / …" with `digits` decimals.
 *
 * @param values one number per seed
 * @param digits decimals (default 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatSeeds } from "@lib/position/toy_seeds.ts";
 * assertEquals(formatSeeds([42.123, 40]), "42.1 / 40.0");
 * ```
 */
export function formatSeeds(values: number[], digits = 1): string {
  return values.map((v) => v.toFixed(digits)).join(" / ");
}

/**
 * Norm/angle statistics ({@link qkGeometry}, causal pairs) of every layer's rotated queries and keys for a trained
 * toy model on `seqs` Markov text sequences of length `len`, averaged over the sequences.
 *
 * @param p trained weights
 * @param cfg sizes (one head)
 * @param v the variant `p` was trained as (its plain run options are used)
 * @param opts `len` (≤ N keeps it in-distribution), `seqs`, `seed` of the text
 * @returns one record per layer
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { initToyLM } from "@lib/nn/toy_lm.ts";
 * import { TOY_CONFIG } from "@lib/position/toy_extrapolation.ts";
 * import { toyQKGeometry } from "@lib/position/toy_seeds.ts";
 * await initTf();
 * const g = toyQKGeometry(initToyLM(TOY_CONFIG, 0), TOY_CONFIG, "kna", { len: 16, seqs: 2, seed: 0 });
 * assertEquals(g.length, 2);
 * assertEquals(g[0]!.keyNormCV < 1e-3, true); // KeyNorm: unit keys
 * ```
 */
export function toyQKGeometry(
  p: ToyLMParams,
  cfg: ToyLMConfig,
  v: ToyVariant,
  opts: { len: number; seqs: number; seed: number },
): QKGeometry[] {
  const where = "toyQKGeometry";
  if (cfg.heads !== 1) rangeError(where, "cfg.heads", "1", cfg.heads);
  const len = checkInt(where, "opts.len", opts.len, 2);
  const seqs = checkInt(where, "opts.seqs", opts.seqs, 1);
  const src = markovSource(16, 2, MARKOV_SEED), rng = createRng(opts.seed);
  const buf = new Int32Array(seqs * len);
  for (let s = 0; s < seqs; s++) buf.set(sampleMarkov(src, len, rng), s * len);
  const cap: { q: tf.Tensor[]; k: tf.Tensor[] } = { q: [], k: [] };
  tf.tidy(() => {
    toyLMForward(p, cfg, tf.tensor2d(buf, [seqs, len], "int32"), evalRunOpts(v, "none", cfg, len), cap);
  });
  const d = cfg.d;
  const out: QKGeometry[] = [];
  for (let l = 0; l < cap.q.length; l++) {
    const qa = cap.q[l]!.dataSync() as Float32Array, ka = cap.k[l]!.dataSync() as Float32Array;
    const acc = { keyNormCV: 0, queryNormCV: 0, cosMean: 0, cosStd: 0, pairs: 0 };
    for (let s = 0; s < seqs; s++) {
      const sl = (a: Float32Array) => matrix(len, d, a.subarray(s * len * d, (s + 1) * len * d));
      const g = qkGeometry(sl(qa), sl(ka), { causal: true });
      acc.keyNormCV += g.keyNormCV / seqs;
      acc.queryNormCV += g.queryNormCV / seqs;
      acc.cosMean += g.cosMean / seqs;
      acc.cosStd += g.cosStd / seqs;
      acc.pairs += g.pairs;
    }
    out.push(acc);
  }
  [...cap.q, ...cap.k].forEach((t) => t.dispose());
  return out;
}
