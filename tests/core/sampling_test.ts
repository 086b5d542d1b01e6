import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { createRng, type Rng } from "@lib/core/rng.ts";
import { chiSquareQuantile } from "@lib/core/chi_square.ts";
import { softmax } from "@lib/core/special.ts";
import { categorical, permutation, reservoirChoice } from "@lib/core/sampling.ts";

/** A fake Rng returning the given uniforms in turn (for exact enumerations over a grid). */
const scripted = (us: number[]): Rng => {
  let k = 0;
  return (() => us[k++]!) as Rng;
};
/** Pearson χ² of integer counts against probabilities. */
const chi2 = (counts: ArrayLike<number>, p: ArrayLike<number>) => {
  let n = 0, s = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  for (let i = 0; i < counts.length; i++) if (p[i]! > 0) s += (counts[i]! - n * p[i]!) ** 2 / (n * p[i]!);
  return s;
};
const tally = (k: number, n: number, f: () => number) => {
  const c = new Float64Array(k);
  for (let i = 0; i < n; i++) c[f()]!++;
  return c;
};

Deno.test("categorical: exact inversion on a uniform grid; zero weights never drawn", () => {
  // u on the midpoints of a 10-cell grid: counts are exactly 10·p for p = (0.2, 0, 0.3, 0.5)
  const M = 10, p = [0.2, 0, 0.3, 0.5];
  const c = tally(4, M, ((k) => () => categorical(p, scripted([(k++ + 0.5) / M])))(0));
  assertEquals([...c], [2, 0, 3, 5]);
  // unnormalised weights, u just below 1: the last positive index
  assertEquals(categorical([2, 6, 0], scripted([0.999999])), 1);
  assertEquals(categorical([1, 0, 0], scripted([0.999999999])), 0);
});

Deno.test("categorical: χ² (p = 0.999) over 50,000 seeded draws", () => {
  const rng = createRng(31), p = Array.from({ length: 8 }, () => rng() + 0.05);
  const z = p.reduce((s, x) => s + x, 0), q = p.map((x) => x / z);
  const c = tally(8, 50000, () => categorical(p, rng));
  assertLess(chi2(c, q), chiSquareQuantile(0.999, 7));
});

Deno.test("reservoirChoice: exact on a grid (weights 1:2:3 → 1/6, 2/6, 3/6)", () => {
  // acceptance probabilities are 1, 2/3, 1/2: a 6-point midpoint grid per uniform resolves them exactly
  const M = 6, lw = [0, Math.log(2), Math.log(3)], c = new Float64Array(3);
  for (let a = 0; a < M; a++) {
    for (let b = 0; b < M; b++) {
      for (let d = 0; d < M; d++) {
        c[reservoirChoice(lw, scripted([(a + .5) / M, (b + .5) / M, (d + .5) / M]))]!++;
      }
    }
  }
  assertEquals([...c].map((x) => x / M ** 3), [1 / 6, 2 / 6, 3 / 6]);
});

Deno.test("reservoirChoice: (1,1,1) gives 1/3 ± 0.01; 10 random weights pass χ²; −∞ never chosen", () => {
  const rng = createRng(2023);
  const c3 = tally(3, 30000, () => reservoirChoice([0, 0, 0], rng));
  for (const x of c3) assertAlmostEquals(x / 30000, 1 / 3, 0.01);
  const lw = Array.from({ length: 10 }, () => 3 * rng.normal());
  const c10 = tally(10, 100000, () => reservoirChoice(lw, rng));
  assertLess(chi2(c10, softmax(lw)), chiSquareQuantile(0.999, 9));
  // tiny weights far below the float range of exp(): still exact in log space
  const tiny = lw.map((x) => x - 5000);
  assertLess(
    chi2(tally(10, 20000, () => reservoirChoice(tiny, rng)), softmax(lw)),
    chiSquareQuantile(0.999, 9),
  );
  const masked = [-Infinity, 0, -Infinity, 1, -Infinity];
  const cm = tally(5, 5000, () => reservoirChoice(masked, rng));
  assertEquals([cm[0], cm[2], cm[4]], [0, 0, 0]);
  assert(cm[1]! > 0 && cm[3]! > cm[1]!);
});

Deno.test("reservoirChoice: the χ² check has power — a pairwise duel chain fails it", () => {
  // the old rule (newcomer vs the current holder only) on (1,1,1): (1/4, 1/4, 1/2)
  const rng = createRng(5);
  const duel = () => {
    let held = 0;
    for (let j = 1; j < 3; j++) if (rng() < 0.5) held = j;
    return held;
  };
  const c = tally(3, 30000, duel);
  assert(chi2(c, [1 / 3, 1 / 3, 1 / 3]) > 100 * chiSquareQuantile(0.999, 2));
});

Deno.test("permutation: a permutation; all 24 orders of 4 uniform (χ², 48,000 draws)", () => {
  const rng = createRng(8);
  assertEquals(permutation(0, rng).length, 0);
  const p = permutation(100, rng);
  assertEquals([...p].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  const index = new Map<string, number>();
  const c = new Float64Array(24);
  for (let i = 0; i < 48000; i++) {
    const key = permutation(4, rng).join("");
    if (!index.has(key)) index.set(key, index.size);
    c[index.get(key)!]!++;
  }
  assertEquals(index.size, 24);
  assertLess(chi2(c, new Array(24).fill(1 / 24)), chiSquareQuantile(0.999, 23));
});

Deno.test("sampling: validation names the argument", () => {
  const rng = createRng(0);
  assertThrows(() => categorical([], rng), RangeError, "categorical: probs.length must be ≥ 1");
  assertThrows(() => categorical([0.5, -0.1], rng), RangeError, "probs[1] must be a finite number ≥ 0");
  assertThrows(() => categorical([0, 0], rng), RangeError, "sum of probs must be > 0");
  assertThrows(() => categorical([1], 3 as unknown as Rng), TypeError, "rng must be an Rng");
  assertThrows(() => reservoirChoice([-Infinity], rng), RangeError, "at least one finite entry");
  assertThrows(
    () => reservoirChoice([0, NaN], rng),
    RangeError,
    "logWeights[1] must be a finite number or −∞",
  );
  assertThrows(() => reservoirChoice([0, Infinity], rng), RangeError, "logWeights[1]");
  assertThrows(() => permutation(-1, rng), RangeError, "permutation: n must be an integer");
  assertThrows(() => permutation(2.5, rng), RangeError, "n must be an integer");
});
