/**
 * Learning rate and weight decay for sign-based optimizers from the Amos-style recipe
 * (kexue.fm/archives/9344, used in kexue.fm/archives/9473).
 *
 * The recipe writes a step as
 * $\boldsymbol\theta_{t+1} = \boldsymbol\theta_t - (\alpha_t\boldsymbol u_t + \rho_t\boldsymbol\theta_t)$ with
 * $$\alpha_t \approx \frac{\alpha_0\Vert\boldsymbol\varepsilon_0\Vert}{\Vert\boldsymbol u_t\Vert}\frac{1}{\kappa t+1},\qquad
 * \rho_t \approx \frac{\alpha_0^2}{2q}\frac{1}{\kappa t+1}.$$
 * For a sign update $\Vert\boldsymbol u_t\Vert = \sqrt k$, and $\Vert\boldsymbol\varepsilon_0\Vert \approx \sqrt k\,\sigma$
 * (σ² = initial variance of a matrix), so with q = 1 at t = 0:
 * $\eta = \alpha_0\sigma$, $\lambda = \rho/\alpha = \alpha_0/(2\sigma)$. With $\sigma = \sqrt{1/d}$.
 *
 * @module
 */
import { checkInt, checkPositive } from "../core/validate.ts";

/**
 * Amos-style (η, λ) for a sign optimizer on a width-`d` model: σ = √(1/d), η = α0·σ, λ = α0/(2σ).
 *
 * @param d model width (σ² = 1/d is the initial variance of its matrices), integer ≥ 1
 * @param alpha0 relative parameter change per step at the start (≈ 1e-3)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { amosSignHyper } from "@lib/optim/amos.ts";
 * const h = amosSignHyper(768, 1.11e-3);   // BERT-base: η ≈ 4e-5, λ ≈ 0.015
 * assertAlmostEquals(h.lr, 4.005e-5, 1e-8);
 * assertAlmostEquals(h.weightDecay, 0.01538, 1e-5);
 * ```
 */
export function amosSignHyper(d: number, alpha0: number): { lr: number; weightDecay: number; sigma: number } {
  checkInt("amosSignHyper", "d", d, 1);
  checkPositive("amosSignHyper", "alpha0", alpha0);
  const sigma = Math.sqrt(1 / d);
  return { lr: alpha0 * sigma, weightDecay: alpha0 / (2 * sigma), sigma };
}
