/**
 * Masked-language-model pretraining of the toy encoder: each step draws a fresh batch of sentences, masks it
 * with BERT's 15% / 80-10-10 recipe and takes an Adam step on
 * $$\mathcal L_{\rm MLM} = -\frac{1}{\sum_i m_i}\sum_i m_i \log \mathrm{softmax}(W_o h_i(\tilde x) + b_o)_{x_i}.$$
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { tf } from "../core/tf_setup.ts";
import { checkInt, typeError } from "../core/validate.ts";
import { encoderForward, type EncoderParams, mlmHead, paramList } from "./encoder.ts";
import { type MaskOpts, mlmBatch, mlmLoss } from "./mlm.ts";
import { trainSteps } from "./train_loop.ts";

/** Options of {@link pretrainMlm}. */
export interface PretrainMlmOpts {
  /** Adam steps ≥ 1. */
  steps: number;
  /** Adam learning rate. */
  lr: number;
  /** Masking options (rate, maskId, vocabSize, …). */
  mask: MaskOpts;
  /** Called after each step with (step, loss). */
  onStep?: (step: number, loss: number) => void;
}

/**
 * Trains `p` (encoder and MLM head, in place) for `opts.steps` Adam steps; `sample(step)` returns the step's
 * sentences and `rng` draws the masks.
 *
 * @param p encoder weights (updated)
 * @param sample returns B equal-length sentences for a step
 * @param rng masking random source
 * @param opts `steps`, `lr`, `mask`, `onStep`
 * @returns the MLM loss of every step
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { disposeParams, initEncoder } from "@lib/nn/encoder.ts";
 * import { pretrainMlm } from "@lib/nn/mlm_pretrain.ts";
 * await initTf();
 * const p = initEncoder({ vocab: 5, d: 8, layers: 1, heads: 2, ff: 16, maxLen: 4 }, 0);
 * const rng = createRng(1);
 * const sample = () => Array.from({ length: 8 }, () => Int32Array.of(0, 1, 2, 3)); // a fixed sentence
 * const losses = pretrainMlm(p, sample, rng, { steps: 40, lr: 0.02, mask: { rate: 0.5, maskId: 4, vocabSize: 4 } });
 * assert(losses.at(-1)! < 0.5 * losses[0]!);
 * disposeParams(p);
 * ```
 */
export function pretrainMlm(
  p: EncoderParams,
  sample: (step: number) => Int32Array[],
  rng: Rng,
  opts: PretrainMlmOpts,
): number[] {
  if (typeof sample !== "function") typeError("pretrainMlm", "sample", "a function", sample);
  const steps = checkInt("pretrainMlm", "opts.steps", opts.steps, 1);
  let step = 0;
  const lossFn = () => {
    const b = mlmBatch(sample(step++), rng, opts.mask);
    const logits = mlmHead(p, encoderForward(p, tf.tensor2d(b.input, b.shape, "int32")));
    return mlmLoss(logits, tf.tensor2d(b.targets, b.shape, "int32"));
  };
  return trainSteps(lossFn, paramList(p), { steps, lr: opts.lr, onStep: opts.onStep });
}
