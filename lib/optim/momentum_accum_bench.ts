/**
 * The experiments of the "gradient accumulation hidden in momentum" notebook (O03) on the shared optimizer
 * benchmark (X-opt): SGDM exactness (Float64 trajectories driven by the bow-mlp's tfjs gradients), the
 * "square of the mean vs mean of the squares" assumption measured along an AdamW run, and one run of the
 * small-batch "update every k" comparison (R5).
 *
 * @module
 */
import { createRng, type Rng } from "../core/rng.ts";
import { checkInt, checkPositive, rangeError } from "../core/validate.ts";
import { type Batch, sliceBatch, type ZipfTask } from "../data/zipf_task.ts";
import { XOPT_OPTIMIZERS } from "./benchmark.ts";
import { type RunResult, trainRun, xoptBase } from "./benchmark.ts";
import { createBowMlp } from "./bow_mlp.ts";
import { adamAccum, type AdamAccumMode, sgdmHiddenAccumUpdate } from "./momentum_accum.ts";
import { checkBeta } from "./optimizer.ts";
import { sgdmUpdate } from "./sgdm.ts";
import { bowGradients } from "./tiger_bench.ts";

/** Options of {@link sgdmAccumExactness}. */
export interface SgdmExactnessOptions {
  /** real updates (default 50) */
  updates?: number;
  /** micro-batch size (default 16) */
  micro?: number;
  /** micro-batches per update (default 4) */
  k?: number;
  /** learning rate (default 1) and β (default 0.9) */
  lr?: number;
  beta?: number;
  seed?: number;
}

/** Per-update gaps of {@link sgdmAccumExactness} (max over all parameters). */
export interface SgdmExactnessResult {
  /** |θ_hidden − θ_mean|: hidden accumulation (Eq. 5) vs SGDM on the Float64 mean of the same k micro-gradients */
  hidden: Float64Array;
  /** |θ_buffer − θ_mean|: explicit buffer, then SGDM on buffer/k, same micro-gradients */
  explicit: Float64Array;
  /** |θ_hidden′ − θ_mean|: hidden accumulation evaluating the float32 model at its *own* parameters (closed loop) */
  hiddenClosedLoop: Float64Array;
  /** |θ_hidden′ − θ_batch|: vs SGDM fed the float32 gradient of one pass over the k·micro rows */
  f32Batch: Float64Array;
  /** micro-steps on which a hidden-accumulation trajectory moved before a window was complete */
  movedEarly: number;
}

function _maxGap(a: Float64Array[], b: Float64Array[]): number {
  let m = 0;
  a.forEach((x, j) => x.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[j]![i]!)))));
  return m;
}

/**
 * The SGDM exactness experiment. From one bow-mlp initialisation and one minibatch stream, the reference
 * trajectory (c) takes SGDM steps on the mean of k micro-batch gradients evaluated at its parameters (the
 * definition of accumulation); (a) hidden accumulation and (b) an explicit buffer consume the same
 * micro-gradients one micro-step at a time (in exact arithmetic their parameters equal (c)'s at every window
 * start, so these are the gradients they would compute). Two closed-loop trajectories evaluate the float32
 * tfjs model at their own parameters: (a′) hidden accumulation and (c′) SGDM on the gradient of the
 * concatenated k·micro batch; there the 1e-16 round-off differences of Float64 can flip a float32 rounding of
 * θ and then grow like any float32 noise.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { sgdmAccumExactness } from "@lib/optim/momentum_accum_bench.ts";
 * await initTf();
 * const r = sgdmAccumExactness(makeZipfTask({ nTrain: 256, nTest: 16 }), { updates: 3 });
 * assert(Math.max(...r.hidden, ...r.explicit) <= 1e-12 && r.movedEarly === 0);
 * ```
 */
export function sgdmAccumExactness(task: ZipfTask, o: SgdmExactnessOptions = {}): SgdmExactnessResult {
  const f = "sgdmAccumExactness";
  const U = checkInt(f, "updates", o.updates ?? 50, 1);
  const B = checkInt(f, "micro", o.micro ?? 16, 1);
  const k = checkInt(f, "k", o.k ?? 4, 1);
  const lr = checkPositive(f, "lr", o.lr ?? 1), beta = checkBeta(f, "beta", o.beta ?? 0.9);
  if (task.train.size < B) rangeError(f, "task.train.size", `≥ micro (${B})`, task.train.size);
  const root = createRng(o.seed ?? 0);
  const model = createBowMlp({ vocab: task.vocab, classes: task.classes }, root.fork("init"));
  const batchRng = root.fork("batches");
  const init = model.getParams().map((x) => Float64Array.from(x));
  const copy = () => init.map((x) => x.slice());
  const zeros = () => init.map((x) => new Float64Array(x.length));
  const [tA, tB, tC, tD, tF] = [copy(), copy(), copy(), copy(), copy()];
  const [mA, mB, mC, mD, mF, acc] = [zeros(), zeros(), zeros(), zeros(), zeros(), zeros()];
  const gradsAt = (theta: Float64Array[], b: Batch) => {
    model.setParams(theta);
    return bowGradients(model, b);
  };
  const hiddenStep = (th: Float64Array[], m: Float64Array[], g: Float64Array[], t: number, last: boolean) => {
    const before = last ? undefined : th.map((x) => x.slice());
    th.forEach((x, p) => sgdmHiddenAccumUpdate(x, g[p]!, m[p]!, t, { lr, beta, k }));
    if (before && _maxGap(before, th) > 0) out.movedEarly++;
  };
  const out: SgdmExactnessResult = {
    hidden: new Float64Array(U),
    explicit: new Float64Array(U),
    hiddenClosedLoop: new Float64Array(U),
    f32Batch: new Float64Array(U),
    movedEarly: 0,
  };
  let t = 0;
  try {
    for (let u = 0; u < U; u++) {
      const idx = Int32Array.from({ length: k * B }, () => batchRng.int(task.train.size));
      const meanC = zeros();
      for (let j = 0; j < k; j++) {
        const mb = sliceBatch(task.train, idx.subarray(j * B, (j + 1) * B));
        t++;
        const gC = gradsAt(tC, mb);
        gC.forEach((g, p) => g.forEach((x, i) => ((meanC[p]![i]! += x / k), (acc[p]![i]! += x))));
        hiddenStep(tA, mA, gC, t, j === k - 1);
        hiddenStep(tD, mD, gradsAt(tD, mb), t, j === k - 1);
      }
      tB.forEach((th, p) => {
        sgdmUpdate(th, acc[p]!.map((x) => x / k), mB[p]!, { lr, beta });
        acc[p]!.fill(0);
      });
      tC.forEach((th, p) => sgdmUpdate(th, meanC[p]!, mC[p]!, { lr, beta }));
      const gF = gradsAt(tF, sliceBatch(task.train, idx));
      tF.forEach((th, p) => sgdmUpdate(th, gF[p]!, mF[p]!, { lr, beta }));
      out.hidden[u] = _maxGap(tA, tC);
      out.explicit[u] = _maxGap(tB, tC);
      out.hiddenClosedLoop[u] = _maxGap(tD, tC);
      out.f32Batch[u] = _maxGap(tD, tF);
    }
  } finally {
    model.dispose();
  }
  return out;
}

/** Options of {@link gradSquareStats}. */
export interface GradSquareOptions {
  /** training steps after which the gradients are measured (default [100, 500, 900]) */
  steps?: number[];
  /** micro-batches (default 4) of `micro` rows (default 16) */
  k?: number;
  micro?: number;
  /** AdamW peak LR of the X-opt run (default 1e-2) */
  lr?: number;
  /** coordinates sampled per step and group (default 2000) */
  coords?: number;
  /**
   * named groups of parameter tensors (indices in `BowMlp.variables` order) sampled separately;
   * default `{ all: [0, …, 6] }`
   */
  groups?: Record<string, number[]>;
  seed?: number;
}

/** One measurement of {@link gradSquareStats}. */
export interface GradSquarePoint {
  step: number;
  /** the group's name (see {@link GradSquareOptions.groups}) */
  group: string;
  /** per sampled coordinate: $(\frac1k\sum_i g_i)^2$ */
  squareOfMean: Float64Array;
  /** per sampled coordinate: $\frac1k\sum_i g_i^2$ */
  meanOfSquares: Float64Array;
  /** Pearson correlation of log squareOfMean with log meanOfSquares */
  logCorrelation: number;
  /** median of squareOfMean / meanOfSquares (1/k for pure noise, 1 for a noiseless gradient) */
  medianRatio: number;
}

/** Pearson correlation of two equal-length samples. */
function _pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i]! / n), (mb += b[i]! / n);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma, y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * The assumption behind the Adam variant (Eq. 8), measured: along the X-opt AdamW run (β = (0.9, 0.999),
 * λ = 0.01, batch 64, 1000-step schedule), after each of `steps` a fresh batch of k·micro rows is split into
 * k micro-batches, and for `coords` random coordinates with a non-zero gradient the square of the mean
 * micro-gradient is compared with the mean of the squares. Each step is reached by its own `trainRun`
 * (same seed, so the same trajectory prefix).
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { gradSquareStats } from "@lib/optim/momentum_accum_bench.ts";
 * await initTf();
 * const [p] = gradSquareStats(makeZipfTask({ nTrain: 512, nTest: 16 }), { steps: [5], coords: 100 });
 * assert(p!.squareOfMean.length === 100 && p!.medianRatio > 0 && p!.medianRatio <= 1);
 * assert(p!.squareOfMean.every((x, i) => x <= p!.meanOfSquares[i]! * (1 + 1e-12)));   // Jensen
 * ```
 */
export function gradSquareStats(task: ZipfTask, o: GradSquareOptions = {}): GradSquarePoint[] {
  const f = "gradSquareStats";
  const steps = o.steps ?? [100, 500, 900];
  steps.forEach((s, i) => checkInt(f, `steps[${i}]`, s, 1));
  const k = checkInt(f, "k", o.k ?? 4, 2), B = checkInt(f, "micro", o.micro ?? 16, 1);
  const lr = checkPositive(f, "lr", o.lr ?? 1e-2), nc = checkInt(f, "coords", o.coords ?? 2000, 2);
  const groups = o.groups ?? { all: [0, 1, 2, 3, 4, 5, 6] };
  for (const [name, ids] of Object.entries(groups)) {
    if (ids.length === 0) rangeError(f, `groups.${name}`, "a non-empty list of tensor indices", ids);
    ids.forEach((i, j) => checkInt(f, `groups.${name}[${j}]`, i, 0, 6));
  }
  const seed = o.seed ?? 0, rng = createRng(seed).fork("grad-square");
  const base = xoptBase(1000);
  const model = createBowMlp({ vocab: task.vocab, classes: task.classes }, createRng(seed));
  try {
    return steps.flatMap((step) => {
      const r = trainRun(task, {
        ...base,
        steps: step,
        evalEvery: 0,
        optimizer: XOPT_OPTIMIZERS.adamw.make,
        peakLr: lr,
        seed,
      });
      model.setParams(r.finalParams);
      const sum = r.finalParams.map((x) => new Float64Array(x.length));
      const sq = r.finalParams.map((x) => new Float64Array(x.length));
      for (let j = 0; j < k; j++) {
        const idx = Int32Array.from({ length: B }, () => rng.int(task.train.size));
        bowGradients(model, sliceBatch(task.train, idx)).forEach((g, p) =>
          g.forEach((x, i) => {
            sum[p]![i]! += x / k;
            sq[p]![i]! += (x * x) / k;
          })
        );
      }
      return Object.entries(groups).map(([group, ids]) => {
        const pool: Array<[number, number]> = [];
        for (const p of ids) sq[p]!.forEach((x, i) => x > 0 && sum[p]![i]! !== 0 && pool.push([p, i]));
        if (pool.length < nc) {
          rangeError(f, "coords", `≤ non-zero coordinates of ${group} (${pool.length})`, nc);
        }
        for (let i = 0; i < nc; i++) { // partial Fisher–Yates: the first nc entries are the sample
          const j = i + rng.int(pool.length - i);
          [pool[i], pool[j]] = [pool[j]!, pool[i]!];
        }
        const pick = pool.slice(0, nc);
        const squareOfMean = Float64Array.from(pick, ([p, i]) => sum[p]![i]! ** 2);
        const meanOfSquares = Float64Array.from(pick, ([p, i]) => sq[p]![i]!);
        const ratio = squareOfMean.map((x, i) => x / meanOfSquares[i]!).sort();
        return {
          step,
          group,
          squareOfMean,
          meanOfSquares,
          logCorrelation: _pearson(squareOfMean.map(Math.log), meanOfSquares.map(Math.log)),
          medianRatio: (ratio[(nc - 1) >> 1]! + ratio[nc >> 1]!) / 2,
        };
      });
    });
  } finally {
    model.dispose();
  }
}

/**
 * The reference of {@link gradSquareStats} for a coordinate whose k micro-gradients are pure zero-mean
 * Gaussian noise: the ratio $(\sum_i g_i)^2/(k\sum_i g_i^2)$ is then $\cos^2$ of the angle between
 * $(g_1,\dots,g_k)$ and $(1,\dots,1)$, a Beta(1/2, (k−1)/2) variable with mean exactly 1/k; its median is
 * estimated from `samples` draws.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { pureNoiseRatio } from "@lib/optim/momentum_accum_bench.ts";
 * const r = pureNoiseRatio(4, createRng(0));
 * assert(Math.abs(r.mean - 0.25) < 0.01 && r.median > 0.14 && r.median < 0.18);
 * ```
 */
export function pureNoiseRatio(k: number, rng: Rng, samples = 20000): { mean: number; median: number } {
  checkInt("pureNoiseRatio", "k", k, 1);
  checkInt("pureNoiseRatio", "samples", samples, 1);
  const r = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0, sq = 0;
    for (let i = 0; i < k; i++) {
      const g = rng.normal();
      sum += g;
      sq += g * g;
    }
    r[s] = (sum * sum) / (k * sq);
  }
  const mean = r.reduce((a, b) => a + b, 0) / samples;
  r.sort();
  return { mean, median: (r[(samples - 1) >> 1]! + r[samples >> 1]!) / 2 };
}

/** A mode of the R5 comparison: an {@link AdamAccumMode}, or true batch k·micro with one step per window. */
export type FewerUpdatesMode = AdamAccumMode | "bigBatch";

/** One run of {@link fewerUpdatesRun}. */
export interface FewerUpdatesConfig {
  mode: FewerUpdatesMode;
  peakLr: number;
  seed: number;
  /** micro-batch size (default 2) */
  micro?: number;
  /** micro-steps (default 4000; bigBatch takes microSteps/k steps) */
  microSteps?: number;
  /** default 4 */
  k?: number;
  /** Adam β1, β2, ε (defaults 0.9, 0.999, 1e-8 outside the root); no weight decay */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * One run of R5 ("update less often"): Adam in `mode` on micro-batches of `micro` rows for `microSteps`
 * micro-steps with the X-opt schedule counted in micro-steps (`xoptBase(microSteps)`), or, for `"bigBatch"`,
 * ordinary Adam on batches of k·micro rows for microSteps/k steps. Because `trainRun` draws batch indices
 * from one seeded stream, a bigBatch step sees exactly the rows of the k micro-steps of the same window.
 * No learning curve is recorded (final train/test metrics only).
 *
 * @throws RangeError unless k divides microSteps
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { fewerUpdatesRun } from "@lib/optim/momentum_accum_bench.ts";
 * await initTf();
 * const task = makeZipfTask({ nTrain: 512, nTest: 128 });
 * const r = fewerUpdatesRun(task, { mode: "bigBatch", peakLr: 1e-2, seed: 0, microSteps: 80 });
 * assert(r.stepsRun === 20 && !r.diverged);
 * ```
 */
export function fewerUpdatesRun(task: ZipfTask, cfg: FewerUpdatesConfig): RunResult {
  const f = "fewerUpdatesRun";
  const k = checkInt(f, "k", cfg.k ?? 4, 1), micro = checkInt(f, "micro", cfg.micro ?? 2, 1);
  const T = checkInt(f, "microSteps", cfg.microSteps ?? 4000, 1);
  if (T % k !== 0) rangeError(f, "microSteps", `a multiple of k (${k})`, T);
  const big = cfg.mode === "bigBatch", steps = big ? T / k : T;
  const base = xoptBase(steps);
  const hyper = { beta1: cfg.beta1 ?? 0.9, beta2: cfg.beta2 ?? 0.999, eps: cfg.eps ?? 1e-8, weightDecay: 0 };
  return trainRun(task, {
    ...base,
    evalEvery: 0,
    batchSize: big ? micro * k : micro,
    optimizer: () => adamAccum({ ...hyper, k, mode: big ? "plain" : cfg.mode as AdamAccumMode }),
    peakLr: cfg.peakLr,
    seed: cfg.seed,
  });
}
