import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import { setTfThreads, tfThreads, tfThreadsFromEnv, tfThreadsInfo } from "@lib/core/tf_threads.ts";
import { createRng } from "@lib/core/rng.ts";
import { initToyLM, toyLMForward, toyLMLoss, toyLMVariables } from "@lib/nn/toy_lm.ts";
import { TOY_CONFIG, trainRunOpts } from "@lib/position/toy_extrapolation.ts";
import { runChildJson } from "./_child.ts";

// pthread workers outlive a single test by design (the pool belongs to the backend)
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Float32 bit patterns of everything a mixed workload produces: equal ⇔ bit-identical. */
function workload(): Uint32Array[] {
  const rng = createRng(11);
  const normal = (shape: number[], s = 1) =>
    tf.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal() * s), shape);
  const out: Uint32Array[] = [];
  const keep = (t: tf.Tensor) => {
    out.push(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
    t.dispose();
  };
  tf.tidy(() => {
    // odd-sized products, plain and with transposed operands (XNNPACK tiles M and N)
    const a = normal([301, 203]), b = normal([203, 177]), c = normal([177, 203]);
    keep(tf.matMul(a, b));
    keep(tf.matMul(a, c, false, true));
    keep(tf.matMul(b, a, true, true));
    const big = normal([512, 512]);
    keep(tf.matMul(big, big));
    // attention forward + backward
    const q = normal([4, 64, 32]), k = normal([4, 64, 32]), v = normal([4, 64, 32]);
    const g = tf.grads((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
      tf.matMul(tf.softmax(tf.matMul(q, k, false, true).div(Math.sqrt(32))), v).square().sum()
    )([q, k, v]);
    g.forEach(keep);
    // conv2d forward and both gradients
    const x = normal([2, 12, 12, 8]) as tf.Tensor4D, w = normal([3, 3, 8, 16], 0.2) as tf.Tensor4D;
    keep(tf.conv2d(x, w, 1, "same"));
    const cg = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same").square().sum()
    )([x, w]);
    cg.forEach(keep);
  });
  // three Adam steps of an MLP
  const W1 = tf.variable(normal([64, 128], 0.1)), W2 = tf.variable(normal([128, 10], 0.1));
  const X = normal([96, 64]),
    Y = tf.oneHot(tf.tensor1d(Array.from({ length: 96 }, (_, i) => i % 10), "int32"), 10);
  const opt = tf.train.adam(1e-2);
  for (let s = 0; s < 3; s++) {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(Y, tf.relu(X.matMul(W1)).matMul(W2)) as tf.Scalar);
  }
  keep(W1);
  keep(W2);
  tf.dispose([X, Y]);
  opt.dispose();
  // two Adam steps of the shared toy causal LM
  const cfg = { ...TOY_CONFIG };
  const p = initToyLM(cfg, 3);
  const lmOpt = tf.train.adam(1e-2);
  const ids = tf.tensor2d(Int32Array.from({ length: 4 * 65 }, () => rng.int(cfg.vocab)), [4, 65], "int32");
  const inp = ids.slice([0, 0], [4, 64]) as tf.Tensor2D, tgt = ids.slice([0, 1], [4, 64]) as tf.Tensor2D;
  const run = trainRunOpts("rope", cfg, createRng(0));
  for (let s = 0; s < 2; s++) {
    lmOpt.minimize(() => toyLMLoss(toyLMForward(p, cfg, inp, run), tgt), true, toyLMVariables(p))?.dispose();
  }
  toyLMVariables(p).forEach(keep);
  tf.dispose([ids, inp, tgt]);
  lmOpt.dispose();
  return out;
}

Deno.test("setTfThreads(2) runs XNNPACK on 2 threads, bit-identical to one thread", opts, async () => {
  await initTf();
  try {
    const one = await setTfThreads(1);
    assertEquals(one, { requested: 1, threads: 1, threaded: false });
    const ref = workload();
    const info = await setTfThreads(2);
    assertEquals(info, { requested: 2, threads: 2, threaded: true }, `threads did not start: ${info.reason}`);
    assertEquals(tfThreads(), 2);
    assertEquals(tf.getBackend(), "wasm");
    // XNNPACK's pool runs on pthreads: the calling thread plus threads − 1 running workers
    const pthread =
      (tf.backend() as unknown as { wasm: { PThread: { runningWorkers: unknown[] } } }).wasm.PThread;
    assertEquals(pthread.runningWorkers.length, 1);
    const got = workload();
    assertEquals(got.length, ref.length);
    for (let i = 0; i < ref.length; i++) {
      assertEquals(got[i]!.length, ref[i]!.length);
      let diff = 0;
      for (let j = 0; j < ref[i]!.length; j++) if (got[i]![j] !== ref[i]![j]) diff++;
      assertEquals(diff, 0, `output ${i}: ${diff} of ${ref[i]!.length} values differ from one thread`);
    }
    // idempotent: the same request keeps the running backend
    assertEquals(await setTfThreads(2), info);
  } finally {
    await setTfThreads(1);
    await initTf();
  }
  assertEquals(tfThreads(), 1);
  assertEquals((tf.backend() as unknown as { wasm: { PThread?: unknown } }).wasm.PThread, undefined);
});

Deno.test("setTfThreads falls back to one thread when workers cannot start", opts, async () => {
  try {
    const info = await setTfThreads(2, { workerPath: "/nonexistent/tf_threads_worker.js" });
    assertEquals(info.threads, 1);
    assertEquals(info.threaded, false);
    assert(info.reason?.includes("cannot be read"), info.reason);
    assertEquals(tfThreadsInfo(), info);
    const y = tf.matMul(tf.ones([8, 8]), tf.ones([8, 8]));
    assertEquals(y.dataSync()[0], 8); // the single-threaded backend works
    y.dispose();
  } finally {
    await setTfThreads(1);
    await initTf();
  }
});

Deno.test("setTfThreads and tfThreadsFromEnv validate their arguments", async () => {
  for (const bad of [0, 1.5, 9, NaN]) {
    let err: unknown;
    try {
      await setTfThreads(bad);
    } catch (e) {
      err = e;
    }
    assert(err instanceof RangeError, `setTfThreads(${bad}) did not throw a RangeError`);
    assert(err.message.includes("threads"), err.message);
  }
  assertEquals(tfThreadsFromEnv("2"), 2);
  assertEquals(tfThreadsFromEnv(" "), undefined);
  assertThrows(() => tfThreadsFromEnv("two"), RangeError, "KEXUE_TF_THREADS");
  assertThrows(() => tfThreadsFromEnv("0"), RangeError, "an integer in [1, 8]");
});

Deno.test("initTf opts in through { threads } and through KEXUE_TF_THREADS", opts, async () => {
  try {
    assertEquals(await initTf("wasm", { threads: 2 }), "wasm");
    assertEquals(tfThreads(), 2);
    assertEquals(await initTf(), "wasm"); // no option, no env: keeps what is running
    assertEquals(tfThreads(), 2);
    assertEquals(await initTf("wasm", { threads: 1 }), "wasm");
    assertEquals(tfThreads(), 1);
  } finally {
    await setTfThreads(1);
    await initTf();
  }
  const code = 'import { initTf } from "@lib/core/tf_setup.ts";\n' +
    'import { tfThreads } from "@lib/core/tf_threads.ts";\n' +
    "await initTf();\nconsole.log(JSON.stringify({ threads: tfThreads() }));\n";
  const run = async (env: Record<string, string>) =>
    (await runChildJson<{ threads: number }>(code, env)).threads;
  assertEquals(await run({ KEXUE_TF_THREADS: "2" }), 2);
  assertEquals(await run({ KEXUE_TF_THREADS: "" }), 1);
});
