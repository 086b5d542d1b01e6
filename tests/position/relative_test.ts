import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertLess,
  assertThrows,
} from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { add, gaussianMatrix, matmul, type Matrix, matrix, transpose } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import {
  absoluteAdditiveLogits,
  clipRelative,
  debertaLogits,
  qkExpansionTerms,
  shawLogits,
  t5Logits,
  t5RelativeBucket,
  xlnetLogits,
} from "@lib/position/relative.ts";
import { sinusoidalEncoding } from "@lib/position/sinusoidal.ts";

const ARTICLE_TABLE = [
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  8,
  8,
  8,
  9,
  9,
  9,
  9,
  10,
  10,
  10,
  10,
  10,
  10,
  10,
  11,
  11,
  11,
  11,
  11,
  11,
  11,
  11,
];

Deno.test("acceptance: clipRelative", () => {
  assertEquals(clipRelative(-20, -8, 8), -8);
  assertEquals(clipRelative(3, -8, 8), 3);
  assertEquals(clipRelative(9, -8, 8), 8);
  assertEquals(clipRelative(5, 2, 2), 2);
  assertThrows(() => clipRelative(0, 3, 2), RangeError, "clipRelative: pmax must be ≥ pmin = 3, got 2");
  assertThrows(() => clipRelative(0.5, -1, 1), RangeError, "clipRelative: rel must be an integer, got 0.5");
});

Deno.test("acceptance: t5RelativeBucket reproduces the article's table for i − j = 0..30, +16 the other way", () => {
  assertEquals(ARTICLE_TABLE.map((n) => n), Array.from({ length: 31 }, (_, n) => t5RelativeBucket(n)));
  for (let n = 1; n <= 30; n++) assertEquals(t5RelativeBucket(-n), ARTICLE_TABLE[n]! + 16);
  assertEquals(t5RelativeBucket(-0), 0);
  for (const n of [128, 129, 500, 100000]) {
    assertEquals(t5RelativeBucket(n), 15);
    assertEquals(t5RelativeBucket(-n), 31);
  }
  assertEquals(t5RelativeBucket(127), 15);
  assertEquals([31, 32, 39, 63, 64].map((n) => t5RelativeBucket(n)), [11, 12, 12, 13, 14]);
});

Deno.test("t5RelativeBucket: closed form 8 + ⌊ln(n/8)/ln 16 · 8⌋, monotone, every bucket used", () => {
  const seen = new Set<number>();
  let prev = -1;
  for (let n = 0; n <= 200; n++) {
    const b = t5RelativeBucket(n);
    const expected = n < 8 ? n : Math.min(15, 8 + Math.floor((Math.log(n / 8) / Math.log(16)) * 8));
    assertEquals(b, expected, `n = ${n}`);
    assert(b >= prev);
    prev = b;
    seen.add(b);
    seen.add(t5RelativeBucket(-n));
  }
  assertEquals(seen.size, 31); // 0..31 except 16 (−0 is 0)
});

Deno.test("t5RelativeBucket: unidirectional and other layouts", () => {
  const uni = { bidirectional: false };
  assertEquals(t5RelativeBucket(-5, uni), 0); // keys after the query: bucket 0
  assertEquals(t5RelativeBucket(15, uni), 15); // 32 buckets, exact below 16
  assertEquals(t5RelativeBucket(16, uni), 16);
  assertEquals(t5RelativeBucket(1000, uni), 31);
  assertEquals(t5RelativeBucket(3, { numBuckets: 8, maxDistance: 16 }), 2); // 4 per side, exact < 2
  assertThrows(
    () => t5RelativeBucket(1, { numBuckets: 7 }),
    RangeError,
    "numBuckets must be an even integer",
  );
  assertThrows(() => t5RelativeBucket(1, { maxDistance: 8 }), RangeError, "opts.maxDistance");
});

// A shared random set-up: n = 16 tokens, d = 8 inputs, h = 6 heads dims
const rng = createRng(7);
const n = 16, d = 8, h = 6;
const x = gaussianMatrix(n, d, rng), wq = gaussianMatrix(d, h, rng), wk = gaussianMatrix(d, h, rng);
const positions = (i0: number) => Int32Array.from({ length: n }, (_, i) => i0 + i);
const sinusoidalRows = (pos: Int32Array) =>
  matrix(n, d, pos.length ? [...pos].flatMap((k) => [...sinusoidalEncoding(k, d)]) : []);

Deno.test("acceptance: the four-term expansion sums to the direct product (1e-12)", () => {
  const p = sinusoidalRows(positions(3));
  const t = qkExpansionTerms(x, p, wq, wk);
  const sum = add(add(t.xx, t.xp), add(t.px, t.pp));
  const xp = add(x, p);
  const direct = matmul(matmul(xp, wq), transpose(matmul(xp, wk)));
  assertLess(maxAbsDiff(sum.data, direct.data), 1e-12);
  assertLess(maxAbsDiff(absoluteAdditiveLogits(x, p, wq, wk).data, direct.data), 1e-12);
  assertLess(maxAbsDiff(t.xx.data, matmul(matmul(x, wq), transpose(matmul(x, wk))).data), 1e-12);
});

const pmin = -4, pmax = 4;
const pK = gaussianMatrix(pmax - pmin + 1, h, rng), pR = gaussianMatrix(pmax - pmin + 1, d, rng);
const wkr = gaussianMatrix(10, h, rng);
const u = gaussianMatrix(1, h, rng).data, v = gaussianMatrix(1, h, rng).data;
const bias = gaussianMatrix(1, 32, rng).data;
const methods: Record<string, (pos: Int32Array) => Matrix> = {
  shaw: (pos) => shawLogits(x, pos, wq, wk, pK, pmin, pmax),
  xlnet: (pos) => xlnetLogits(x, pos, wq, wk, wkr, u, v),
  t5: (pos) => t5Logits(x, pos, wq, wk, bias),
  deberta: (pos) => debertaLogits(x, pos, wq, wk, pR, pmin, pmax),
};

Deno.test("acceptance: relative logits are translation invariant, absolute-additive are not", () => {
  for (const [name, f] of Object.entries(methods)) {
    assertLess(maxAbsDiff(f(positions(0)).data, f(positions(37)).data), 1e-12, name);
  }
  const abs = (pos: Int32Array) => absoluteAdditiveLogits(x, sinusoidalRows(pos), wq, wk);
  assertGreater(maxAbsDiff(abs(positions(0)).data, abs(positions(37)).data), 1e-3);
  // …and they do depend on the order: swapping two tokens' positions changes them
  const swapped = positions(0);
  [swapped[2], swapped[9]] = [swapped[9]!, swapped[2]!];
  for (const [name, f] of Object.entries(methods)) {
    assertGreater(maxAbsDiff(f(positions(0)).data, f(swapped).data), 1e-3, name);
  }
});

Deno.test("relative logits equal explicit per-entry formulas", () => {
  const pos = Int32Array.from({ length: n }, (_, i) => 3 * i - 20); // distances beyond the clip range
  const q = matmul(x, wq), k = matmul(x, wk);
  const qi = (i: number) => q.data.subarray(i * h, (i + 1) * h),
    kj = (j: number) => k.data.subarray(j * h, (j + 1) * h);
  const dotv = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Array.from(a).reduce((s, ai, c) => s + ai * b[c]!, 0);
  const clip = (r: number) => Math.max(pmin, Math.min(pmax, r)) - pmin;
  const [shaw, xl, t5, de] = [
    methods.shaw!(pos),
    methods.xlnet!(pos),
    methods.t5!(pos),
    methods.deberta!(pos),
  ];
  const rW = (rows: Matrix, r: number, w: Matrix) =>
    matmul(matrix(1, rows.cols, rows.data.subarray(r * rows.cols, (r + 1) * rows.cols)), w).data;
  for (const [i, j] of [[0, 0], [3, 1], [1, 3], [15, 0], [0, 15], [7, 8]] as const) {
    const rel = pos[i]! - pos[j]!, e = i * n + j;
    const content = dotv(qi(i), kj(j));
    assertAlmostEquals(
      shaw.data[e]!,
      content + dotv(qi(i), pK.data.subarray(clip(rel) * h, (clip(rel) + 1) * h)),
      1e-10,
    );
    const R = matmul(matrix(1, 10, sinusoidalEncoding(rel, 10)), wkr).data;
    assertAlmostEquals(xl.data[e]!, content + dotv(qi(i), R) + dotv(u, kj(j)) + dotv(v, R), 1e-10);
    assertAlmostEquals(t5.data[e]!, content + bias[t5RelativeBucket(rel)]!, 1e-10);
    const c2p = dotv(qi(i), rW(pR, clip(rel), wk)), p2c = dotv(rW(pR, clip(-rel), wq), kj(j));
    assertAlmostEquals(de.data[e]!, content + c2p + p2c, 1e-10);
  }
});

Deno.test("relative logits: validation names the argument", () => {
  const pos = positions(0);
  assertThrows(
    () => shawLogits(x, pos, wq, wk, pK, pmin, pmax + 1),
    RangeError,
    'shawLogits: pK must be a 10×6 matrix, got "9×6"',
  );
  assertThrows(
    () => t5Logits(x, pos, wq, wk, bias.subarray(0, 31)),
    RangeError,
    "t5Logits: bias.length must be 32, got 31",
  );
  assertThrows(
    () => xlnetLogits(x, pos, wq, wk, gaussianMatrix(9, h, rng), u, v),
    RangeError,
    "xlnetLogits: wkr",
  );
  assertThrows(
    () => debertaLogits(x, Int32Array.of(1, 2), wq, wk, pR, pmin, pmax),
    RangeError,
    "debertaLogits: pos.length must be 16",
  );
  assertThrows(
    () => shawLogits(x, pos, wq, gaussianMatrix(d, h + 1, rng), pK, pmin, pmax),
    RangeError,
    "shawLogits: wk must be",
  );
  assertThrows(
    () => t5Logits(x, [0, 1] as unknown as Int32Array, wq, wk, bias),
    TypeError,
    "t5Logits: pos must be an Int32Array",
  );
});
