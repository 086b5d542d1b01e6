/**
 * Attention maths in plain Float64 on `Matrix`: kernelized (linear) attention with RoPE.
 *
 * @module
 */
export * from "./linear_attention.ts";
export * from "./softmax_attention.ts";
export * from "./kv_cache.ts";
export * from "./multihead.ts";
export * from "./scale.ts";
export * from "./sparsity.ts";
export * from "./performer.ts";
export * from "./masks.ts";
export * from "./gau.ts";
export * from "./linear_variants.ts";
export * from "./entropy.ts";
export * from "./gaussian_entropy.ts";
export * from "./receptive_field.ts";
export * from "./mixed_modal_mask.ts";
export * from "./qk_norm.ts";
