/**
 * Position encodings: rotary (RoPE) and Sinusoidal.
 *
 * @module
 */
export * from "./rope.ts";
export * from "./sinusoidal.ts";
export * from "./general_rope.ts";
export * from "./relative.ts";
export * from "./complex_order.ts";
export * from "./floater.ts";
export * from "./extrapolation.ts";
export * from "./toy_extrapolation.ts";
export * from "./relative_bias.ts";
export * from "./toy_probes.ts";
export * from "./toy_seeds.ts";
