/**
 * Before/after benchmarks for lib/core/tf_ops.ts on the wasm backend: `deno bench -A bench/tf_ops_bench.ts`.
 *
 * "tfjs as shipped" runs with the fills uninstalled (`uninstallWasmGapFills()` around the timed part),
 * "filled" with them installed (as after `initTf()`). Where tfjs as shipped cannot run at all (gather and
 * conv2d filter gradients on wasm) the comparison is with the old workaround or the forward pass.
 */
import * as tf from "@tensorflow/tfjs";
import { initTf } from "@lib/core/tf_setup.ts";
import { installWasmGapFills, uninstallWasmGapFills } from "@lib/core/tf_ops.ts";
import { createRng } from "@lib/core/rng.ts";
import { normal as normalTensor, sync } from "./workloads.ts";

await initTf("wasm");

const rng = createRng(2024);
const normal = (shape: number[], scale = 1) => normalTensor(rng, shape, scale);

function shipped(b: Deno.BenchContext, f: () => void) {
  uninstallWasmGapFills();
  try {
    b.start();
    f();
    b.end();
  } finally {
    installWasmGapFills();
  }
}

function filled(b: Deno.BenchContext, f: () => void) {
  b.start();
  f();
  b.end();
}

// --- matmul 512×512 --------------------------------------------------------------------------------
const A = normal([512, 512]), B = normal([512, 512]);
const mm = (ta: boolean, tb: boolean) => () => sync(tf.tidy(() => tf.matMul(A, B, ta, tb)));

Deno.bench(
  "matMul 512 plain (reference)",
  { group: "matmul512", baseline: true },
  (b) => filled(b, mm(false, false)),
);
for (const [ta, tb, name] of [[true, false, "TN"], [false, true, "NT"], [true, true, "TT"]] as const) {
  Deno.bench(`matMul 512 ${name}, tfjs as shipped`, { group: "matmul512" }, (b) => shipped(b, mm(ta, tb)));
  Deno.bench(`matMul 512 ${name}, filled`, { group: "matmul512" }, (b) => filled(b, mm(ta, tb)));
}

// --- attention-style batched matmuls: 32 (batch·heads) × [128, 64], softmax(QKᵀ)·V -------------------
const Q = normal([32, 128, 64]), Kt = normal([32, 128, 64]), V = normal([32, 128, 64]);
const attention = () => sync(tf.tidy(() => tf.matMul(tf.softmax(tf.matMul(Q, Kt, false, true).div(8)), V)));
Deno.bench(
  "attention QKᵀ, PV, tfjs as shipped",
  { group: "attention", baseline: true },
  (b) => shipped(b, attention),
);
Deno.bench("attention QKᵀ, PV, filled", { group: "attention" }, (b) => filled(b, attention));

// --- MLP training step: 256 → 512 → 10, batch 128, Adam ---------------------------------------------
function mlp() {
  const W1 = tf.variable(normal([256, 512], 1 / 16)), b1 = tf.variable(tf.zeros([512]));
  const W2 = tf.variable(normal([512, 10], 1 / Math.sqrt(512))), b2 = tf.variable(tf.zeros([10]));
  const X = normal([128, 256]);
  const Y = tf.oneHot(tf.tensor1d(Array.from({ length: 128 }, (_, i) => i % 10), "int32"), 10).toFloat();
  const opt = tf.train.adam(1e-3);
  return () => {
    const loss = opt.minimize(() => {
      const h = tf.relu(tf.matMul(X, W1).add(b1));
      return tf.losses.softmaxCrossEntropy(Y, tf.matMul(h, W2).add(b2)) as tf.Scalar;
    }, true);
    loss?.dataSync();
    loss?.dispose();
  };
}
const stepShipped = mlp(), stepFilled = mlp();
Deno.bench("MLP step, tfjs as shipped", { group: "mlp", baseline: true }, (b) => shipped(b, stepShipped));
Deno.bench("MLP step, filled", { group: "mlp" }, (b) => filled(b, stepFilled));

// --- embedding gradient: vocab 5000 × 128, 2048 ids --------------------------------------------------
const E = normal([5000, 128], 0.1);
const ids = tf.tensor1d(Array.from({ length: 2048 }, () => rng.int(5000)), "int32");
Deno.bench(
  "embedding grad via oneHot·E (old workaround)",
  { group: "embed", baseline: true },
  (b) =>
    filled(b, () => {
      sync(tf.tidy(() =>
        tf.grad((e: tf.Tensor) => tf.matMul(tf.oneHot(ids, 5000).toFloat(), e as tf.Tensor2D).sum())(E)
      ));
    }),
);
Deno.bench("embedding grad via tf.gather, filled", { group: "embed" }, (b) =>
  filled(b, () => {
    sync(tf.tidy(() => tf.grad((e: tf.Tensor) => tf.gather(e, ids).sum())(E)));
  }));

// --- conv2d filter gradient: 32×28×28×16, 3×3×16×32 (the cpu backend needs ~30 s for it) --------------
const X4 = normal([32, 28, 28, 16]) as tf.Tensor4D,
  DY = normal([32, 28, 28, 32]),
  W4 = normal([3, 3, 16, 32]) as tf.Tensor4D;
Deno.bench("conv2d forward, wasm (reference)", { group: "conv", baseline: true }, (b) =>
  filled(b, () => {
    sync(tf.tidy(() => tf.conv2d(X4, W4, 1, "same")));
  }));
const inputGrad = () =>
  sync(
    tf.tidy(() => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, W4, 1, "same").mul(DY).sum())(X4)),
  );
Deno.bench("conv2d input grad, tfjs as shipped", { group: "conv" }, (b) => shipped(b, inputGrad));
Deno.bench("conv2d input grad, filled", { group: "conv" }, (b) => filled(b, inputGrad));
Deno.bench("conv2d filter grad, wasm filled", { group: "conv" }, (b) =>
  filled(b, () => {
    sync(
      tf.tidy(() => tf.grad((w: tf.Tensor) => tf.conv2d(X4, w as tf.Tensor4D, 1, "same").mul(DY).sum())(W4)),
    );
  }));

// --- conv2dTranspose (a generator's upsampling layer): 32×14×14×32 → 32×28×28×16, stride 2 -------------
const Z = normal([32, 14, 14, 32]) as tf.Tensor4D, WT = normal([4, 4, 16, 32], 0.1) as tf.Tensor4D;
const upsample = () => sync(tf.tidy(() => tf.conv2dTranspose(Z, WT, [32, 28, 28, 16], 2, "same")));
Deno.bench(
  "conv2dTranspose forward, tfjs as shipped",
  { group: "convT", baseline: true },
  (b) => shipped(b, upsample),
);
Deno.bench("conv2dTranspose forward, filled", { group: "convT" }, (b) => filled(b, upsample));
