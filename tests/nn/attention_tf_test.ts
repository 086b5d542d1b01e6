import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { type Matrix, matrix } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { softmaxAttention } from "@lib/attention/softmax_attention.ts";
import { selfAttentionTf } from "@lib/nn/attention_tf.ts";

await initTf();

const gauss = (rows: number, cols: number, rng: ReturnType<typeof createRng>, s = 1) =>
  Array.from({ length: rows * cols }, () => s * rng.normal());

/** Float64 reference: per batch and head, project with the same weights, then softmaxAttention. */
function reference(
  x: number[],
  b: number,
  n: number,
  d: number,
  ws: { wq: number[]; wk: number[]; wv: number[]; wo: number[] },
  heads: number,
  dk: number,
  dv: number,
  dOut: number,
  opts: { causal?: boolean; scale?: number; bias?: Matrix },
): Float64Array {
  const out = new Float64Array(b * n * dOut);
  const proj = (xb: number[], wm: number[], cols: number, c0: number, c1: number) => {
    const m = matrix(n, c1 - c0);
    for (let i = 0; i < n; i++) {
      for (let c = c0; c < c1; c++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += xb[i * d + k]! * wm[k * cols + c]!;
        m.data[i * (c1 - c0) + c - c0] = s;
      }
    }
    return m;
  };
  for (let bi = 0; bi < b; bi++) {
    const xb = x.slice(bi * n * d, (bi + 1) * n * d);
    const concat = new Float64Array(n * heads * dv);
    for (let h = 0; h < heads; h++) {
      const q = proj(xb, ws.wq, heads * dk, h * dk, (h + 1) * dk);
      const k = proj(xb, ws.wk, heads * dk, h * dk, (h + 1) * dk);
      const v = proj(xb, ws.wv, heads * dv, h * dv, (h + 1) * dv);
      const o = softmaxAttention(q, k, v, opts);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < dv; c++) concat[i * heads * dv + h * dv + c] = o.data[i * dv + c]!;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < dOut; c++) {
        let s = 0;
        for (let k = 0; k < heads * dv; k++) s += concat[i * heads * dv + k]! * ws.wo[k * dOut + c]!;
        out[(bi * n + i) * dOut + c] = s;
      }
    }
  }
  return out;
}

Deno.test("selfAttentionTf matches the Float64 softmaxAttention reference (heads, causal, bias, scale)", () => {
  const rng = createRng(17);
  const b = 2, n = 5, d = 6, heads = 2, dk = 3, dv = 4, dOut = 5;
  const x = gauss(b * n, d, rng);
  const ws = {
    wq: gauss(d, heads * dk, rng, 0.5),
    wk: gauss(d, heads * dk, rng, 0.5),
    wv: gauss(d, heads * dv, rng, 0.5),
    wo: gauss(heads * dv, dOut, rng, 0.5),
  };
  const biasArr = gauss(n, n, rng);
  const cases: { causal?: boolean; scale?: number; bias?: boolean }[] = [
    {},
    { causal: true },
    { scale: 0.7, bias: true },
    { causal: true, bias: true },
  ];
  for (const c of cases) {
    const bias = c.bias ? matrix(n, n, biasArr) : undefined;
    const ref = reference(x, b, n, d, ws, heads, dk, dv, dOut, {
      causal: c.causal,
      scale: c.scale ?? 1 / Math.sqrt(dk),
      bias,
    });
    const got = tf.tidy(() =>
      selfAttentionTf(
        tf.tensor3d(x, [b, n, d]),
        {
          wq: tf.tensor2d(ws.wq, [d, heads * dk]),
          wk: tf.tensor2d(ws.wk, [d, heads * dk]),
          wv: tf.tensor2d(ws.wv, [d, heads * dv]),
          wo: tf.tensor2d(ws.wo, [heads * dv, dOut]),
        },
        { heads, causal: c.causal, scale: c.scale, bias: c.bias ? tf.tensor2d(biasArr, [n, n]) : undefined },
      ).out.dataSync()
    );
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[i]! - got[i]!));
    assert(maxDiff < 2e-5, `case ${JSON.stringify(c)}: max |diff| = ${maxDiff}`);
  }
});

Deno.test("selfAttentionTf: weights rows sum to 1, causal zeros, queryIndex = that row of the full result", () => {
  const rng = createRng(3);
  const b = 2, n = 6, d = 4;
  tf.tidy(() => {
    const x = tf.tensor3d(gauss(b * n, d, rng), [b, n, d]);
    const w = {
      wq: tf.tensor2d(gauss(d, 4, rng), [d, 4]),
      wk: tf.tensor2d(gauss(d, 4, rng), [d, 4]),
      wv: tf.tensor2d(gauss(d, 4, rng), [d, 4]),
    };
    const full = selfAttentionTf(x, w, { heads: 2, causal: true });
    assertEquals(full.out.shape, [b, n, 4]);
    const sums = full.weights.sum(-1).dataSync();
    for (const s of sums) assertAlmostEquals(s, 1, 1e-5);
    const wArr = full.weights.arraySync();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assertEquals(wArr[1]![1]![i]![j], 0);
    const one = selfAttentionTf(x, w, { heads: 2, causal: true, queryIndex: 3 });
    assertEquals(one.out.shape, [b, 1, 4]);
    assertEquals(one.weights.shape, [b, 2, 1, n]);
    const fo = full.out.arraySync(), oo = one.out.arraySync();
    for (let bi = 0; bi < b; bi++) {
      for (let c = 0; c < 4; c++) assertAlmostEquals(oo[bi]![0]![c]!, fo[bi]![3]![c]!, 1e-5);
    }
  });
});

Deno.test("selfAttentionTf is differentiable and bidirectional by default", () => {
  const rng = createRng(5);
  const n = 4, d = 3;
  const x = tf.tensor3d(gauss(n, d, rng), [1, n, d]);
  const w = {
    wq: tf.tensor2d(gauss(d, d, rng), [d, d]),
    wk: tf.tensor2d(gauss(d, d, rng), [d, d]),
    wv: tf.tensor2d(gauss(d, d, rng), [d, d]),
  };
  // gradient of output at position 0 wrt the last input token is non-zero without the causal mask
  const g = tf.grad((xx: tf.Tensor) =>
    selfAttentionTf(xx as tf.Tensor3D, w).out.slice([0, 0, 0], [1, 1, d]).sum()
  )(x);
  const last = g.slice([0, n - 1, 0], [1, 1, d]).abs().sum().dataSync()[0]!;
  assert(last > 1e-4, `bidirectional gradient ${last}`);
  const gc = tf.grad((xx: tf.Tensor) =>
    selfAttentionTf(xx as tf.Tensor3D, w, { causal: true }).out.slice([0, 0, 0], [1, 1, d]).sum()
  )(x);
  assertEquals(gc.slice([0, n - 1, 0], [1, 1, d]).abs().sum().dataSync()[0], 0);
  tf.dispose([x, w.wq, w.wk, w.wv, g, gc]);
});

Deno.test("selfAttentionTf validates its inputs", () => {
  const x = tf.zeros([1, 3, 4]) as tf.Tensor3D;
  const w4 = tf.zeros([4, 4]) as tf.Tensor2D, w3 = tf.zeros([3, 4]) as tf.Tensor2D;
  assertThrows(
    () => selfAttentionTf(tf.zeros([3, 4]) as unknown as tf.Tensor3D, { wq: w4, wk: w4, wv: w4 }),
    TypeError,
    "x",
  );
  assertThrows(() => selfAttentionTf(x, { wq: w3, wk: w4, wv: w4 }), RangeError, "w.wq.shape[0]");
  assertThrows(
    () => selfAttentionTf(x, { wq: w4, wk: w4, wv: w4 }, { heads: 3 }),
    RangeError,
    "multiple of heads",
  );
  assertThrows(
    () => selfAttentionTf(x, { wq: w4, wk: w4, wv: w4 }, { queryIndex: 3 }),
    RangeError,
    "queryIndex",
  );
  assertThrows(
    () => selfAttentionTf(x, { wq: w4, wk: w4, wv: w4 }, { bias: tf.zeros([2, 3]) as tf.Tensor2D }),
    RangeError,
    "opts.bias.shape",
  );
  tf.dispose([x, w4, w3]);
});
