/**
 * Shared argument checks of the Float64 reference update functions (private to lib/optim).
 *
 * @module
 */
import { checkLength, checkNonNegative } from "../core/validate.ts";

/** Checks θ, g and the state buffers have one common length, and that lr/decay are ≥ 0. */
export function _checkRef(
  where: string,
  theta: Float64Array,
  g: ArrayLike<number>,
  state: Record<string, Float64Array>,
  lr: number,
  weightDecay: number,
): void {
  checkLength(where, "theta", theta);
  checkLength(where, "grad", g, theta.length);
  for (const [k, v] of Object.entries(state)) checkLength(where, k, v, theta.length);
  checkNonNegative(where, "lr", lr);
  checkNonNegative(where, "weightDecay", weightDecay);
}
