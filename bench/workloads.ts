/**
 * The benchmark workloads of issue 11, shared by the `deno bench` suites (`bench/*_bench.ts`), the
 * summary printer (`tools/bench/report.ts`) and the PyTorch comparison (`tools/bench/compare.ts`,
 * whose Python twin `tools/bench/torch_ref.py` builds the same shapes under the same ids).
 *
 * Each workload has an id, a unit and the work of one call of `run()` — floating-point operations for
 * kernels (GFLOP/s = flops / seconds / 1e9), one training step for models (steps/s), one rendered SVG
 * for plots. FLOP counts are the usual 2·M·N·K per product; a backward pass counts the two products
 * of each forward product.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "@lib/core/rng.ts";
import { createBowMlp, crossEntropyLoss } from "@lib/optim/bow_mlp.ts";
import { Mlp } from "@lib/nn/mlp.ts";
import { initToyLM, toyLMForward, toyLMLoss, toyLMVariables } from "@lib/nn/toy_lm.ts";
import { TOY_CONFIG, trainRunOpts } from "@lib/position/toy_extrapolation.ts";

/** What a workload's rate is expressed in. */
export type BenchUnit = "GFLOP/s" | "steps/s" | "renders/s";

/** A prepared workload: `run()` does one unit of work, synchronously reading its result back. */
export interface Prepared {
  run(): void | Promise<void>;
  dispose(): void;
}

/** One benchmark. */
export interface Workload {
  /** Stable id, shared with `tools/bench/torch_ref.py`. */
  id: string;
  /** `deno bench` group. */
  group: string;
  /** Human-readable description (shapes). */
  label: string;
  unit: BenchUnit;
  /** Work of one `run()`: flops for GFLOP/s, else 1. */
  work: number;
  /** Whether `tools/bench/torch_ref.py` has the same workload. */
  torch: boolean;
  prepare(): Prepared;
}

/** Rate of a workload from the seconds one `run()` takes. */
export function rate(w: Workload, seconds: number): number {
  return w.unit === "GFLOP/s" ? w.work / seconds / 1e9 : w.work / seconds;
}

/** A tensor of i.i.d. N(0, scale²) entries drawn from `rng` (the benchmarks' inputs). */
export const normal = (rng: ReturnType<typeof createRng>, shape: number[], scale = 1): tf.Tensor =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal() * scale),
    shape,
  );

/** Reads a tensor back (forcing the work; wasm runs synchronously) and frees it. */
export function sync(t: tf.Tensor): void {
  t.dataSync();
  t.dispose();
}

function matmul(n: number, ta: boolean, tb: boolean): Workload {
  const kind = ta ? "TN" : tb ? "NT" : "NN";
  const op = ta ? "Aᵀ·B" : tb ? "A·Bᵀ" : "A·B";
  return {
    id: `matmul${n}_${kind.toLowerCase()}`,
    group: `matmul ${n}`,
    label: `matmul ${n}² ${op}`,
    unit: "GFLOP/s",
    work: 2 * n ** 3,
    torch: true,
    prepare() {
      const rng = createRng(n);
      const A = normal(rng, [n, n]), B = normal(rng, [n, n]);
      return { run: () => sync(tf.tidy(() => tf.matMul(A, B, ta, tb))), dispose: () => tf.dispose([A, B]) };
    },
  };
}

/**
 * softmax(QKᵀ/√d + causal mask)·V forward and the gradients w.r.t. Q, K, V of Σ out ⊙ G (a fixed
 * random G), as in one attention layer of a training step.
 */
function attention(id: string, label: string, bh: number, t: number, dh: number): Workload {
  return {
    id,
    group: "attention",
    label,
    unit: "GFLOP/s",
    // forward: QKᵀ and PV (2·2·T²·d each head); backward: two products per forward product
    work: 3 * 2 * 2 * bh * t * t * dh,
    torch: true,
    prepare() {
      const rng = createRng(bh * t + dh);
      const Q = normal(rng, [bh, t, dh]), K = normal(rng, [bh, t, dh]), V = normal(rng, [bh, t, dh]);
      const G = normal(rng, [bh, t, dh]);
      const mask = tf.tidy(() => tf.linalg.bandPart(tf.ones([t, t]), -1, 0).sub(1).mul(1e9));
      const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => {
        const s = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(dh)).add(mask);
        return tf.matMul(tf.softmax(s), v).mul(G).sum();
      };
      const grads = tf.grads(f);
      return {
        run: () => {
          const gs = tf.tidy(() => grads([Q, K, V]));
          for (const g of gs) g.dataSync();
          tf.dispose(gs);
        },
        dispose: () => tf.dispose([Q, K, V, G, mask]),
      };
    },
  };
}

/** One training step of the X-opt `bow-mlp` (V 512, D 32, H 64, C 8, batch 64) with tf.train.adam. */
const bowMlpStep: Workload = {
  id: "bow_mlp_adam_step",
  group: "training steps",
  label: "bow-mlp Adam step (512→32→64→8, batch 64)",
  unit: "steps/s",
  work: 1,
  torch: true,
  prepare() {
    const rng = createRng(64);
    const model = createBowMlp({}, rng.fork("init"));
    // normalised bag-of-words counts: 16 tokens per example
    const counts = new Float32Array(64 * 512);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 16; j++) counts[i * 512 + rng.int(512)]! += 1 / 16;
    const x = {
      counts: tf.tensor2d(counts, [64, 512]),
      labels: tf.tensor1d(Int32Array.from({ length: 64 }, () => rng.int(8)), "int32"),
    };
    const opt = tf.train.adam(1e-2);
    return {
      run: () => {
        const loss = opt.minimize(() => crossEntropyLoss(model.logits(x), x.labels), true, model.variables);
        loss!.dataSync();
        loss!.dispose();
      },
      dispose: () => {
        opt.dispose();
        model.dispose();
        tf.dispose([x.counts, x.labels]);
      },
    };
  },
};

/** One Adam step of the shared toy causal LM (TOY_CONFIG: d 32, 2 layers, 1 head, T 64; batch 16, RoPE). */
const toyLmStep: Workload = {
  id: "toy_lm_adam_step",
  group: "training steps",
  label: "toy causal LM Adam step (d 32, 2 layers, T 64, batch 16)",
  unit: "steps/s",
  work: 1,
  torch: true,
  prepare() {
    const cfg = { ...TOY_CONFIG };
    const rng = createRng(16);
    const p = initToyLM(cfg, 0);
    const vars = toyLMVariables(p);
    const ids = tf.tensor2d(
      Int32Array.from({ length: 16 * 65 }, () => rng.int(cfg.vocab)),
      [16, 65],
      "int32",
    );
    const inp = ids.slice([0, 0], [16, 64]) as tf.Tensor2D, tgt = ids.slice([0, 1], [16, 64]) as tf.Tensor2D;
    const run = trainRunOpts("rope", cfg, rng.fork("pos"));
    const opt = tf.train.adam(1e-2);
    return {
      run: () => {
        const loss = opt.minimize(() => toyLMLoss(toyLMForward(p, cfg, inp, run), tgt), true, vars);
        loss!.dataSync();
        loss!.dispose();
      },
      dispose: () => {
        opt.dispose();
        tf.dispose([ids, inp, tgt, ...vars]);
      },
    };
  },
};

/** One Adam step of the score / velocity MLP of the 2-D generative toys (3 → 128 → 128 → 2, SiLU, batch 512). */
const scoreMlpStep: Workload = {
  id: "score_mlp_adam_step",
  group: "training steps",
  label: "score MLP Adam step (3→128→128→2 SiLU, batch 512)",
  unit: "steps/s",
  work: 1,
  torch: true,
  prepare() {
    const rng = createRng(512);
    const m = new Mlp({ inDim: 3, hidden: [128, 128], outDim: 2, act: "silu" }, 0);
    const X = normal(rng, [512, 3]) as tf.Tensor2D, Y = normal(rng, [512, 2]) as tf.Tensor2D;
    const opt = tf.train.adam(1e-3);
    return {
      run: () => {
        const loss = opt.minimize(
          () => tf.mean(tf.square(tf.sub(m.apply(X), Y))) as tf.Scalar,
          true,
          m.variables,
        );
        loss!.dataSync();
        loss!.dispose();
      },
      dispose: () => {
        opt.dispose();
        m.dispose();
        tf.dispose([X, Y]);
      },
    };
  },
};

/** All tfjs workloads, in report order (plot rendering is in `workloads_plot.ts`). */
export const WORKLOADS: readonly Workload[] = [
  matmul(256, false, false),
  matmul(512, false, false),
  matmul(1024, false, false),
  matmul(512, false, true),
  matmul(512, true, false),
  matmul(1024, false, true),
  matmul(1024, true, false),
  attention("attention_toy_fb", "attention fwd+bwd, toy LM shapes (16×[64, 32], causal)", 16, 64, 32),
  attention("attention_256_fb", "attention fwd+bwd (32×[256, 64], causal)", 32, 256, 64),
  bowMlpStep,
  toyLmStep,
  scoreMlpStep,
];
