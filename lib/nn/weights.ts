/**
 * Saving and restoring the weights of a list of tfjs variables as plain number arrays (JSON weight caches of
 * `Mlp`, `ConvDenoiser` and the like).
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import { rangeError, typeError } from "../core/validate.ts";

/**
 * The values of each variable, in order, as plain arrays.
 *
 * @param variables the variables
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { variablesToArrays } from "@lib/nn/weights.ts";
 * await initTf();
 * const v = tf.variable(tf.tensor1d([1, 2]));
 * assertEquals(variablesToArrays([v]), [[1, 2]]);
 * v.dispose();
 * ```
 */
export function variablesToArrays(variables: tf.Variable[]): number[][] {
  return variables.map((v) => Array.from(v.dataSync()));
}

/**
 * Assigns saved values to variables of the same count and sizes (each array reshaped to its variable's shape);
 * throws, naming `where`, on a count or size mismatch before assigning anything.
 *
 * @param where the caller's name for error messages (e.g. "Mlp.fromJSON")
 * @param variables the target variables
 * @param weights one array per variable
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initTf, tf } from "@lib/core/tf_setup.ts";
 * import { assignFromArrays } from "@lib/nn/weights.ts";
 * await initTf();
 * const v = tf.variable(tf.zeros([2, 2]));
 * assignFromArrays("example", [v], [[1, 2, 3, 4]]);
 * assertEquals(Array.from(v.dataSync()), [1, 2, 3, 4]);
 * v.dispose();
 * ```
 */
export function assignFromArrays(where: string, variables: tf.Variable[], weights: number[][]): void {
  if (!Array.isArray(weights)) typeError(where, "weights", "an array of number arrays", weights);
  if (weights.length !== variables.length) {
    rangeError(where, "o.weights.length", String(variables.length), weights.length);
  }
  variables.forEach((v, i) => {
    if (!Array.isArray(weights[i]) || weights[i]!.length !== v.size) {
      rangeError(where, `o.weights[${i}].length`, String(v.size), weights[i]?.length);
    }
  });
  variables.forEach((v, i) => {
    const w = tf.tensor(weights[i]!, v.shape);
    v.assign(w);
    w.dispose();
  });
}
