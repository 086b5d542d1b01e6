/**
 * lib/gan — GAN losses and toy trainers for G10 (GAN-QP, https://kexue.fm/archives/6163) and G11 (gradient
 * normalization, https://kexue.fm/archives/8757).
 *
 * - `input_grad.ts`: critic input gradients (`mlpInputGrad`, nested `tf.grad`), the `Critic` type.
 * - `losses.ts`: SGAN (minimax / non-saturating), WGAN(-GP), GAN-QP losses.
 * - `qpdiv.ts`: exact QP-div on point masses and discrete grids (optimal critic, eq. 8 values), JS divergence.
 * - `gradnorm.ts`: gradient-normalized critics (pure, ICCV, WACV, Su's control), activation regions.
 * - `lipschitz.ts`: dual value with standard error, empirical Lipschitz ratio.
 * - `train.ts`: alternating training loop, MLP toy GAN, shift-only generator experiments, critic-only dual training.
 * - `digits.ts`: glyph-image batches in [−1, 1] and sample statistics for the digit-glyph GAN.
 *
 * @module
 */
export * from "./input_grad.ts";
export * from "./losses.ts";
export * from "./qpdiv.ts";
export * from "./gradnorm.ts";
export * from "./lipschitz.ts";
export * from "./train.ts";
export * from "./digits.ts";
