/**
 * Vector quantization: k-means codebooks, nearest-code lookup, VQ losses, codebook usage, and the
 * straight-through and rotation-trick gradient estimators (G07, G09).
 *
 * @module
 */
export * from "./kmeans.ts";
export * from "./quantize.ts";
export * from "./rotation.ts";
export * from "./toy_vqae.ts";
