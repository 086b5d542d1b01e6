import { assert, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { digitDataset } from "@lib/data/glyphs.ts";
import { Mlp } from "@lib/nn/mlp.ts";
import { rotationDiagnostics } from "@lib/vq/rotation.ts";
import { type ToyVqAeConfig, trainToyVqAe } from "@lib/vq/toy_vqae.ts";

await initTf();

Deno.test("rotationDiagnostics: residuals tiny, angle = θ in 2-D, ≤ θ in 8-D; degenerate pair rejected", () => {
  const rng = createRng(3);
  for (const d of [2, 8]) {
    for (let t = 0; t < 20; t++) {
      const v = () => Float64Array.from({ length: d }, () => rng.normal());
      const r = rotationDiagnostics(v(), v(), v());
      assert(
        r.mapErr < 1e-12 && r.orthErr < 1e-12 && r.detErr < 1e-10 && r.gzErr < 1e-12 &&
          r.normRatioErr < 1e-10,
      );
      if (d === 2) assert(Math.abs(r.angle - r.theta) < 1e-6);
      else assert(r.angle <= r.theta + 1e-7);
    }
  }
  assertThrows(
    () => rotationDiagnostics(Float64Array.of(1, 0), Float64Array.of(-1, 0), Float64Array.of(0, 1)),
    RangeError,
    "rotationDiagnostics: (z, q) must be a non-degenerate pair",
  );
});

Deno.test("trainToyVqAe: k-means init uses the codebook, small init shrinks the rotation gradient, no leaks", () => {
  const data = digitDataset(300, 8, createRng(1));
  const base: ToyVqAeConfig = {
    estimator: "ste",
    init: "kmeans",
    K: 16,
    nLatent: 2,
    codeDim: 4,
    hidden: 32,
    beta: 1,
    gamma: 0.25,
    lr: 1e-3,
    batch: 32,
    steps: 30,
    logEvery: 30,
    seed: 2,
  };
  // lib/nn/mlp.ts leaves the initial-value tensors of its variables allocated; measure that and allow it
  const m0 = tf.memory().numTensors;
  new Mlp({ inDim: 64, hidden: [32], outDim: 8, act: "relu" }, 0).dispose();
  const mlpLeak = tf.memory().numTensors - m0;
  const before = tf.memory().numTensors;
  const a = trainToyVqAe(data.images, data.images, 64, base);
  assert(a.logs[0]!.used >= 0.8 * 16, `used ${a.logs[0]!.used}`);
  assert(a.logs.at(-1)!.mse < a.logs[0]!.mse);
  assertEquals(a.reconstruct(data.images.slice(0, 128), 2).length, 128);
  a.dispose();
  const ste = trainToyVqAe(data.images, data.images, 64, { ...base, init: "small", steps: 0 });
  const rot = trainToyVqAe(data.images, data.images, 64, {
    ...base,
    init: "small",
    estimator: "rotation",
    steps: 0,
  });
  const l0 = ste.logs[0]!, r0 = rot.logs[0]!;
  assertEquals([l0.mse, l0.used, l0.qNorm], [r0.mse, r0.used, r0.qNorm]); // same forward pass
  assert(l0.qNorm / l0.zNorm < 0.2);
  assert(r0.reconGradNorm < 0.3 * l0.reconGradNorm, `${r0.reconGradNorm} vs ${l0.reconGradNorm}`);
  ste.dispose();
  rot.dispose();
  assertEquals(tf.memory().numTensors - before, 3 * 2 * mlpLeak);
  assertThrows(
    () => trainToyVqAe(data.images, data.images, 64, { ...base, K: 0 }),
    RangeError,
    "cfg.K (codebook size) must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => trainToyVqAe(data.images, data.images, 64, { ...base, lr: 0 }),
    RangeError,
    "cfg.lr must be a positive number, got 0",
  );
  assertThrows(
    () => trainToyVqAe(data.images, data.images, 64, { ...base, gamma: -1 }),
    RangeError,
    "cfg.gamma must be a non-negative number",
  );
});
