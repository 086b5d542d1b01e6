import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { dot, frobenius, gaussianMatrix, matmul, matrix, norm2, row, sub } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { softmaxAttention } from "@lib/attention/softmax_attention.ts";
import {
  chiQuantile,
  kernelEstimate,
  performerAttention,
  performerWeights,
  positiveFeatures,
  positiveFeatureVariance,
  randomPairWithCosine,
  relativeSquaredErrors,
  sampleOmega,
  trigFeatures,
  trigFeatureVariance,
} from "@lib/attention/performer.ts";

const mean = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0) / x.length;

Deno.test("chiQuantile: half-normal, Rayleigh and Maxwell medians", () => {
  assertAlmostEquals(chiQuantile(1, 0.5), 0.674490, 1e-5);
  assertAlmostEquals(chiQuantile(2, 0.5), Math.sqrt(2 * Math.LN2), 1e-9);
  assertAlmostEquals(chiQuantile(3, 0.5), 1.538172, 1e-4);
  assertEquals(chiQuantile(5, 0), 0);
  assertThrows(() => chiQuantile(0, 0.5), RangeError, "chiQuantile: d must be an integer ≥ 1, got 0");
  assertThrows(() => chiQuantile(3, 1), RangeError, "chiQuantile: p must be in [0, 1), got 1");
});

Deno.test("sampleOmega: orthogonal blocks, χ norms, quantile norms", () => {
  const w = sampleOmega(16, 16, createRng(1), "orthogonal");
  for (let i = 0; i < 16; i++) {
    for (let j = i + 1; j < 16; j++) {
      assertLess(Math.abs(dot(row(w, i), row(w, j))), 1e-9 * norm2(row(w, i)) * norm2(row(w, j)));
    }
  }
  const wq = sampleOmega(16, 16, createRng(2), "orthogonal-quantile");
  const norms = Array.from({ length: 16 }, (_, i) => norm2(row(wq, i))).sort((a, b) => a - b);
  norms.forEach((r, i) => assertAlmostEquals(r, chiQuantile(16, (i + 1) / 17), 1e-9));
  // m > d: blocks of d; rows of different blocks are not orthogonal; shape and marginal scale are right
  const big = sampleOmega(40, 8, createRng(3), "orthogonal");
  assertEquals([big.rows, big.cols], [40, 8]);
  assertLess(Math.abs(dot(row(big, 8), row(big, 15))), 1e-9 * norm2(row(big, 8)) * norm2(row(big, 15)));
  // E‖ω‖² = d for the iid and orthogonal modes (2000 rows, 3 SE with Var ‖ω‖² = 2d)
  for (const mode of ["iid", "orthogonal"] as const) {
    const o = sampleOmega(2000, 8, createRng(4), mode);
    const sq = Array.from({ length: 2000 }, (_, i) => dot(row(o, i), row(o, i)));
    assertLess(Math.abs(mean(sq) - 8), 3 * Math.sqrt(16 / 2000));
  }
  assertThrows(
    () => sampleOmega(4, 4, createRng(0), "bad" as "iid"),
    RangeError,
    "sampleOmega: mode must be",
  );
  assertThrows(
    () => sampleOmega(0, 4, createRng(0), "iid"),
    RangeError,
    "sampleOmega: m must be an integer ≥ 1",
  );
});

Deno.test("features: positivity, shapes, inner products equal kernelEstimate", () => {
  const rng = createRng(5), x = gaussianMatrix(6, 4, rng), y = gaussianMatrix(5, 4, rng);
  const w = sampleOmega(10, 4, rng, "iid");
  const px = positiveFeatures(x, w), tx = trigFeatures(x, w);
  assertEquals([px.rows, px.cols, tx.rows, tx.cols], [6, 10, 6, 20]);
  assert(px.data.every((v) => v > 0));
  const [py, ty] = [positiveFeatures(y, w), trigFeatures(y, w)];
  assertAlmostEquals(dot(row(px, 2), row(py, 3)), kernelEstimate(row(x, 2), row(y, 3), w, "positive"), 1e-12);
  assertAlmostEquals(dot(row(tx, 2), row(ty, 3)), kernelEstimate(row(x, 2), row(y, 3), w, "trig"), 1e-12);
  assertThrows(
    () => positiveFeatures(x, matrix(3, 5)),
    RangeError,
    "positiveFeatures: omega.cols must be x.cols = 4, got 5",
  );
  assertThrows(() => kernelEstimate(row(x, 0), row(y, 0), w, "cos" as "trig"), RangeError, "kind must be");
});

Deno.test("unbiasedness and closed-form variances (m = 1, 20000 draws, ‖q‖ = ‖k‖ = 0.8)", () => {
  const rng = createRng(6), N = 20000;
  for (const c of [0.78125, 0, -0.78125]) { // q·k = 0.64 c ∈ {0.5, 0, −0.5}
    const { q, k } = randomPairWithCosine(16, 0.8, c, rng);
    const truth = Math.exp(dot(q, k));
    for (const kind of ["positive", "trig"] as const) {
      const xs = Float64Array.from(
        { length: N },
        () => kernelEstimate(q, k, sampleOmega(1, 16, rng, "iid"), kind),
      );
      const varTrue = kind === "positive" ? positiveFeatureVariance(q, k) : trigFeatureVariance(q, k);
      const mu = mean(xs);
      assertLess(Math.abs(mu - truth), 3 * Math.sqrt(varTrue / N), `${kind} mean at q·k = ${dot(q, k)}`);
      const dev2 = xs.map((v) => (v - mu) ** 2), s2 = mean(dev2), m4 = mean(dev2.map((v) => v * v));
      const seVar = Math.sqrt((m4 - s2 * s2) / N); // standard error of the sample variance
      // 10 % when the data allow it; the heavy lognormal tail at q·k = +0.5 only allows 4 standard errors
      const tol = Math.max(0.1 * varTrue, 4 * seVar);
      assertLess(Math.abs(s2 - varTrue), tol, `${kind} variance at q·k = ${dot(q, k)}`);
      if (!(kind === "positive" && c > 0)) assertLess(Math.abs(s2 - varTrue), 0.1 * varTrue);
    }
  }
});

Deno.test("relative MSE: orthogonal < iid, quantile ≤ orthogonal, trig vs positive by sign of q·k", () => {
  const rng = createRng(7), d = 16, m = 16;
  const randomUnit = () => {
    const v = Float64Array.from({ length: d }, () => rng.normal()), n = norm2(v);
    return v.map((x) => x / n);
  };
  const pairs = Array.from({ length: 500 }, () => ({ q: randomUnit(), k: randomUnit() }));
  const mse = (mode: "iid" | "orthogonal" | "orthogonal-quantile") =>
    mean(relativeSquaredErrors(pairs, m, mode, "positive", rng, 4));
  const [iid, orth, quant] = [mse("iid"), mse("orthogonal"), mse("orthogonal-quantile")];
  assertLess(orth / iid, 0.95);
  assertLess(quant, orth * 1.1);
  const at = (c: number, kind: "positive" | "trig") => {
    const ps = Array.from({ length: 500 }, () => randomPairWithCosine(d, 1, c, rng));
    return mean(relativeSquaredErrors(ps, m, "iid", kind, rng));
  };
  assert(at(-0.6, "trig") > 3 * at(-0.6, "positive"), "q·k = −0.6: trig worse");
  assert(at(0.6, "positive") > 3 * at(0.6, "trig"), "q·k = +0.6: positive worse");
  // the error falls with m (about like 1/m)
  const small = mean(relativeSquaredErrors(pairs.slice(0, 200), 8, "iid", "positive", rng, 4));
  const large = mean(relativeSquaredErrors(pairs.slice(0, 200), 128, "iid", "positive", rng, 4));
  assertLess(large, small / 8);
});

Deno.test("performerAttention approaches softmax attention as m grows", () => {
  // logits q·k with std ≈ 0.25 (‖q‖² ≈ 0.7). At std 1 (‖q‖² ≈ √8) the variance factor e^{‖q+k‖²} is so
  // large that even m = 2048 leaves ≈ 0.55 relative error (see the T06 notebook).
  const rng = createRng(8), n = 64, d = 8, s = 0.5 * d ** -0.25;
  const [q, k, v] = [gaussianMatrix(n, d, rng, s), gaussianMatrix(n, d, rng, s), gaussianMatrix(n, d, rng)];
  const exact = softmaxAttention(q, k, v, { scale: 1 });
  const err = (m: number) =>
    frobenius(sub(performerAttention(q, k, v, sampleOmega(m, d, rng, "orthogonal")), exact)) /
    frobenius(exact);
  const [e16, e2048] = [err(16), err(2048)];
  assertLess(e2048, 0.05);
  assert(e16 > 2 * e2048, `m = 16 error ${e16} vs m = 2048 error ${e2048}`);
});

Deno.test("causal Performer = masked quadratic form; stabilization changes nothing", () => {
  const rng = createRng(9),
    [q, k, v] = [gaussianMatrix(20, 4, rng), gaussianMatrix(20, 4, rng), gaussianMatrix(20, 3, rng)];
  const w = sampleOmega(32, 4, rng, "orthogonal");
  for (const kind of ["positive", "trig"] as const) {
    const fast = performerAttention(q, k, v, w, { kind, causal: true });
    const masked = matmul(performerWeights(q, k, w, { kind, causal: true }), v);
    assertLess(maxAbsDiff(fast.data, masked.data), 1e-10);
  }
  // stabilized weights = plain feature inner products, normalized
  const pq = positiveFeatures(q, w), pk = positiveFeatures(k, w);
  const raw = Array.from({ length: 20 }, (_, j) => dot(row(pq, 3), row(pk, j)));
  const z = raw.reduce((a, b) => a + b, 0);
  const wts = performerWeights(q, k, w);
  raw.forEach((x, j) => assertAlmostEquals(wts.data[3 * 20 + j]!, x / z, 1e-13));
  // huge inputs do not overflow thanks to the stabilization
  const big = performerAttention(
    gaussianMatrix(4, 4, rng, 15),
    gaussianMatrix(4, 4, rng, 15),
    gaussianMatrix(4, 3, rng),
    w,
  );
  assert(big.data.every(Number.isFinite));
  assertThrows(
    () => performerAttention(q, k, gaussianMatrix(3, 3, rng), w),
    RangeError,
    "v.rows must be k.rows = 20",
  );
});

Deno.test("closed-form variances: special cases", () => {
  const q = new Float64Array([0.3, -0.2]), k = new Float64Array([0.1, 0.4]);
  const qk = dot(q, k), s2 = 0.4 ** 2 + 0.2 ** 2, u2 = 0.2 ** 2 + 0.6 ** 2;
  assertAlmostEquals(positiveFeatureVariance(q, k), Math.exp(2 * qk) * (Math.exp(s2) - 1), 1e-15);
  assertAlmostEquals(
    trigFeatureVariance(q, k),
    0.5 * Math.exp(0.13 + 0.17) * (1 - Math.exp(-u2)) ** 2,
    1e-15,
  );
  assertThrows(
    () => positiveFeatureVariance(q, new Float64Array(3)),
    RangeError,
    "k.length must be 2, got 3",
  );
});
