import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import {
  blasMatMul,
  disableTfBlas,
  enableTfBlas,
  OPENBLAS_CANDIDATES,
  openBlasCoreType,
  tfBlasFromEnv,
  type TfBlasInfo,
  tfBlasInfo,
} from "@lib/core/tf_blas.ts";
import { runChildJson } from "./_child.ts";
import { createRng } from "@lib/core/rng.ts";
import { installWasmGapFills, uninstallWasmGapFills, wasmGapFillStatus } from "@lib/core/tf_ops.ts";
import { TOY_CONFIG, toyTrainKey } from "@lib/position/toy_extrapolation.ts";

/** OpenBLAS is a system library: CI installs it (.ci/run); elsewhere the native tests say they skip. */
const available = (() => {
  const fromEnv = Deno.env.get("KEXUE_BLAS_LIB");
  return (fromEnv ? [fromEnv] : OPENBLAS_CANDIDATES).some((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
})();
if (!available) {
  console.warn("tf_blas_test: no OpenBLAS on this machine, the native-kernel tests are ignored");
}

/** Reference product in float64: C = op(A)·op(B), row-major. */
function refMatMul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assertEquals(got.length, want.length);
  let err = 0, scale = 1e-30;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return err / scale;
}

const randn = (rng: ReturnType<typeof createRng>, n: number) =>
  Float32Array.from({ length: n }, () => rng.normal());

Deno.test("openBlasCoreType picks the kernel family from the CPU flags", () => {
  const f = (...x: string[]) => openBlasCoreType(new Set(x));
  assertEquals(f("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16", "avx2", "fma"), "Cooperlake");
  assertEquals(f("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma"), "SkylakeX");
  assertEquals(f("avx512f", "avx2", "fma"), "Haswell"); // AVX-512 without BW/DQ/VL (Knights Landing)
  assertEquals(f("avx2", "fma"), "Haswell");
  assertEquals(f("avx2"), undefined);
  assertEquals(f(), undefined);
});

Deno.test("tfBlasFromEnv parses KEXUE_TF_BLAS", () => {
  assertEquals(tfBlasFromEnv("1"), 1);
  assertEquals(tfBlasFromEnv("on"), 1);
  assertEquals(tfBlasFromEnv("2"), 2);
  assertEquals(tfBlasFromEnv(""), undefined);
  assertEquals(tfBlasFromEnv("0"), undefined);
  assertEquals(tfBlasFromEnv("off"), undefined);
  assertThrows(() => tfBlasFromEnv("fast"), RangeError, "KEXUE_TF_BLAS");
  assertThrows(() => tfBlasFromEnv("65"), RangeError, "[1, 64]");
  assertEquals(tfBlasFromEnv(" TRUE "), 1);
});

Deno.test("enableTfBlas and blasMatMul validate their arguments", () => {
  for (const bad of [0, 1.5, 65, NaN]) {
    assertThrows(() => enableTfBlas({ threads: bad }), RangeError, "threads");
  }
  assertThrows(() => blasMatMul(new Float32Array(6), new Float32Array(6), 2, 3, 3), RangeError, "b.length");
  assertThrows(() => blasMatMul(new Float32Array(5), new Float32Array(6), 2, 3, 2), RangeError, "a.length");
  assertThrows(() => blasMatMul(new Float32Array(0), new Float32Array(0), -1, 0, 0), RangeError, "m");
});

Deno.test("enableTfBlas falls back to XNNPACK, saying why, when the library cannot load", async () => {
  await initTf();
  const code = 'import * as tf from "@tensorflow/tfjs";\nimport { initTf } from "@lib/core/tf_setup.ts";\n' +
    'import { enableTfBlas } from "@lib/core/tf_blas.ts";\nawait initTf();\n' +
    'const info = enableTfBlas({ library: "/nonexistent/libopenblas.so.0" });\n' +
    "const y = tf.matMul(tf.ones([8, 8]), tf.ones([8, 8]));\n" +
    "console.log(JSON.stringify({ info, y: y.dataSync()[0] }));\n";
  // a child process: once a library is loaded the process keeps it
  const out = await runChildJson<{ info: TfBlasInfo; y: number }>(code);
  assertEquals(out.info.enabled, false);
  assert(out.info.reason?.includes("/nonexistent/libopenblas.so.0: not found"), out.info.reason);
  assertEquals(out.y, 8); // XNNPACK still multiplies
});

Deno.test({
  name: "blasMatMul matches a float64 product for all four transpose cases and empty sizes",
  ignore: !available,
  fn() {
    const rng = createRng(3);
    for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [64, 33, 17], [3, 200, 2]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = randn(rng, m * k), b = randn(rng, k * n);
          const err = maxRelErr(blasMatMul(a, b, m, k, n, ta, tb), refMatMul(a, b, m, k, n, ta, tb));
          assert(err < 1e-5, `${m}×${k}×${n} ta=${ta} tb=${tb}: relative error ${err}`);
        }
      }
    }
    assertEquals(Array.from(blasMatMul(new Float32Array(0), new Float32Array(0), 2, 0, 3)), [
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    assertEquals(blasMatMul(new Float32Array(0), new Float32Array(12), 0, 4, 3).length, 0);
    // exact small case
    assertEquals(Array.from(blasMatMul(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 2, 2, 2)), [
      19,
      22,
      43,
      50,
    ]);
  },
});

Deno.test({
  name: "enableTfBlas: tf.matMul, batched/broadcast products and their gradients agree with XNNPACK",
  ignore: !available,
  async fn() {
    await initTf();
    const rng = createRng(5);
    const t = (shape: number[]) => tf.tensor(randn(rng, shape.reduce((p, q) => p * q, 1)), shape);
    const A = t([3, 37, 53]), B = t([53, 41]), C = t([3, 41, 53]), D = t([1, 29, 37]), E = t([3, 53, 41]);
    const W = t([2, 1, 5, 6]), X = t([1, 3, 6, 4]); // a [2,1]×[1,3] broadcast: the fallback path
    const cases = (): tf.Tensor[] => [
      tf.matMul(A.reshape([111, 53]), B),
      tf.matMul(A, E), // equal batches
      tf.matMul(A, B), // right operand without batch
      tf.matMul(A, C, false, true),
      tf.matMul(A, D, true, true), // left batch 3, right batch 1, both transposed
      tf.matMul(W, X), // general broadcast
      ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b).square().sum())([A, B]),
      ...tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.matMul(a, c, false, true).sin().sum())([A, C]),
    ];
    const run = () => {
      const ts = tf.tidy(cases);
      const out = ts.map((x) => ({ shape: x.shape, data: Float32Array.from(x.dataSync()) }));
      tf.dispose(ts);
      return out;
    };
    disableTfBlas();
    const ref = run();
    try {
      const info = enableTfBlas({ threads: 2 });
      assert(info.enabled, `native BLAS did not start: ${info.reason}`);
      assertEquals(info.threads, 2);
      assert(info.config?.startsWith("OpenBLAS"), info.config);
      assertEquals(tfBlasInfo(), info);
      const before = tf.memory().numTensors;
      const got = run();
      assertEquals(tf.memory().numTensors, before, "the native kernel leaked tensors");
      for (let i = 0; i < ref.length; i++) {
        assertEquals(got[i]!.shape, ref[i]!.shape, `case ${i}`);
        const err = maxRelErr(got[i]!.data, ref[i]!.data);
        assert(err < 2e-5, `case ${i}: relative difference to XNNPACK ${err}`);
      }
      // bits differ from XNNPACK somewhere (different kernels), which is why it is opt-in
      assert(
        got.some((g, i) => g.data.some((v, j) => v !== ref[i]!.data[j])),
        "identical bits: kernel not in use?",
      );
      // an inner-dimension mismatch is still reported
      assertThrows(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])), Error, "inner");
    } finally {
      disableTfBlas();
    }
    assertEquals(tfBlasInfo(), { enabled: false, threads: 1 });
    const again = run(); // XNNPACK is back: bit-identical to the reference
    for (let i = 0; i < ref.length; i++) assertEquals(again[i]!.data, ref[i]!.data);
    tf.dispose([A, B, C, D, E, W, X]);
  },
});

Deno.test({
  name: "initTf opts in through { blas } and KEXUE_TF_BLAS; the native kernel is faster on 1024²",
  ignore: !available,
  async fn() {
    try {
      await initTf("wasm", { blas: 2 });
      assertEquals(tfBlasInfo().enabled, true, tfBlasInfo().reason);
      assertEquals(tfBlasInfo().threads, 2);
      // a later initTf() (library code calls it) re-installs the tf_ops fills but keeps the native kernel
      await initTf();
      assertEquals(tfBlasInfo().enabled, true);
      assertEquals(wasmGapFillStatus()["wasm:BatchMatMul"], true);
      // uninstalling the fills restores tfjs's own kernel, and the info says so
      uninstallWasmGapFills();
      assertEquals(tfBlasInfo().enabled, false);
      installWasmGapFills();
      assertEquals(enableTfBlas({ threads: 2 }).enabled, true); // re-installs over the fill
      assertEquals(tfBlasInfo().enabled, true);
      await initTf("wasm", { blas: false });
      assertEquals(tfBlasInfo().enabled, false);
      assertEquals(tfBlasInfo(), { enabled: false, threads: 1 }); // off, and no failure to report
    } finally {
      disableTfBlas();
    }
    // a child process with the variable set: reports the kernel in use and the speed-up it measures
    const code =
      'import * as tf from "@tensorflow/tfjs";\nimport { initTf } from "@lib/core/tf_setup.ts";\n' +
      'import { disableTfBlas, enableTfBlas, tfBlasInfo } from "@lib/core/tf_blas.ts";\n' +
      "await initTf();\nconst info = tfBlasInfo();\n" +
      "const x = tf.randomNormal([1024, 1024], 0, 1, 'float32', 1);\n" +
      "const best = () => { let b = Infinity; for (let i = 0; i < 4; i++) { const t0 = performance.now();\n" +
      "  const y = tf.matMul(x, x); y.dataSync(); y.dispose(); b = Math.min(b, performance.now() - t0); } return b; };\n" +
      "const blasMs = best(); disableTfBlas(); const xnnMs = best(); enableTfBlas({ threads: info.threads });\n" +
      "console.log(JSON.stringify({ info, blasMs, xnnMs }));\n";
    const out = await runChildJson<{ info: TfBlasInfo; blasMs: number; xnnMs: number }>(code, {
      KEXUE_TF_BLAS: "2",
    });
    assertEquals(out.info.enabled, true, out.info.reason);
    assertEquals(out.info.threads, 2);
    // not a timing target (those live in `deno task bench`): a check that the native path is really
    // taken; on the AVX2/AVX-512 machines seen here it is 5–7× faster than XNNPACK
    assert(out.blasMs < out.xnnMs, `native ${out.blasMs} ms is not faster than XNNPACK ${out.xnnMs} ms`);
  },
});

Deno.test({
  name: "the toy-LM weight cache never mixes native-BLAS weights with XNNPACK ones",
  ignore: !available,
  async fn() {
    await initTf();
    const o = { steps: 400, batch: 16, lr: 1e-2, seed: 0 };
    disableTfBlas();
    const plain = toyTrainKey(TOY_CONFIG, "rope", o);
    assert(!plain.includes("matmul"), plain); // the default key (and so the existing cache) is unchanged
    try {
      assert(enableTfBlas().enabled);
      const native = toyTrainKey(TOY_CONFIG, "rope", o);
      assert(native !== plain && native.includes('"matmul":"openblas'), native);
    } finally {
      disableTfBlas();
    }
    assertEquals(toyTrainKey(TOY_CONFIG, "rope", o), plain);
  },
});
