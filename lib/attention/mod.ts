/**
 * Attention maths in plain Float64 on `Matrix`: kernelized (linear) attention with RoPE.
 *
 * @module
 */
export * from "./linear_attention.ts";
