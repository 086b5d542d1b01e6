import { assert, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { Mlp } from "@lib/nn/mlp.ts";
import { ganLosses, ShiftGenerator, trainAdversarial, trainShiftGan } from "@lib/gan/mod.ts";

await initTf();

Deno.test("shift generator far from the data: GAN-QP moves it, SGAN-minimax barely does (plain SGD)", () => {
  const run = (loss: "gan-qp" | "sgan-minimax") => {
    const D = new Mlp({ inDim: 2, hidden: [32, 32], outDim: 1, act: "leaky02" }, 1),
      gen = new ShiftGenerator([3, 3]);
    const dr = createRng(2);
    const real = (n: number) =>
      tf.tensor2d(Float32Array.from({ length: 2 * n }, () => 0.1 * dr.normal()), [n, 2]);
    const r = trainShiftGan({
      D,
      gen,
      loss,
      lambda: 10,
      sampleReal: real,
      iters: 60,
      dSteps: 2,
      batch: 64,
      criticLr: 2e-4,
      genLr: 0.01,
      logEvery: 20,
      rng: createRng(3),
    });
    D.dispose();
    gen.dispose();
    return r;
  };
  const qp = run("gan-qp"), mm = run("sgan-minimax"), start = Math.hypot(3, 3);
  assert(
    start - qp.dist.at(-1)! > 10 * (start - mm.dist.at(-1)!),
    `QP ${qp.dist.at(-1)} vs minimax ${mm.dist.at(-1)}`,
  );
  assert(
    Math.max(...mm.genGradNorm) < 0.2 && Math.max(...qp.genGradNorm) > 1,
    `${mm.genGradNorm} / ${qp.genGradNorm}`,
  );
  assert(tf.memory().numTensors < 200);
});

Deno.test("training options are validated", () => {
  const v = tf.variable(tf.scalar(0));
  const base = {
    generate: (z: tf.Tensor2D) => z,
    genVars: [v],
    zDim: 1,
    criticVars: [v],
    criticLoss: () => tf.scalar(0),
    genLoss: () => tf.scalar(0),
    sampleReal: (n: number) => tf.zeros([n, 1]) as tf.Tensor2D,
    iters: 1,
    dSteps: 1,
    batch: 2,
    criticLr: 1e-3,
    genOpt: "sgd" as const,
    genLr: 1e-2,
    logEvery: 1,
    rng: createRng(0),
  };
  assertThrows(
    () => trainAdversarial({ ...base, iters: 0 }),
    RangeError,
    "trainAdversarial: iters must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => trainAdversarial({ ...base, criticLr: -1 }),
    RangeError,
    "criticLr must be a positive number",
  );
  assertThrows(
    () => trainAdversarial({ ...base, criticBetas: [1, 0.9] }),
    RangeError,
    "betas[0] must be in [0, 1)",
  );
  const T = (x: tf.Tensor2D) => tf.sum(x, 1) as tf.Tensor1D;
  assertThrows(
    () => ganLosses("wgan-gp", T, 0, createRng(0)),
    RangeError,
    "ganLosses: lambda must be a positive number, got 0",
  );
  assertThrows(() => ganLosses("lsgan" as "gan-qp", T, 1, createRng(0)), RangeError, "loss must be");
  assertThrows(() => new ShiftGenerator([1, NaN]), TypeError, "start must be");
  v.dispose();
});
