import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff, take } from "@lib/core/array.ts";
import { cexp, cmul, fromComplexPairs, toComplexPairs } from "@lib/core/complex.ts";
import { dot, gaussianMatrix, identity, matmul, matrix, matVec, norm2, transpose } from "@lib/core/matrix.ts";
import { createRng, type Rng } from "@lib/core/rng.ts";
import {
  applyRope,
  applyRopeRows,
  interleavedToHalfPermutation,
  ropeDecayCurve,
  ropeInvFreq,
  ropeMatrix,
  ropeScore,
  ropeScoreCurve,
} from "@lib/position/rope.ts";

const vec = (rng: Rng, d: number) => Float64Array.from({ length: d }, () => rng.normal());
const mean = (x: Float64Array, lo: number, hi: number) => {
  let s = 0;
  for (let i = lo; i <= hi; i++) s += x[i]!;
  return s / (hi - lo + 1);
};

Deno.test("ropeInvFreq: θ_i = base^(−2i/d)", () => {
  const th = ropeInvFreq(128);
  assertEquals(th.length, 64);
  assertEquals(th[0], 1);
  assertAlmostEquals(th[32]!, 0.01, 1e-15);
  assertAlmostEquals(th[63]!, Math.pow(10000, -126 / 128), 1e-18);
  for (let i = 1; i < 64; i++) assertLess(th[i]!, th[i - 1]!);
  assertAlmostEquals(ropeInvFreq(4, 100)[1]!, 0.1, 1e-15);
});

Deno.test("acceptance: ropeDecayCurve(128, 256)[0] = 32.5 exactly; < 32.5 beyond; tail mean < head mean", () => {
  const f = ropeDecayCurve(128, 256);
  assertEquals(f.length, 257);
  assertEquals(f[0], 32.5);
  for (let r = 1; r <= 256; r++) assertLess(f[r]!, 32.5);
  assertLess(mean(f, 200, 256), mean(f, 1, 20));
  // Other dimensions: (d/2 + 1)/2 at distance 0.
  assertEquals(ropeDecayCurve(16, 0)[0], 4.5);
});

Deno.test("ropeDecayCurve: theta as function or array agree; matches a direct partial-sum evaluation", () => {
  const th = ropeInvFreq(32);
  const a = ropeDecayCurve(32, 50),
    b = ropeDecayCurve(32, 50, th),
    c = ropeDecayCurve(32, 50, (i, d) => th[i]! + 0 * d);
  assertEquals(a, b);
  assertEquals(a, c);
  // Direct: (1/(d/2)) Σ_j |Σ_{i<j} e^{i r θ_i}| with complex helpers.
  const r = 37;
  let total = 0;
  for (let j = 1; j <= 16; j++) {
    let re = 0, im = 0;
    for (let i = 0; i < j; i++) {
      const z = cexp(r * th[i]!);
      re += z.re;
      im += z.im;
    }
    total += Math.hypot(re, im);
  }
  assertAlmostEquals(a[r]!, total / 16, 1e-12);
});

Deno.test("ropeDecayCurve is the Abel bound: |score| ≤ max|h_{i+1} − h_i| · (d/2)·curve", () => {
  const rng = createRng(11), d = 32, th = ropeInvFreq(d), curve = ropeDecayCurve(d, 100);
  for (let t = 0; t < 20; t++) {
    const q = vec(rng, d), k = vec(rng, d);
    const hq = toComplexPairs(q), hk = toComplexPairs(k);
    const h = hq.map((z, i) => cmul(z, { re: hk[i]!.re, im: -hk[i]!.im }));
    h.push({ re: 0, im: 0 }); // h_{d/2} = 0
    let maxDiff = 0;
    for (let i = 0; i < d / 2; i++) {
      maxDiff = Math.max(maxDiff, Math.hypot(h[i + 1]!.re - h[i]!.re, h[i + 1]!.im - h[i]!.im));
    }
    const s = ropeScoreCurve(q, k, 100, th);
    for (let r = 0; r <= 100; r++) assert(Math.abs(s[r]!) <= maxDiff * (d / 2) * curve[r]! + 1e-9);
  }
});

Deno.test("acceptance: three implementations of R_m q agree to 1e-12 (matrix, element-wise, complex)", () => {
  const rng = createRng(0);
  for (const d of [2, 8, 64]) {
    const th = ropeInvFreq(d);
    for (const m of [0, 1, 5, 37.25, -12, 4096]) {
      const q = vec(rng, d);
      const fast = applyRope(q, m, th);
      const viaMatrix = matVec(ropeMatrix(m, th), q);
      const viaComplex = fromComplexPairs(toComplexPairs(q).map((z, j) => cmul(z, cexp(m * th[j]!))));
      assertLess(maxAbsDiff(fast, viaMatrix), 1e-12);
      assertLess(maxAbsDiff(fast, viaComplex), 1e-12);
    }
  }
});

Deno.test("acceptance: half layout = interleaved layout under interleavedToHalfPermutation", () => {
  const rng = createRng(1);
  for (const d of [2, 6, 16, 128]) {
    const th = ropeInvFreq(d), p = interleavedToHalfPermutation(d);
    assertEquals(Array.from(p).sort((a, b) => a - b), Array.from({ length: d }, (_, i) => i));
    for (const m of [0, 3, 100.5]) {
      const x = vec(rng, d);
      const half = applyRope(take(x, p), m, th, "half");
      assertLess(maxAbsDiff(half, take(applyRope(x, m, th), p)), 1e-12);
      // The half-layout matrix is the interleaved one with rows and columns permuted.
      const ri = ropeMatrix(m, th), rh = ropeMatrix(m, th, "half");
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) assertEquals(rh.data[a * d + b], ri.data[p[a]! * d + p[b]!]);
      }
    }
  }
});

Deno.test("acceptance: relativity — ropeScore(q,k,m,n) = ropeScore(q,k,m+s,n+s) = q·R_{n−m}k to 1e-9", () => {
  const rng = createRng(2), d = 64, th = ropeInvFreq(d);
  for (let t = 0; t < 50; t++) {
    const q = vec(rng, d), k = vec(rng, d);
    const m = rng.int(200), n = rng.int(200);
    const base = ropeScore(q, k, m, n, th);
    for (const s of [1, 17, 1000]) assertAlmostEquals(ropeScore(q, k, m + s, n + s, th), base, 1e-9);
    assertAlmostEquals(dot(q, matVec(ropeMatrix(n - m, th), k)), base, 1e-9);
    assertAlmostEquals(ropeScore(q, k, m, n, th, "half"), ropeScore(q, k, m + 7, n + 7, th, "half"), 1e-9);
  }
});

Deno.test("ropeScoreCurve (complex form, eq. of the decay section) equals ropeScore(q, k, r, 0)", () => {
  const rng = createRng(3), d = 32, th = ropeInvFreq(d);
  const q = vec(rng, d), k = vec(rng, d);
  const curve = ropeScoreCurve(q, k, 300, th);
  for (let r = 0; r <= 300; r++) assertAlmostEquals(curve[r]!, ropeScore(q, k, r, 0, th), 1e-12);
  assertAlmostEquals(curve[0]!, dot(q, k), 1e-13);
});

Deno.test("acceptance: ‖applyRope(x, m)‖ = ‖x‖ to 1e-12; applyRope(x, 0) = x exactly", () => {
  const rng = createRng(4), d = 128, th = ropeInvFreq(d);
  for (let t = 0; t < 20; t++) {
    const x = vec(rng, d);
    assertAlmostEquals(norm2(applyRope(x, 1000 * rng(), th)), norm2(x), 1e-12);
    assertEquals(applyRope(x, 0, th), x);
    assertEquals(applyRope(x, 0, th, "half"), x);
  }
});

Deno.test("acceptance: R_mᵀR_n = R_{n−m} (1e-12) and R_mᵀR_m = I, integer and fractional m, n", () => {
  const rng = createRng(5), th = ropeInvFreq(16);
  const pairs: [number, number][] = [[3, 10], [10, 3], [0, 0], [2.5, 7.25], [-4.1, 99.9]];
  for (let t = 0; t < 5; t++) pairs.push([500 * rng(), 500 * rng()]);
  for (const [m, n] of pairs) {
    for (const layout of ["interleaved", "half"] as const) {
      const lhs = matmul(transpose(ropeMatrix(m, th, layout)), ropeMatrix(n, th, layout));
      assertLess(maxAbsDiff(lhs.data, ropeMatrix(n - m, th, layout).data), 1e-12);
      const rm = ropeMatrix(m, th, layout);
      assertLess(maxAbsDiff(matmul(transpose(rm), rm).data, identity(16).data), 1e-12);
    }
  }
});

Deno.test("applyRopeRows rotates row r to position r (or to given positions)", () => {
  const rng = createRng(6), th = ropeInvFreq(8);
  const x = gaussianMatrix(5, 8, rng);
  const y = applyRopeRows(x, th),
    z = applyRopeRows(x, th, { positions: [10, 11, 12, 13, 14.5], layout: "half" });
  for (let r = 0; r < 5; r++) {
    const xr = x.data.slice(r * 8, r * 8 + 8);
    assertEquals(y.data.slice(r * 8, r * 8 + 8), applyRope(xr, r, th));
    assertEquals(z.data.slice(r * 8, r * 8 + 8), applyRope(xr, [10, 11, 12, 13, 14.5][r]!, th, "half"));
  }
});

Deno.test("bad inputs throw clear errors", () => {
  const th = ropeInvFreq(4);
  assertThrows(() => ropeInvFreq(7), RangeError, "ropeInvFreq: dim must be an even integer ≥ 2, got 7");
  assertThrows(() => ropeInvFreq(8, 0), RangeError, "ropeInvFreq: base must be a positive number, got 0");
  assertThrows(() => applyRope([1, 2, 3], 1, th), RangeError, "applyRope: x.length must be 4, got 3");
  assertThrows(
    () => applyRope([1, 2, 3, 4], NaN, th),
    RangeError,
    "applyRope: pos must be a finite number, got NaN",
  );
  assertThrows(
    () => applyRope([1, 2, 3, 4], 1, th, "split" as never),
    RangeError,
    'applyRope: layout must be "interleaved" or "half", got "split"',
  );
  assertThrows(
    () => applyRope([1, 2], 1, [1] as never),
    TypeError,
    "applyRope: invFreq must be a Float64Array",
  );
  assertThrows(
    () => ropeMatrix(1, new Float64Array(0)),
    RangeError,
    "ropeMatrix: invFreq.length must be ≥ 1, got 0",
  );
  assertThrows(
    () => ropeDecayCurve(128, -1),
    RangeError,
    "ropeDecayCurve: maxDist must be an integer ≥ 0, got -1",
  );
  assertThrows(
    () => ropeDecayCurve(128, 10, () => NaN),
    RangeError,
    "ropeDecayCurve: theta(0, 128) must be a finite number",
  );
  assertThrows(
    () => ropeDecayCurve(8, 10, [1, 2]),
    RangeError,
    "ropeDecayCurve: theta.length must be 4, got 2",
  );
  assertThrows(
    () => ropeScore([1, 2, 3, 4], [1, 2], 0, 1, th),
    RangeError,
    "applyRope: x.length must be 4, got 2",
  );
  assertThrows(
    () => ropeScoreCurve([1, 2, 3, 4], [1, 2, 3, 4], 2.5, th),
    RangeError,
    "ropeScoreCurve: maxDist must be an integer ≥ 0, got 2.5",
  );
  assertThrows(
    () => interleavedToHalfPermutation(0),
    RangeError,
    "interleavedToHalfPermutation: dim must be an integer ≥ 2, got 0",
  );
  assertThrows(
    () => applyRopeRows(matrix(2, 6), th),
    RangeError,
    "applyRopeRows: x.cols must be 2·invFreq.length = 4, got 6",
  );
  assertThrows(
    () => applyRopeRows(matrix(2, 4), th, { positions: [1] }),
    RangeError,
    "applyRopeRows: opts.positions.length must be 2, got 1",
  );
});
