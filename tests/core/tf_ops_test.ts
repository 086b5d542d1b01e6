/**
 * Tests for lib/core/tf_ops.ts: every op the library relies on gives the same values and gradients on
 * `wasm` as on the reference `cpu` backend (and, where cheap, as a float64 reference), the gap-fills are
 * installed, the gaps are still real upstream (so a fill is never dead code), and nothing leaks.
 */
import * as tf from "@tensorflow/tfjs";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertLess,
  assertLessOrEqual,
  assertThrows,
} from "@std/assert";
import { initTf } from "@lib/core/tf_setup.ts";
import {
  installWasmGapFills,
  logSigmoid,
  logSoftmax,
  stopGradient,
  uninstallWasmGapFills,
  wasmGapFillStatus,
} from "@lib/core/tf_ops.ts";
import { createRng } from "@lib/core/rng.ts";

await initTf("wasm");

type Backend = "cpu" | "wasm";
type Fn = () => tf.Tensor[];

function normals(seed: number, n: number, scale = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.normal() * scale);
}

function numDataIds(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

/** Runs `f` on one backend; returns the values (float64 copies) and shapes; checks for leaks. */
async function runOn(backend: Backend, f: Fn): Promise<{ values: Float64Array[]; shapes: number[][] }> {
  assert(await tf.setBackend(backend), `setBackend(${backend}) failed`);
  assertEquals(tf.getBackend(), backend);
  const tensorsBefore = tf.memory().numTensors, idsBefore = numDataIds();
  const outs = tf.tidy(f);
  const values = outs.map((t) => Float64Array.from(t.dataSync()));
  const shapes = outs.map((t) => t.shape.slice());
  tf.dispose(outs);
  assertEquals(tf.memory().numTensors, tensorsBefore, `${backend}: tensors leaked`);
  assertEquals(numDataIds(), idsBefore, `${backend}: backend buffers leaked`);
  return { values, shapes };
}

/** |a − e| ≤ rtol·|e| + atol·max(1, ‖e‖∞), element-wise; all finite where e is. */
function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
  label: string,
) {
  assertEquals(actual.length, expected.length, `${label}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number, e = expected[i] as number;
    if (Number.isNaN(e)) {
      assert(Number.isNaN(a), `${label}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    if (!Number.isFinite(e)) {
      assertEquals(a, e, `${label}[${i}]`);
      continue;
    }
    const tol = rtol * Math.abs(e) + atol * scale;
    assert(
      Math.abs(a - e) <= tol,
      `${label}[${i}]: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${tol})`,
    );
  }
}

/** Runs `f` on cpu and on wasm and compares every output; leaves the backend on wasm. */
async function sameOnBoth(label: string, f: Fn, rtol = 1e-5, atol = 1e-6): Promise<Float64Array[]> {
  try {
    const cpu = await runOn("cpu", f);
    const wasm = await runOn("wasm", f);
    assertEquals(wasm.shapes, cpu.shapes, `${label}: shapes`);
    cpu.values.forEach((c, i) =>
      assertClose(wasm.values[i] as Float64Array, c, rtol, atol, `${label} #${i}`)
    );
    return wasm.values;
  } finally {
    await tf.setBackend("wasm");
  }
}

function t2(data: number[], r: number, c: number): tf.Tensor2D {
  return tf.tensor2d(data, [r, c]);
}

// ---------------------------------------------------------------------------------------------------

Deno.test("gap fills are installed, marked, and installing twice changes nothing", () => {
  const status = wasmGapFillStatus();
  for (const [name, ok] of Object.entries(status)) assert(ok, `${name} is not installed`);
  for (
    const k of [
      "UnsortedSegmentSum",
      "Conv2DBackpropFilter",
      "DepthwiseConv2dNativeBackpropInput",
      "DepthwiseConv2dNativeBackpropFilter",
      "Einsum",
    ]
  ) {
    assert(tf.getKernel(k, "wasm") !== undefined, `wasm kernel ${k} missing`);
  }
  assert(status["wasm:BatchMatMul"] && status["wasm:_FusedMatMul"], "transposed-matmul wrapper missing");
  assert(status["grad:Greater"] && status["grad:Sigmoid"], "gradient fills missing");
  const mm = tf.getKernel("BatchMatMul", "wasm").kernelFunc;
  const sg = tf.getGradient("Sigmoid").gradFunc;
  installWasmGapFills();
  assert(tf.getKernel("BatchMatMul", "wasm").kernelFunc === mm, "second install re-wrapped BatchMatMul");
  assert(tf.getGradient("Sigmoid").gradFunc === sg, "second install replaced the Sigmoid gradient");
  assertEquals(tf.getBackend(), "wasm");
});

Deno.test("the gaps are real in tfjs 4.22: without the fills these fail on wasm", () => {
  // (No leak check here: a gradient that throws leaves the tensors tfjs had saved for it behind.)
  uninstallWasmGapFills();
  try {
    const status = wasmGapFillStatus();
    assert(Object.values(status).every((ok) => !ok), "uninstall left fills behind");
    const x = tf.tensor1d([-2, -1, 1, 2]);
    const fails = (f: () => unknown) => {
      try {
        tf.tidy(() => {
          f();
        });
        return false;
      } catch {
        return true;
      }
    };
    assert(
      fails(() => tf.grad((e: tf.Tensor) => tf.gather(e, [0, 1, 1]).sum())(tf.ones([3, 2]))),
      "gather grad",
    );
    assert(
      fails(() =>
        tf.grad((w: tf.Tensor) =>
          tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, "same").sum()
        )(
          tf.ones([2, 2, 1, 1]),
        )
      ),
      "conv2d filter grad",
    );
    assert(
      fails(() =>
        tf.grad((b: tf.Tensor) => tf.matMul(tf.ones([2, 4, 6]) as tf.Tensor3D, b as tf.Tensor3D).sum())(
          tf.ones([6, 3]),
        )
      ),
      "broadcast batched matMul grad",
    );
    const second = (f: (y: tf.Tensor) => tf.Tensor) =>
      tf.grad((v: tf.Tensor) => tf.grad((y) => f(y).sum())(v).sum())(x);
    assert(fails(() => second((y) => tf.leakyRelu(y, 0.2).square())), "leakyRelu 2nd order");
    assert(fails(() => second((y) => tf.sigmoid(y))), "sigmoid 2nd order");
    // tf.logSigmoid's own gradient fails for a non-leaf input on every backend (why logSigmoid is exported).
    assert(fails(() => tf.grad((v: tf.Tensor) => tf.logSigmoid(v.mul(2)).sum())(x)), "tf.logSigmoid grad");
    // tfjs-wasm's Sign returns 0 for |x| ≤ 1.19e-7 (float32 ε) and for NaN.
    assertEquals(Array.from(tf.tidy(() => tf.sign(tf.tensor1d([1e-8, -1e-9, NaN]))).dataSync()), [0, 0, 0]);
    x.dispose();
  } finally {
    installWasmGapFills();
  }
  assert(Object.values(wasmGapFillStatus()).every((ok) => ok));
});

// --- matMul ----------------------------------------------------------------------------------------

function refMatMul(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += (a[i * k + l] as number) * (b[l * n + j] as number);
      out[i * n + j] = s;
    }
  }
  return out;
}

function transposed(a: number[], r: number, c: number): number[] {
  const out = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j] as number;
  return out;
}

Deno.test("matMul: all four transpose combinations, values and gradients (2-D and batched)", async () => {
  const m = 5, k = 7, n = 3;
  const a = normals(1, m * k), b = normals(2, k * n), w = normals(3, m * n);
  const ref = refMatMul(a, b, m, k, n);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const aData = ta ? transposed(a, m, k) : a, bData = tb ? transposed(b, k, n) : b;
    const aShape: [number, number] = ta ? [k, m] : [m, k], bShape: [number, number] = tb ? [n, k] : [k, n];
    const [y, ga, gb] = await sameOnBoth(`matMul ta=${ta} tb=${tb}`, () => {
      const A = tf.tensor2d(aData, aShape), B = tf.tensor2d(bData, bShape), W = t2(w, m, n);
      const f = (x: tf.Tensor, z: tf.Tensor) =>
        tf.matMul(x as tf.Tensor2D, z as tf.Tensor2D, ta, tb).mul(W).sum();
      const [dA, dB] = tf.grads(f)([A, B]);
      return [tf.matMul(A, B, ta, tb), dA as tf.Tensor, dB as tf.Tensor];
    });
    assertClose(y as Float64Array, ref, 1e-5, 1e-6, "matMul vs float64");
    // d/dA Σ W⊙(AB) = W Bᵀ, d/dB = Aᵀ W (in the un-transposed layout)
    const dA = refMatMul(w, transposed(b, k, n), m, n, k), dB = refMatMul(transposed(a, m, k), w, k, m, n);
    assertClose(ga as Float64Array, ta ? transposed(dA, m, k) : dA, 1e-5, 1e-6, "dA vs float64");
    assertClose(gb as Float64Array, tb ? transposed(dB, k, n) : dB, 1e-5, 1e-6, "dB vs float64");
  }
  // broadcast batch dimensions: a matrix against a batch, and a batch of 1 against a batch of 2
  const shapePairs = [
    [[3, 4], [2, 4, 5]],
    [[1, 3, 4], [2, 4, 5]],
    [[2, 3, 4], [1, 4, 5]],
    [[3, 3, 4], [3, 4, 5]],
    [[2, 3, 3, 4], [1, 3, 4, 5]],
  ] as const;
  for (const [sa, sb] of shapePairs) {
    await sameOnBoth(`broadcast matMul ${sa} × ${sb}`, () => {
      const A = tf.tensor(normals(9, sa.reduce((p: number, q) => p * q, 1)), [...sa]);
      const B = tf.tensor(normals(10, sb.reduce((p: number, q) => p * q, 1)), [...sb]);
      const f = (x: tf.Tensor, z: tf.Tensor) => tf.matMul(x as tf.Tensor3D, z as tf.Tensor3D).square().sum();
      const g = (x: tf.Tensor, z: tf.Tensor) =>
        tf.matMul(x as tf.Tensor3D, z as tf.Tensor3D, false, true).square().sum();
      const Bt = tf.tensor(normals(11, sb.reduce((p: number, q) => p * q, 1)), [
        ...sb.slice(0, -2),
        sb[sb.length - 1]!,
        sb[sb.length - 2]!,
      ]);
      return [tf.matMul(A as tf.Tensor3D, B as tf.Tensor3D), ...tf.grads(f)([A, B]), ...tf.grads(g)([A, Bt])];
    });
  }
  // [2,1]×[3] batch broadcasting: tfjs-cpu (and tfjs-wasm as shipped) get this wrong (45 values for a
  // [2,3,3,5] result), so the reference is float64.
  {
    const ad = normals(14, 2 * 3 * 4), bd = normals(15, 3 * 4 * 5);
    const y = tf.matMul(tf.tensor4d(ad, [2, 1, 3, 4]), tf.tensor3d(bd, [3, 4, 5]) as unknown as tf.Tensor4D);
    assertEquals(y.shape, [2, 3, 3, 5]);
    const ref: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        ref.push(...refMatMul(ad.slice(i * 12, i * 12 + 12), bd.slice(j * 20, j * 20 + 20), 3, 4, 5));
      }
    }
    assertClose(y.dataSync(), ref, 1e-5, 1e-6, "[2,1,3,4]×[3,4,5]");
    y.dispose();
  }
  // batched, with a broadcast 2-D right operand, through layers-style fused matmul as well
  const a3 = normals(4, 2 * 4 * 6), b2 = normals(5, 6 * 3), bias = normals(6, 3);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    await sameOnBoth(`batched matMul ta=${ta} tb=${tb}`, () => {
      const A = tf.tensor3d(a3, ta ? [2, 6, 4] : [2, 4, 6]), B = tf.tensor2d(b2, tb ? [3, 6] : [6, 3]);
      const f = (x: tf.Tensor, z: tf.Tensor) =>
        tf.matMul(x as tf.Tensor3D, z as tf.Tensor3D, ta, tb).square().sum();
      const [dA, dB] = tf.grads(f)([A, B]);
      const A2 = tf.tensor2d(a3.slice(0, 24), ta ? [6, 4] : [4, 6]);
      const fused = tf.fused.matMul({
        a: A2,
        b: B,
        transposeA: ta,
        transposeB: tb,
        bias: tf.tensor1d(bias),
        activation: "relu",
      });
      return [tf.matMul(A, B, ta, tb), dA as tf.Tensor, dB as tf.Tensor, fused];
    });
  }
});

Deno.test("sign is exact on wasm: tiny values and ±0 as on cpu, NaN stays NaN (Lion and Tiger rely on it)", async () => {
  const vals = [1e-10, -1e-8, 1e-7, -1.1e-7, 0, -0, 2, -3, 1e-30, -1e30];
  await sameOnBoth("sign", () => [tf.sign(tf.tensor1d(vals))], 0, 0);
  vals.splice(8, 0, NaN); // tfjs-cpu maps NaN to 0; here NaN propagates, as in NumPy and PyTorch
  const s = Array.from(tf.tidy(() => tf.sign(tf.tensor1d(vals))).dataSync());
  assertEquals(s.slice(0, 8), [1, -1, 1, -1, 0, 0, 1, -1]);
  assert(Number.isNaN(s[8]));
  assertEquals(s.slice(9), [1, -1]);
});

Deno.test("Identity shares the heap bytes: clone survives disposing the original, no copy, no leak", () => {
  const be = tf.backend() as unknown as { getMemoryOffset(id: tf.DataId): number };
  const before = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
  const x = tf.tensor1d([1, 2, 3, 4]);
  const c = tf.clone(x);
  assertEquals(be.getMemoryOffset(c.dataId), be.getMemoryOffset(x.dataId)); // one buffer, two references
  assertEquals((tf.memory() as typeof before).numDataBuffers, before.numDataBuffers + 1); // no copy
  x.dispose();
  assertEquals(Array.from(c.dataSync()), [1, 2, 3, 4]); // the buffer lives while a reference does
  c.dispose();
  assertEquals(tf.memory().numBytes, before.numBytes);
  assertEquals((tf.memory() as typeof before).numDataBuffers, before.numDataBuffers);
  // strings keep tfjs's own kernel
  const s = tf.tensor1d(["a", "b"]);
  assertEquals(tf.clone(s).dataSync() as unknown as string[], ["a", "b"]);
  tf.dispose(s);
  // gradients read the tape's saved (aliased) tensors: still exact
  const g = tf.grad((v: tf.Tensor) => v.mul(v).sum())(tf.tensor1d([1, -2, 3]));
  assertEquals(Array.from(g.dataSync()), [2, -4, 6]);
});

// --- gather / embedding ----------------------------------------------------------------------------

Deno.test("gather and its gradient (repeated indices, axis 0 and 1) match cpu and the scatter-add", async () => {
  const vocab = 6, dim = 4, ids = [3, 1, 3, 3, 0, 5, 1], wts = normals(11, ids.length * dim);
  const table = normals(10, vocab * dim);
  const [y, g] = await sameOnBoth("gather axis 0", () => {
    const E = t2(table, vocab, dim), W = t2(wts, ids.length, dim), I = tf.tensor1d(ids, "int32");
    const dE = tf.grad((e: tf.Tensor) => tf.gather(e, I).mul(W).sum())(E);
    return [tf.gather(E, I), dE];
  });
  const refY = ids.flatMap((i) => table.slice(i * dim, (i + 1) * dim));
  assertClose(y as Float64Array, refY.map(Math.fround), 0, 0, "gather values");
  const refG = new Array<number>(vocab * dim).fill(0);
  ids.forEach((id, r) => {
    for (let j = 0; j < dim; j++) refG[id * dim + j]! += wts[r * dim + j] as number;
  });
  assertClose(g as Float64Array, refG, 1e-6, 1e-7, "gather gradient = scatter-add");
  await sameOnBoth("gather axis 1, 2-D indices", () => {
    const E = tf.tensor3d(normals(12, 2 * 5 * 3), [2, 5, 3]),
      I = tf.tensor2d([[4, 0], [4, 4]], [2, 2], "int32");
    return [tf.grad((e: tf.Tensor) => tf.gather(e, I, 1).square().sum())(E)];
  });
  await sameOnBoth(
    "unsortedSegmentSum (ids out of range are dropped)",
    () => [
      tf.unsortedSegmentSum(t2(normals(13, 5 * 2), 5, 2), tf.tensor1d([2, -1, 0, 2, 7], "int32"), 4),
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], "int32"), tf.tensor1d([1, 1, 0, 3], "int32"), 4),
    ],
    0,
    0,
  );
  await sameOnBoth("oneHot and oneHot·E (the other embedding)", () => {
    const E = t2(table, vocab, dim);
    const oh = tf.oneHot(tf.tensor1d(ids, "int32"), vocab).toFloat() as tf.Tensor2D;
    return [oh, tf.grad((e: tf.Tensor) => tf.matMul(oh, e as tf.Tensor2D).square().sum())(E)];
  });
});

// --- convolutions ----------------------------------------------------------------------------------

function refConvFilterGrad(
  x: number[],
  xs: [number, number, number, number],
  dy: number[],
  dys: [number, number, number, number],
  fh: number,
  fw: number,
  s: number,
  top: number,
  left: number,
): number[] {
  const [B, H, W, C] = xs, [, OH, OW, CO] = dys;
  const out = new Array<number>(fh * fw * C * CO).fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < fh; kh++) {
          for (let kw = 0; kw < fw; kw++) {
            const ih = oh * s - top + kh, iw = ow * s - left + kw;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            for (let ci = 0; ci < C; ci++) {
              for (let co = 0; co < CO; co++) {
                out[((kh * fw + kw) * C + ci) * CO + co]! += (x[((b * H + ih) * W + iw) * C + ci] as number) *
                  (dy[((b * OH + oh) * OW + ow) * CO + co] as number);
              }
            }
          }
        }
      }
    }
  }
  return out;
}

Deno.test("conv2d: forward, input gradient, filter gradient (strides 1/2, same/valid, odd/even filters)", async () => {
  const cases: Array<
    {
      x: [number, number, number, number];
      f: [number, number, number, number];
      s: 1 | 2;
      pad: "same" | "valid";
    }
  > = [
    { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: "same" },
    { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 2, pad: "same" },
    { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 2, pad: "valid" },
    { x: [1, 8, 6, 2], f: [2, 2, 2, 3], s: 2, pad: "same" },
    { x: [3, 5, 5, 1], f: [5, 5, 1, 2], s: 1, pad: "valid" },
    { x: [2, 4, 4, 5], f: [1, 1, 5, 2], s: 1, pad: "valid" },
    { x: [1, 9, 9, 2], f: [4, 4, 2, 3], s: 2, pad: "same" },
  ];
  for (const [ci, c] of cases.entries()) {
    const xd = normals(20 + ci, c.x.reduce((p, q) => p * q)),
      fd = normals(40 + ci, c.f.reduce((p, q) => p * q), 0.5);
    let dyShape: [number, number, number, number] = [0, 0, 0, 0];
    let dyData: number[] = [];
    const [, , dW] = await sameOnBoth(
      `conv2d case ${ci}`,
      () => {
        const X = tf.tensor4d(xd, c.x), F = tf.tensor4d(fd, c.f);
        const y = tf.conv2d(X, F, c.s, c.pad);
        dyShape = y.shape;
        dyData = normals(60 + ci, y.size);
        const DY = tf.tensor4d(dyData, y.shape);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad).mul(DY).sum();
        const [dX, dF] = tf.grads(f)([X, F]);
        return [y, dX as tf.Tensor, dF as tf.Tensor];
      },
      1e-5,
      2e-6,
    );
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad);
    const ref = refConvFilterGrad(
      xd,
      c.x,
      dyData,
      dyShape,
      c.f[0],
      c.f[1],
      c.s,
      info.padInfo.top,
      info.padInfo.left,
    );
    assertClose(dW as Float64Array, ref, 1e-5, 2e-6, `conv2d case ${ci} filter grad vs float64`);
  }
});

function refConvInputGrad(
  w: number[],
  ws: [number, number, number, number],
  dy: number[],
  dys: [number, number, number, number],
  xs: [number, number, number, number],
  s: number,
  top: number,
  left: number,
): number[] {
  const [B, H, W, C] = xs, [, OH, OW, CO] = dys, [fh, fw] = ws;
  const out = new Array<number>(B * H * W * C).fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < fh; kh++) {
          for (let kw = 0; kw < fw; kw++) {
            const ih = oh * s - top + kh, iw = ow * s - left + kw;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            for (let ci = 0; ci < C; ci++) {
              let acc = 0;
              for (let co = 0; co < CO; co++) {
                acc += (w[((kh * fw + kw) * C + ci) * CO + co] as number) *
                  (dy[((b * OH + oh) * OW + ow) * CO + co] as number);
              }
              out[((b * H + ih) * W + iw) * C + ci]! += acc;
            }
          }
        }
      }
    }
  }
  return out;
}

Deno.test("conv2d filter and input gradients over several im2col chunks match a float64 reference", () => {
  // K·OH·OW = 72·256 per image; 2²³ / 18432 = 455 images per chunk → 500 images = 2 chunks (cpu is too slow
  // here, hence the float64 reference).
  const xs: [number, number, number, number] = [500, 16, 16, 8],
    fs: [number, number, number, number] = [3, 3, 8, 2];
  const dys: [number, number, number, number] = [500, 16, 16, 2];
  const xd = normals(70, xs.reduce((p, q) => p * q)), dyd = normals(71, dys.reduce((p, q) => p * q));
  const wd = normals(72, fs.reduce((p, q) => p * q));
  const before = numDataIds(), tensors = tf.memory().numTensors;
  const [dX, dW] = tf.tidy(() => {
    const X = tf.tensor4d(xd, xs), DY = tf.tensor4d(dyd, dys), F = tf.tensor4d(wd, fs);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same").mul(DY).sum();
    return tf.grads(f)([X, F]);
  });
  const gotX = dX!.dataSync(), gotW = dW!.dataSync();
  tf.dispose([dX!, dW!]);
  assertEquals(numDataIds(), before);
  assertEquals(tf.memory().numTensors, tensors);
  assertClose(gotW, refConvFilterGrad(xd, xs, dyd, dys, 3, 3, 1, 1, 1), 1e-4, 1e-5, "chunked filter grad");
  assertClose(gotX, refConvInputGrad(wd, fs, dyd, dys, xs, 1, 1, 1), 1e-4, 1e-5, "chunked input grad");
});

Deno.test("conv gradient kernels also take NCHW (called directly; tf.conv2d on wasm is NHWC only)", async () => {
  const xd = normals(73, 2 * 3 * 6 * 5), dyd = normals(74, 2 * 4 * 3 * 3), wd = normals(75, 3 * 3 * 3 * 4);
  const attrs = { strides: [2, 2], pad: "same", dataFormat: "NCHW", dimRoundingMode: undefined };
  await sameOnBoth("NCHW backprop kernels", () => {
    const X = tf.tensor4d(xd, [2, 3, 6, 5]),
      DY = tf.tensor4d(dyd, [2, 4, 3, 3]),
      F = tf.tensor4d(wd, [3, 3, 3, 4]);
    const run = (name: string, inputs: tf.NamedTensorMap, extra: tf.NamedAttrMap) =>
      tf.engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return [
      run("Conv2DBackpropFilter", { x: X, dy: DY }, { filterShape: [3, 3, 3, 4] }),
      run("Conv2DBackpropInput", { dy: DY, filter: F }, { inputShape: [2, 3, 6, 5] }),
    ];
  });
});

Deno.test("conv1d, conv2dTranspose and depthwiseConv2d gradients match cpu", async () => {
  await sameOnBoth("conv1d", () => {
    const X = tf.tensor3d(normals(80, 2 * 9 * 3), [2, 9, 3]),
      F = tf.tensor3d(normals(81, 3 * 3 * 4), [3, 3, 4]);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 2, "same").square().sum();
    return tf.grads(f)([X, F]);
  });
  await sameOnBoth("conv2dTranspose", () => {
    const X = tf.tensor4d(normals(82, 1 * 4 * 4 * 2), [1, 4, 4, 2]),
      F = tf.tensor4d(normals(83, 3 * 3 * 3 * 2), [3, 3, 3, 2]);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [1, 8, 8, 3], 2, "same").square().sum();
    return tf.grads(f)([X, F]);
  });
  for (const [s, pad] of [[1, "same"], [2, "valid"], [2, "same"]] as const) {
    await sameOnBoth(`depthwiseConv2d s=${s} ${pad}`, () => {
      const X = tf.tensor4d(normals(84, 2 * 6 * 6 * 3), [2, 6, 6, 3]),
        F = tf.tensor4d(normals(85, 3 * 3 * 3 * 2), [3, 3, 3, 2]);
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad).square().sum();
      return [tf.depthwiseConv2d(X, F, s, pad), ...tf.grads(f)([X, F])];
    });
  }
});

Deno.test("einsum runs on wasm and matches cpu", async () => {
  await sameOnBoth("einsum", () => {
    const a = t2(normals(90, 12), 3, 4),
      b = t2(normals(91, 20), 4, 5),
      c = tf.tensor3d(normals(92, 24), [2, 3, 4]);
    return [
      tf.einsum("ij,jk->ik", a, b),
      tf.einsum("bij,jk->bik", c, b),
      tf.einsum("ij->ji", a),
      tf.einsum("ij,ij->i", a, a),
      tf.einsum("ij->ij", a),
    ];
  });
});

// --- element-wise activations ----------------------------------------------------------------------

const xs = [-60, -8, -2.5, -1, -0.3, 0, 0.3, 1, 2.5, 8, 60];

/** value, first and second derivative of Σ f(x) through a non-leaf input (x·1). */
function firstSecond(f: (x: tf.Tensor) => tf.Tensor): Fn {
  return () => {
    const x = tf.tensor1d(xs);
    const g = (v: tf.Tensor) => tf.grad((y: tf.Tensor) => f(y.mul(1)).sum())(v);
    return [f(x), g(x), tf.grad((v: tf.Tensor) => g(v).sum())(x)];
  };
}

Deno.test("softplus, sigmoid, tanh, relu, exp, elu: values, first and second derivatives match cpu", async () => {
  const cases: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
    ["softplus", tf.softplus],
    ["sigmoid", tf.sigmoid],
    ["tanh", tf.tanh],
    ["relu", tf.relu],
    ["exp (x/8)", (x) => tf.exp(x.div(8))],
    ["elu", tf.elu],
  ];
  for (const [name, f] of cases) await sameOnBoth(name, firstSecond(f));
  // analytic second derivatives: σ″ = σ(1−σ)(1−2σ), tanh″ = −2 tanh (1 − tanh²)
  const [, , s2] = await sameOnBoth("sigmoid", firstSecond(tf.sigmoid));
  const [, , t2nd] = await sameOnBoth("tanh", firstSecond(tf.tanh));
  xs.forEach((x, i) => {
    const s = 1 / (1 + Math.exp(-x)), t = Math.tanh(x);
    assertAlmostEquals(s2![i]!, s * (1 - s) * (1 - 2 * s), 1e-6);
    assertAlmostEquals(t2nd![i]!, -2 * t * (1 - t * t), 1e-6);
  });
});

Deno.test("logSigmoid: value and gradient at large |x|, second order, non-leaf input", async () => {
  const [v, g, h] = await sameOnBoth("logSigmoid", firstSecond(logSigmoid));
  xs.forEach((x, i) => {
    const ref = x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
    const s = 1 / (1 + Math.exp(-x));
    assertAlmostEquals(v![i]!, ref, 1e-5 * Math.max(1, Math.abs(ref)));
    assertAlmostEquals(g![i]!, 1 - s, 1e-6); // d/dx log σ(x) = σ(−x)
    assertAlmostEquals(h![i]!, -s * (1 - s), 1e-6);
  });
  // inside an optimizer, where tf.logSigmoid throws
  const w = tf.variable(tf.tensor1d([0.5, -0.5]));
  const opt = tf.train.sgd(0.1);
  const loss = opt.minimize(() => logSigmoid(w.mul(tf.tensor1d([2, 3]))).sum().neg() as tf.Scalar, true);
  assert(loss !== null && Number.isFinite(loss.dataSync()[0]!));
  tf.dispose([w, loss!]);
  opt.dispose();
  assertThrows(() => logSigmoid(tf.tensor1d([1], "int32")), RangeError, "logSigmoid: x.dtype must be");
  assertThrows(
    () => logSigmoid([1, 2] as unknown as tf.Tensor),
    TypeError,
    "logSigmoid: x must be a tf.Tensor",
  );
});

Deno.test("leakyRelu, prelu, relu6, clipByValue: first and second order gradients", async () => {
  const a = 0.2;
  // f = Σ lrelu(x)² → f′ = 2·lrelu(x)·lrelu′(x) → f″ = 2·lrelu′(x)²
  const [, g, h] = await sameOnBoth("leakyRelu", firstSecond((x) => tf.leakyRelu(x, a).square()));
  xs.forEach((x, i) => {
    const d = x > 0 ? 1 : a, l = x > 0 ? x : a * x;
    assertAlmostEquals(g![i]!, 2 * l * d, 1e-5 * Math.max(1, Math.abs(2 * l * d)));
    assertAlmostEquals(h![i]!, 2 * d * d, 1e-6);
  });
  await sameOnBoth("prelu", firstSecond((x) => tf.prelu(x, tf.fill(x.shape, 0.1)).square()));
  await sameOnBoth("relu6", firstSecond((x) => tf.relu6(x).square()));
  await sameOnBoth("clipByValue", firstSecond((x) => tf.clipByValue(x, -2, 2).square()));
  await sameOnBoth("where(x > 0)", firstSecond((x) => tf.where(tf.greater(x, 0), x.square(), x.mul(3))));
});

Deno.test("gradient penalty (WGAN-GP style): ∂/∂θ ‖∇ₓ D(x)‖² through dense + leakyRelu + sigmoid", async () => {
  const x = normals(100, 6 * 4), w1 = normals(101, 4 * 8, 0.5), w2 = normals(102, 8, 0.5);
  await sameOnBoth("gradient penalty", () => {
    const X = t2(x, 6, 4), W1 = t2(w1, 4, 8), W2 = t2(w2, 8, 1);
    const penalty = (a: tf.Tensor, b: tf.Tensor) => {
      const d = (v: tf.Tensor) =>
        tf.sigmoid(
          tf.matMul(tf.leakyRelu(tf.matMul(v as tf.Tensor2D, a as tf.Tensor2D), 0.2), b as tf.Tensor2D),
        ).sum();
      const gx = tf.grad(d)(X);
      return gx.square().sum(1).sqrt().sub(1).square().mean();
    };
    return [penalty(W1, W2), ...tf.grads(penalty)([W1, W2])];
  });
});

// --- normalization, softmax, reductions ------------------------------------------------------------

Deno.test("layerNorm via tf.moments, sum/mean reductions: values and gradients match cpu", async () => {
  const x = normals(110, 4 * 6, 3), gain = normals(111, 6), bias = normals(112, 6), w = normals(113, 4 * 6);
  await sameOnBoth("layerNorm", () => {
    const X = t2(x, 4, 6), G = tf.tensor1d(gain), Bb = tf.tensor1d(bias), Wt = t2(w, 4, 6);
    const ln = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(v, -1, true);
      return v.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b);
    };
    const loss = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => ln(v, g, b).mul(Wt).sum();
    return [ln(X, G, Bb), ...tf.grads(loss)([X, G, Bb])];
  });
  await sameOnBoth("reductions", () => {
    const X = tf.tensor3d(normals(114, 2 * 3 * 4), [2, 3, 4]);
    const f = (v: tf.Tensor) =>
      tf.sum(v, 1).square().sum().add(tf.mean(v, [0, 2]).square().sum()).add(tf.mean(v.square())).add(
        tf.max(v, -1).sum(),
      );
    return [f(X), tf.grad(f)(X), tf.sum(X, -1, true), tf.mean(X, 0)];
  });
});

Deno.test("softmax / logSoftmax / logSumExp: gradients and second order; logSoftmax on any axis", async () => {
  const x = normals(120, 3 * 5, 2), w = normals(121, 3 * 5);
  await sameOnBoth("softmax family", () => {
    const X = t2(x, 3, 5), W = t2(w, 3, 5);
    const second = (f: (v: tf.Tensor) => tf.Tensor) => {
      const g = (v: tf.Tensor) => tf.grad((y: tf.Tensor) => f(y.mul(1)).mul(W).sum())(v);
      return [f(X), g(X), tf.grad((v: tf.Tensor) => g(v).square().sum())(X)];
    };
    return [
      ...second((v) => tf.softmax(v)),
      ...second((v) => logSoftmax(v)),
      ...second((v) => logSoftmax(v, 0)),
      ...second((v) => tf.logSumExp(v, -1, true)),
      tf.logSoftmax(X),
      tf.grad((v: tf.Tensor) => tf.logSoftmax(v.mul(1)).mul(W).sum())(X),
    ];
  });
  const lp = logSoftmax(t2(x, 3, 5));
  const ref = tf.logSoftmax(t2(x, 3, 5));
  assertClose(lp.dataSync(), ref.dataSync(), 1e-6, 1e-6, "logSoftmax vs tf.logSoftmax");
  tf.dispose([lp, ref]);
  const big = logSoftmax(tf.tensor1d([1000, 0, -1000]));
  assertClose(big.dataSync(), [0, -1000, -2000], 1e-6, 0, "logSoftmax at large logits");
  big.dispose();
  const bad = tf.tensor2d([[1, 2]]);
  assertThrows(() => logSoftmax(bad, 2), RangeError, "logSoftmax: axis must be an integer in [-2, 1], got 2");
  assertThrows(() => logSoftmax(tf.scalar(1)), RangeError, "logSoftmax: x.rank must be ≥ 1");
  bad.dispose();
});

Deno.test("pow, min, max: second-order gradients match cpu", async () => {
  await sameOnBoth("pow/min/max", () => {
    const A = tf.tensor1d([0.5, 1.5, 2, 3]), B = tf.tensor1d([2, 0.5, 3, 1.5]);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.pow(a, b).sum().add(tf.max(a.mul(b)).square()).add(tf.min(a.sub(b)).square());
    const g = (a: tf.Tensor, b: tf.Tensor) => tf.grads(f)([a, b]);
    return [
      ...g(A, B),
      ...tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const [ga, gb] = g(a, b);
        return (ga as tf.Tensor).square().sum().add((gb as tf.Tensor).sum());
      })([A, B]),
    ];
  });
});

Deno.test("stopGradient: identity forward, zero gradient, validates its input", async () => {
  const [v, g] = await sameOnBoth("stopGradient", () => {
    const x = tf.tensor1d([1, -2, 3]);
    // straight-through: value of round(x), gradient of x
    const ste = (v: tf.Tensor) => v.add(stopGradient(tf.round(v.mul(0.5)).sub(v)));
    return [
      stopGradient(x),
      tf.grad((v: tf.Tensor) => v.square().add(stopGradient(v).mul(v)).add(ste(v)).sum())(x),
    ];
  });
  assertEquals(Array.from(v!), [1, -2, 3]);
  assertEquals(Array.from(g!), [4, -5, 10]); // 2x + x + 1
  const i = tf.tensor1d([1, 2], "int32");
  const si = stopGradient(i);
  assertEquals(si.dtype, "int32");
  tf.dispose([i, si]);
  assertThrows(
    () => stopGradient(3 as unknown as tf.Tensor),
    TypeError,
    "stopGradient: x must be a tf.Tensor",
  );
  const d = tf.scalar(1);
  d.dispose();
  assertThrows(() => stopGradient(d), RangeError, "stopGradient: x must be a live tensor");
});

// --- training --------------------------------------------------------------------------------------

Deno.test("MLP training with tf.train.adam: same losses and weights on cpu and wasm, no leak per step", async () => {
  const din = 16, dh = 32, dout = 5, batch = 24;
  const xd = normals(130, batch * din), labels = Array.from({ length: batch }, (_, i) => (i * 7) % dout);
  const w1 = normals(131, din * dh, 1 / Math.sqrt(din)), w2 = normals(132, dh * dout, 1 / Math.sqrt(dh));
  const train = (): tf.Tensor[] => {
    const W1 = tf.variable(t2(w1, din, dh)), b1 = tf.variable(tf.zeros([dh]));
    const W2 = tf.variable(t2(w2, dh, dout)), b2 = tf.variable(tf.zeros([dout]));
    const X = t2(xd, batch, din), Y = tf.oneHot(tf.tensor1d(labels, "int32"), dout).toFloat();
    const opt = tf.train.adam(0.01);
    const losses: number[] = [];
    let after1 = -1;
    for (let step = 0; step < 5; step++) {
      const loss = opt.minimize(() => {
        const h = tf.relu(tf.matMul(X, W1).add(b1));
        const logits = tf.matMul(h, W2).add(b2);
        return tf.losses.softmaxCrossEntropy(Y, logits) as tf.Scalar;
      }, true) as tf.Scalar;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      if (step === 0) after1 = tf.memory().numTensors;
    }
    assertEquals(tf.memory().numTensors, after1, "tensors grow with training steps");
    const out = [tf.tensor1d(losses), W1.clone(), b1.clone(), W2.clone(), b2.clone()];
    opt.dispose();
    tf.dispose([W1, b1, W2, b2]);
    return out;
  };
  const [losses] = await sameOnBoth("adam MLP", train, 1e-4, 1e-5);
  assertLess(losses![4]!, losses![0]!, "loss did not decrease");
});

Deno.test("tf.layers model (embedding → conv1d → dense) trains the same on cpu and wasm", async () => {
  const ids = Array.from({ length: 6 * 5 }, (_, i) => (i * 7) % 10), labels = [0, 1, 2, 1, 0, 2];
  const run = async (backend: Backend) => {
    assert(await tf.setBackend(backend));
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 8, inputLength: 5 }),
        tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
    const init = model.getWeights().map((w, i) => tf.tensor(normals(140 + i, w.size, 0.3), w.shape));
    model.setWeights(init);
    tf.dispose(init);
    const x = tf.tensor2d(ids, [6, 5]), y = tf.oneHot(tf.tensor1d(labels, "int32"), 3);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let step = 0; step < 3; step++) {
      losses.push(await model.trainOnBatch(x, y) as number);
      counts.push(tf.memory().numTensors);
    }
    assertEquals(counts[2], counts[0], `${backend}: tensors grow with training steps`);
    const weights = model.getWeights().map((w) => Float64Array.from(w.dataSync()));
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
    // tfjs-layers itself keeps one tensor per disposed model (on both backends): allowed, not per step.
    assertLessOrEqual(tf.memory().numTensors - before, 1, `${backend}: layers model leaked tensors`);
    return { losses, weights };
  };
  try {
    const cpu = await run("cpu"), wasm = await run("wasm");
    assertClose(wasm.losses, cpu.losses, 1e-5, 1e-6, "losses");
    cpu.weights.forEach((w, i) => assertClose(wasm.weights[i]!, w, 1e-4, 1e-5, `weight ${i}`));
    assertLess(wasm.losses[2]!, wasm.losses[0]!);
  } finally {
    await tf.setBackend("wasm");
  }
});

Deno.test("backend is left on wasm", () => {
  assertEquals(tf.getBackend(), "wasm");
});
