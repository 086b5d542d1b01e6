/**
 * lib/core: numbers, randomness, small Float64 linear algebra, timing, validation.
 *
 * The tfjs set-up is imported on its own (`@lib/core/tf_setup.ts`) so that pure-math notebooks and
 * tests do not load tfjs.
 *
 * @module
 */
export * from "./array.ts";
export * from "./complex.ts";
export * from "./matrix.ts";
export * from "./rng.ts";
export * from "./timing.ts";
export * from "./validate.ts";
