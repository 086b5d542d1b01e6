/**
 * One-dimensional densities on uniform grids, for the continuous half of Su's "minimization in probability
 * space" (https://kexue.fm/archives/10289): the functionals $\int p\log p$ and KL, the exact push-forward of
 * a density by $x\mapsto x+\eta\mu(x)$, the failed "mix with a Dirac delta" step, and a conservative
 * finite-volume step of the Wasserstein gradient flow of $\mathrm{KL}(p\Vert q)$, i.e. the Fokker–Planck equation
 * $\partial_tp = \partial_x(\partial_xp - p\,\partial_x\log q)$ (flat q: the heat equation).
 *
 * Integrals are Riemann sums $h\sum_i f(x_i)$: each grid point is the centre of a cell of width h.
 *
 * @module
 */
import {
  checkFinite,
  checkInt,
  checkLength,
  checkPositive,
  checkRange,
  rangeError,
  typeError,
} from "../core/validate.ts";

/** A uniform grid: points `x` (cell centres) spaced `h` apart. */
export type Grid1D = { x: Float64Array; h: number };

/**
 * A uniform grid of n points on [a, b].
 *
 * - `layout: "nodes"` (default): $x_i = a + ih$, $h = (b-a)/(n-1)$, both ends included (n ≥ 2);
 * - `layout: "cells"`: the centres of n equal cells, $x_i = a + (i+\frac12)h$, $h = (b-a)/n$ (n ≥ 1), so that
 *   $h\sum_i f(x_i)$ is the midpoint rule on [a, b].
 *
 * @param a the left end (finite)
 * @param b the right end, > a
 * @param n the number of points
 * @param layout "nodes" or "cells"
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { grid1d } from "@lib/prob/flows1d.ts";
 * assertEquals(Array.from(grid1d(-1, 1, 5).x), [-1, -0.5, 0, 0.5, 1]);
 * assertEquals(grid1d(0, 1, 4, "cells").h, 0.25);
 * assertEquals(Array.from(grid1d(0, 1, 4, "cells").x), [0.125, 0.375, 0.625, 0.875]);
 * ```
 */
export function grid1d(a: number, b: number, n: number, layout: "nodes" | "cells" = "nodes"): Grid1D {
  checkFinite("grid1d", "a", a);
  checkFinite("grid1d", "b", b);
  if (!(b > a)) rangeError("grid1d", "b", `> a = ${a}`, b);
  if (layout !== "nodes" && layout !== "cells") rangeError("grid1d", "layout", '"nodes" or "cells"', layout);
  checkInt("grid1d", "n", n, layout === "nodes" ? 2 : 1);
  const h = layout === "nodes" ? (b - a) / (n - 1) : (b - a) / n, off = layout === "nodes" ? 0 : 0.5;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = a + (i + off) * h;
  return { x, h };
}

function _checkGrid(where: string, g: Grid1D): void {
  if (g === null || typeof g !== "object" || !(g.x instanceof Float64Array)) {
    typeError(where, "g", "a Grid1D { x: Float64Array; h } (grid1d)", g);
  }
  checkPositive(where, "g.h", g.h);
}

function _density(where: string, name: string, p: ArrayLike<number>, n: number): void {
  checkLength(where, name, p, n);
  for (let i = 0; i < n; i++) {
    const v = checkFinite(where, `${name}[${i}]`, p[i]);
    if (v < 0) rangeError(where, `${name}[${i}]`, "≥ 0 (a density)", v);
  }
}

/**
 * The grid integral $\int f\,dx \approx h\sum_i f_i$.
 *
 * @param f values on the grid (finite)
 * @param g the grid
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { grid1d, gridIntegral } from "@lib/prob/flows1d.ts";
 * const g = grid1d(0, 1, 1000, "cells");
 * assertAlmostEquals(gridIntegral(g.x.map((x) => 3 * x * x), g), 1, 1e-6);
 * ```
 */
export function gridIntegral(f: ArrayLike<number>, g: Grid1D): number {
  _checkGrid("gridIntegral", g);
  checkLength("gridIntegral", "f", f, g.x.length);
  let s = 0;
  for (let i = 0; i < f.length; i++) s += checkFinite("gridIntegral", `f[${i}]`, f[i]);
  return s * g.h;
}

/**
 * The negative-entropy functional on a grid, $\mathcal F[p] = \int p\log p\,dx \approx h\sum_i p_i\log p_i$
 * (with $0\log0 = 0$). Its first variation is $\delta\mathcal F/\delta p = \log p + 1$.
 *
 * @param p density values on the grid (≥ 0)
 * @param g the grid
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { entropyFunctional, grid1d } from "@lib/prob/flows1d.ts";
 * const g = grid1d(0, 2, 100, "cells"); // uniform density 1/2 on [0, 2]
 * assertAlmostEquals(entropyFunctional(new Float64Array(100).fill(0.5), g), -Math.log(2), 1e-14);
 * ```
 */
export function entropyFunctional(p: ArrayLike<number>, g: Grid1D): number {
  _checkGrid("entropyFunctional", g);
  _density("entropyFunctional", "p", p, g.x.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (v > 0) s += v * Math.log(v);
  }
  return s * g.h;
}

/**
 * The KL divergence on a grid, $\mathrm{KL}(p\Vert q) = \int p\log\frac pq\,dx \approx h\sum_i p_i\log\frac{p_i}{q_i}$
 * ($0\log\frac0q = 0$; +∞ where $p_i > 0 = q_i$). For normalised p and q it is ≥ 0.
 *
 * @param p density values (≥ 0)
 * @param q reference density values (≥ 0), same length
 * @param g the grid
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { grid1d, klGrid } from "@lib/prob/flows1d.ts";
 * const g = grid1d(0, 1, 2, "cells"); // cells [0, ½], [½, 1]
 * assertAlmostEquals(klGrid([1.5, 0.5], [1, 1], g), 0.5 * (1.5 * Math.log(1.5) + 0.5 * Math.log(0.5)), 1e-15);
 * ```
 */
export function klGrid(p: ArrayLike<number>, q: ArrayLike<number>, g: Grid1D): number {
  _checkGrid("klGrid", g);
  _density("klGrid", "p", p, g.x.length);
  _density("klGrid", "q", q, g.x.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number, b = q[i] as number;
    if (a > 0) s += b > 0 ? a * Math.log(a / b) : Infinity;
  }
  return s * g.h;
}

/**
 * The exact push-forward of eq. (11) in one dimension: the density of the points x whose image
 * $y = x + \eta\mu(x)$ is distributed as p,
 * $$p_{\eta}(x) = p\big(x+\eta\mu(x)\big)\,\big|1+\eta\mu'(x)\big| \;\approx\; p(x) + \eta\,\big(p\mu\big)'(x).$$
 * The map must be invertible (e.g. $\eta\sup|\mu'| < 1$) for $p_\eta$ to be a density.
 *
 * @param p the density, a function
 * @param mu the displacement field μ
 * @param dmu its derivative μ'
 * @param eta the step η (finite)
 * @param xs where to evaluate
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { pushForward1d } from "@lib/prob/flows1d.ts";
 * // μ(x) = x scales by 1 + η: the uniform density on [0, 1.1] becomes uniform on [0, 1]
 * const out = pushForward1d((y) => (y >= 0 && y <= 1.1 ? 1 / 1.1 : 0), (x) => x, () => 1, 0.1, Float64Array.of(0.5));
 * assertAlmostEquals(out[0]!, 1, 1e-15);
 * ```
 */
export function pushForward1d(
  p: (x: number) => number,
  mu: (x: number) => number,
  dmu: (x: number) => number,
  eta: number,
  xs: ArrayLike<number>,
): Float64Array {
  const where = "pushForward1d";
  for (const [name, f] of [["p", p], ["mu", mu], ["dmu", dmu]] as const) {
    if (typeof f !== "function") typeError(where, name, "a function of x", f);
  }
  checkFinite(where, "eta", eta);
  checkLength(where, "xs", xs);
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = checkFinite(where, `xs[${i}]`, xs[i]);
    out[i] = p(x + eta * mu(x)) * Math.abs(1 + eta * dmu(x));
  }
  return out;
}

/**
 * The mixing step of the discrete case carried over to densities ("the old road", eq. 10) for
 * $\mathcal F[p] = \int p\log p$: mix p with a one-cell "Dirac delta" of height 1/h at the cell where
 * $\delta\mathcal F/\delta p = \log p + 1$ is smallest,
 * $p' = (1-\eta)p + \eta\,\delta_h$, and compare the actual change $\mathcal F[p'] - \mathcal F[p]$ with the
 * first-order prediction $\eta\int(\log p + 1)(\delta_h - p)\,dx$. As h → 0 the delta's height blows up and the
 * actual change turns positive (about $\eta\log(\eta/h)$) while the prediction stays negative.
 *
 * @param p density values on the grid, all > 0
 * @param g the grid
 * @param eta the mixing weight in (0, 1]
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { diracMixStep, grid1d } from "@lib/prob/flows1d.ts";
 * const n = 100000, g = grid1d(0, 1, n, "cells");
 * const { actual, predicted } = diracMixStep(g.x.map((x) => 1 + 0.5 * Math.cos(2 * Math.PI * x)), g, 0.01);
 * assert(predicted < 0 && actual > 0);
 * ```
 */
export function diracMixStep(
  p: ArrayLike<number>,
  g: Grid1D,
  eta: number,
): { actual: number; predicted: number; at: number } {
  const where = "diracMixStep";
  _checkGrid(where, g);
  _density(where, "p", p, g.x.length);
  checkRange(where, "eta", eta, 0, 1, "lo");
  let k = 0;
  for (let i = 0; i < p.length; i++) {
    if (!((p[i] as number) > 0)) rangeError(where, `p[${i}]`, "> 0", p[i]);
    if ((p[i] as number) < (p[k] as number)) k = i; // argmin of log p + 1 = argmin of p
  }
  const mixed = Float64Array.from(p, (v) => (1 - eta) * v);
  mixed[k] = (mixed[k] as number) + eta / g.h;
  const f0 = entropyFunctional(p, g);
  let inner = 0; // ∫ (log p + 1) p
  for (let i = 0; i < p.length; i++) inner += (Math.log(p[i] as number) + 1) * (p[i] as number);
  const predicted = eta * ((Math.log(p[k] as number) + 1) - inner * g.h);
  return { actual: entropyFunctional(mixed, g) - f0, predicted, at: g.x[k] as number };
}

/**
 * One explicit step of the Fokker–Planck equation $\partial_tp = \partial_x\big(\partial_xp - p\,\partial_x\log q\big)$ —
 * the Wasserstein gradient flow of $\mathrm{KL}(p\Vert q)$ — in conservative finite-volume form with zero flux at
 * both walls and the square-root-approximation flux
 * $$J_{i+\frac12} = -\frac{\sqrt{q_iq_{i+1}}}{h}\Big(\frac{p_{i+1}}{q_{i+1}} - \frac{p_i}{q_i}\Big), \qquad
 * p_i \leftarrow p_i - \frac{\Delta t}{h}\big(J_{i+\frac12} - J_{i-\frac12}\big),$$
 * consistent with $J = -q\,\partial_x(p/q)$. Mass $h\sum p_i$ is conserved exactly, q (any constant multiple) is
 * an exact steady state, and for a small enough step (p stays ≥ 0) the step is a reversible Markov kernel,
 * so KL(p‖q) never increases. A flat `logq` gives the heat equation $\partial_tp = \partial_x^2p$.
 *
 * @param p density values on the grid (≥ 0)
 * @param logq log q on the grid (finite; only differences matter)
 * @param g the grid
 * @param dt the time step, > 0 (positivity needs roughly $\Delta t \le h^2/(e^{\Delta_-/2}+e^{\Delta_+/2})$ with
 *   Δ± the jumps of log q to the neighbours; h²/4 on flat q)
 * @returns the new density (a new array)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { fokkerPlanckStep, grid1d } from "@lib/prob/flows1d.ts";
 * const g = grid1d(0, 1, 3), flat = new Float64Array(3);
 * const p = fokkerPlanckStep(Float64Array.of(0, 2, 0), flat, g, 0.05);
 * assertAlmostEquals(p[0]!, 0.4, 1e-15); // 2 · dt / h² spills to each side
 * assertAlmostEquals(p[0]! + p[1]! + p[2]!, 2, 1e-15);
 * ```
 */
export function fokkerPlanckStep(
  p: ArrayLike<number>,
  logq: ArrayLike<number>,
  g: Grid1D,
  dt: number,
): Float64Array {
  const where = "fokkerPlanckStep";
  _checkGrid(where, g);
  const n = g.x.length;
  _density(where, "p", p, n);
  checkLength(where, "logq", logq, n);
  for (let i = 0; i < n; i++) checkFinite(where, `logq[${i}]`, logq[i]);
  checkPositive(where, "dt", dt);
  const out = Float64Array.from(p), r = dt / (g.h * g.h);
  for (let i = 0; i + 1 < n; i++) {
    const half = 0.5 * ((logq[i + 1] as number) - (logq[i] as number));
    // h·J = −(p_{i+1} e^{−half} − p_i e^{half}); the flux from i to i+1 times dt/h:
    const move = r * ((p[i] as number) * Math.exp(half) - (p[i + 1] as number) * Math.exp(-half));
    out[i] = (out[i] as number) - move;
    out[i + 1] = (out[i + 1] as number) + move;
  }
  return out;
}

/**
 * The rate at which the Fokker–Planck step dissipates KL, the discrete relative Fisher information
 * $$I(p\Vert q) = \int p\,\big|\partial_x\log\tfrac pq\big|^2dx \approx \sum_{i}\frac{\sqrt{q_iq_{i+1}}}{h}
 * \Big(\frac{p_{i+1}}{q_{i+1}} - \frac{p_i}{q_i}\Big)\Big(\log\frac{p_{i+1}}{q_{i+1}} - \log\frac{p_i}{q_i}\Big) \;\ge 0,$$
 * so that the semi-discrete flow of {@link fokkerPlanckStep} obeys $\frac{d}{dt}\mathrm{KL}(p\Vert q) = -I(p\Vert q)$
 * exactly. On flat q it is the Fisher information $\int p'^2/p$ (the article's $\int p|\nabla\log p|^2$).
 *
 * @param p density values (all > 0)
 * @param logq log q on the grid
 * @param g the grid
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { grid1d, klDissipation } from "@lib/prob/flows1d.ts";
 * const g = grid1d(-10, 10, 4001), p = g.x.map((x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI));
 * assertAlmostEquals(klDissipation(p, new Float64Array(4001), g), 1, 1e-4); // Fisher information of N(0, 1)
 * ```
 */
export function klDissipation(p: ArrayLike<number>, logq: ArrayLike<number>, g: Grid1D): number {
  const where = "klDissipation";
  _checkGrid(where, g);
  const n = g.x.length;
  _density(where, "p", p, n);
  checkLength(where, "logq", logq, n);
  let s = 0;
  for (let i = 0; i + 1 < n; i++) {
    const a = p[i] as number, b = p[i + 1] as number;
    if (!(a > 0 && b > 0)) rangeError(where, `p[${a > 0 ? i + 1 : i}]`, "> 0", a > 0 ? b : a);
    const la = checkFinite(where, `logq[${i}]`, logq[i]),
      lb = checkFinite(where, `logq[${i + 1}]`, logq[i + 1]);
    const ra = a * Math.exp(0.5 * (lb - la)), rb = b * Math.exp(0.5 * (la - lb)); // √(q_i q_{i+1}) · p/q
    s += (rb - ra) * (Math.log(b / a) - (lb - la));
  }
  return s / g.h;
}
