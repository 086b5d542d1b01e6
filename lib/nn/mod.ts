/**
 * lib/nn — building blocks shared by areas (plain Float64 and tfjs).
 *
 * @module
 */
export * from "./conv1d.ts";
export * from "./init.ts";
export * from "./norms.ts";
export * from "./residual.ts";
export * from "./ntk.ts";
export * from "./train_loop.ts";
export * from "./gau_tf.ts";
export * from "./gau_lm_tf.ts";
export * from "./attention_tf.ts";
export * from "./encoder.ts";
export * from "./mlm.ts";
export * from "./mlm_pretrain.ts";
export * from "./similarity.ts";
export * from "./recurrent.ts";
export * from "./grad_probes.ts";
export * from "./sequence_recall.ts";
export * from "./toy_lm.ts";
export * from "./mlp.ts";
export * from "./fourier_time_embed.ts";
export * from "./conv_denoiser.ts";
export * from "./weights.ts";
