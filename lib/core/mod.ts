/**
 * lib/core: numbers, randomness, Float64 linear algebra, special functions, quadrature, scalar search,
 * timing, validation.
 *
 * The tfjs set-up is imported on its own (`@lib/core/tf_setup.ts`) so that pure-math notebooks and
 * tests do not load tfjs.
 *
 * @module
 */
export * from "./array.ts";
export * from "./chi_square.ts";
export * from "./complex.ts";
export * from "./crossover.ts";
export * from "./float16.ts";
export * from "./linalg.ts";
export * from "./matrix.ts";
export * from "./ode.ts";
export * from "./ode_solve.ts";
export * from "./optimize.ts";
export * from "./quadrature.ts";
export * from "./rng.ts";
export * from "./sampling.ts";
export * from "./special.ts";
export * from "./stats.ts";
export * from "./timing.ts";
export * from "./validate.ts";
