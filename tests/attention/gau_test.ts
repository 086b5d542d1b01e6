import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { gaussianMatrix, matmul, type Matrix, matrix } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { ropeInvFreq } from "@lib/position/rope.ts";
import {
  affineRows,
  flashMemoryFloats,
  gauAttentionMatrix,
  gauForward,
  gauParamCount,
  gauProjections,
  glu,
  initGauParams,
  initMixedChunkParams,
  linNormalizer,
  mixedChunkAttention,
  mixedChunkParts,
  mixedChunkPattern,
  mixedChunkWeights,
  relu2,
  swish,
  transformerLayerParamCount,
} from "@lib/attention/gau.ts";

const setup = (seed: number, n = 12, d = 6, e = 10, s = 4) => {
  const rng = createRng(seed);
  return { p: initGauParams(d, e, s, rng), x: gaussianMatrix(n, d, rng) };
};

Deno.test("swish and relu2: values and symmetry", () => {
  assertAlmostEquals(swish(-30), -30 * Math.exp(-30) / (1 + Math.exp(-30)), 1e-25);
  assertAlmostEquals(swish(2) - swish(-2), 2, 1e-15); // x σ(x) − (−x) σ(−x) = x
  assertEquals([relu2(-1), relu2(0), relu2(0.5)], [0, 0, 0.25]);
});

Deno.test("gauForward with A = I equals the GLU FFN (1e-12)", () => {
  for (const seed of [0, 1, 2]) {
    const { p, x } = setup(seed);
    const a = gauForward(x, p, { attention: "identity" });
    assert(maxAbsDiff(a.data, glu(x, p.wu, p.wv, p.wo).data) < 1e-12);
  }
});

Deno.test("gauForward with U = 1 equals single-head attention A·V·W_o (relu² weights, 1e-12)", () => {
  const { p, x } = setup(3);
  const { v, z } = gauProjections(x, p);
  for (const causal of [false, true]) {
    const ref = matmul(matmul(gauAttentionMatrix(z, p, { causal }), v), p.wo);
    assert(maxAbsDiff(gauForward(x, p, { gateOnes: true, causal }).data, ref.data) < 1e-12);
  }
});

Deno.test("relu² scaling identity: 'ns' equals (1/n)·relu²(QKᵀ/√s); 'n2' equals relu²(QKᵀ/n)", () => {
  const { p, x } = setup(4);
  const { z } = gauProjections(x, p);
  const n = z.rows, s = z.cols;
  const q = affineRows(z, { scale: p.qScale, bias: p.qBias }),
    k = affineRows(z, { scale: p.kScale, bias: p.kBias });
  const qk = matmul(q, { rows: s, cols: n, data: transposeData(k) });
  const ns = gauAttentionMatrix(z, p, { norm: "ns" }), n2 = gauAttentionMatrix(z, p, { norm: "n2" });
  assert(maxAbsDiff(ns.data, qk.data.map((t) => relu2(t / Math.sqrt(s)) / n)) < 1e-12);
  assert(maxAbsDiff(n2.data, qk.data.map((t) => relu2(t / n))) < 1e-12);
  // the ratio of the two is n/s everywhere
  ns.data.forEach((a, i) => {
    if (a > 0) assertAlmostEquals(a / n2.data[i]!, n / s, 1e-9);
  });
});

function transposeData(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j]!;
  }
  return out;
}

Deno.test("gauAttentionMatrix: causal masks the upper triangle; RoPE makes scores depend on relative position only", () => {
  const { p, x } = setup(5, 8, 6, 10, 4);
  const { z } = gauProjections(x, p);
  const a = gauAttentionMatrix(z, p, { causal: true });
  for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) assertEquals(a.data[i * 8 + j], 0);
  // constant rows of Z: with RoPE the score between i and j depends on i − j only
  const zc = matrix(8, 4, Array.from({ length: 32 }, (_, i) => [0.3, -0.2, 0.5, 0.1][i % 4]!));
  const r = gauAttentionMatrix(zc, p, { rope: { invFreq: ropeInvFreq(4) } });
  assertAlmostEquals(r.data[3 * 8 + 1]!, r.data[5 * 8 + 3]!, 1e-15);
  assertAlmostEquals(r.data[1 * 8 + 3]!, r.data[4 * 8 + 6]!, 1e-15);
});

Deno.test("gauForward softmax: rows of the attention sum to 1, so constant V passes through", () => {
  const { p, x } = setup(6);
  const o = gauForward(x, p, { attention: "softmax", gateOnes: true, causal: true });
  const { v } = gauProjections(x, p);
  // row 0 attends only to itself under the causal mask
  const row0 = matmul(matrix(1, v.cols, v.data.slice(0, v.cols)), p.wo);
  assert(maxAbsDiff(o.data.slice(0, o.cols), row0.data) < 1e-12);
});

Deno.test("parameter counts: the spec's numbers", () => {
  assertEquals(transformerLayerParamCount(768), 7_077_888);
  assertEquals(gauParamCount(768, 1536, 128), 3_637_760);
  assertAlmostEquals((2 * gauParamCount(768, 1536, 128)) / transformerLayerParamCount(768), 1.02792, 1e-4);
  assertEquals(transformerLayerParamCount(32, 4), 12 * 32 * 32);
  // ratio → 1 from above as d grows (e = 2d, s = 128)
  const ratio = (d: number) => (2 * gauParamCount(d, 2 * d, 128)) / transformerLayerParamCount(d);
  assert(ratio(256) > ratio(512) && ratio(512) > ratio(1024) && ratio(4096) < 1.006);
  assertThrows(() => gauParamCount(0, 1, 1), RangeError, "gauParamCount: d must be an integer ≥ 1, got 0");
});

Deno.test("initGauParams has the right shapes and counts", () => {
  const p = initGauParams(16, 32, 8, createRng(0));
  const count = p.wu.data.length + p.wv.data.length + p.wz.data.length + p.wo.data.length + 4 * 8;
  assertEquals(count, gauParamCount(16, 32, 8));
});

const mcSetup = (seed: number, n = 64, s = 4, e = 5) => {
  const rng = createRng(seed);
  return {
    z: gaussianMatrix(n, s, rng),
    v: gaussianMatrix(n, e, rng),
    u: gaussianMatrix(n, e, rng),
    p: initMixedChunkParams(s, rng),
  };
};

Deno.test("mixed chunk, non-causal: the linear part equals full linear attention (1/n)·Q_lin(K_linᵀV) (n=64, c=16)", () => {
  const { z, v, p } = mcSetup(10);
  const { lin } = mixedChunkParts(z, v, p, { chunk: 16 });
  const ql = affineRows(z, p.linQ), kl = affineRows(z, p.linK);
  const ktv = matmul({ rows: kl.cols, cols: kl.rows, data: transposeData(kl) }, v);
  const ref = matmul(ql, ktv).data.map((t) => t / 64);
  assert(maxAbsDiff(lin.data, ref) < 1e-12);
});

Deno.test("mixed chunk: chunked computation equals the explicit n×n reference, every normalizer, both modes", () => {
  for (const causal of [false, true]) {
    for (const linNorm of ["printed", "tokens", "n"] as const) {
      const { z, v, u, p } = mcSetup(11);
      const opts = { chunk: 16, causal, linNorm };
      const w = mixedChunkWeights(z, p, opts);
      const ref = matmul(w, v).data.map((t, i) => t * u.data[i]!);
      assert(maxAbsDiff(mixedChunkAttention(z, u, v, p, opts).data, ref) < 1e-12, `${causal} ${linNorm}`);
    }
  }
});

Deno.test("mixed chunk, causal: the explicit weights follow the pattern and the printed/token normalizers", () => {
  const { z, p } = mcSetup(12, 16, 3);
  const c = 4, n = 16;
  const wp = mixedChunkWeights(z, p, { chunk: c, causal: true, linNorm: "printed" });
  const wt = mixedChunkWeights(z, p, { chunk: c, causal: true, linNorm: "tokens" });
  const pat = mixedChunkPattern(n, c, true);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      if (pat.data[k] === 0) assertEquals([wp.data[k], wt.data[k]], [0, 0]);
      if (pat.data[k] === 2) assertEquals(wp.data[k], wt.data[k]);
      if (pat.data[k] === 1) assertAlmostEquals(wp.data[k]! / wt.data[k]!, c / (n / c), 1e-12); // (g−1)c / ((g−1)n/c)
    }
  }
});

Deno.test("mixed chunk, causal: no output at t depends on inputs after t (perturbation)", () => {
  const { z, v, u, p } = mcSetup(13, 32, 4, 3);
  const opts = { chunk: 8, causal: true, linNorm: "tokens" as const };
  const base = mixedChunkAttention(z, u, v, p, opts);
  for (const t of [0, 7, 8, 20, 31]) {
    const z2 = matrix(z.rows, z.cols, z.data), v2 = matrix(v.rows, v.cols, v.data);
    for (let r = t + 1; r < 32; r++) {
      for (let c = 0; c < 4; c++) z2.data[r * 4 + c] = 10 * Math.sin(r + c);
      for (let c = 0; c < 3; c++) v2.data[r * 3 + c] = -7;
    }
    const out = mixedChunkAttention(z2, u, v2, p, opts);
    assertEquals(Array.from(out.data.slice(0, (t + 1) * 3)), Array.from(base.data.slice(0, (t + 1) * 3)));
    if (t < 31) assert(maxAbsDiff(out.data.slice((t + 1) * 3), base.data.slice((t + 1) * 3)) > 0);
  }
});

Deno.test("mixed chunk with one chunk (n = c = 64): causal lin part is zero, output = quadratic GAU with 1/(ns)", () => {
  const { z, v, u, p } = mcSetup(14);
  const { lin } = mixedChunkParts(z, v, p, { chunk: 64, causal: true });
  assertEquals(Math.max(...lin.data.map(Math.abs)), 0);
  const gp = {
    qScale: p.quadQ.scale,
    qBias: p.quadQ.bias,
    kScale: p.quadK.scale,
    kBias: p.quadK.bias,
  } as const;
  const a = gauAttentionMatrix(z, gp as unknown as Parameters<typeof gauAttentionMatrix>[1], {
    causal: true,
  });
  const ref = matmul(a, v).data.map((t, i) => t * u.data[i]!);
  assert(maxAbsDiff(mixedChunkAttention(z, u, v, p, { chunk: 64, causal: true }).data, ref) < 1e-12);
});

Deno.test("linNormalizer: printed (g−1)n/c vs tokens (g−1)c agree iff c² = n", () => {
  for (const [n, c] of [[64, 16], [64, 8], [256, 16], [256, 32], [1024, 256]] as const) {
    const agree = Array.from({ length: n / c }, (_, g) => g + 1).every((g) =>
      linNormalizer(g, n, c, "printed") === linNormalizer(g, n, c, "tokens")
    );
    assertEquals(agree, c * c === n, `n=${n} c=${c}`);
  }
  assertEquals(linNormalizer(1, 64, 16, "printed"), 0);
  assertEquals(linNormalizer(4, 64, 16, "n"), 64);
  assertThrows(() => linNormalizer(5, 64, 16, "tokens"), RangeError, "g must be an integer in [1, 4]");
  assertThrows(() => linNormalizer(1, 60, 16, "tokens"), RangeError, "multiple of c");
});

Deno.test("mixedChunkPattern counts: causal n=16, c=4 has 4·10 quad pairs and 6·16 lin pairs", () => {
  const pat = mixedChunkPattern(16, 4, true);
  assertEquals(pat.data.filter((x) => x === 2).length, 40);
  assertEquals(pat.data.filter((x) => x === 1).length, 96);
  assertEquals(mixedChunkPattern(16, 4, false).data.filter((x) => x === 0).length, 0);
});

Deno.test("flashMemoryFloats: FLASH beats plain causal linear attention by s²n / ((n/c)se + nc)", () => {
  const f = flashMemoryFloats({ b: 2, n: 4096, s: 128, e: 1536, c: 256, h: 12 });
  assertEquals(f.linearCausal, 2 * 4096 * 128 * 128);
  assertEquals(f.flash, 2 * 16 * 128 * 1536 + 2 * 4096 * 256);
  assertEquals(f.mha / f.gauQuad, 12);
  assertThrows(() => flashMemoryFloats({ b: 1, n: 100, s: 1, e: 1, c: 64, h: 1 }), RangeError, "m.n");
});

Deno.test("validation names the argument", () => {
  const { p, x } = setup(7);
  assertThrows(
    () => gauForward(matrix(3, 5), p),
    RangeError,
    'gauProjections: p.wu must be a 5×10 matrix, got "6×10"',
  );
  assertThrows(
    () => gauAttentionMatrix(gaussianMatrix(4, 4, createRng(0)), p, { norm: "x" as "ns" }),
    RangeError,
    'opts.norm must be "ns" or "n2"',
  );
  assertThrows(() => gauForward(x, p, { attention: "tanh" as "relu2" }), RangeError, "opts.attention");
  const { z, v, p: mp } = mcSetup(8, 20);
  assertThrows(
    () => mixedChunkParts(z, v, mp, { chunk: 16 }),
    RangeError,
    "z.rows must be a multiple of opts.chunk = 16, got 20",
  );
  assertThrows(
    () => mixedChunkParts(z, v, mp, { chunk: 4, linNorm: "t" as "n" }),
    RangeError,
    "opts.linNorm",
  );
});
