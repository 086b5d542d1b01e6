/**
 * Exact quadratic-potential divergence (QP-div) computations of GAN-QP (G10, https://kexue.fm/archives/6163)
 * on point masses and on discrete distributions, where the optimal critic is known in closed form.
 *
 * QP-div (eq. 4): $\mathcal L[p,q]=\max_T\mathbb E_{x_r\sim p,x_f\sim q}\big[\Delta T-\frac{(\Delta T)^2}{2\lambda d(x_r,x_f)}\big]$,
 * $\Delta T=T(x_r,x_f)-T(x_f,x_r)$. On a grid $x_1..x_m$ with masses $p_i,q_j$, $\Delta T$ is an antisymmetric
 * table $\Delta_{ij}$ and, with $A=p_iq_j$, $B=p_jq_i$, the optimum is $\Delta^*_{ij}=\lambda d_{ij}(A-B)/(A+B)$ (eq. 7).
 *
 * @module
 */
import { checkFinite, checkNonNegative, checkPositive, rangeError } from "../core/validate.ts";

/**
 * Point-mass test of QP-div (eq. 5): $\max_z z-z^2/(2\lambda d)=\lambda d/2$ at $z^*=\lambda d$.
 *
 * @param lambda λ > 0
 * @param d distance d(α, β) ≥ 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { qpPointMass } from "@lib/gan/qpdiv.ts";
 * assertEquals(qpPointMass(2, 3), { value: 3, zStar: 6 });
 * ```
 */
export function qpPointMass(lambda: number, d: number): { value: number; zStar: number } {
  checkPositive("qpPointMass", "lambda", lambda);
  checkNonNegative("qpPointMass", "d", d);
  return { value: (lambda * d) / 2, zStar: lambda * d };
}

/**
 * The SGAN (JS) dual objective on point masses $p=\delta_\alpha$, $q=\delta_\beta$ with $T(\alpha)=c$, $T(\beta)=-c$
 * (eq. 2): $\tfrac12\log\sigma(c)+\tfrac12\log(1-\sigma(-c))+\log2=\log\sigma(c)+\log 2$, which rises to $\log2$ as
 * $c\to\infty$ whatever the distance between α and β — the vanishing gradient.
 *
 * @param c critic value at α (−c at β)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sganPointMass } from "@lib/gan/qpdiv.ts";
 * assertAlmostEquals(sganPointMass(0), 0, 1e-15);
 * assertAlmostEquals(sganPointMass(40), Math.LN2, 1e-15);
 * ```
 */
export function sganPointMass(c: number): number {
  checkFinite("sganPointMass", "c", c);
  const logSig = c >= 0 ? -Math.log1p(Math.exp(-c)) : c - Math.log1p(Math.exp(c));
  return logSig + Math.LN2;
}

function checkGrid(where: string, p: Float64Array, q: Float64Array, x: Float64Array): number {
  const m = x.length;
  if (m < 1) rangeError(where, "x.length", "≥ 1", m);
  for (const [name, v] of [["p", p], ["q", q]] as const) {
    if (v.length !== m) rangeError(where, `${name}.length`, `x.length = ${m}`, v.length);
    let s = 0;
    for (let i = 0; i < m; i++) {
      if (!(v[i]! >= 0)) rangeError(where, `${name}[${i}]`, "≥ 0", v[i]);
      s += v[i]!;
    }
    if (Math.abs(s - 1) > 1e-9) rangeError(where, `sum of ${name}`, "1 (±1e-9)", s);
  }
  return m;
}

/**
 * Optimal antisymmetric critic table $\Delta^*_{ij}=\lambda|x_i-x_j|\frac{p_iq_j-p_jq_i}{p_iq_j+p_jq_i}$ (eq. 7;
 * 0 where both products vanish) on a 1-D grid, row-major m×m.
 *
 * @param p masses of p on the grid (sum 1)
 * @param q masses of q on the grid (sum 1)
 * @param x grid points
 * @param lambda λ > 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { qpOptimalDeltaTable } from "@lib/gan/qpdiv.ts";
 * // p = δ₀, q = δ₁: Δ*(0, 1) = λ·1, Δ*(1, 0) = −λ
 * const t = qpOptimalDeltaTable(Float64Array.of(1, 0), Float64Array.of(0, 1), Float64Array.of(0, 1), 3);
 * assertEquals(Array.from(t), [0, 3, -3, 0]);
 * ```
 */
export function qpOptimalDeltaTable(
  p: Float64Array,
  q: Float64Array,
  x: Float64Array,
  lambda: number,
): Float64Array {
  const m = checkGrid("qpOptimalDeltaTable", p, q, x);
  checkPositive("qpOptimalDeltaTable", "lambda", lambda);
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const A = p[i]! * q[j]!, B = p[j]! * q[i]!;
      t[i * m + j] = A + B > 0 ? (lambda * Math.abs(x[i]! - x[j]!) * (A - B)) / (A + B) : 0;
    }
  }
  return t;
}

/**
 * The QP-div objective of an antisymmetric table, $\sum_{ij}p_iq_j\big[\Delta_{ij}-\Delta_{ij}^2/(2\lambda d_{ij})\big]$
 * (pairs with $d_{ij}=0$ contribute 0; their Δ must be 0 by antisymmetry).
 *
 * @param p masses of p
 * @param q masses of q
 * @param x grid points
 * @param delta m×m table (row = x_r index, column = x_f index)
 * @param lambda λ > 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { qpObjective } from "@lib/gan/qpdiv.ts";
 * // point masses at distance 1, Δ = λ: value λ/2
 * assertEquals(qpObjective(Float64Array.of(1, 0), Float64Array.of(0, 1), Float64Array.of(0, 1), Float64Array.of(0, 2, -2, 0), 2), 1);
 * ```
 */
export function qpObjective(
  p: Float64Array,
  q: Float64Array,
  x: Float64Array,
  delta: Float64Array,
  lambda: number,
): number {
  const m = checkGrid("qpObjective", p, q, x);
  checkPositive("qpObjective", "lambda", lambda);
  if (delta.length !== m * m) rangeError("qpObjective", "delta.length", `m² = ${m * m}`, delta.length);
  let s = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const w = p[i]! * q[j]!, dij = Math.abs(x[i]! - x[j]!);
      if (w === 0 || dij === 0) continue;
      const z = delta[i * m + j]!;
      s += w * (z - (z * z) / (2 * lambda * dij));
    }
  }
  return s;
}

/**
 * QP-div and the generator's objective at the optimal critic (eq. 8, derived by pairing (i, j) with (j, i)):
 * div $=\frac\lambda4\sum_{ij}d_{ij}\frac{(A-B)^2}{A+B}$, genObjective $=\mathbb E[\Delta^*]=\frac\lambda2\sum_{ij}d_{ij}\frac{(A-B)^2}{A+B}$,
 * $A=p_iq_j$, $B=p_jq_i$. Both vanish iff p = q, and both are linear in λ.
 *
 * @param p masses of p
 * @param q masses of q
 * @param x grid points
 * @param lambda λ > 0
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { qpValues } from "@lib/gan/qpdiv.ts";
 * // point masses at distance 2, λ = 1: div = λd/2 = 1, generator objective λd = 2
 * assertEquals(qpValues(Float64Array.of(1, 0), Float64Array.of(0, 1), Float64Array.of(0, 2), 1), { div: 1, genObjective: 2 });
 * ```
 */
export function qpValues(
  p: Float64Array,
  q: Float64Array,
  x: Float64Array,
  lambda: number,
): { div: number; genObjective: number } {
  const m = checkGrid("qpValues", p, q, x);
  checkPositive("qpValues", "lambda", lambda);
  let s = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const A = p[i]! * q[j]!, B = p[j]! * q[i]!;
      if (A + B > 0) s += (Math.abs(x[i]! - x[j]!) * (A - B) ** 2) / (A + B);
    }
  }
  return { div: (lambda / 4) * s, genObjective: (lambda / 2) * s };
}

/**
 * Jensen–Shannon divergence $\tfrac12\sum p\log\frac{2p}{p+q}+\tfrac12\sum q\log\frac{2q}{p+q}$ (≤ log 2) of two
 * discrete distributions — the value of the SGAN dual (eq. 2) at its optimal critic.
 *
 * @param p masses (sum 1)
 * @param q masses (sum 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { jsDivergence } from "@lib/gan/qpdiv.ts";
 * assertAlmostEquals(jsDivergence(Float64Array.of(1, 0), Float64Array.of(0, 1)), Math.LN2, 1e-15);
 * ```
 */
export function jsDivergence(p: Float64Array, q: Float64Array): number {
  checkGrid("jsDivergence", p, q, new Float64Array(p.length));
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!, b = q[i]!, m = (a + b) / 2;
    if (a > 0) s += 0.5 * a * Math.log(a / m);
    if (b > 0) s += 0.5 * b * Math.log(b / m);
  }
  return s;
}

/**
 * Gradient ascent on the QP-div objective over a free antisymmetric table (only the upper triangle is a
 * variable; $\Delta_{ji}=-\Delta_{ij}$), from $\Delta=0$. For the pair (i, j) the objective is
 * $(A-B)\Delta-(A+B)\Delta^2/(2\lambda d)$, so the gradient is $(A-B)-(A+B)\Delta/(\lambda d)$; with step
 * `step` every entry contracts towards eq. 7 as long as step·(A+B)/(λd) < 2; the default step
 * $1/\max_{ij}(A+B)/(\lambda d)$ solves the stiffest pair in one step.
 *
 * @param p masses of p
 * @param q masses of q
 * @param x grid points
 * @param lambda λ > 0
 * @param iters number of iterations ≥ 1
 * @param step step size > 0 (default: the inverse of the largest curvature (A+B)/(λd))
 * @param recordEvery record the objective every this many iterations (default iters)
 * @returns the final table and the objective trace `{ it, value }`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { qpGradientAscent } from "@lib/gan/qpdiv.ts";
 * const r = qpGradientAscent(Float64Array.of(1, 0), Float64Array.of(0, 1), Float64Array.of(0, 1), 1, 100, 0.5);
 * assertAlmostEquals(r.table[1]!, 1, 1e-12); // Δ*(0,1) = λd = 1
 * ```
 */
export function qpGradientAscent(
  p: Float64Array,
  q: Float64Array,
  x: Float64Array,
  lambda: number,
  iters: number,
  step?: number,
  recordEvery?: number,
): { table: Float64Array; trace: { it: number; value: number }[] } {
  const where = "qpGradientAscent";
  const m = checkGrid(where, p, q, x);
  checkPositive(where, "lambda", lambda);
  if (step !== undefined) checkPositive(where, "step", step);
  if (!Number.isInteger(iters) || iters < 1) rangeError(where, "iters", "an integer ≥ 1", iters);
  const every = recordEvery ?? iters;
  if (!Number.isInteger(every) || every < 1) rangeError(where, "recordEvery", "an integer ≥ 1", recordEvery);
  const pairs: number[] = [], coefA: number[] = [], coefC: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const A = p[i]! * q[j]!, B = p[j]! * q[i]!, dij = Math.abs(x[i]! - x[j]!);
      if (A + B === 0 || dij === 0) continue;
      pairs.push(i * m + j);
      coefA.push(A - B);
      coefC.push((A + B) / (lambda * dij));
    }
  }
  const P = pairs.length, z = new Float64Array(P), a = Float64Array.from(coefA), c = Float64Array.from(coefC);
  const eta = step ?? 1 / Math.max(...c);
  const trace: { it: number; value: number }[] = [];
  for (let it = 1; it <= iters; it++) {
    let v = 0;
    for (let k = 0; k < P; k++) {
      z[k]! += eta * (a[k]! - c[k]! * z[k]!);
      v += a[k]! * z[k]! - 0.5 * c[k]! * z[k]! * z[k]!;
    }
    if (it % every === 0 || it === iters) trace.push({ it, value: v });
  }
  const table = new Float64Array(m * m);
  for (let k = 0; k < P; k++) {
    const i = Math.floor(pairs[k]! / m), j = pairs[k]! % m;
    table[i * m + j] = z[k]!;
    table[j * m + i] = -z[k]!;
  }
  return { table, trace };
}
