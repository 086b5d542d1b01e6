/**
 * Tiger on the shared optimizer benchmark (X-opt): its settings for the sweep, the NaN-injection hook of
 * run R4, and the accumulation-exactness experiment of run R3 (Float64 reference updates driven by the
 * bow-mlp's tfjs gradients).
 *
 * @module
 */
import { createRng, type Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, checkPositive, checkRange, rangeError } from "../core/validate.ts";
import { type Batch, sliceBatch, type ZipfTask } from "../data/zipf_task.ts";
import { _checkRef } from "./_reference.ts";
import { BOW_PARAM_KINDS, bowInput, type BowMlp, createBowMlp } from "./bow_mlp.ts";
import { lionUpdate } from "./lion.ts";
import { checkBeta, type KexueOptimizer } from "./optimizer.ts";
import { tiger, tigerAccumCoefficients, tigerUpdate } from "./tiger.ts";
import { DEFAULT_DECAY_KINDS } from "./types.ts";

/**
 * Tiger's entry of the X-opt optimizer table (β = 0.945, the article's CV value; λ = 0.01 on kernels and
 * embeddings; relative rate α ∈ {3e-3, 1e-2, 3e-2}). Kept apart from `XOPT_OPTIMIZERS` so that table stays
 * as the O02 notebook used it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { XOPT_TIGER } from "@lib/optim/tiger_bench.ts";
 * assertEquals([XOPT_TIGER.make().beta, XOPT_TIGER.lrs.length], [0.945, 3]);
 * ```
 */
export const XOPT_TIGER: Readonly<{ make: () => ReturnType<typeof tiger>; lrs: readonly number[] }> = {
  make: () => tiger({ beta: 0.945, weightDecay: 0.01 }),
  lrs: [3e-3, 1e-2, 3e-2],
};

/**
 * A `RunConfig.gradHook` for run R4: at every step, with probability `p` (drawn from the run's hook
 * stream, so every variant sees the same steps), every entry of the gradient of the variables whose
 * name ends with `suffix` (default W1, `"dense1/kernel"`) becomes NaN. The steps hit are pushed to `steps`.
 *
 * @throws RangeError unless 0 ≤ p ≤ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { nanInjectionHook } from "@lib/optim/tiger_bench.ts";
 * await initTf();
 * const { hook, steps } = nanInjectionHook(1);
 * const out = hook(7, { "m/dense1/kernel": tf.ones([2]), "m/dense1/bias": tf.ones([2]) }, createRng(0))!;
 * assertEquals([Number.isNaN(out["m/dense1/kernel"]!.dataSync()[0]), out["m/dense1/bias"]!.dataSync()[0], steps], [true, 1, [7]]);
 * ```
 */
export function nanInjectionHook(
  p: number,
  suffix = "dense1/kernel",
): { hook: (t: number, grads: tf.NamedTensorMap, rng: Rng) => tf.NamedTensorMap | void; steps: number[] } {
  checkRange("nanInjectionHook", "p", p, 0, 1);
  const steps: number[] = [];
  const hook = (t: number, grads: tf.NamedTensorMap, rng: Rng) => {
    if (!(rng() < p)) return;
    steps.push(t);
    const out: tf.NamedTensorMap = { ...grads };
    for (const name of Object.keys(grads)) {
      if (name.endsWith(suffix)) out[name] = tf.fill(grads[name]!.shape, NaN);
    }
    return out;
  };
  return { hook, steps };
}

/**
 * Gradients of the mean cross-entropy of `model` on `batch` at its current parameters, as Float64 copies
 * (in `BowMlp.variables` order).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { createRng } from "@lib/core/rng.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { createBowMlp } from "@lib/optim/bow_mlp.ts";
 * import { bowGradients } from "@lib/optim/tiger_bench.ts";
 * await initTf();
 * const task = makeZipfTask({ nTrain: 64, nTest: 16 });
 * const m = createBowMlp({}, createRng(0));
 * assertEquals(bowGradients(m, task.train).map((g) => g.length), [16384, 2048, 64, 64, 64, 512, 8]);
 * m.dispose();
 * ```
 */
export function bowGradients(model: BowMlp, batch: Batch): Float64Array[] {
  let out: Float64Array[] = [];
  tf.tidy(() => {
    const x = bowInput(batch, model.config.vocab);
    const { grads } = tf.variableGrads(() => model.loss(x), model.variables);
    out = model.variables.map((v) => Float64Array.from(grads[v.name]!.dataSync()));
  });
  return out;
}

/**
 * Lion with Tiger's hidden-accumulation momentum rule (Eq. 7 with β = β2) but Lion's own direction
 * $\operatorname{sign}(\beta_1\boldsymbol m_{t-1} + (1-\beta_1)\boldsymbol g_t)$ from the *last* micro-gradient only —
 * the best one can do without a second buffer. It is **not** Lion on the k-fold batch (R3's contrast).
 * `theta`, `g`, `m` as in `lionUpdate`; λ applies only when `decays`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lionMomentumAccumUpdate } from "@lib/optim/tiger_bench.ts";
 * const th = Float64Array.from([1]), m = new Float64Array(1);
 * lionMomentumAccumUpdate(th, [1], m, { lr: 0.1, beta1: 0.9, beta2: 0.99, k: 2, tMicro: 0 });
 * assertEquals(th[0], 1);   // first micro-step: no move
 * lionMomentumAccumUpdate(th, [-1], m, { lr: 0.1, beta1: 0.9, beta2: 0.99, k: 2, tMicro: 1 });
 * assertEquals(th[0], 1.1);   // sign(0.9·0.005 − 0.1) = −1, though the mean gradient is 0
 * ```
 */
export function lionMomentumAccumUpdate(
  theta: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  h: { lr: number; beta1: number; beta2: number; k: number; tMicro: number; weightDecay?: number },
): void {
  _checkRef("lionMomentumAccumUpdate", theta, g, { m }, h.lr, h.weightDecay ?? 0);
  checkBeta("lionMomentumAccumUpdate", "beta1", h.beta1);
  const { b1, b2, apply } = tigerAccumCoefficients(h.beta2, h.k, h.tMicro);
  if (apply) {
    // Lion's step from the partial buffer and the last micro-gradient; m is updated below
    const mCopy = m.slice();
    lionUpdate(theta, g, mCopy, { lr: h.lr, beta1: h.beta1, beta2: h.beta2, weightDecay: h.weightDecay });
  }
  for (let i = 0; i < m.length; i++) m[i] = b1 * m[i]! + b2 * g[i]!;
}

/** Options of {@link accumulationExactness}. */
export interface AccumExactnessOptions {
  /** real updates (default 100) */
  updates?: number;
  /** micro-batch size (default 16) */
  micro?: number;
  /** micro-batches per update (default 4) */
  k?: number;
  /** Tiger's relative rate α (default 1e-2), β (0.945), λ (0.01) */
  alpha?: number;
  beta?: number;
  weightDecay?: number;
  /** Lion's η (default 1e-3), β1 (0.9), β2 (0.99), λ (0.1) for the contrast */
  lionLr?: number;
  lionBeta1?: number;
  lionBeta2?: number;
  lionWeightDecay?: number;
  seed?: number;
}

/** Per-update gaps of {@link accumulationExactness}. */
export interface AccumExactnessResult {
  /** max |θ_A − θ_B|: Tiger(k) on micro-batches vs Tiger(1) on their exact Float64 mean gradient */
  tiger: Float64Array;
  /** max |m_A − m_B| of the same pair */
  tigerMomentum: Float64Array;
  /** max |θ_A − θ_B'|: as `tiger`, but B' takes the float32 gradient of one k·micro-row pass */
  tigerF32Batch: Float64Array;
  /** max |θ| gap: Lion with the momentum trick ({@link lionMomentumAccumUpdate}) vs Lion on the mean */
  lion: Float64Array;
  /** micro-steps on which a Tiger-A parameter moved although the window was not complete (must be 0) */
  movedEarly: number;
}

function _maxGap(a: Float64Array[], b: Float64Array[]): number {
  let m = 0;
  a.forEach((x, j) => x.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[j]![i]!)))));
  return m;
}

/**
 * Run R3: from one initialisation of the bow-mlp, four Float64 trajectories share the minibatch stream —
 * Tiger with built-in accumulation over k micro-batches, Tiger (k = 1) on the mean of the same k micro-batch
 * gradients (each evaluated at its own parameters), Lion with the momentum trick, and Lion on the mean —
 * plus Tiger (k = 1) fed the float32 gradient of one pass over the k·micro rows. Returns the parameter gaps
 * after each update.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { makeZipfTask } from "@lib/data/zipf_task.ts";
 * import { accumulationExactness } from "@lib/optim/tiger_bench.ts";
 * await initTf();
 * const r = accumulationExactness(makeZipfTask({ nTrain: 256, nTest: 16 }), { updates: 3 });
 * assert(Math.max(...r.tiger) <= 1e-12 && r.movedEarly === 0 && Math.max(...r.lion) > 0);
 * ```
 */
export function accumulationExactness(task: ZipfTask, o: AccumExactnessOptions = {}): AccumExactnessResult {
  const f = "accumulationExactness";
  const U = checkInt(f, "updates", o.updates ?? 100, 1);
  const B = checkInt(f, "micro", o.micro ?? 16, 1);
  const k = checkInt(f, "k", o.k ?? 4, 1);
  const alpha = checkPositive(f, "alpha", o.alpha ?? 1e-2);
  const beta = checkBeta(f, "beta", o.beta ?? 0.945);
  const wd = o.weightDecay ?? 0.01, lionLr = checkPositive(f, "lionLr", o.lionLr ?? 1e-3);
  const lb1 = o.lionBeta1 ?? 0.9, lb2 = o.lionBeta2 ?? 0.99, lwd = o.lionWeightDecay ?? 0.1;
  if (task.train.size < B) rangeError(f, "task.train.size", `≥ micro (${B})`, task.train.size);
  const root = createRng(o.seed ?? 0);
  const model = createBowMlp({ vocab: task.vocab, classes: task.classes }, root.fork("init"));
  const batchRng = root.fork("batches");
  const shapes = model.variables.map((v) => v.shape);
  const init = model.getParams().map((x) => Float64Array.from(x));
  const copy = () => init.map((x) => x.slice());
  const zeros = () => init.map((x) => new Float64Array(x.length));
  const [tA, tB, tF, lA, lB] = [copy(), copy(), copy(), copy(), copy()];
  const [mA, mB, mF, nA, nB] = [zeros(), zeros(), zeros(), zeros(), zeros()];
  const lam = (j: number) => (DEFAULT_DECAY_KINDS.includes(BOW_PARAM_KINDS[j]!) ? lwd : 0);
  const gradsAt = (theta: Float64Array[], b: Batch) => {
    model.setParams(theta);
    return bowGradients(model, b);
  };
  const mean = (gs: Float64Array[][]) =>
    gs[0]!.map((_, j) => gs[0]![j]!.map((_, i) => gs.reduce((s, g) => s + g[j]![i]!, 0) / gs.length));
  const out: AccumExactnessResult = {
    tiger: new Float64Array(U),
    tigerMomentum: new Float64Array(U),
    tigerF32Batch: new Float64Array(U),
    lion: new Float64Array(U),
    movedEarly: 0,
  };
  try {
    for (let u = 0; u < U; u++) {
      const idx = Int32Array.from({ length: k * B }, () => batchRng.int(task.train.size));
      const micro = Array.from(
        { length: k },
        (_, j) => sliceBatch(task.train, idx.subarray(j * B, (j + 1) * B)),
      );
      const tig = (theta: Float64Array[], m: Float64Array[], gs: Float64Array[], kk: number, t: number) =>
        theta.forEach((th, j) =>
          tigerUpdate(th, gs[j]!, m[j]!, {
            lr: alpha,
            beta,
            weightDecay: wd,
            kind: BOW_PARAM_KINDS[j],
            cols: shapes[j]!.length > 1 ? shapes[j]![1] : undefined,
            accumSteps: kk,
            tMicro: t,
          })
        );
      const gsB: Float64Array[][] = [], gsL: Float64Array[][] = [];
      micro.forEach((mb, j) => {
        const before = j < k - 1 ? tA.map((x) => x.slice()) : undefined;
        tig(tA, mA, gradsAt(tA, mb), k, u * k + j);
        if (before && _maxGap(before, tA) > 0) out.movedEarly++;
        gsB.push(gradsAt(tB, mb));
        const gl = gradsAt(lA, mb);
        const lh = { lr: lionLr, beta1: lb1, beta2: lb2, k, tMicro: u * k + j };
        lA.forEach((th, p) => lionMomentumAccumUpdate(th, gl[p]!, nA[p]!, { ...lh, weightDecay: lam(p) }));
        gsL.push(gradsAt(lB, mb));
      });
      tig(tB, mB, mean(gsB), 1, u);
      tig(tF, mF, gradsAt(tF, sliceBatch(task.train, idx)), 1, u);
      const gl = mean(gsL);
      const lh = { lr: lionLr, beta1: lb1, beta2: lb2 };
      lB.forEach((th, p) => lionUpdate(th, gl[p]!, nB[p]!, { ...lh, weightDecay: lam(p) }));
      out.tiger[u] = _maxGap(tA, tB);
      out.tigerMomentum[u] = _maxGap(mA, mB);
      out.tigerF32Batch[u] = _maxGap(tA, tF);
      out.lion[u] = _maxGap(lA, lB);
    }
  } finally {
    model.dispose();
  }
  return out;
}

/** The optimizers of the Tiger notebook's state table, each with and without explicit accumulation. */
export type StateRow = { optimizer: string; plain: number; accumulated: number };

/**
 * State buffers per parameter of `opts` without and with gradient accumulation over `k` micro-steps:
 * `accumulate(o)` builds the accumulating variant (the wrapper for most optimizers, Tiger's built-in k).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { stateTable } from "@lib/optim/tiger_bench.ts";
 * import { withGradAccumulation } from "@lib/optim/accumulate.ts";
 * import { lion } from "@lib/optim/lion.ts";
 * assertEquals(stateTable({ lion: () => lion() }, (_, mk) => withGradAccumulation(mk(), 4)),
 *   [{ optimizer: "lion", plain: 1, accumulated: 2 }]);
 * ```
 */
export function stateTable(
  opts: Record<string, () => KexueOptimizer>,
  accumulate: (name: string, make: () => KexueOptimizer) => KexueOptimizer,
): StateRow[] {
  return Object.entries(opts).map(([name, mk]) => ({
    optimizer: name,
    plain: mk().stateMultiplier(),
    accumulated: accumulate(name, mk).stateMultiplier(),
  }));
}
