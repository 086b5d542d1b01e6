/**
 * lib/prob: probability distributions and their distances.
 *
 * - `discrete.ts`: distributions over string-named outcomes (counts, TV, chi-square GOF) [O09 O10].
 *
 * @module
 */
export * from "./discrete.ts";
export * from "./angles.ts";
export * from "./simplex.ts";
export * from "./flows1d.ts";
export * from "./kde.ts";
export * from "./calibration.ts";
export * from "./gmm.ts";
export * from "./wasserstein.ts";
export * from "./sample_metrics.ts";
export * from "./self_consuming.ts";
export * from "./density1d.ts";
