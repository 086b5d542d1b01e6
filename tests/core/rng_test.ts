import { assert, assertAlmostEquals, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";

Deno.test("same seed gives the same stream; different seeds differ", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const xa = Array.from({ length: 100 }, () => a());
  const xb = Array.from({ length: 100 }, () => b());
  const xc = Array.from({ length: 100 }, () => c());
  assertEquals(xa, xb);
  assertNotEquals(xa, xc);
});

Deno.test("reference values pin the algorithm (mulberry32 after seed mixing)", () => {
  const r = createRng(0);
  const got = [r(), r(), r()].map((x) => Math.round(x * 1e9));
  // Pinned from the first implementation: a change of algorithm must be deliberate (it changes
  // every committed notebook output).
  assertEquals(got, [913300781, 482028380, 410135589]);
});

Deno.test("uniform moments within seeded statistical bounds", () => {
  const r = createRng(1);
  const n = 200_000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r();
    assert(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
  }
  // mean 1/2 with sd sqrt(1/12/n) ≈ 6.5e-4; allow 5 sd
  assertAlmostEquals(s / n, 0.5, 5 * Math.sqrt(1 / 12 / n));
  assertAlmostEquals(s2 / n - (s / n) ** 2, 1 / 12, 2e-3);
});

Deno.test("normal moments within seeded statistical bounds", () => {
  const r = createRng(2);
  const n = 200_000;
  let s = 0, s2 = 0, s4 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
    s4 += z ** 4;
  }
  assertAlmostEquals(s / n, 0, 5 / Math.sqrt(n));
  assertAlmostEquals(s2 / n, 1, 5 * Math.sqrt(2 / n));
  assertAlmostEquals(s4 / n, 3, 5 * Math.sqrt(96 / n));
});

Deno.test("int covers {0..n-1} uniformly; shuffle is a permutation", () => {
  const r = createRng(3);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) counts[r.int(10)]++;
  // chi-square with 9 dof; 99.9% quantile ≈ 27.9
  const chi2 = counts.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0);
  assert(chi2 < 27.9, `chi2 = ${chi2}`);
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const ys = r.shuffle([...xs]);
  assertNotEquals(ys, xs);
  assertEquals([...ys].sort((a, b) => a - b), xs);
});

Deno.test("fork gives independent, reproducible streams", () => {
  const a = createRng(5).fork("data"), b = createRng(5).fork("data"), c = createRng(5).fork("init");
  const xa = [a(), a(), a()], xb = [b(), b(), b()], xc = [c(), c(), c()];
  assertEquals(xa, xb);
  assertNotEquals(xa, xc);
  // drawing from the parent does not shift a fork
  const p = createRng(5);
  p();
  p();
  const d = p.fork("data");
  assertEquals([d(), d(), d()], xa);
});

Deno.test("bad input throws a clear error", () => {
  assertThrows(() => createRng(1.5), TypeError, "createRng: seed must be a safe integer, got 1.5");
  assertThrows(
    () => createRng(1).int(0),
    RangeError,
    "Rng.int: n must be an integer in [1, 4294967296], got 0",
  );
});
