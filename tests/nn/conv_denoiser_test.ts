import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { vpCosinePath } from "@lib/diffusion/paths.ts";
import { fourierTimeFeatures } from "@lib/nn/fourier_time_embed.ts";
import { ConvDenoiser, trainConvDenoiser } from "@lib/nn/conv_denoiser.ts";

await initTf();

Deno.test("ConvDenoiser: forward pass equals a hand-written Float64 convolution net", () => {
  const net = new ConvDenoiser({ channels: 2, layers: 2, k: 3, timeDim: 4, maxFreq: 8 }, 5);
  // give the biases non-zero values so that they are checked too
  net.variables[1]!.assign(tf.tensor1d([0.3, -0.2]));
  net.variables[3]!.assign(tf.tensor1d([0.1]));
  const [F0, c0, F1, c1, V0] = net.variables.map((v) => Array.from(v.dataSync()));
  const H = 4,
    W = 5,
    t = 0.37,
    rng = createRng(1),
    x = Float64Array.from({ length: H * W }, () => rng.normal());
  const g = fourierTimeFeatures(t, 4, 8), silu = (z: number) => z / (1 + Math.exp(-z));
  const at = (
    img: number[][],
    i: number,
    j: number,
    c: number,
  ) => (i < 0 || j < 0 || i >= H || j >= W ? 0 : img[i * W + j]![c]!);
  const img0 = Array.from(x, (v) => [v]);
  const h1 = img0.map((_, q) => {
    const i = Math.floor(q / W), j = q % W;
    return [0, 1].map((o) => {
      let z = c0![o]!;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) z += at(img0, i + a - 1, j + b - 1, 0) * F0![(a * 3 + b) * 2 + o]!;
      }
      for (let d = 0; d < 4; d++) z += g[d]! * V0![d * 2 + o]!;
      return silu(z);
    });
  });
  const y = net.predict(x, H, W, t);
  h1.forEach((_, q) => {
    const i = Math.floor(q / W), j = q % W;
    let z = c1![0]!;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        for (let c = 0; c < 2; c++) z += at(h1, i + a - 1, j + b - 1, c) * F1![(a * 3 + b) * 2 + c]!;
      }
    }
    assertAlmostEquals(y[q]!, z, 1e-4);
  });
  net.dispose();
});

Deno.test("ConvDenoiser: translation-equivariant away from the border; JSON round trip; no leak", () => {
  const net = new ConvDenoiser({ channels: 3, layers: 3, k: 3, timeDim: 4 }, 2);
  const H = 12, x = new Float64Array(H * H), xs = new Float64Array(H * H);
  x[5 * H + 5] = 1;
  xs[6 * H + 6] = 1; // the same blob shifted by (1, 1)
  const y = net.predict(x, H, H, 0.5), ys = net.predict(xs, H, H, 0.5);
  for (let i = 4; i < 8; i++) {
    for (let j = 4; j < 8; j++) assertAlmostEquals(ys[(i + 1) * H + j + 1]!, y[i * H + j]!, 1e-5);
  }
  const copy = ConvDenoiser.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
  assertEquals(Array.from(copy.predict(x, H, H, 0.5)), Array.from(y));
  const before = tf.memory().numTensors;
  net.predict(x, H, H, 0.2);
  assertEquals(tf.memory().numTensors, before);
  net.dispose();
  copy.dispose();
});

Deno.test("trainConvDenoiser: learns the exact ε of a constant data set (loss → the closed-form optimum 0)", () => {
  // data = the all-zero image: x_t = bε, so the optimal prediction is x/b and the minimum loss is 0
  const net = new ConvDenoiser({ channels: 8, layers: 2, k: 1, timeDim: 8, maxFreq: 8 }, 3);
  const losses = trainConvDenoiser(net, new Float32Array(4 * 16), 4, 4, {
    steps: 300,
    batch: 8,
    lr: 1e-2,
    path: vpCosinePath(),
    rng: createRng(4),
    tRange: [0.3, 0.9],
  });
  const first = losses.slice(0, 20).reduce((a, b) => a + b) / 20,
    last = losses.slice(-20).reduce((a, b) => a + b) / 20;
  assert(first > 0.3 && last < 0.05 * first, `loss ${first} → ${last}`);
  net.dispose();
});

Deno.test("ConvDenoiser: validation", () => {
  assertThrows(
    () => new ConvDenoiser({ channels: 2, layers: 2, k: 2, timeDim: 4 }, 0),
    RangeError,
    "ConvDenoiser: spec.k must be an odd integer ≥ 1, got 2",
  );
  assertThrows(
    () => new ConvDenoiser({ channels: 2, layers: 1, k: 3, timeDim: 4 }, 0),
    RangeError,
    "spec.layers must be an integer ≥ 2, got 1",
  );
  const net = new ConvDenoiser({ channels: 2, layers: 2, k: 3, timeDim: 4 }, 0);
  assertThrows(
    () => net.predict(new Float64Array(5), 2, 2, 0.5),
    RangeError,
    "ConvDenoiser.predict: X.length must be a positive multiple of H·W = 4, got 5",
  );
  assertThrows(
    () =>
      trainConvDenoiser(net, new Float32Array(6), 2, 2, {
        steps: 1,
        batch: 1,
        lr: 1e-3,
        path: vpCosinePath(),
        rng: createRng(0),
      }),
    RangeError,
    "trainConvDenoiser: data.length must be a positive multiple of H·W = 4, got 6",
  );
  net.dispose();
});
