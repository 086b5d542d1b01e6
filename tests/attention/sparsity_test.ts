import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { matrix } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { erf, erfc } from "@lib/core/special.ts";
import {
  gaussianFeatureMoments,
  l1l2Sparsity,
  l2OverL1,
  linearSparsityOfKeys,
  sampleMoments,
  sparsityDecay,
  sparsityDecayBound,
  sparsityExp,
  sparsityGeneralLinear,
  sparsityIdentity,
  sparsityIidLinear,
  sparsityMonteCarlo,
  sparsityOfKeys,
  sparsityQuadrature,
  sparsityRelu2,
} from "@lib/attention/sparsity.ts";

const relu2 = (x: number) => (x > 0 ? x * x : 0);
const elu1 = (x: number) => (x > 0 ? x + 1 : Math.exp(x));

// (β, γ) → value, re-verified with scipy adaptive quadrature in the spec
const RELU2: [number, number, number, number][] = [
  [0, 1, 0.408248, 1e-6],
  [1, 1, 0.612773, 1e-6],
  [-1, 1, 0.205256, 1e-6],
  [-2, 0.5, 0.002481, 2e-6],
  [2, 3, 0.549066, 1e-6],
];
const IDENTITY: [number, number, number][] = [[0, 1, 0.797885], [1, 1, 0.824933], [-2, 0.5, 0.970146]];

Deno.test("acceptance: erf/erfc values the closed forms rely on", () => {
  assertAlmostEquals(erf(0.5), 0.5204998778, 1e-10);
  assertAlmostEquals(erfc(5), 1.5374597944e-12, 1e-20);
});

Deno.test("acceptance: l1l2Sparsity: one-hot 1/√n, constant 1, scale invariant, validation", () => {
  for (const n of [1, 2, 7, 100]) {
    const x = new Float64Array(n);
    x[n - 1] = 3;
    assertAlmostEquals(l1l2Sparsity(x), 1 / Math.sqrt(n), 1e-15);
    assertAlmostEquals(l1l2Sparsity(new Float64Array(n).fill(-2.5)), 1, 1e-15);
  }
  const rng = createRng(1), v = Float64Array.from({ length: 50 }, () => rng.normal());
  const s = l1l2Sparsity(v);
  assert(s > 1 / Math.sqrt(50) && s < 1);
  assertAlmostEquals(l1l2Sparsity(v.map((x) => x * 1e200)), s, 1e-14); // no overflow of x²
  assertAlmostEquals(l1l2Sparsity(v.map((x) => -x * 1e-3)), s, 1e-14);
  assertThrows(() => l1l2Sparsity([]), RangeError, "l1l2Sparsity: x.length must be ≥ 1, got 0");
  assertThrows(
    () => l1l2Sparsity([0, 0]),
    RangeError,
    "l1l2Sparsity: x must be a vector with a non-zero entry",
  );
  assertThrows(
    () => l1l2Sparsity([1, NaN]),
    RangeError,
    "l1l2Sparsity: x[1] must be a finite number, got NaN",
  );
});

Deno.test("acceptance: sparsityRelu2 matches the spec's values; closed form = quadrature; stable tail", () => {
  for (const [b, g, ref, tol] of RELU2) {
    assertAlmostEquals(sparsityRelu2(b, g), ref, tol, `relu² (${b}, ${g})`);
  }
  assertAlmostEquals(sparsityRelu2(0, 1), 1 / Math.sqrt(6), 1e-15);
  // against independent quadrature of eq. 3, across both branches (t ≥ −4 erfc form, t < −4 integral)
  for (const b of [-7, -5, -4.2, -4, -3.9, -2, -0.5, 0, 0.3, 1, 4, 9]) {
    for (const g of [0.7, 1, 1.9]) {
      const t = b / g;
      if (t < -8) continue; // the reference cuts ε at 12 std, too early beyond t ≈ −8
      const q = sparsityQuadrature(relu2, b, g);
      assertAlmostEquals(sparsityRelu2(b, g) / q, 1, 1e-9, `relu² (${b}, ${g})`);
    }
  }
  // continuity at the branch switch t = −4 and monotone decrease towards 0 in the far tail
  assertAlmostEquals(sparsityRelu2(-4 + 1e-9, 1) / sparsityRelu2(-4 - 1e-9, 1), 1, 1e-8);
  let prev = sparsityRelu2(-4, 1);
  for (const t of [-6, -10, -20, -40]) {
    const s = sparsityRelu2(t, 1);
    assert(s > 0 && s < prev, `relu² at t = ${t}: ${s}`);
    prev = s;
  }
  assertEquals(sparsityRelu2(-100, 1), 0); // √φ(100) underflows
  // far tail against the leading asymptotics A_k ≈ k!/x^{k+1}: S ≈ √φ(x)·2/(√24·√x), x = −t
  for (const x of [20, 40]) {
    const asym = (Math.exp(-x * x / 4) / Math.sqrt(Math.sqrt(2 * Math.PI))) * 2 / Math.sqrt(24 * x);
    assertAlmostEquals(sparsityRelu2(-x, 1) / asym, 1, 20 / (x * x));
  }
  // only β > 0 keeps it large: S ≥ 1/√6 for β ≥ 0
  for (const g of [0.1, 1, 5, 50]) assert(sparsityRelu2(0.5, g) >= 1 / Math.sqrt(6) - 1e-15);
  assertThrows(
    () => sparsityRelu2(0, 0),
    RangeError,
    "sparsityRelu2: gamma must be a positive number, got 0",
  );
});

Deno.test("acceptance: sparsityIdentity: √(2/π) at β = 0, spec values, even in β, lower bound", () => {
  for (const g of [0.01, 0.5, 1, 7, 1e3]) {
    assertAlmostEquals(sparsityIdentity(0, g), Math.sqrt(2 / Math.PI), 1e-15);
  }
  for (const [b, g, ref] of IDENTITY) assertAlmostEquals(sparsityIdentity(b, g), ref, 1e-6);
  const rng = createRng(2);
  for (let i = 0; i < 200; i++) {
    const b = 5 * rng.normal(), g = 0.01 + 3 * rng();
    assertAlmostEquals(sparsityIdentity(b, g), sparsityIdentity(-b, g), 1e-12);
    assert(sparsityIdentity(b, g) >= Math.sqrt(2 / Math.PI) - 1e-15);
    assertAlmostEquals(sparsityIdentity(b, g), sparsityQuadrature((x) => x, b, g), 1e-10);
  }
});

Deno.test("acceptance: sparsityExp = e^{−γ²/2} = quadrature for every β", () => {
  for (const g of [0, 0.3, 1, 2]) {
    assertEquals(sparsityExp(g), Math.exp(-g * g / 2));
    if (g > 0) {
      for (const b of [-3, 0, 2]) {
        assertAlmostEquals(sparsityQuadrature(Math.exp, b, g) / sparsityExp(g), 1, 1e-10);
      }
    }
  }
  assertThrows(() => sparsityExp(-1), RangeError, "sparsityExp: gamma must be a non-negative number, got -1");
});

Deno.test("acceptance: Monte Carlo (2e5 samples; 1e6 for relu² at (−2, 0.5)) within ±0.01", () => {
  const rng = createRng(3);
  for (const [b, g, ref] of RELU2) {
    const samples = b === -2 ? 1_000_000 : 200_000;
    const mc = sparsityMonteCarlo(relu2, b, g, samples, rng.fork(`relu2 ${b} ${g}`));
    assert(Math.abs(mc - ref) < 0.01, `relu² (${b}, ${g}): MC ${mc} vs ${ref}`);
  }
  for (const [b, g, ref] of IDENTITY) {
    const mc = sparsityMonteCarlo((x) => x, b, g, 200_000, rng.fork(`id ${b} ${g}`));
    assert(Math.abs(mc - ref) < 0.01, `identity (${b}, ${g}): MC ${mc} vs ${ref}`);
  }
  for (const g of [0.25, 0.5, 1]) {
    const mc = sparsityMonteCarlo(Math.exp, 0.7, g, 200_000, rng.fork(`exp ${g}`));
    assert(Math.abs(mc - sparsityExp(g)) < 0.01, `exp γ = ${g}: MC ${mc} vs ${sparsityExp(g)}`);
  }
  assertThrows(
    () => sparsityMonteCarlo(relu2, 0, 1, 0, rng),
    RangeError,
    "sparsityMonteCarlo: samples must be an integer ≥ 1, got 0",
  );
});

Deno.test("sampled d-dimensional keys reduce to (β, γ) = (q·μ, σ‖q‖)", () => {
  const rng = createRng(4), d = 32;
  const q = Float64Array.from({ length: d }, () => rng.normal() / Math.sqrt(d));
  const mu = Float64Array.from({ length: d }, () => rng.normal() / Math.sqrt(d));
  const beta = q.reduce((s, v, i) => s + v * mu[i]!, 0), sigma = 1.3;
  const gamma = sigma * Math.sqrt(q.reduce((s, v) => s + v * v, 0));
  const n = 50_000;
  assert(Math.abs(sparsityOfKeys(relu2, q, mu, sigma, n, rng.fork(1)) - sparsityRelu2(beta, gamma)) < 0.01);
  assert(
    Math.abs(sparsityOfKeys((x) => x, q, mu, sigma, n, rng.fork(2)) - sparsityIdentity(beta, gamma)) < 0.01,
  );
  assertThrows(
    () => sparsityOfKeys(relu2, q, mu.subarray(1), 1, 10, rng),
    RangeError,
    "sparsityOfKeys: mu.length must be 32, got 31",
  );
});

Deno.test("acceptance: ‖q̃‖₂/‖q̃‖₁ ∈ [1/√d, 1] for non-negative q̃ (10⁴ vectors, d = 16), extremes attained", () => {
  const rng = createRng(5), d = 16;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < 10_000; i++) {
    const sparse = i % 2 === 0; // half of them with most entries zeroed, to explore near 1
    const q = Float64Array.from({ length: d }, () => (sparse && rng() < 0.8 ? 0 : -Math.log(1 - rng())));
    if (q.every((v) => v === 0)) continue;
    const r = l2OverL1(q);
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  assert(lo >= 1 / Math.sqrt(d) - 1e-15 && hi <= 1 + 1e-15, `${lo} ${hi}`);
  assertAlmostEquals(l2OverL1(new Float64Array(d).fill(0.3)), 1 / Math.sqrt(d), 1e-15);
  const oneHot = new Float64Array(d);
  oneHot[5] = 2;
  assertEquals(l2OverL1(oneHot), 1);
  // so the article's "maximum √d" cannot hold for d > 1: the maximum is 1
  assert(hi < Math.sqrt(d));
});

Deno.test("acceptance: eq. 7 with sample moments of 10⁵ keys = direct sparsity; population moments within 0.01", () => {
  const rng = createRng(6), d = 6, n = 100_000, muK = 0.2, sigmaK = 0.8;
  for (const [name, h] of [["elu1", elu1], ["exp", Math.exp]] as const) {
    const qt = Float64Array.from({ length: d }, () => h(rng.normal()));
    const keys = Float64Array.from({ length: n * d }, () => h(muK + sigmaK * rng.normal()));
    const w = new Float64Array(n);
    for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) w[j]! += qt[i]! * keys[j * d + i]!;
    const { mean, cov } = sampleMoments(matrix(n, d, keys));
    // the moments by the textbook double loop, independently
    for (const [a, b] of [[0, 0], [1, 3], [5, 2]] as const) {
      let m = 0;
      for (let j = 0; j < n; j++) m += (keys[j * d + a]! - mean[a]!) * (keys[j * d + b]! - mean[b]!);
      assertAlmostEquals(cov.data[a * d + b]!, m / n, 1e-12);
    }
    const direct = l1l2Sparsity(w);
    assertAlmostEquals(sparsityGeneralLinear(qt, mean, cov), direct, 1e-9, name); // exact identity
    const m = gaussianFeatureMoments(h, muK, sigmaK);
    const popCov = matrix(d, d);
    for (let i = 0; i < d; i++) popCov.data[i * d + i] = m.std * m.std;
    const pop = sparsityGeneralLinear(qt, new Float64Array(d).fill(m.mean), popCov);
    assert(Math.abs(pop - direct) < 0.01, `${name}: eq. 7 ${pop} vs direct ${direct}`);
    assertAlmostEquals(pop, sparsityIidLinear(qt, m.mean, m.std), 1e-14); // eq. 8 = eq. 7 for i.i.d.
    const sampled = linearSparsityOfKeys(qt, h, muK, sigmaK, 50_000, rng.fork(name));
    assert(Math.abs(sampled - pop) < 0.01, `${name}: sampled ${sampled} vs ${pop}`);
  }
  const m = gaussianFeatureMoments(Math.exp, 0.2, 0.8);
  assertAlmostEquals(m.mean, Math.exp(0.2 + 0.32), 1e-12);
  assertAlmostEquals(m.std, Math.exp(0.2 + 0.32) * Math.sqrt(Math.expm1(0.64)), 1e-11);
  assertThrows(
    () => sparsityGeneralLinear([1, -1], [1, 1], matrix(2, 2)),
    RangeError,
    "sparsityGeneralLinear: qt[1] must be ≥ 0 (non-negative features), got -1",
  );
  assertThrows(
    () => sparsityGeneralLinear([1, 1], [1, 1], matrix(3, 3)),
    RangeError,
    "sparsityGeneralLinear: sigmaT must be a 2×2 matrix",
  );
  assertThrows(
    () => sparsityGeneralLinear([1, 0], [0, 1], matrix(2, 2)),
    RangeError,
    "sparsityGeneralLinear: qt·muT must be > 0, got 0",
  );
});

Deno.test("eq. 8: the minimum over queries, 1/√(1 + (σ̃/μ̃)²), does not depend on d; dense queries get denser with d", () => {
  const snr = 1.5;
  for (const d of [4, 16, 64, 256]) {
    const oneHot = new Float64Array(d);
    oneHot[0] = 1;
    assertAlmostEquals(sparsityIidLinear(oneHot, 1, snr), 1 / Math.sqrt(1 + snr * snr), 1e-15);
  }
  const flat = (d: number) => sparsityIidLinear(new Float64Array(d).fill(1), 1, snr);
  assert(flat(4) < flat(16) && flat(16) < flat(256));
  assertAlmostEquals(flat(16), 1 / Math.sqrt(1 + snr * snr / 16), 1e-15);
});

Deno.test("acceptance: sparsityDecay = l1l2Sparsity of (λ^{n−1}, …, 1) to 1e-12; < bound; λ = 1 gives 1", () => {
  for (const lambda of [0.5, 0.9, 0.99]) {
    for (const n of [1, 10, 1000]) {
      const a = Float64Array.from({ length: n }, (_, j) => lambda ** (n - 1 - j));
      assertAlmostEquals(sparsityDecay(lambda, n), l1l2Sparsity(a), 1e-12, `λ = ${lambda}, n = ${n}`);
      // S / bound = √(1 − λⁿ): strictly below the bound unless λⁿ underflows against 1
      const ratio = sparsityDecay(lambda, n) / sparsityDecayBound(lambda, n);
      assertAlmostEquals(ratio, Math.sqrt(1 - lambda ** n), 1e-12);
      assert(ratio <= 1 && (lambda ** n < 1e-15 || ratio < 1));
    }
  }
  for (const n of [1, 10, 1e6]) assertEquals(sparsityDecay(1, n), 1);
  assertEquals(sparsityDecayBound(1, 10), Infinity);
  assertAlmostEquals(sparsityDecay(0, 16), 0.25, 1e-15);
  assertAlmostEquals(sparsityDecay(1 - 1e-12, 1000), 1, 1e-9); // no cancellation near λ = 1
  assert(sparsityDecay(0.999, 1e8) < 1e-2); // → 0 as n → ∞
  assertThrows(() => sparsityDecay(1.1, 3), RangeError, "sparsityDecay: lambda must be in [0, 1], got 1.1");
  assertThrows(() => sparsityDecay(0.5, 0), RangeError, "sparsityDecay: n must be an integer ≥ 1, got 0");
});
