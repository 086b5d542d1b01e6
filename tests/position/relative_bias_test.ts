import { assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { maxAbsDiff } from "@lib/core/array.ts";
import { dot } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { alibiBias, alibiSlopes, kerpleBias, sandwichBias, xposFactor } from "@lib/position/relative_bias.ts";
import { applyRope, ropeInvFreq } from "@lib/position/rope.ts";
import { sinusoidalDot, sinusoidalEncoding } from "@lib/position/sinusoidal.ts";

Deno.test("alibiBias: row 4 of n = 5, λ = 0.5 is [−2, −1.5, −1, −0.5, 0]; causal −∞ above the diagonal", () => {
  const b = alibiBias(5, 0.5);
  assertEquals(Array.from(b.data.subarray(20, 25)).map((x) => x + 0), [-2, -1.5, -1, -0.5, 0]);
  for (let m = 0; m < 5; m++) {
    for (let n = 0; n < 5; n++) {
      const v = b.data[m * 5 + n]!;
      if (n > m) assertEquals(v, -Infinity);
      else assertEquals(v, -0.5 * (m - n));
    }
  }
  const bi = alibiBias(4, 0.25, false);
  assertEquals(bi.data[0 * 4 + 3], -0.75); // bidirectional: −λ|m − n|, symmetric
  assertEquals(bi.data[3 * 4 + 0], -0.75);
});

Deno.test("alibiSlopes: 2^(−8h/H)", () => {
  assertEquals(alibiSlopes(8), [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256]);
  assertEquals(alibiSlopes(4), [1 / 4, 1 / 16, 1 / 64, 1 / 256]);
  assertAlmostEquals(alibiSlopes(16)[0]!, Math.SQRT1_2, 1e-15);
});

Deno.test("kerpleBias: power with r2 = 1 equals ALiBi; closed forms of power and log", () => {
  const a = alibiBias(9, 0.3), k = kerpleBias(9, { kind: "power", r1: 0.3, r2: 1 });
  assertEquals(Array.from(k.data), Array.from(a.data));
  const p = kerpleBias(6, { kind: "power", r1: 0.5, r2: 1.5 });
  assertAlmostEquals(p.data[5 * 6 + 1]!, -0.5 * 4 ** 1.5, 1e-14);
  const l = kerpleBias(6, { kind: "log", r1: 2, r2: 3, causal: false });
  assertAlmostEquals(l.data[1 * 6 + 5]!, -2 * Math.log(13), 1e-14);
  assertEquals(l.data[2 * 6 + 2], -0);
  // non-positive everywhere and non-increasing in the distance (a smooth local penalty)
  for (let r = 1; r < 6; r++) assertLess(p.data[5 * 6 + 5 - r]!, p.data[5 * 6 + 6 - r]!);
});

Deno.test("sandwichBias: λ·Σcos((m−n)θ_i), equal to the concatenation [q, √λ p_m]·[k, √λ p_n] − q·k", () => {
  const d = 16, lam = 0.7, n = 40, b = sandwichBias(n, d, lam, false);
  const rng = createRng(3);
  for (let t = 0; t < 50; t++) {
    const m = rng.int(n), j = rng.int(n);
    assertAlmostEquals(b.data[m * n + j]!, lam * sinusoidalDot(m - j, d), 1e-12);
    const q = Array.from({ length: 8 }, () => rng.normal()),
      k = Array.from({ length: 8 }, () => rng.normal());
    const s = Math.sqrt(lam);
    const qc = [...q, ...sinusoidalEncoding(m, d).map((x) => s * x)];
    const kc = [...k, ...sinusoidalEncoding(j, d).map((x) => s * x)];
    assertAlmostEquals(dot(qc, kc), dot(q, k) + b.data[m * n + j]!, 1e-9);
  }
  assertEquals(sandwichBias(3, 8, 0.5).data[0], 2);
  assertEquals(sandwichBias(3, 8, 0.5).data[1], -Infinity);
});

Deno.test("xposFactor: XPOS score depends only on m − n (shift by 7), and diverges for m < n", () => {
  const inv = ropeInvFreq(8), xi = 0.9, rng = createRng(11);
  const score = (q: number[], k: number[], m: number, n: number) =>
    dot(applyRope(q, m, inv).map((x) => x * xi ** m), applyRope(k, n, inv).map((x) => x * xi ** -n));
  const diffs: number[] = [];
  for (let t = 0; t < 100; t++) {
    const n = rng.int(50), m = n + rng.int(50);
    const q = Array.from({ length: 8 }, () => rng.normal()),
      k = Array.from({ length: 8 }, () => rng.normal());
    const s0 = score(q, k, m, n);
    diffs.push(s0 - score(q, k, m + 7, n + 7));
    const plain = dot(applyRope(q, m, inv), applyRope(k, n, inv));
    diffs.push(s0 - plain * xposFactor(m, n, xi));
  }
  assertLess(maxAbsDiff(diffs, new Float64Array(diffs.length)), 1e-9);
  assertEquals(xposFactor(5, 5, 0.3), 1);
  assertLess(1e40, xposFactor(0, 1000, 0.9)); // key after query: the factor explodes
  assertEquals(xposFactor(3e5, 3e5 - 2, 0.5), 0.25); // no overflow from ξ^{-n} at large positions
});

Deno.test("relative_bias: invalid arguments throw with clear messages", () => {
  assertThrows(() => alibiBias(0, 1), RangeError, "alibiBias: n must be");
  assertThrows(() => alibiBias(4, -1), RangeError, "alibiBias: slope must be");
  assertThrows(() => alibiSlopes(0), RangeError, "alibiSlopes: nHeads");
  assertThrows(() => kerpleBias(4, { kind: "power", r1: 1, r2: 3 }), RangeError, "opts.r2 must be in [0, 2]");
  assertThrows(
    () => kerpleBias(4, { kind: "cubic" as "log", r1: 1, r2: 1 }),
    RangeError,
    'opts.kind must be "power" or "log"',
  );
  assertThrows(() => sandwichBias(4, 7, 1), RangeError, "sandwichBias: d must be an even integer");
  assertThrows(() => xposFactor(1, 0, 1.5), RangeError, "xposFactor: xi must be in (0, 1]");
});
