/**
 * lib/diffusion — Gaussian paths, exact GMM closed forms along a path, score-matching objectives.
 *
 * - `paths.ts`: $x_t = a(t)x_0 + b(t)\varepsilon$ (VP cosine, rectified flow, VE), SNR, Su's DDPM schedule, EDM grid.
 * - `gmm_path.ts`: marginal, posterior, score, ε-prediction, velocity and posterior samples of a `Gmm` along a path.
 * - `score_matching.ts`: SM vs conditional SM (G03), plug-in score estimator.
 * - `sm_training.ts`: fixed-t score-network training with DSM / plug-in / oracle targets (G03).
 *
 * @module
 */
export * from "./paths.ts";
export * from "./gmm_path.ts";
export * from "./score_matching.ts";
export * from "./sm_training.ts";
export * from "./flow.ts";
export * from "./upsample_guidance.ts";
export * from "./samplers.ts";
export * from "./amed.ts";
export * from "./wbound.ts";
export * from "./flow_matching.ts";
