/**
 * The scalar toy of "Why doesn't SimSiam collapse?" (https://kexue.fm/archives/7980): a predictor φ and an
 * encoder θ trained on $l = \tfrac12(\varphi\theta - \theta)^2$, where the first θ is the encoder output fed to
 * the predictor and the second θ is the target branch. Three gradient flows:
 * - `"stopGrad"` (SimSiam): no gradient through the target, $\dot\theta = -(\varphi\theta-\theta)\varphi$;
 * - `"full"`: the true gradient, $\dot\theta = -(\varphi\theta-\theta)\varphi + (\varphi\theta-\theta) = -\theta(\varphi-1)^2$;
 * - `"extraOnly"`: only the target-branch term, $\dot\theta = (\varphi\theta-\theta)$;
 *
 * and in all three $\dot\varphi = -\kappa(\varphi\theta-\theta)\theta$ (κ = 1 in the article; κ > 1 makes the
 * predictor faster). Each flow has a conserved quantity, which gives its limit in closed form.
 *
 * @module
 */
import { type OdeField, rk4 } from "../core/ode.ts";
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";

/** Which gradient the encoder θ receives: SimSiam's stop-gradient, the full gradient, or only the extra term. */
export type SimsiamVariant = "stopGrad" | "full" | "extraOnly";

/** The three variants, in the article's order. */
export const SIMSIAM_VARIANTS: readonly SimsiamVariant[] = ["stopGrad", "full", "extraOnly"];

function _variant(where: string, v: unknown): SimsiamVariant {
  if (v !== "stopGrad" && v !== "full" && v !== "extraOnly") {
    rangeError(where, "v", '"stopGrad", "full" or "extraOnly"', v);
  }
  return v;
}

/**
 * The toy loss $l = \tfrac12(\varphi\theta - \theta)^2$.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { simsiamToyLoss } from "@lib/optim/simsiam_toy.ts";
 * assertEquals(simsiamToyLoss(0.5, 2), 0.5); // ½(1 − 2)²
 * ```
 */
export function simsiamToyLoss(phi: number, theta: number): number {
  checkFinite("simsiamToyLoss", "phi", phi);
  checkFinite("simsiamToyLoss", "theta", theta);
  const r = phi * theta - theta;
  return 0.5 * r * r;
}

/**
 * The "gradients" each variant uses (descent goes along minus these), with $r = \varphi\theta - \theta$:
 * `dPhi` $= r\theta$ always; `dTheta` $= r\varphi$ (stopGrad), $r\varphi - r = r(\varphi - 1)$ (full, the true
 * $\partial l/\partial\theta$), $-r$ (extraOnly).
 *
 * @param phi predictor φ
 * @param theta encoder θ
 * @param v the variant
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { simsiamToyGrad } from "@lib/optim/simsiam_toy.ts";
 * // φ = 0.5, θ = 2: r = −1
 * assertEquals(simsiamToyGrad(0.5, 2, "stopGrad"), { dPhi: -2, dTheta: -0.5 });
 * assertEquals(simsiamToyGrad(0.5, 2, "full"), { dPhi: -2, dTheta: 0.5 });
 * assertEquals(simsiamToyGrad(0.5, 2, "extraOnly"), { dPhi: -2, dTheta: 1 });
 * ```
 */
export function simsiamToyGrad(
  phi: number,
  theta: number,
  v: SimsiamVariant,
): { dPhi: number; dTheta: number } {
  const where = "simsiamToyGrad";
  checkFinite(where, "phi", phi);
  checkFinite(where, "theta", theta);
  _variant(where, v);
  const r = phi * theta - theta;
  const dTheta = v === "stopGrad" ? r * phi : v === "full" ? r * phi - r : -r;
  return { dPhi: r * theta, dTheta };
}

/**
 * The gradient flow of a variant as an ODE field on $y = (\varphi, \theta)$:
 * $\dot\varphi = -\kappa\,$`dPhi`, $\dot\theta = -$`dTheta` (see {@link simsiamToyGrad}).
 *
 * @param v the variant
 * @param kappa predictor speed κ > 0 (default 1, the article's system)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { rk4 } from "@lib/core/ode.ts";
 * import { simsiamToyField } from "@lib/optim/simsiam_toy.ts";
 * const y = rk4(simsiamToyField("stopGrad"), Float64Array.of(0.6, 0.1), 0, 400, 40_000);
 * assertAlmostEquals(y[0]!, 1, 1e-6);
 * assertAlmostEquals(y[1]!, Math.sqrt(0.65), 1e-6);
 * ```
 */
export function simsiamToyField(v: SimsiamVariant, kappa = 1): OdeField {
  const where = "simsiamToyField";
  _variant(where, v);
  checkPositive(where, "kappa", kappa);
  return (y: Float64Array) => {
    const phi = y[0]!, theta = y[1]!, r = phi * theta - theta;
    const dTheta = v === "stopGrad" ? r * phi : v === "full" ? r * phi - r : -r;
    return Float64Array.of(-kappa * r * theta, -dTheta);
  };
}

/**
 * The quantity each flow conserves:
 * $$\text{stopGrad: } \theta^2 - \frac{\varphi^2}{\kappa}, \qquad \text{full: } \theta^2 - \frac{(\varphi-1)^2}{\kappa},
 * \qquad \text{extraOnly: } \theta^2 + \frac{2\varphi}{\kappa}.$$
 * (Differentiate: e.g. for stopGrad $\frac{d}{dt}\theta^2 = -2r\varphi\theta = \frac1\kappa\frac{d}{dt}\varphi^2$.)
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { simsiamToyInvariant } from "@lib/optim/simsiam_toy.ts";
 * assertAlmostEquals(simsiamToyInvariant("full", 0.6, 0.1), -0.15, 1e-15);
 * ```
 */
export function simsiamToyInvariant(v: SimsiamVariant, phi: number, theta: number, kappa = 1): number {
  const where = "simsiamToyInvariant";
  _variant(where, v);
  checkFinite(where, "phi", phi);
  checkFinite(where, "theta", theta);
  checkPositive(where, "kappa", kappa);
  if (v === "stopGrad") return theta * theta - (phi * phi) / kappa;
  if (v === "full") return theta * theta - ((phi - 1) * (phi - 1)) / kappa;
  return theta * theta + (2 * phi) / kappa;
}

/**
 * The state the flow tends to as $t\to\infty$, in closed form from the invariant (θ never changes sign and φ
 * moves monotonically towards 1 while θ ≠ 0). The encoder has collapsed when θ∞ = 0. With $c$ the invariant:
 * - stopGrad: φ∞ = 1, $\theta_\infty^2 = c + 1/\kappa = \theta_0^2 + (1-\varphi_0^2)/\kappa$ unless θ² = c + φ²/κ reaches 0
 *   first (only possible when φ0 < 0 or φ0 > 1);
 * - full: $c > 0$ ⇒ φ∞ = 1, θ∞ = √c; $c < 0$ ⇒ θ∞ = 0, $\varphi_\infty = 1 \pm\sqrt{-c\kappa}$ (the side of φ0);
 * - extraOnly: moving up from φ0 < 1, θ² = c − 2φ/κ; collapse at φ∞ = cκ/2 if that is ≤ 1, else φ∞ = 1.
 *
 * At the thresholds (e.g. c = 0 for full) the approach is algebraic, not exponential.
 *
 * @param v the variant
 * @param phi0 φ(0)
 * @param theta0 θ(0)
 * @param kappa predictor speed (default 1)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { simsiamToyLimit } from "@lib/optim/simsiam_toy.ts";
 * assertAlmostEquals(simsiamToyLimit("stopGrad", 0.6, 0.1).theta, 0.80623, 1e-5);
 * assertAlmostEquals(simsiamToyLimit("full", 0.6, 0.1).phi, 0.61270, 1e-5);
 * assertAlmostEquals(simsiamToyLimit("extraOnly", 0.6, 0.1).phi, 0.605, 1e-12);
 * ```
 */
export function simsiamToyLimit(
  v: SimsiamVariant,
  phi0: number,
  theta0: number,
  kappa = 1,
): { phi: number; theta: number; collapsed: boolean } {
  const where = "simsiamToyLimit";
  _variant(where, v);
  checkFinite(where, "phi0", phi0);
  checkFinite(where, "theta0", theta0);
  checkPositive(where, "kappa", kappa);
  const s = Math.sign(theta0);
  const out = (phi: number, theta: number) => ({ phi, theta, collapsed: theta === 0 });
  if (theta0 === 0 || phi0 === 1) return out(phi0, theta0); // fixed points
  const c = simsiamToyInvariant(v, phi0, theta0, kappa);
  if (v === "stopGrad") {
    const alive = out(1, s * Math.sqrt(Math.max(0, c + 1 / kappa)));
    if (c >= 0) return alive;
    const r = Math.sqrt(-c * kappa); // θ = 0 where φ = ±r; |φ0| ≥ r always
    if (phi0 < 1 && phi0 <= -r) return out(-r, 0);
    if (phi0 > 1 && r >= 1) return out(r, 0);
    return alive;
  }
  if (v === "full") {
    if (c > 0) return out(1, s * Math.sqrt(c));
    return out(1 + Math.sign(phi0 - 1) * Math.sqrt(-c * kappa), 0);
  }
  const atOne = c - 2 / kappa; // θ² when φ reaches 1
  if (phi0 < 1 && atOne <= 0) return out((c * kappa) / 2, 0);
  return out(1, s * Math.sqrt(atOne));
}

/**
 * Integrates a variant's flow with classical RK4 (`lib/core/ode.ts`) from (φ0, θ0) to time `t1`, keeping every
 * `every`-th state (the steps are the same as one uninterrupted run with step `dt`).
 *
 * @param v the variant
 * @param phi0 φ(0)
 * @param theta0 θ(0)
 * @param opts `t1` > 0; `dt` (default 0.01; t1/dt must be an integer); `every` (default 10); `kappa` (default 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { simsiamToyTrajectory } from "@lib/optim/simsiam_toy.ts";
 * const tr = simsiamToyTrajectory("full", 0.6, 0.1, { t1: 2, dt: 0.01, every: 50 });
 * assertEquals(Array.from(tr.t), [0, 0.5, 1, 1.5, 2]);
 * ```
 */
export function simsiamToyTrajectory(
  v: SimsiamVariant,
  phi0: number,
  theta0: number,
  opts: { t1: number; dt?: number; every?: number; kappa?: number },
): { t: Float64Array; phi: Float64Array; theta: Float64Array } {
  const where = "simsiamToyTrajectory";
  _variant(where, v);
  checkFinite(where, "phi0", phi0);
  checkFinite(where, "theta0", theta0);
  if (opts === null || typeof opts !== "object") typeError(where, "opts", "an object", opts);
  const t1 = checkPositive(where, "opts.t1", opts.t1);
  const dt = checkPositive(where, "opts.dt", opts.dt ?? 0.01);
  const every = checkInt(where, "opts.every", opts.every ?? 10, 1);
  const steps = Math.round(t1 / dt);
  if (Math.abs(steps * dt - t1) > 1e-9 * t1 || steps % every !== 0) {
    rangeError(where, "opts.t1 / opts.dt", `an integer multiple of opts.every = ${every}`, t1 / dt);
  }
  const f = simsiamToyField(v, opts.kappa ?? 1), n = steps / every;
  const t = new Float64Array(n + 1), phi = new Float64Array(n + 1), theta = new Float64Array(n + 1);
  let y: Float64Array = Float64Array.of(phi0, theta0);
  [phi[0], theta[0]] = [phi0, theta0];
  for (let k = 1; k <= n; k++) {
    y = rk4(f, y, (k - 1) * every * dt, k * every * dt, every);
    [t[k], phi[k], theta[k]] = [k * every * dt, y[0]!, y[1]!];
  }
  return { t, phi, theta };
}

/**
 * Trains the toy with a discrete optimizer: `steps` times, computes the variant's gradient
 * $g = (\text{dPhi}, \text{dTheta})$ at $x = (\varphi, \theta)$ and lets `update(x, g, step)` change x in place
 * (step is 1-based). E.g. SGD with rate η is the Euler method for the κ = 1 flow with time step η.
 *
 * @param v the variant
 * @param phi0 φ(0)
 * @param theta0 θ(0)
 * @param steps number of updates, ≥ 1
 * @param update the optimizer step, in place on x (may keep its own state)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { simsiamToyDiscrete } from "@lib/optim/simsiam_toy.ts";
 * const sgd = (x: Float64Array, g: Float64Array) => x.forEach((_, i) => (x[i] = x[i]! - 0.01 * g[i]!));
 * const end = simsiamToyDiscrete("stopGrad", 0.6, 0.1, 20_000, sgd);
 * assertAlmostEquals(end.theta, 0.8062, 2e-3);
 * ```
 */
export function simsiamToyDiscrete(
  v: SimsiamVariant,
  phi0: number,
  theta0: number,
  steps: number,
  update: (x: Float64Array, g: Float64Array, step: number) => void,
): { phi: number; theta: number } {
  const where = "simsiamToyDiscrete";
  _variant(where, v);
  checkFinite(where, "phi0", phi0);
  checkFinite(where, "theta0", theta0);
  checkInt(where, "steps", steps, 1);
  if (typeof update !== "function") typeError(where, "update", "a function (x, g, step) => void", update);
  const x = Float64Array.of(phi0, theta0);
  for (let s = 1; s <= steps; s++) {
    const { dPhi, dTheta } = simsiamToyGrad(x[0]!, x[1]!, v);
    update(x, Float64Array.of(dPhi, dTheta), s);
    if (!Number.isFinite(x[0]) || !Number.isFinite(x[1])) {
      rangeError(where, `state after step ${s}`, "finite", Array.from(x));
    }
  }
  return { phi: x[0]!, theta: x[1]! };
}
