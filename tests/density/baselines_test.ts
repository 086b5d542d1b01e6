import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { simpson } from "@lib/core/quadrature.ts";
import { dfpFunctions, dfpNllGrad, dfpParamCount, fitDfp } from "@lib/density/dfp.ts";
import { fitGmmEm, fitGmmGradient, gmmNllGrad1d } from "@lib/density/gmm_fit.ts";
import { gmmSample, makeGmm } from "@lib/prob/gmm.ts";
import { findModes, klByQuadrature, kolmogorovTail, ksStatistic } from "@lib/prob/density1d.ts";

const fdCheck = (f: (t: Float64Array) => { loss: number; grad: Float64Array }, th: Float64Array) => {
  const { grad } = f(th);
  for (let j = 0; j < th.length; j++) {
    const a = th.slice(), b = th.slice();
    a[j]! += 1e-6;
    b[j]! -= 1e-6;
    const fd = (f(a).loss - f(b).loss) / 2e-6;
    assertAlmostEquals(grad[j]!, fd, 1e-6 * (1 + Math.abs(fd)));
  }
};

Deno.test("gmmNllGrad1d and dfpNllGrad: exact gradients (finite differences)", () => {
  const rng = createRng(1);
  const y = Float64Array.from({ length: 25 }, () => rng.normal());
  fdCheck((t) => gmmNllGrad1d(t, y), Float64Array.from({ length: 12 }, () => rng.normal()));
  fdCheck((t) => dfpNllGrad(t, y), Float64Array.from({ length: dfpParamCount(3) }, () => rng.normal()));
});

Deno.test("DFP density integrates to 1 and is the derivative of its CDF", () => {
  const th = Float64Array.from({ length: dfpParamCount(4) }, (_, i) => Math.sin(3 * i));
  const { pdf, cdf } = dfpFunctions(th);
  assertAlmostEquals(simpson(pdf, -200, 200, 200000), 1, 1e-4);
  for (const y of [-1, 0, 0.7]) assertAlmostEquals((cdf(y + 1e-5) - cdf(y - 1e-5)) / 2e-5, pdf(y), 1e-6);
});

Deno.test("EM and gradient GMM recover a well-separated mixture; EM log-likelihood non-decreasing", () => {
  const g = makeGmm([0.3, 0.7], [[-3], [2]], [[0.25], [0.49]]);
  const x = gmmSample(g, 3000, createRng(2));
  const em = fitGmmEm(x, 1, 2, 50, createRng(3));
  for (let i = 1; i < em.logLik.length; i++) assert(em.logLik[i]! >= em.logLik[i - 1]! - 1e-12);
  const ms = Array.from(em.gmm.means).sort((a, b) => a - b);
  assertAlmostEquals(ms[0]!, -3, 0.1);
  assertAlmostEquals(ms[1]!, 2, 0.1);
  const gg = fitGmmGradient(x, 2, 1500, 0.02, createRng(4));
  const mg = Array.from(gg.means).sort((a, b) => a - b);
  assertAlmostEquals(mg[0]!, -3, 0.1);
  assertAlmostEquals(mg[1]!, 2, 0.1);
});

Deno.test("fitDfp fits a Gaussian: KL < 0.02", () => {
  const rng = createRng(5);
  const x = Float64Array.from({ length: 2000 }, () => 1 + 2 * rng.normal());
  const m = fitDfp(x, 4, 800, 0.02, createRng(6));
  const p = (y: number) => Math.exp(-0.5 * ((y - 1) / 2) ** 2) / (2 * Math.sqrt(2 * Math.PI));
  const kl = klByQuadrature(p, m.pdf, -15, 17, 4001);
  assert(kl < 0.02, `KL ${kl}`);
});

Deno.test("klByQuadrature, findModes, KS", () => {
  const phi = (m: number, s = 1) => (y: number) =>
    Math.exp(-0.5 * ((y - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
  assertAlmostEquals(klByQuadrature(phi(0), phi(0), -12, 12, 20001), 0, 1e-15);
  assertAlmostEquals(klByQuadrature(phi(0), phi(1), -12, 12, 20001), 0.5, 1e-6);
  assertAlmostEquals(klByQuadrature(phi(0), phi(0, 2), -12, 12, 20001), Math.log(2) + 1 / 8 - 0.5, 1e-6);
  const modes = findModes((y) => 0.5 * phi(-2, 0.5)(y) + 0.5 * phi(1, 0.1)(y), -6, 6, 12001, 0.01);
  assertAlmostEquals(modes[0]!, -2, 1e-3);
  assertAlmostEquals(modes[1]!, 1, 1e-3);
  assertAlmostEquals(kolmogorovTail(0.8276), 0.5, 1e-3);
  // KS: normal samples vs normal CDF (approx via erf-free Simpson is slow; use a logistic)
  const rng = createRng(7);
  const s = Float64Array.from({ length: 4000 }, () => {
    const u = rng.uniform();
    return Math.log(u / (1 - u));
  });
  const good = ksStatistic(s, (y) => 1 / (1 + Math.exp(-y))),
    bad = ksStatistic(s, (y) => 1 / (1 + Math.exp(-(y - 0.2))));
  assert(good.pValue > 0.01 && bad.pValue < 1e-4, `${good.pValue} ${bad.pValue}`);
  assertThrows(
    () => klByQuadrature(phi(0), phi(0), 1, 0, 11),
    RangeError,
    "klByQuadrature: hi must be > lo = 1, got 0",
  );
  assertThrows(
    () => fitGmmEm([1, 2], 1, 3, 1, createRng(0)),
    RangeError,
    "fitGmmEm: K must be an integer in [1, 2], got 3",
  );
  assertThrows(
    () => fitGmmGradient([1, 2], 1, 1, 0, createRng(0)),
    RangeError,
    "fitGmmGradient: lr must be a positive number, got 0",
  );
});
