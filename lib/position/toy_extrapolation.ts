/**
 * The shared length-extrapolation experiment: a toy LM (`lib/nn/toy_lm.ts`) trained at length N = 64 on the
 * order-2 Markov text with passkey queries (`lib/data/synthetic_lm.ts`), then evaluated at longer lengths under
 * inference-time modifications. Variants map to {@link RunOpts}; {@link trainToyLM} caches the trained weights
 * in `.cache/toy_lm/<hash>.json` keyed by the exact configuration (plus {@link TOY_LM_VERSION}), so several
 * notebooks of one run share a baseline, and a cold cache simply retrains the same bits.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { createRng, type Rng } from "../core/rng.ts";
import { tfBlasInfo } from "../core/tf_blas.ts";
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import {
  markovSource,
  passkeyTokens,
  sampleMarkov,
  samplePasskeyEval,
  samplePasskeyTrain,
} from "../data/synthetic_lm.ts";
import {
  checkToyLMConfig,
  initToyLM,
  type LayerAttn,
  type RunOpts,
  type ToyLMConfig,
  toyLMForward,
  toyLMFromArrays,
  toyLMLoss,
  type ToyLMParams,
  toyLMToArrays,
  toyLMVariables,
} from "../nn/toy_lm.ts";
import {
  equalMeanPositions,
  evenPositions,
  ntkInvFreq,
  piPositions,
  randomPositionIds,
  yarnInvFreq,
  yarnLogitScale,
} from "./extrapolation.ts";
import { ropeInvFreq } from "./rope.ts";

/** Bump when a code change alters trained weights; part of every cache key. */
export const TOY_LM_VERSION = 1;

/** Trained variants (each needs its own training run). */
export type ToyVariant =
  | "rope"
  | "rope-logn"
  | "qna"
  | "kna"
  | "cosa"
  | "hwfa"
  | "randpos"
  | "eqmean"
  | "alibi"
  | "sinabs"
  | "nope"
  | "kna-nope"
  | "rerope-train"
  | "hwfa-rope-last"
  | "hwfa-no-logn"
  | "all-window";

/** Inference-time modifications (no retraining). */
export type InferenceMod =
  | "none"
  | "window"
  | "lambda"
  | "pi"
  | "ntk"
  | "yarn"
  | "yarn-noscale"
  | "rerope"
  | "leaky-rerope"
  | "logn-clip"
  | "rerope+logn-clip";

export const TOY_VARIANTS: readonly ToyVariant[] = [
  "rope",
  "rope-logn",
  "qna",
  "kna",
  "cosa",
  "hwfa",
  "randpos",
  "eqmean",
  "alibi",
  "sinabs",
  "nope",
  "kna-nope",
  "rerope-train",
  "hwfa-rope-last",
  "hwfa-no-logn",
  "all-window",
];
export const INFERENCE_MODS: readonly InferenceMod[] = [
  "none",
  "window",
  "lambda",
  "pi",
  "ntk",
  "yarn",
  "yarn-noscale",
  "rerope",
  "leaky-rerope",
  "logn-clip",
  "rerope+logn-clip",
];

/** The shared toy configuration: vocab 25 (16 text + 8 keys + QUERY), d = 32, 2 layers, 1 head, N = 64. */
export const TOY_CONFIG: Readonly<ToyLMConfig> = {
  vocab: 25,
  d: 32,
  layers: 2,
  heads: 1,
  ff: 64,
  trainLen: 64,
  ropeBase: 10000,
};

/** Random-position range of `randpos`. */
export const RANDPOS_RANGE = 1024;
/** ALiBi slope of the `alibi` variant. */
export const ALIBI_SLOPE = 1 / 16;
/** Seed of the shared Markov source. */
export const MARKOV_SEED = 0;
/** YaRN's upper rotation threshold at this scale. */
export const YARN_TAU = 8;

function checkVariant(where: string, v: unknown): ToyVariant {
  if (!TOY_VARIANTS.includes(v as ToyVariant)) rangeError(where, "variant", TOY_VARIANTS.join(" | "), v);
  return v as ToyVariant;
}

function checkMod(where: string, m: unknown): InferenceMod {
  if (!INFERENCE_MODS.includes(m as InferenceMod)) rangeError(where, "mod", INFERENCE_MODS.join(" | "), m);
  return m as InferenceMod;
}

/** Layers of a variant before any modification. */
function baseLayers(v: ToyVariant, cfg: ToyLMConfig): LayerAttn[] {
  const L = cfg.layers, n = cfg.trainLen, half = Math.floor(n / 2);
  const all = (la: LayerAttn) => Array.from({ length: L }, () => ({ ...la }));
  const hwfa = (
    last: LayerAttn,
  ) => [...Array.from({ length: L - 1 }, () => ({ rope: true, window: half })), last];
  switch (v) {
    case "rope":
    case "randpos":
    case "eqmean":
      return all({ rope: true });
    case "rope-logn":
      return all({ rope: true, logn: true });
    case "qna":
      return all({ rope: true, queryNorm: true });
    case "kna":
      return all({ rope: true, keyNorm: true });
    case "cosa":
      return all({ rope: true, queryNorm: true, keyNorm: true, cosScale: 4 * Math.log(n / 2) });
    case "hwfa":
      return hwfa({ rope: false, logn: true });
    case "hwfa-rope-last":
      return hwfa({ rope: true, logn: true });
    case "hwfa-no-logn":
      return hwfa({ rope: false });
    case "all-window":
      return all({ rope: true, window: half });
    case "alibi":
      return all({ rope: false, alibi: ALIBI_SLOPE });
    case "sinabs":
    case "nope":
      return all({ rope: false });
    case "kna-nope":
      return all({ rope: false, keyNorm: true });
    case "rerope-train":
      return all({ rope: true, rerope: half });
  }
}

function freqs(cfg: ToyLMConfig): number {
  const dh = checkToyLMConfig("toy_extrapolation", cfg);
  if (dh % 2 !== 0) rangeError("toy_extrapolation", "head dim d/heads", "even (RoPE)", dh);
  return dh;
}

/**
 * RunOpts of one training step (random-position variants draw fresh positions from `rng`).
 *
 * @param v variant
 * @param cfg sizes
 * @param rng position randomness (used by `randpos` and `eqmean` only)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { TOY_CONFIG, trainRunOpts } from "@lib/position/toy_extrapolation.ts";
 * const run = trainRunOpts("hwfa", TOY_CONFIG, createRng(0));
 * assertEquals(run.layers, [{ rope: true, window: 32 }, { rope: false, logn: true }]);
 * ```
 */
export function trainRunOpts(v: ToyVariant, cfg: ToyLMConfig, rng: Rng): RunOpts {
  checkVariant("trainRunOpts", v);
  const dh = freqs(cfg), n = cfg.trainLen;
  const run: RunOpts = { layers: baseLayers(v, cfg), lognMode: "train" };
  run.invFreq = Float32Array.from(ropeInvFreq(dh, cfg.ropeBase));
  if (v === "sinabs") run.absSinusoidal = true;
  if (v === "randpos") run.positions = Float32Array.from(randomPositionIds(n, RANDPOS_RANGE, rng));
  if (v === "eqmean") run.positions = Float32Array.from(equalMeanPositions(n, rng, { kind: "exponential" }));
  return run;
}

/**
 * RunOpts for evaluating variant `v` at length `testLen` under modification `mod`. Modifications that only
 * matter beyond the training length (window, Λ, PI, NTK, YaRN) leave T ≤ N untouched.
 *
 * @param v variant
 * @param mod inference-time modification
 * @param cfg sizes
 * @param testLen evaluation length T ≥ 2
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { evalRunOpts, TOY_CONFIG } from "@lib/position/toy_extrapolation.ts";
 * assertEquals(evalRunOpts("rope", "window", TOY_CONFIG, 256).layers[0], { rope: true, window: 64 });
 * assertEquals(evalRunOpts("rope", "rerope", TOY_CONFIG, 256).layers[1], { rope: true, rerope: 32 });
 * ```
 */
export function evalRunOpts(v: ToyVariant, mod: InferenceMod, cfg: ToyLMConfig, testLen: number): RunOpts {
  const where = "evalRunOpts";
  checkVariant(where, v);
  checkMod(where, mod);
  const dh = freqs(cfg), n = cfg.trainLen;
  checkInt(where, "testLen", testLen, 2);
  const s = Math.max(1, testLen / n), long = testLen > n;
  const layers = baseLayers(v, cfg);
  const run: RunOpts = {
    layers,
    lognMode: "train",
    invFreq: Float32Array.from(ropeInvFreq(dh, cfg.ropeBase)),
  };
  if (v === "sinabs") run.absSinusoidal = true;
  if (v === "randpos") run.positions = Float32Array.from(evenPositions(testLen, RANDPOS_RANGE));
  const ropeLayers = layers.filter((la) => la.rope);
  switch (mod) {
    case "none":
      break;
    case "window":
    case "lambda":
      if (long) {
        for (const la of layers) {
          la.window = Math.min(la.window ?? Infinity, mod === "window" ? n : n - 4);
          if (mod === "lambda") la.sinks = 4;
        }
      }
      break;
    case "pi":
      run.positions = Float32Array.from(piPositions(testLen, n));
      break;
    case "ntk":
      run.invFreq = Float32Array.from(ntkInvFreq(dh, cfg.ropeBase, s));
      break;
    case "yarn":
    case "yarn-noscale":
      run.invFreq = Float32Array.from(yarnInvFreq(dh, cfg.ropeBase, n, testLen, YARN_TAU));
      if (mod === "yarn") run.logitScale = yarnLogitScale(s);
      break;
    case "rerope":
    case "leaky-rerope":
    case "rerope+logn-clip":
      for (const la of ropeLayers) {
        la.rerope = Math.floor(n / 2);
        if (mod === "leaky-rerope") la.leakyK = (2 * testLen) / n;
      }
      if (mod === "rerope+logn-clip") {
        layers.forEach((la) => (la.logn = true));
        run.lognMode = "clip";
      }
      break;
    case "logn-clip":
      layers.forEach((la) => (la.logn = true));
      run.lognMode = "clip";
      break;
  }
  if (
    mod !== "none" && mod !== "window" && mod !== "lambda" && mod !== "logn-clip" && ropeLayers.length === 0
  ) {
    rangeError(where, "mod", `a modification that applies to the RoPE-free variant "${v}"`, mod);
  }
  return run;
}

/** Options of {@link trainToyLM}. */
export interface TrainToyOpts {
  /** Adam steps (the shared experiment uses 400). */
  steps: number;
  /** Sequences per step (16). */
  batch: number;
  /** Adam learning rate (1e-2). */
  lr: number;
  /** Seed of init, data and positions. */
  seed: number;
  /** Cache folder (default `<repo>/.cache/toy_lm`); `null` disables the cache. */
  cacheDir?: string | null;
  /** Called after every step with the step index and the loss (not called on a cache hit). */
  onStep?: (step: number, loss: number) => void;
}

/** The exact configuration that determines trained weights, as hashed into the cache key. */
export function toyTrainKey(
  cfg: ToyLMConfig,
  v: ToyVariant,
  o: { steps: number; batch: number; lr: number; seed: number },
): string {
  const blas = tfBlasInfo();
  return JSON.stringify({
    version: TOY_LM_VERSION,
    cfg: [cfg.vocab, cfg.d, cfg.layers, cfg.heads, cfg.ff, cfg.trainLen, cfg.ropeBase],
    variant: v,
    steps: o.steps,
    batch: o.batch,
    lr: o.lr,
    seed: o.seed,
    data: {
      markovSeed: MARKOV_SEED,
      order: 2,
      text: 16,
      keys: 8,
      queries: 3,
      randpos: RANDPOS_RANGE,
      alibi: ALIBI_SLOPE,
    },
    // weights trained with the opt-in native matmul differ in the last bits: never mix them into the
    // cache of the default (XNNPACK) path; the key of the default path is unchanged
    ...(blas.enabled ? { matmul: `openblas ${blas.coreName ?? ""}`.trim() } : {}),
  });
}

async function sha256Hex(s: string): Promise<string> {
  const h = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The default cache folder, `.cache/toy_lm` at the repository root (independent of the working directory). */
export function defaultToyCacheDir(): string {
  return decodeURIComponent(new URL("../../.cache/toy_lm", import.meta.url).pathname);
}

/** Extra information of the last {@link trainToyLM} call (for timing cells only). */
export const lastToyTrain: { fromCache: boolean; seconds: number; file: string | null } = {
  fromCache: false,
  seconds: 0,
  file: null,
};

/**
 * Trains (or loads from the cache) the toy LM for variant `v`: each step draws `batch` passkey training
 * sequences of length N + 1 and minimizes the next-token loss with Adam. Same arguments → bit-identical
 * weights and losses, whether trained now or loaded.
 *
 * @param cfg sizes (the shared experiment uses {@link TOY_CONFIG})
 * @param v variant
 * @param opts steps, batch, lr, seed, cacheDir, onStep
 * @returns the weights with `losses` (per step)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { TOY_CONFIG, trainToyLM } from "@lib/position/toy_extrapolation.ts";
 * await initTf();
 * const cfg = { ...TOY_CONFIG, trainLen: 16 };
 * const p = await trainToyLM(cfg, "rope", { steps: 3, batch: 2, lr: 1e-2, seed: 0, cacheDir: null });
 * assert(p.losses!.length === 3 && p.losses![0]! > 2);
 * ```
 */
export async function trainToyLM(cfg: ToyLMConfig, v: ToyVariant, opts: TrainToyOpts): Promise<ToyLMParams> {
  const where = "trainToyLM";
  checkToyLMConfig(where, cfg);
  checkVariant(where, v);
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "{ steps, batch, lr, seed }", opts);
  checkInt(where, "opts.steps", opts.steps, 1);
  checkInt(where, "opts.batch", opts.batch, 1);
  checkPositive(where, "opts.lr", opts.lr);
  checkInt(where, "opts.seed", opts.seed, 0);
  const src = markovSource(16, 2, MARKOV_SEED);
  if (passkeyTokens(src, 8).vocab !== cfg.vocab) {
    rangeError(where, "cfg.vocab", "25 (16 text + 8 keys + QUERY)", cfg.vocab);
  }
  const t0 = performance.now();
  const dir = opts.cacheDir === undefined ? defaultToyCacheDir() : opts.cacheDir;
  const key = toyTrainKey(cfg, v, opts);
  const file = dir === null ? null : `${dir}/${(await sha256Hex(key)).slice(0, 24)}.json`;
  if (file !== null) {
    try {
      const c = JSON.parse(await Deno.readTextFile(file));
      if (c.key === key) {
        const p = toyLMFromArrays(cfg, c.params);
        p.losses = c.losses;
        Object.assign(lastToyTrain, { fromCache: true, seconds: (performance.now() - t0) / 1000, file });
        return p;
      }
    } catch {
      // absent or unreadable: train
    }
  }
  const root = createRng(opts.seed);
  const dataRng = root.fork("data"), posRng = root.fork("positions");
  const p = initToyLM(cfg, root.fork("init").seed);
  const vars = toyLMVariables(p);
  const optimizer = tf.train.adam(opts.lr);
  const n = cfg.trainLen, losses: number[] = [];
  for (let step = 0; step < opts.steps; step++) {
    const buf = new Int32Array(opts.batch * (n + 1));
    for (let i = 0; i < opts.batch; i++) buf.set(samplePasskeyTrain(src, n + 1, dataRng), i * (n + 1));
    const run = trainRunOpts(v, cfg, posRng);
    const loss = tf.tidy(() => {
      const all = tf.tensor2d(buf, [opts.batch, n + 1], "int32");
      const inp = all.slice([0, 0], [opts.batch, n]) as tf.Tensor2D,
        tgt = all.slice([0, 1], [opts.batch, n]) as tf.Tensor2D;
      return optimizer.minimize(() => toyLMLoss(toyLMForward(p, cfg, inp, run), tgt), true, vars)!;
    });
    const l = loss.dataSync()[0] as number;
    loss.dispose();
    losses.push(l);
    opts.onStep?.(step, l);
  }
  optimizer.dispose();
  p.losses = losses;
  if (file !== null && dir !== null) {
    await Deno.mkdir(dir, { recursive: true });
    const tmp = `${file}.${Date.now()}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify({ key, losses, params: toyLMToArrays(p) }));
    await Deno.rename(tmp, file);
  }
  Object.assign(lastToyTrain, { fromCache: false, seconds: (performance.now() - t0) / 1000, file });
  return p;
}

/** One cell of an extrapolation table (accuracies in %). */
export interface ExtrapRow {
  variant: string;
  mod: InferenceMod;
  length: number;
  /** Next-token accuracy on pure Markov text, all T positions (Bayes ceiling 50%). */
  textAcc: number;
  /** Accuracy of recalling the key at the final query (chance 12.5%). */
  passkeyAcc: number;
  /** Text accuracy on the last `lastN` positions only (if asked). */
  lastNAcc?: number;
}

/** Options of {@link evalExtrapolation}. */
export interface EvalOpts {
  /** Text sequences per length. */
  textSeqs: number;
  /** Passkey sequences per length. */
  passkeySeqs: number;
  /** Seed of the evaluation sets (shared by all variants). */
  seed: number;
  /** Also report text accuracy on the last `lastN` positions. */
  lastN?: number;
  /** Sequences per forward pass (default 16). */
  chunk?: number;
}

function argmaxHits(
  p: ToyLMParams,
  cfg: ToyLMConfig,
  seqs: Int32Array[],
  len: number,
  run: RunOpts,
  chunk: number,
  score: (pred: Int32Array, b: number) => void,
): void {
  for (let s = 0; s < seqs.length; s += chunk) {
    const part = seqs.slice(s, s + chunk), buf = new Int32Array(part.length * len);
    part.forEach((q, i) => buf.set(q.subarray(0, len), i * len));
    const pred = tf.tidy(() =>
      toyLMForward(p, cfg, tf.tensor2d(buf, [part.length, len], "int32"), run).argMax(-1)
    );
    const a = pred.dataSync() as Int32Array;
    pred.dispose();
    for (let i = 0; i < part.length; i++) score(a.subarray(i * len, (i + 1) * len), s + i);
  }
}

/**
 * Evaluates a trained model at each length under each modification: text accuracy over all positions of pure
 * Markov sequences, passkey accuracy at the single final query (key in the first 16 positions).
 *
 * @param p trained weights
 * @param cfg sizes
 * @param v the variant `p` was trained as
 * @param mods modifications to apply
 * @param lengths evaluation lengths
 * @param opts set sizes and seed
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { initToyLM } from "@lib/nn/toy_lm.ts";
 * import { evalExtrapolation, TOY_CONFIG } from "@lib/position/toy_extrapolation.ts";
 * await initTf();
 * const rows = evalExtrapolation(initToyLM(TOY_CONFIG, 0), TOY_CONFIG, "rope", ["none"], [32], { textSeqs: 2, passkeySeqs: 2, seed: 0 });
 * assertEquals(rows.length, 1);
 * ```
 */
export function evalExtrapolation(
  p: ToyLMParams,
  cfg: ToyLMConfig,
  v: ToyVariant,
  mods: InferenceMod[],
  lengths: number[],
  opts: EvalOpts,
): ExtrapRow[] {
  const where = "evalExtrapolation";
  checkVariant(where, v);
  if (!Array.isArray(mods) || mods.length === 0) typeError(where, "mods", "a non-empty InferenceMod[]", mods);
  if (!Array.isArray(lengths) || lengths.length === 0) {
    typeError(where, "lengths", "a non-empty number[]", lengths);
  }
  mods.forEach((m) => checkMod(where, m));
  lengths.forEach((t) => checkInt(where, "lengths[·]", t, 18));
  checkInt(where, "opts.textSeqs", opts.textSeqs, 1);
  checkInt(where, "opts.passkeySeqs", opts.passkeySeqs, 1);
  const chunk = checkInt(where, "opts.chunk", opts.chunk ?? 16, 1);
  if (opts.lastN !== undefined) checkInt(where, "opts.lastN", opts.lastN, 1, Math.min(...lengths));
  const src = markovSource(16, 2, MARKOV_SEED), root = createRng(opts.seed);
  const rows: ExtrapRow[] = [];
  for (const len of lengths) {
    const tr = root.fork(`text-${len}`), pr = root.fork(`passkey-${len}`);
    const text = Array.from({ length: opts.textSeqs }, () => sampleMarkov(src, len + 1, tr));
    const pk = Array.from({ length: opts.passkeySeqs }, () => samplePasskeyEval(src, len, pr));
    for (const mod of mods) {
      const run = evalRunOpts(v, mod, cfg, len);
      let hits = 0, lastHits = 0, pkHits = 0;
      const lastN = opts.lastN ?? 0;
      argmaxHits(p, cfg, text, len, run, chunk, (pred, b) => {
        const seq = text[b]!;
        for (let i = 0; i < len; i++) {
          if (pred[i] === seq[i + 1]) {
            hits++;
            if (i >= len - lastN) lastHits++;
          }
        }
      });
      argmaxHits(p, cfg, pk, len, run, chunk, (pred, b) => {
        if (pred[len - 2] === pk[b]![len - 1]) pkHits++;
      });
      const row: ExtrapRow = {
        variant: v,
        mod,
        length: len,
        textAcc: (100 * hits) / (len * opts.textSeqs),
        passkeyAcc: (100 * pkHits) / opts.passkeySeqs,
      };
      if (lastN > 0) row.lastNAcc = (100 * lastHits) / (lastN * opts.textSeqs);
      rows.push(row);
    }
  }
  return rows;
}
