/**
 * lib/nn — building blocks shared by areas (plain Float64 and tfjs).
 *
 * @module
 */
export * from "./conv1d.ts";
