/**
 * Helpers shared by the lib/optim tests (not a test file itself).
 *
 * @module
 */
import { assert } from "@std/assert";
import { tf } from "@lib/core/tf_setup.ts";
import type { Rng } from "@lib/core/rng.ts";

let _n = 0;

/** A uniquely named variable `t<n>_<stem>/<kind>` holding `values` (float32). */
export function namedVar(
  stem: string,
  kind: string,
  values: ArrayLike<number>,
  shape?: number[],
): tf.Variable {
  return tf.variable(
    tf.tensor(Float32Array.from(values), shape ?? [values.length]),
    true,
    `t${_n++}_${stem}/${kind}`,
  );
}

/** n float32-representable standard normals (so Float64 references start from the same values). */
export function f32Normals(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => Math.fround(scale * rng.normal()));
}

/** max_i |a_i − b_i| */
export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert(a.length === b.length, `length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Applies one step with explicit gradients (float32 tensors built from `grads`). */
export function applyGrads(opt: tf.Optimizer, vars: tf.Variable[], grads: ArrayLike<number>[]): void {
  tf.tidy(() => {
    const map: tf.NamedTensorMap = {};
    vars.forEach((v, i) => (map[v.name] = tf.tensor(Float32Array.from(grads[i]!), v.shape)));
    opt.applyGradients(map);
  });
}
