/**
 * Minimisation over the probability simplex $\Delta^{n-1} = \{\boldsymbol p : p_i \ge 0,\ \sum_i p_i = 1\}$
 * (Su, "The road to the optimal distribution: minimization in probability space",
 * https://kexue.fm/archives/10289): Sparsemax, which is the Euclidean projection onto the simplex, the
 * mixing-step descent that stays on the simplex, its optimality gap, and the Lagrange multipliers at an
 * optimum. `softmax` lives in `lib/core/special.ts`.
 *
 * @module
 */
import { checkFinite, checkInt, checkLength, checkRange, rangeError, typeError } from "../core/validate.ts";

function _finiteVector(where: string, name: string, x: ArrayLike<number>): void {
  checkLength(where, name, x);
  for (let i = 0; i < x.length; i++) checkFinite(where, `${name}[${i}]`, x[i]);
}

function _onSimplex(where: string, name: string, p: ArrayLike<number>, tol = 1e-9): void {
  _finiteVector(where, name, p);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (v < 0) rangeError(where, `${name}[${i}]`, "≥ 0 (a point of the simplex)", v);
    s += v;
  }
  if (Math.abs(s - 1) > tol) rangeError(where, `sum of ${name}`, `1 ± ${tol} (a point of the simplex)`, s);
}

/**
 * Sparsemax: the point of the simplex nearest to x,
 * $$\text{Sparsemax}(\boldsymbol x) = \mathop{\text{argmin}}_{\boldsymbol p\in\Delta^{n-1}}\Vert\boldsymbol p-\boldsymbol x\Vert^2,
 * \qquad p_i = \text{relu}(x_i - \tau(\boldsymbol x)).$$
 * The threshold τ (the article's $\lambda(\boldsymbol x)$) is found by sorting (Martins & Astudillo 2016):
 * with $z_{(1)}\ge z_{(2)}\ge\cdots$, $k^* = \max\{k : 1 + k z_{(k)} > \sum_{j\le k} z_{(j)}\}$ and
 * $\tau = (\sum_{j\le k^*} z_{(j)} - 1)/k^*$. O(n log n).
 *
 * @param x the scores, ≥ 1 finite numbers
 * @returns `p` (≥ 0, sums to 1) and the threshold `tau`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { sparsemax } from "@lib/prob/simplex.ts";
 * const { p, tau } = sparsemax([1.2, 0.9, 0.3]);
 * assertAlmostEquals(tau, 0.55, 1e-15); // (1.2 + 0.9 − 1) / 2
 * assertAlmostEquals(p[0]!, 0.65, 1e-15);
 * assertAlmostEquals(p[2]!, 0, 0);
 * ```
 */
export function sparsemax(x: ArrayLike<number>): { p: Float64Array; tau: number } {
  _finiteVector("sparsemax", "x", x);
  const n = x.length;
  const z = Float64Array.from(x).sort().reverse();
  let cum = 0, k = 0, cumK = 0;
  for (let j = 0; j < n; j++) {
    cum += z[j] as number;
    if (1 + (j + 1) * (z[j] as number) > cum) {
      k = j + 1;
      cumK = cum;
    }
  }
  const tau = (cumK - 1) / k;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = Math.max(0, (x[i] as number) - tau);
  return { p, tau };
}

/**
 * The Euclidean projection onto the simplex, $\Pi_{\Delta}(\boldsymbol y) = \mathop{\text{argmin}}_{\boldsymbol p\in\Delta^{n-1}}
 * \Vert\boldsymbol p - \boldsymbol y\Vert$: the same map as {@link sparsemax}, named for projected gradient
 * descent $\boldsymbol p \leftarrow \Pi_\Delta(\boldsymbol p - \eta\nabla F(\boldsymbol p))$.
 *
 * @param y any point of $\mathbb R^n$, ≥ 1 finite numbers
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { projectSimplex } from "@lib/prob/simplex.ts";
 * assertEquals(Array.from(projectSimplex([0.5, 0.25, 0.25])), [0.5, 0.25, 0.25]); // already on Δ
 * assertEquals(Array.from(projectSimplex([3, 0])), [1, 0]);
 * ```
 */
export function projectSimplex(y: ArrayLike<number>): Float64Array {
  _finiteVector("projectSimplex", "y", y);
  return sparsemax(y).p;
}

/**
 * Su's probability-space descent (the Frank–Wolfe or conditional-gradient method): mix the current
 * distribution with the vertex of the simplex where the gradient is smallest,
 * $$\boldsymbol p_{t+1} = (1-\eta_t)\,\boldsymbol p_t + \eta_t\,\text{onehot}\big(\text{argmin}\,\nabla F(\boldsymbol p_t)\big).$$
 * Every iterate is a convex combination of points of the simplex, so it stays on it. Ties in the argmin
 * go to the lowest index.
 *
 * @param grad the gradient ∇F(p), a Float64Array of p's length (p must not be modified)
 * @param p0 the start, a point of the simplex (sum 1 ± 1e-9, entries ≥ 0); not modified
 * @param steps the number of steps, an integer ≥ 0
 * @param eta a fixed step in [0, 1], or a schedule t ↦ η_t ∈ [0, 1] for t = 0, 1, … (e.g. 2/(t+3))
 * @param onStep called after each step with the number of steps done and the current p (a live array:
 *   copy it to keep it)
 * @returns the final distribution (a new array)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { simplexDescent } from "@lib/prob/simplex.ts";
 * // F(p) = ‖p − x‖² with x = (0.8, 0.2, −1): the optimum is (0.8, 0.2, 0)
 * const x = [0.8, 0.2, -1];
 * const grad = (p: Float64Array) => p.map((v, i) => 2 * (v - x[i]!));
 * const p = simplexDescent(grad, Float64Array.of(1 / 3, 1 / 3, 1 / 3), 2000, (t) => 2 / (t + 3));
 * assertAlmostEquals(p[0]!, 0.8, 1e-3);
 * assertAlmostEquals(p[2]!, 0, 1e-3);
 * ```
 */
export function simplexDescent(
  grad: (p: Float64Array) => Float64Array,
  p0: ArrayLike<number>,
  steps: number,
  eta: number | ((t: number) => number),
  onStep?: (t: number, p: Float64Array) => void,
): Float64Array {
  const where = "simplexDescent";
  if (typeof grad !== "function") typeError(where, "grad", "a function p => ∇F(p)", grad);
  _onSimplex(where, "p0", p0);
  checkInt(where, "steps", steps, 0);
  if (typeof eta === "number") checkRange(where, "eta", eta, 0, 1);
  else if (typeof eta !== "function") typeError(where, "eta", "a number in [0, 1] or a schedule t => η", eta);
  if (onStep !== undefined && typeof onStep !== "function") typeError(where, "onStep", "a function", onStep);
  const n = p0.length, p = Float64Array.from(p0);
  for (let t = 0; t < steps; t++) {
    const g = grad(p);
    if (!(g instanceof Float64Array) || g.length !== n) {
      rangeError(where, "grad(p)", `a Float64Array of length ${n}`, g);
    }
    const e = typeof eta === "number" ? eta : checkRange(where, `eta(${t})`, eta(t), 0, 1);
    let k = 0;
    for (let i = 0; i < n; i++) {
      checkFinite(where, `grad(p)[${i}]`, g[i]);
      if ((g[i] as number) < (g[k] as number)) k = i;
    }
    for (let i = 0; i < n; i++) p[i] = (1 - e) * (p[i] as number);
    p[k] = (p[k] as number) + e;
    onStep?.(t + 1, p);
  }
  return p;
}

/**
 * The optimality gap of Su's condition $\boldsymbol p\cdot\nabla F(\boldsymbol p) = \min_i(\nabla F(\boldsymbol p))_i$:
 * $$\text{gap}(\boldsymbol p) = \boldsymbol p\cdot\boldsymbol g - \min_i g_i \;\ge 0,$$
 * the first-order decrease promised by the best mixing direction (the Frank–Wolfe duality gap). It is 0
 * exactly when every coordinate in the support of p has the smallest gradient; for convex F it bounds
 * $F(\boldsymbol p) - F^*$ from above.
 *
 * @param p a distribution (finite, same length as g)
 * @param g the gradient ∇F(p)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { optimalityGap } from "@lib/prob/simplex.ts";
 * assertEquals(optimalityGap([0.5, 0.5, 0], [-1, -1, 2]), 0); // support on the smallest gradients
 * assertEquals(optimalityGap([0, 0.5, 0.5], [-1, 0, 2]), 2); // 1 − (−1)
 * ```
 */
export function optimalityGap(p: ArrayLike<number>, g: ArrayLike<number>): number {
  _finiteVector("optimalityGap", "p", p);
  _finiteVector("optimalityGap", "g", g);
  checkLength("optimalityGap", "g", g, p.length);
  let dot = 0, min = Infinity;
  for (let i = 0; i < p.length; i++) {
    dot += (p[i] as number) * (g[i] as number);
    min = Math.min(min, g[i] as number);
  }
  return dot - min;
}

/**
 * The Lagrange multipliers of $\min_{\boldsymbol p\in\Delta}F$ read off the gradient at an optimum. Stationarity of
 * $F(\boldsymbol p) - \sum_i\mu_ip_i + \lambda(\sum_ip_i - 1)$ gives $g_i - \mu_i + \lambda = 0$; complementary
 * slackness ($\mu_ip_i = 0$) on the support fixes
 * $$\lambda = -\min_i g_i, \qquad \mu_i = g_i - \min_j g_j \;\ge 0.$$
 * At a true optimum $\mu_i = 0$ wherever $p_i > 0$ (check it with the returned `slackness` = max μ_i p_i).
 *
 * @param p the candidate optimum (finite)
 * @param g the gradient ∇F(p), same length
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { simplexMultipliers } from "@lib/prob/simplex.ts";
 * const m = simplexMultipliers([0.75, 0.25, 0], [-0.5, -0.5, 1]);
 * assertEquals([m.lambda, Array.from(m.mu), m.slackness], [0.5, [0, 0, 1.5], 0]);
 * ```
 */
export function simplexMultipliers(
  p: ArrayLike<number>,
  g: ArrayLike<number>,
): { lambda: number; mu: Float64Array; slackness: number } {
  _finiteVector("simplexMultipliers", "p", p);
  _finiteVector("simplexMultipliers", "g", g);
  checkLength("simplexMultipliers", "g", g, p.length);
  let min = Infinity;
  for (let i = 0; i < g.length; i++) min = Math.min(min, g[i] as number);
  const mu = new Float64Array(g.length);
  let slackness = 0;
  for (let i = 0; i < g.length; i++) {
    mu[i] = (g[i] as number) - min;
    slackness = Math.max(slackness, Math.abs((mu[i] as number) * (p[i] as number)));
  }
  return { lambda: -min, mu, slackness };
}
