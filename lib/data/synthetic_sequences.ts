/**
 * Toy supervised sequence tasks for comparing sequence models (T18).
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, typeError } from "../core/validate.ts";

/** A batch of {@link firstTokenRecall}: `ids` row-major `[batch, distance + 1]`, one target per row. */
export interface RecallBatch {
  ids: Int32Array;
  targets: Int32Array;
  shape: [number, number];
}

/**
 * The first-token recall task: each sequence is $k+1$ tokens drawn uniformly from $\{0\ldots V-1\}$ and its
 * target is the **first** token, to be read out at the last position, $k$ steps later. Chance accuracy is $1/V$.
 *
 * @param rng random source (first, as in the spec)
 * @param opts `vocab` V ≥ 2, `distance` k ≥ 1, `batch` ≥ 1
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { firstTokenRecall } from "@lib/data/synthetic_sequences.ts";
 * const b = firstTokenRecall(createRng(0), { vocab: 8, distance: 4, batch: 3 });
 * assertEquals(b.shape, [3, 5]);
 * assertEquals(b.targets[2], b.ids[10]);
 * ```
 */
export function firstTokenRecall(
  rng: Rng,
  opts: { vocab: number; distance: number; batch: number },
): RecallBatch {
  if (typeof rng !== "function" || typeof rng.int !== "function") {
    typeError("firstTokenRecall", "rng", "an Rng", rng);
  }
  if (opts === null || typeof opts !== "object") {
    typeError("firstTokenRecall", "opts", "{ vocab, distance, batch }", opts);
  }
  const vocab = checkInt("firstTokenRecall", "opts.vocab", opts.vocab, 2);
  const distance = checkInt("firstTokenRecall", "opts.distance", opts.distance, 1);
  const batch = checkInt("firstTokenRecall", "opts.batch", opts.batch, 1);
  const len = distance + 1;
  const ids = new Int32Array(batch * len);
  for (let i = 0; i < ids.length; i++) ids[i] = rng.int(vocab);
  const targets = Int32Array.from({ length: batch }, (_, b) => ids[b * len]!);
  return { ids, targets, shape: [batch, len] };
}
