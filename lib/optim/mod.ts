/**
 * Optimizers and the shared optimizer benchmark (X-opt).
 *
 * - tfjs optimizers (subclasses of `tf.Optimizer`, decoupled weight decay by parameter kind, a
 *   learning rate settable per step): {@link Lion} / {@link lion} / {@link signum}, {@link AdamW} /
 *   {@link adamw}, {@link SGD} / {@link sgd}, {@link SGDM} / {@link sgdm}; their common base
 *   {@link KexueOptimizer}.
 * - Float64 reference steps carrying the articles' equations: {@link lionUpdate},
 *   {@link signumUpdate}, {@link adamwUpdate}, {@link sgdUpdate}, {@link sgdmUpdate}.
 * - Schedules and hyper-parameter recipes: {@link piecewiseLinear}, {@link amosSignHyper}.
 * - The X-opt benchmark: {@link createBowMlp}, {@link trainRun}, {@link lrSweep}, {@link xoptBase},
 *   {@link XOPT_OPTIMIZERS} (the task itself is `lib/data/zipf_task.ts`).
 *
 * @module
 */
export * from "./types.ts";
export * from "./optimizer.ts";
export * from "./lion.ts";
export * from "./adamw.ts";
export * from "./sgd.ts";
export * from "./sgdm.ts";
export * from "./schedule.ts";
export * from "./amos.ts";
export * from "./bow_mlp.ts";
export * from "./benchmark.ts";
export * from "./row_change.ts";
export * from "./step_timing.ts";
export * from "./tiger.ts";
export * from "./accumulate.ts";
export * from "./momentum_accum.ts";
export * from "./momentum_accum_bench.ts";
export * from "./tailr.ts";
export * from "./lora.ts";
export * from "./online_sgd.ts";
export * from "./simsiam_toy.ts";
