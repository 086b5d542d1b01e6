/**
 * Gradient-normalized critics (G11, https://kexue.fm/archives/8757). For a piecewise-linear critic $D$
 * (ReLU / leaky ReLU MLP) the gradient $\boldsymbol g=\nabla_{\boldsymbol x}D$ is constant on each activation region, and
 * dividing by $\Vert\boldsymbol g\Vert$ makes the gradient norm 1 inside every region:
 * - `pure`: $\hat D=D/\Vert\nabla_x D\Vert$ (eq. 4);
 * - `iccv` (GN-GAN, Wu et al. 2021): $\hat D=D/(\Vert\nabla_x D\Vert+|D|)\in[-1,1]$ (eq. 5);
 * - `wacv` (GraN-GAN, Bhaskara et al. 2022): $\hat D=D\Vert\nabla_x D\Vert/(\Vert\nabla_x D\Vert^2+\epsilon)$ (eq. 6);
 * - `su-inner` (Su's control): $\hat D=\langle\nabla_x D/\Vert\nabla_x D\Vert,\boldsymbol x\rangle$ (eq. 7).
 *
 * Across a region boundary $\boldsymbol g$ jumps while $D$ is continuous, so $\hat D$ jumps (eq. 9) — it is not
 * Lipschitz at all, which the notebook measures.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { checkFinite, checkInt, checkNonNegative, rangeError, typeError } from "../core/validate.ts";
import type { Mlp } from "../nn/mlp.ts";
import { type Critic, mlpInputGrad } from "./input_grad.ts";

/** The gradient-normalization variants. */
export type GnVariant = "pure" | "iccv" | "wacv" | "su-inner";
const VARIANTS = ["pure", "iccv", "wacv", "su-inner"];

/**
 * Critic value and input gradient of a one-output MLP: `value` n, `grad` n×d ({@link mlpInputGrad}).
 *
 * @param D network with outDim 1
 * @param x batch n × d
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { criticValueAndGrad } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [4], outDim: 1, act: "relu" }, 0);
 * const { value, grad } = criticValueAndGrad(D, tf.ones([3, 2]));
 * assertEquals([value.shape, grad.shape], [[3], [3, 2]]);
 * D.dispose();
 * ```
 */
export function criticValueAndGrad(D: Mlp, x: tf.Tensor2D): { value: tf.Tensor1D; grad: tf.Tensor2D } {
  if (D === null || typeof D !== "object" || !D.spec) typeError("criticValueAndGrad", "D", "an Mlp", D);
  if (D.spec.outDim !== 1) rangeError("criticValueAndGrad", "D.spec.outDim", "1", D.spec.outDim);
  return {
    value: tf.tidy(() => tf.reshape(D.apply(x), [-1]) as tf.Tensor1D),
    grad: mlpInputGrad(D, x),
  };
}

/**
 * The normalized critic $\hat D(\boldsymbol x)$ of `variant` (eqs. 4–7), differentiable in the weights of `D`
 * and in `x` (a.e.).
 *
 * @param D network with outDim 1 (ReLU or leaky ReLU for the piecewise-linear picture)
 * @param x batch n × d
 * @param variant "pure" | "iccv" | "wacv" | "su-inner"
 * @param eps ε ≥ 0 of `wacv` (default 1e-4; ignored by the others)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { normalizedCritic } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [8], outDim: 1, act: "relu" }, 1);
 * const v = normalizedCritic(D, tf.randomNormal([50, 2], 0, 3, "float32", 1), "iccv").dataSync();
 * assert(v.every((t) => Math.abs(t) <= 1));
 * D.dispose();
 * ```
 */
export function normalizedCritic(D: Mlp, x: tf.Tensor2D, variant: GnVariant, eps = 1e-4): tf.Tensor1D {
  if (!VARIANTS.includes(variant)) rangeError("normalizedCritic", "variant", VARIANTS.join(" | "), variant);
  checkNonNegative("normalizedCritic", "eps", eps);
  return tf.tidy(() => {
    const { value, grad } = criticValueAndGrad(D, x);
    const n2 = tf.sum(tf.square(grad), 1), n = tf.sqrt(n2);
    switch (variant) {
      case "pure":
        return tf.div(value, n) as tf.Tensor1D;
      case "iccv":
        return tf.div(value, tf.add(n, tf.abs(value))) as tf.Tensor1D;
      case "wacv":
        return tf.div(tf.mul(value, n), tf.add(n2, eps)) as tf.Tensor1D;
      default:
        return tf.div(tf.sum(tf.mul(grad, x), 1), n) as tf.Tensor1D;
    }
  });
}

/**
 * A {@link Critic} computing {@link normalizedCritic} (for the GAN losses and trainers).
 *
 * @param D network with outDim 1
 * @param variant GN variant
 * @param eps ε of `wacv`
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { gnCritic } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [4], outDim: 1, act: "relu" }, 0);
 * assertEquals(gnCritic(D, "wacv")(tf.ones([2, 2])).shape, [2]);
 * D.dispose();
 * ```
 */
export function gnCritic(D: Mlp, variant: GnVariant, eps?: number): Critic {
  if (!VARIANTS.includes(variant)) rangeError("gnCritic", "variant", VARIANTS.join(" | "), variant);
  return (x: tf.Tensor2D) => normalizedCritic(D, x, variant, eps);
}

/**
 * Gradient norm of $\hat D$ inside one linear region (eq. 8), given $\Vert\boldsymbol g\Vert$ and $D$ there:
 * pure 1, ICCV $\Vert g\Vert^2/(\Vert g\Vert+|D|)^2$, WACV $\Vert g\Vert^2/(\Vert g\Vert^2+\epsilon)$. (`su-inner` has
 * gradient $\boldsymbol g/\Vert\boldsymbol g\Vert$, norm 1.)
 *
 * @param variant GN variant
 * @param gNorm ‖∇D‖ > 0 in the region
 * @param d D(x)
 * @param eps ε of `wacv`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { regionGradNorm } from "@lib/gan/gradnorm.ts";
 * assertAlmostEquals(regionGradNorm("iccv", 2, 2), 0.25, 1e-15);
 * ```
 */
export function regionGradNorm(variant: GnVariant, gNorm: number, d: number, eps = 1e-4): number {
  if (!VARIANTS.includes(variant)) rangeError("regionGradNorm", "variant", VARIANTS.join(" | "), variant);
  if (!(gNorm > 0)) rangeError("regionGradNorm", "gNorm", "> 0", gNorm);
  checkFinite("regionGradNorm", "d", d);
  if (variant === "iccv") return gNorm ** 2 / (gNorm + Math.abs(d)) ** 2;
  if (variant === "wacv") return gNorm ** 2 / (gNorm ** 2 + eps);
  return 1;
}

/**
 * Jump of the pure normalized critic across a boundary point $x_b$ between regions with gradient norms
 * $\Vert g_1\Vert$ (before) and $\Vert g_2\Vert$ (after): $\hat D^+-\hat D^-=D(x_b)(1/\Vert g_2\Vert-1/\Vert g_1\Vert)$ (eq. 9).
 *
 * @param dAtBoundary D(x_b)
 * @param g1 ‖g₁‖ > 0
 * @param g2 ‖g₂‖ > 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pureJump } from "@lib/gan/gradnorm.ts";
 * assertEquals(pureJump(3, 1, 2), -1.5);
 * ```
 */
export function pureJump(dAtBoundary: number, g1: number, g2: number): number {
  checkFinite("pureJump", "dAtBoundary", dAtBoundary);
  if (!(g1 > 0)) rangeError("pureJump", "g1", "> 0", g1);
  if (!(g2 > 0)) rangeError("pureJump", "g2", "> 0", g2);
  return dAtBoundary * (1 / g2 - 1 / g1);
}

/**
 * Activation pattern (on/off bit of every hidden unit, all layers concatenated) of an MLP at each of n
 * points: the id of the linear region the point lies in.
 *
 * @param D network
 * @param X flat n × inDim
 * @returns n × (Σ hidden widths) bits
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { activationPattern } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [3, 2], outDim: 1, act: "relu" }, 0);
 * assertEquals(activationPattern(D, Float64Array.of(0.5, 0.5, -1, 2)).length, 10);
 * D.dispose();
 * ```
 */
export function activationPattern(D: Mlp, X: Float64Array): Uint8Array {
  const d = D.spec.inDim;
  if (!(X instanceof Float64Array) || X.length === 0 || X.length % d !== 0) {
    rangeError("activationPattern", "X.length", `a positive multiple of ${d}`, X?.length);
  }
  const n = X.length / d, width = D.spec.hidden.reduce((a, b) => a + b, 0);
  if (width === 0) return new Uint8Array(0); // a linear map: one region
  const bits = tf.tidy(() => {
    let h: tf.Tensor2D = tf.tensor2d(Float32Array.from(X), [n, d]);
    const parts: tf.Tensor2D[] = [];
    for (let l = 0; l < D.spec.hidden.length; l++) {
      const a = tf.add(
        tf.matMul(h, D.variables[2 * l] as tf.Tensor2D),
        D.variables[2 * l + 1]!,
      ) as tf.Tensor2D;
      parts.push(tf.step(a) as tf.Tensor2D);
      h = D.spec.act === "leaky02" ? tf.sub(tf.relu(a), tf.mul(0.2, tf.relu(tf.neg(a)))) : tf.relu(a);
    }
    return tf.concat(parts, 1).dataSync();
  });
  const out = new Uint8Array(n * width);
  for (let i = 0; i < out.length; i++) out[i] = bits[i]! > 0.5 ? 1 : 0;
  return out;
}

/**
 * Parameters $s\in(0,1)$ along the segment $a+s(b-a)$ where the activation pattern changes, located by
 * scanning `n` equal steps and bisecting each change to 1e-9 (one entry per scan interval with a change).
 *
 * @param D network
 * @param a start point
 * @param b end point
 * @param n scan steps ≥ 2
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { findBoundaryCrossings } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * // one hidden unit relu(x₁·w + 0): the boundary is x₁ = 0
 * const D = new Mlp({ inDim: 1, hidden: [1], outDim: 1, act: "relu" }, 0);
 * const s = findBoundaryCrossings(D, Float64Array.of(-1), Float64Array.of(3), 64);
 * assertEquals(s.length, 1);
 * assertAlmostEquals(s[0]!, 0.25, 1e-6);
 * D.dispose();
 * ```
 */
export function findBoundaryCrossings(D: Mlp, a: Float64Array, b: Float64Array, n: number): number[] {
  const d = D.spec.inDim;
  if (a.length !== d || b.length !== d) {
    rangeError("findBoundaryCrossings", "a, b length", String(d), a.length);
  }
  checkInt("findBoundaryCrossings", "n", n, 2);
  const at = (ss: number[]) => {
    const X = new Float64Array(ss.length * d);
    ss.forEach((s, i) => {
      for (let j = 0; j < d; j++) X[i * d + j] = a[j]! + s * (b[j]! - a[j]!);
    });
    const bits = activationPattern(D, X), w = bits.length / ss.length;
    return ss.map((_, i) => bits.subarray(i * w, (i + 1) * w).join(""));
  };
  const grid = Array.from({ length: n + 1 }, (_, i) => i / n), pats = at(grid), out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (pats[i] === pats[i + 1]) continue;
    let lo = grid[i]!, hi = grid[i + 1]!;
    const pLo = pats[i]!;
    while (hi - lo > 1e-9) {
      const mid = (lo + hi) / 2;
      if (at([mid])[0] === pLo) lo = mid;
      else hi = mid;
    }
    out.push((lo + hi) / 2);
  }
  return out;
}

/**
 * Values of the plain critic (`"plain"`) or of a normalized critic on plain numbers: flat n×d in, n values out.
 *
 * @param D network with outDim 1
 * @param X flat n × inDim points
 * @param variant "plain" or a {@link GnVariant}
 * @param eps ε of `wacv`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { criticField } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [], outDim: 1, act: "relu" }, 4); // linear, zero bias
 * const w = D.variables[0]!.dataSync();
 * assertAlmostEquals(criticField(D, Float64Array.of(1, 0), "pure")[0]!, w[0]! / Math.hypot(w[0]!, w[1]!), 1e-6);
 * D.dispose();
 * ```
 */
export function criticField(
  D: Mlp,
  X: Float64Array,
  variant: "plain" | GnVariant,
  eps?: number,
): Float64Array {
  const d = D.spec.inDim;
  if (!(X instanceof Float64Array) || X.length === 0 || X.length % d !== 0) {
    rangeError("criticField", "X.length", `a positive multiple of ${d}`, X?.length);
  }
  const x = tf.tensor2d(Float32Array.from(X), [X.length / d, d]);
  const v = variant === "plain"
    ? tf.tidy(() => tf.reshape(D.apply(x), [-1]))
    : normalizedCritic(D, x, variant, eps);
  const out = Float64Array.from(v.dataSync());
  tf.dispose([x, v]);
  return out;
}

/**
 * $\Vert\nabla_{\boldsymbol x}\hat D\Vert$ by automatic differentiation of {@link normalizedCritic} (the activation masks
 * are constants, so this is the gradient inside each linear region), next to the region-wise prediction of eq. 8
 * ({@link regionGradNorm}) from $D$ and $\Vert\nabla D\Vert$ at the same points.
 *
 * @param D network with outDim 1
 * @param X flat n × inDim points
 * @param variant GN variant
 * @param eps ε of `wacv`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { gnGradNorms } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [8], outDim: 1, act: "leaky02" }, 4);
 * const r = gnGradNorms(D, Float64Array.of(0.3, -0.2, 1, 2), "pure");
 * assertAlmostEquals(r.autodiff[1]!, 1, 1e-4);
 * D.dispose();
 * ```
 */
export function gnGradNorms(
  D: Mlp,
  X: Float64Array,
  variant: GnVariant,
  eps = 1e-4,
): { autodiff: Float64Array; predicted: Float64Array } {
  const d = D.spec.inDim;
  if (!(X instanceof Float64Array) || X.length === 0 || X.length % d !== 0) {
    rangeError("gnGradNorms", "X.length", `a positive multiple of ${d}`, X?.length);
  }
  const n = X.length / d, x = tf.tensor2d(Float32Array.from(X), [n, d]);
  const gh = tf.grad((v: tf.Tensor) => tf.sum(normalizedCritic(D, v as tf.Tensor2D, variant, eps)))(x);
  const { value, grad } = criticValueAndGrad(D, x);
  const a = gh.dataSync(), g = grad.dataSync(), v = value.dataSync();
  const autodiff = new Float64Array(n), predicted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s1 = 0, s2 = 0;
    for (let j = 0; j < d; j++) {
      s1 += a[i * d + j]! ** 2;
      s2 += g[i * d + j]! ** 2;
    }
    autodiff[i] = Math.sqrt(s1);
    predicted[i] = Math.sqrt(s2) > 0 ? regionGradNorm(variant, Math.sqrt(s2), v[i]!, eps) : NaN;
  }
  tf.dispose([x, gh, value, grad]);
  return { autodiff, predicted };
}

/** One boundary crossing measured by {@link measureJumps}. */
export interface JumpRecord {
  /** Position on the segment, in (0, 1). */
  s: number;
  /** ‖∇D‖ before and after. */
  g1: number;
  g2: number;
  /** D̂_pure(after) − D̂_pure(before), measured `delta` on each side. */
  measured: number;
  /** Eq. 9 with D(x_b) taken as the mean of the two sides. */
  predicted: number;
  /** D(after) − D(before): continuity of D itself. */
  dJump: number;
}

/**
 * Measures the jumps of the pure normalized critic at the region boundaries crossed by the segment a → b
 * (located by {@link findBoundaryCrossings} with `n` scan steps), evaluating at distance `delta` on either side.
 * Crossings closer than 100·delta to another crossing or to an end are skipped.
 *
 * @param D network with outDim 1
 * @param a segment start
 * @param b segment end
 * @param n scan steps ≥ 2
 * @param delta distance from the boundary (default 1e-5)
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { Mlp } from "@lib/nn/mlp.ts";
 * import { measureJumps } from "@lib/gan/gradnorm.ts";
 * await initTf();
 * const D = new Mlp({ inDim: 2, hidden: [8], outDim: 1, act: "leaky02" }, 6);
 * const J = measureJumps(D, Float64Array.of(-3, -2), Float64Array.of(3, 2), 100);
 * assert(J.every((j) => Math.abs(j.measured - j.predicted) < 1e-3 + 1e-3 * Math.abs(j.predicted)));
 * D.dispose();
 * ```
 */
export function measureJumps(
  D: Mlp,
  a: Float64Array,
  b: Float64Array,
  n: number,
  delta = 1e-5,
): JumpRecord[] {
  const d = D.spec.inDim;
  if (!(delta > 0)) rangeError("measureJumps", "delta", "> 0", delta);
  const ss = findBoundaryCrossings(D, a, b, n);
  let len = 0;
  for (let j = 0; j < d; j++) len += (b[j]! - a[j]!) ** 2;
  const ds = delta / Math.sqrt(len), out: JumpRecord[] = [];
  const pt = (s: number) => Array.from({ length: d }, (_, j) => a[j]! + s * (b[j]! - a[j]!));
  for (let k = 0; k < ss.length; k++) {
    const before = k === 0 ? ss[k]! : ss[k]! - ss[k - 1]!,
      after = k + 1 < ss.length ? ss[k + 1]! - ss[k]! : 1 - ss[k]!;
    if (Math.min(before, after) < 100 * ds) continue;
    const x = tf.tensor2d([pt(ss[k]! - ds), pt(ss[k]! + ds)]);
    const { value, grad } = criticValueAndGrad(D, x);
    const v = value.dataSync(), g = grad.dataSync();
    tf.dispose([x, value, grad]);
    let s1 = 0, s2 = 0;
    for (let j = 0; j < d; j++) {
      s1 += g[j]! ** 2;
      s2 += g[d + j]! ** 2;
    }
    const g1 = Math.sqrt(s1), g2 = Math.sqrt(s2);
    if (g1 === 0 || g2 === 0) continue;
    out.push({
      s: ss[k]!,
      g1,
      g2,
      measured: v[1]! / g2 - v[0]! / g1,
      predicted: pureJump((v[0]! + v[1]!) / 2, g1, g2),
      dJump: v[1]! - v[0]!,
    });
  }
  return out;
}
