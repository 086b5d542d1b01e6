import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import {
  digamma,
  erf,
  erfc,
  logBesselI,
  logGamma,
  logHyp0F1,
  logsumexp,
  logsumexp2,
  normalCdf,
  sigmoid,
  softmax,
  softplus,
} from "@lib/core/special.ts";

/** |a − b| ≤ rel·|b| (relative comparison against a reference value). */
const assertRel = (a: number, b: number, rel: number, msg = "") =>
  assert(Math.abs(a - b) <= rel * Math.abs(b), `${msg} got ${a}, expected ${b} (rel ${rel})`);

// Reference values: mpmath at 30 digits.
const ERF: [number, number, number][] = [
  [0.1, 0.1124629160182849, 0.8875370839817151],
  [0.5, 0.52049987781304654, 0.47950012218695346],
  [1, 0.84270079294971487, 0.15729920705028513],
  [1.4, 0.9522851197626488, 0.047714880237351204],
  [1.6, 0.97634838334464402, 0.023651616655355984],
  [2, 0.99532226501895273, 0.0046777349810472658],
  [3, 0.99997790950300141, 2.2090496998585441e-5],
  [4, 0.9999999845827421, 1.5417257900280019e-8],
  [6, 0.99999999999999998, 2.1519736712498913e-17],
];

Deno.test("erf / erfc: reference values, odd symmetry, erf + erfc = 1", () => {
  for (const [x, e, c] of ERF) {
    assertRel(erf(x), e, 2e-15, `erf(${x})`);
    assertRel(erf(-x), -e, 2e-15, `erf(-${x})`);
    assertRel(erfc(x), c, 5e-14, `erfc(${x})`);
    assertAlmostEquals(erfc(-x), 2 - c, 1e-15);
    assertAlmostEquals(erf(x) + erfc(x), 1, 2e-16);
  }
  assertRel(erfc(10), 2.0884875837625448e-45, 1e-13);
  assertRel(erfc(26.5), 2.2109076642637343e-307, 1e-12);
  assertEquals([erf(0), erf(Infinity), erf(-Infinity), erfc(Infinity), erfc(-Infinity)], [0, 1, -1, 0, 2]);
  assertThrows(() => erf(NaN), RangeError, "erf: x must be a number (not NaN), got NaN");
});

Deno.test("normalCdf: reference values, symmetry, left tail", () => {
  assertRel(normalCdf(-10), 7.6198530241605261e-24, 1e-13);
  assertRel(normalCdf(-5), 2.8665157187919391e-7, 1e-13);
  assertRel(normalCdf(-2), 0.022750131948179207, 1e-14);
  for (const x of [0.3, 1, 2.5, 4]) assertAlmostEquals(normalCdf(x) + normalCdf(-x), 1, 2e-16);
});

Deno.test("logGamma: reference values, factorials, reflection, recurrence; poles throw", () => {
  const ref: [number, number][] = [
    [0.001, 6.9071788853838537],
    [0.3, 1.0957979948180756],
    [1.5, -0.12078223763524522],
    [2.5, 0.28468287047291916],
    [7.3, 7.1478925230222487],
    [14.9, 24.924132002217278],
    [15, 25.191221182738682],
    [100, 359.1342053695754],
    [1e5, 1051287.7089736569],
    [-0.5, 1.2655121234846454],
    [-2.5, -0.056243716497674051],
  ];
  for (const [x, v] of ref) assertAlmostEquals(logGamma(x), v, 1e-14 * Math.max(1, Math.abs(v)) * 2);
  let f = 0;
  for (let k = 1; k <= 20; k++) {
    assertAlmostEquals(logGamma(k + 1), f += Math.log(k), 1e-12);
  }
  for (const x of [0.7, 3.2, 12.5]) assertAlmostEquals(logGamma(x + 1) - logGamma(x), Math.log(x), 1e-13);
  assertThrows(() => logGamma(0), RangeError, "pole");
  assertThrows(() => logGamma(-3), RangeError, "pole");
});

Deno.test("digamma: reference values and ψ(x+1) = ψ(x) + 1/x", () => {
  const ref: [number, number][] = [
    [0.01, -100.56088545786867],
    [0.5, -1.9635100260214235],
    [3.3, 1.0348224890596217],
    [20, 2.9705239922421491],
    [-0.5, 0.036489973978576521],
  ];
  for (const [x, v] of ref) assertAlmostEquals(digamma(x), v, 1e-13 * Math.max(1, Math.abs(v)));
  assertAlmostEquals(digamma(4.2) - digamma(3.2), 1 / 3.2, 1e-14);
  // ψ = (ln Γ)' by a central difference
  const h = 1e-5;
  assertAlmostEquals((logGamma(2.7 + h) - logGamma(2.7 - h)) / (2 * h), digamma(2.7), 1e-9);
});

Deno.test("logBesselI: reference values, closed forms, recurrence", () => {
  const ref: [number, number, number][] = [
    [0, 1, 0.23591435850717865],
    [0, 50, 47.127575501871805],
    [63, 5, -143.18541725644035],
    [63, 200, 186.5659656102636],
    [255, 200, 49.171668525274402],
    [2.5, 0.1, -8.689590057197294],
    [7, 700, 695.77067525257641],
    [0, 1e4, 9994.4759037814323],
  ];
  for (const [nu, x, v] of ref) assertAlmostEquals(logBesselI(nu, x), v, 1e-13 * Math.max(1, Math.abs(v)));
  // I_{ν−1}(x) − I_{ν+1}(x) = (2ν/x) I_ν(x)
  const [nu, x] = [3, 7.5];
  const lhs = Math.exp(logBesselI(nu - 1, x)) - Math.exp(logBesselI(nu + 1, x));
  assertRel(lhs, ((2 * nu) / x) * Math.exp(logBesselI(nu, x)), 1e-13);
  assertEquals([logBesselI(0, 0), logBesselI(2, 0)], [0, -Infinity]);
  assertAlmostEquals(logHyp0F1(1.5, 4), Math.log(Math.sinh(4) / 4), 1e-14); // 0F1(;3/2;x²/4) = sinh x / x
  assertThrows(() => logBesselI(-1, 2), RangeError, "logBesselI: nu must be a non-negative number, got -1");
  assertThrows(() => logHyp0F1(0, 2), RangeError, "logHyp0F1: b must be a positive number, got 0");
});

Deno.test("sigmoid / softplus: stable at ±1000, identities", () => {
  assertEquals([sigmoid(1000), sigmoid(-1000), sigmoid(-Infinity)], [1, 0, 0]);
  assertAlmostEquals(sigmoid(-745), Math.exp(-745), 1e-320);
  for (const x of [-3, -0.2, 0.7, 5]) {
    assertAlmostEquals(sigmoid(x) + sigmoid(-x), 1, 1e-15);
    assertAlmostEquals(softplus(x) - softplus(-x), x, 1e-14); // ln(1+e^x) − ln(1+e^{−x}) = x
    assertAlmostEquals(softplus(x), Math.log(1 + Math.exp(x)), 1e-14);
  }
  assertEquals([softplus(1000), softplus(-1000), softplus(Infinity)], [1000, 0, Infinity]);
  assertRel(softplus(-50), Math.exp(-50), 1e-15);
});

Deno.test("logsumexp / logsumexp2: shift invariance, −∞ and +∞ entries", () => {
  const xs = [0.3, -1.2, 2.5, 0];
  const direct = Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
  assertAlmostEquals(logsumexp(xs), direct, 1e-15);
  assertAlmostEquals(logsumexp(xs.map((x) => x + 800)), direct + 800, 1e-12);
  assertEquals(logsumexp([-Infinity, -Infinity]), -Infinity);
  assertEquals(logsumexp([1, Infinity]), Infinity);
  assertAlmostEquals(logsumexp([-Infinity, 2]), 2, 0);
  assertAlmostEquals(logsumexp2(-1000, -1000), -1000 + Math.LN2, 1e-12);
  assertEquals(logsumexp2(-Infinity, 3), 3);
  assertThrows(() => logsumexp([]), RangeError, "logsumexp: xs.length must be ≥ 1, got 0");
});

Deno.test("softmax: sums to 1, scale, ±∞ entries, large logits", () => {
  const p = softmax([1000, 1001, 999], 1);
  assertAlmostEquals(p.reduce((s, v) => s + v, 0), 1, 1e-15);
  assertAlmostEquals(p[1]! / p[0]!, Math.E, 1e-12);
  const q = softmax([0, 1], 2); // e^{2}/(1+e^{2})
  assertAlmostEquals(q[1]!, sigmoid(2), 1e-15);
  assertEquals(Array.from(softmax([1, 5, 2], 0)), [1 / 3, 1 / 3, 1 / 3]);
  assertEquals(Array.from(softmax([0, -Infinity])), [1, 0]);
  assertEquals(Array.from(softmax([Infinity, 0, Infinity])), [0.5, 0, 0.5]);
  assertThrows(() => softmax([-Infinity]), RangeError, "not all −∞");
  assertThrows(() => softmax([1], -1), RangeError, "softmax: scale must be a non-negative number, got -1");
});
