import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { initTf } from "@lib/core/tf_setup.ts";
import { hermitianToRealSymmetric, symmetricEig } from "@lib/core/linalg.ts";
import { simpson } from "@lib/core/quadrature.ts";
import {
  cdfUnit,
  coeffs,
  densityReal,
  densityUnit,
  densityUnitFejer,
  fitFourierDensity,
  fourierNllGrad,
  logDensityRealTf,
  packFourier,
  randomFourierDensity,
  sampleInverseCdf,
  smoothnessPenalty,
  smoothnessPenaltyTf,
  toeplitzFromCoeffs,
} from "@lib/density/fourier.ts";
import { ksStatistic } from "@lib/prob/density1d.ts";

await initTf();
const grid = (n: number, lo = -1, hi = 1) =>
  Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

Deno.test("coeffs: c_0 = Σ|a|², series = squared modulus (N = 8, 16; 20 random a each)", () => {
  const rng = createRng(1);
  const x = grid(1001);
  for (const N of [8, 16]) {
    for (let t = 0; t < 20; t++) {
      const fd = randomFourierDensity(N, rng);
      const c = coeffs(fd);
      assertAlmostEquals(c.re[0]!, fd.re.reduce((s, v, k) => s + v * v + fd.im[k]! ** 2, 0), 1e-12);
      assertAlmostEquals(c.im[0]!, 0, 1e-15);
      const a = densityUnit(fd, x), b = densityUnitFejer(fd, x);
      for (let i = 0; i < x.length; i++) assertAlmostEquals(a[i]!, b[i]!, 1e-10);
    }
  }
});

Deno.test("non-negative on a fine grid, PSD Toeplitz matrix", () => {
  const rng = createRng(2);
  for (let t = 0; t < 10; t++) {
    const fd = randomFourierDensity(8, rng);
    const p = densityUnit(fd, grid(10000));
    assert(Math.min(...p) >= -1e-12);
    const T = toeplitzFromCoeffs(coeffs(fd));
    const ev = symmetricEig(hermitianToRealSymmetric(T.re, T.im)).values;
    assert(Math.min(...ev) >= -1e-10, `min eig ${Math.min(...ev)}`);
  }
});

Deno.test("normalisation, CDF endpoints, monotone CDF = cumulative integral", () => {
  const fd = randomFourierDensity(12, createRng(3));
  const one = Float64Array.of(0);
  const p = (x: number) => {
    one[0] = x;
    return densityUnit(fd, one)[0]!;
  };
  assertAlmostEquals(simpson(p, -1, 1, 4000), 1, 1e-9);
  const [a, b] = cdfUnit(fd, [-1, 1]);
  assertAlmostEquals(a!, 0, 1e-12);
  assertAlmostEquals(b!, 1, 1e-12);
  const xs = grid(401), F = cdfUnit(fd, xs);
  for (let i = 1; i < xs.length; i++) {
    assert(F[i]! >= F[i - 1]! - 1e-15);
    if (i % 40 === 0) assertAlmostEquals(F[i]!, simpson(p, -1, xs[i]!, 2000), 1e-7);
  }
});

Deno.test("smoothnessPenalty = ∫|p'|² (central differences) and matches the tf version", () => {
  const fd = randomFourierDensity(6, createRng(4));
  const n = 100000, h = 2 / n, x = grid(n + 1);
  const p = densityUnit(fd, x);
  let s = 0;
  for (let i = 1; i < n; i++) s += ((p[i + 1]! - p[i - 1]!) / (2 * h)) ** 2 * h;
  const pen = smoothnessPenalty(fd);
  assert(Math.abs(s - pen) / pen < 1e-5, `${s} vs ${pen}`);
  const tfPen = tf.tidy(() =>
    smoothnessPenaltyTf(tf.tensor1d(Float32Array.from(fd.re)), tf.tensor1d(Float32Array.from(fd.im)))
      .dataSync()[0]!
  );
  assert(Math.abs(tfPen - pen) / pen < 1e-5);
});

Deno.test("densityReal integrates to 1; logDensityRealTf matches log densityReal (float32)", () => {
  const fd = { ...randomFourierDensity(8, createRng(5)), mu: 0.3, sigma: 1 };
  const one = Float64Array.of(0);
  const q = (y: number) => {
    one[0] = y;
    return densityReal(fd, one)[0]!;
  };
  assertAlmostEquals(simpson(q, -60, 60, 40000), 1, 1e-6);
  const ys = grid(41, -4, 4);
  const ref = densityReal(fd, ys);
  const got = tf.tidy(() =>
    logDensityRealTf(
      tf.tensor1d(Float32Array.from(fd.re)),
      tf.tensor1d(Float32Array.from(fd.im)),
      tf.scalar(fd.mu),
      tf.scalar(Math.log(fd.sigma)),
      tf.tensor1d(Float32Array.from(ys)),
    ).dataSync()
  );
  for (let i = 0; i < ys.length; i++) {
    assertAlmostEquals(got[i]!, Math.log(ref[i]!), 1e-4 * (1 + Math.abs(Math.log(ref[i]!))));
  }
});

Deno.test("fourierNllGrad: exact gradient (finite differences), loss = −mean log densityReal", () => {
  const rng = createRng(6);
  const fd = { ...randomFourierDensity(5, rng), mu: -0.2, sigma: 1.4 };
  const y = Float64Array.from({ length: 40 }, () => 2 * rng.normal());
  const th = packFourier(fd);
  const { loss, grad } = fourierNllGrad(th, y, 0.01);
  const nll = -densityReal(fd, y).reduce((s, v) => s + Math.log(v), 0) / y.length;
  assertAlmostEquals(loss, nll + 0.01 * smoothnessPenalty(fd), 1e-10);
  for (let j = 0; j < th.length; j++) {
    const a = th.slice(), b = th.slice();
    a[j]! += 1e-6;
    b[j]! -= 1e-6;
    const fdv = (fourierNllGrad(a, y, 0.01).loss - fourierNllGrad(b, y, 0.01).loss) / 2e-6;
    assertAlmostEquals(grad[j]!, fdv, 1e-6 * (1 + Math.abs(fdv)));
  }
});

Deno.test("inverse-CDF samples pass a KS test against the model CDF", () => {
  const fd = randomFourierDensity(8, createRng(7));
  const ys = sampleInverseCdf({ ...fd, mu: 0, sigma: 1 }, 5000, createRng(8));
  const one = Float64Array.of(0);
  const ks = ksStatistic(ys, (y) => {
    one[0] = Math.tanh(y);
    return cdfUnit(fd, one)[0]!;
  });
  assert(ks.d < 0.025 && ks.pValue > 0.005, `D ${ks.d} p ${ks.pValue}`);
  // a wrong CDF is rejected
  const wrong = ksStatistic(ys, (y) => 0.5 * (1 + Math.tanh(y)));
  assert(wrong.pValue < 1e-6 || ks.d < wrong.d);
});

Deno.test("fitFourierDensity lowers the NLL of a two-bump sample", () => {
  const rng = createRng(9);
  const y = Float64Array.from({ length: 500 }, (_, i) => (i % 2 ? 2 : -2) + 0.3 * rng.normal());
  const { fd, losses } = fitFourierDensity(y, 8, createRng(1), { steps: 400 });
  assert(losses.at(-1)! < losses[0]! - 0.3, `${losses[0]} → ${losses.at(-1)}`);
  const q = densityReal(fd, [-2, 0, 2]);
  assert(q[0]! > 3 * q[1]! && q[2]! > 3 * q[1]!);
});

Deno.test("fourier: bad input gives clear errors", () => {
  const ok = { re: Float64Array.of(1), im: Float64Array.of(0), mu: 0, sigma: 1 };
  assertThrows(
    () => coeffs({ ...ok, im: Float64Array.of(0, 1) }),
    RangeError,
    "coeffs: fd.im.length must be fd.re.length = 1, got 2",
  );
  assertThrows(
    () => densityReal({ ...ok, sigma: 0 }, [0]),
    RangeError,
    "densityReal: fd.sigma must be a positive number, got 0",
  );
  assertThrows(() => coeffs({ ...ok, re: Float64Array.of(0) }), RangeError, "Σ|a_k|² > 0");
  assertThrows(
    () => fitFourierDensity([1, 2, 3], 4, createRng(0), { gamma: -1 }),
    RangeError,
    "opts.gamma must be a non-negative number",
  );
  assertThrows(
    () => sampleInverseCdf(ok, 0, createRng(0)),
    RangeError,
    "sampleInverseCdf: n must be an integer ≥ 1, got 0",
  );
});
