import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { initTf, tf } from "@lib/core/tf_setup.ts";
import { createRng } from "@lib/core/rng.ts";
import { Mlp } from "@lib/nn/mlp.ts";
import {
  activationPattern,
  criticValueAndGrad,
  dualGap,
  empiricalLipschitzRatio,
  findBoundaryCrossings,
  type GnVariant,
  normalizedCritic,
  pureJump,
  regionGradNorm,
} from "@lib/gan/mod.ts";

await initTf();

function withBiases(m: Mlp, rng: ReturnType<typeof createRng>): Mlp {
  // random biases N(0, 0.3²) so that the regions are not all cones through the origin
  m.variables.forEach((v, i) => {
    if (i % 2 === 1) v.assign(tf.tensor1d(Float32Array.from({ length: v.size }, () => 0.3 * rng.normal())));
  });
  return m;
}

function gradOfNormalized(m: Mlp, X: tf.Tensor2D, variant: GnVariant, eps?: number): Float32Array {
  return tf.grad((x: tf.Tensor) => tf.sum(normalizedCritic(m, x as tf.Tensor2D, variant, eps)))(X)
    .dataSync() as Float32Array;
}

Deno.test("normalized critics: ‖∇D̂‖ inside regions = 1 (pure), eq. 8 (ICCV, WACV); |D̂_ICCV| < 1", () => {
  const rng = createRng(5), n = 1000;
  const m = withBiases(new Mlp({ inDim: 2, hidden: [16, 16], outDim: 1, act: "relu" }, 7), rng);
  const X = tf.tensor2d(Float32Array.from({ length: 2 * n }, () => 2 * rng.normal()), [n, 2]);
  const { value, grad } = criticValueAndGrad(m, X);
  const D = value.dataSync(), g = grad.dataSync();
  const gn = Array.from({ length: n }, (_, i) => Math.hypot(g[2 * i]!, g[2 * i + 1]!));
  const eps = 1e-2;
  for (const variant of ["pure", "iccv", "wacv", "su-inner"] as const) {
    const gh = gradOfNormalized(m, X, variant, eps);
    let ok = 0, tested = 0;
    for (let i = 0; i < n; i++) {
      if (gn[i]! < 1e-3) continue; // dead region: D̂ undefined
      tested++;
      const got = Math.hypot(gh[2 * i]!, gh[2 * i + 1]!), want = regionGradNorm(variant, gn[i]!, D[i]!, eps);
      if (Math.abs(got - want) < 1e-4 * Math.max(1, want)) ok++;
    }
    assert(tested > 800 && ok === tested, `${variant}: ${ok}/${tested}`);
  }
  const iccv = normalizedCritic(m, X, "iccv").dataSync();
  assert(iccv.every((v) => Math.abs(v) < 1));
  assertThrows(
    () => normalizedCritic(m, X, "spectral" as GnVariant),
    RangeError,
    "variant must be pure | iccv | wacv | su-inner",
  );
  assertThrows(() => normalizedCritic(m, X, "wacv", -1), RangeError, "eps must be a non-negative number");
  m.dispose();
});

Deno.test("a linear critic has no boundaries: pure D̂ is exactly 1-Lipschitz", () => {
  const m = new Mlp({ inDim: 2, hidden: [], outDim: 1, act: "relu" }, 3), rng = createRng(2);
  const f = (X: Float64Array) => {
    const x = tf.tensor2d(Float32Array.from(X), [X.length / 2, 2]);
    const v = Float64Array.from(normalizedCritic(m, x, "pure").dataSync());
    x.dispose();
    return v;
  };
  const X = Float64Array.from({ length: 400 }, () => 3 * rng.normal()), Y = X.map((v) => v + rng.normal());
  const r = empiricalLipschitzRatio(f, X, Y, 2);
  assert(r <= 1 + 1e-4 && r > 0.9, `ratio ${r}`);
  assert(findBoundaryCrossings(m, Float64Array.of(-3, -3), Float64Array.of(3, 3), 50).length === 0);
  m.dispose();
});

Deno.test("jumps of the pure normalized critic across region boundaries match eq. 9; D itself is continuous", () => {
  const rng = createRng(9);
  const m = withBiases(new Mlp({ inDim: 2, hidden: [16, 16], outDim: 1, act: "relu" }, 4), rng);
  const at = (pts: number[][]) => {
    const x = tf.tensor2d(pts);
    const { value, grad } = criticValueAndGrad(m, x);
    const out = { D: Array.from(value.dataSync()), g: Array.from(grad.dataSync()) };
    tf.dispose([x, value, grad]);
    return out;
  };
  let compared = 0;
  for (let seg = 0; seg < 60 && compared < 20; seg++) {
    const a = Float64Array.of(3 * rng.normal(), 3 * rng.normal()),
      b = Float64Array.of(3 * rng.normal(), 3 * rng.normal());
    const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!), ss = findBoundaryCrossings(m, a, b, 200);
    for (let k = 0; k < ss.length; k++) {
      const gapPrev = k === 0 ? ss[k]! : ss[k]! - ss[k - 1]!,
        gapNext = k + 1 < ss.length ? ss[k + 1]! - ss[k]! : 1 - ss[k]!;
      const delta = 1e-5 / len;
      if (Math.min(gapPrev, gapNext) < 100 * delta) continue;
      const pt = (s: number) => [a[0]! + s * (b[0]! - a[0]!), a[1]! + s * (b[1]! - a[1]!)];
      const { D, g } = at([pt(ss[k]! - delta), pt(ss[k]! + delta)]);
      const g1 = Math.hypot(g[0]!, g[1]!), g2 = Math.hypot(g[2]!, g[3]!);
      if (g1 < 1e-3 || g2 < 1e-3) continue;
      const predicted = pureJump((D[0]! + D[1]!) / 2, g1, g2), measured = D[1]! / g2 - D[0]! / g1;
      if (Math.abs(predicted) < 1e-2) continue;
      assert(Math.abs(D[1]! - D[0]!) < 1e-4, `D jumps by ${D[1]! - D[0]!}`);
      assert(
        Math.abs(measured - predicted) <= 1e-3 * Math.abs(predicted) + 1e-4,
        `${measured} vs ${predicted}`,
      );
      compared++;
    }
  }
  assert(compared >= 20, `only ${compared} boundaries compared`);
  m.dispose();
});

Deno.test("activationPattern and region ids; bad input", () => {
  const m = new Mlp({ inDim: 1, hidden: [1], outDim: 1, act: "relu" }, 0);
  const w = m.variables[0]!.dataSync()[0]!;
  const bits = activationPattern(m, Float64Array.of(-1, 1));
  assert(bits[0] !== bits[1] && bits[w > 0 ? 1 : 0] === 1);
  assertThrows(
    () => activationPattern(m, new Float64Array(0)),
    RangeError,
    "X.length must be a positive multiple of 1",
  );
  assertThrows(() => pureJump(1, 0, 1), RangeError, "g1 must be > 0");
  m.dispose();
});

Deno.test("dualGap: f(x) = x₁ on p = N(0, 0.1²I), q = p + (0.3, 0) gives 0.3 within 4 SE", () => {
  const rng = createRng(12), n = 20000;
  const Xp = Float64Array.from({ length: 2 * n }, () => 0.1 * rng.normal());
  const Xq = Xp.map((_, i) => 0.1 * rng.normal() + (i % 2 === 0 ? 0.3 : 0));
  const f = (X: Float64Array) => Float64Array.from({ length: X.length / 2 }, (_, i) => X[2 * i]!);
  const r = dualGap(f, Xq, Xp);
  assert(Math.abs(r.value - 0.3) < 4 * r.se && r.se < 0.002, `${r.value} ± ${r.se}`);
  assertAlmostEquals(r.se, Math.sqrt(0.02 / n), 2e-4);
});
