/**
 * lib/display — everything a notebook shows. Each helper returns a Displayable (an object with a
 * `[Symbol.for("Jupyter.display")]()` method returning a MIME bundle); nothing here references
 * `Deno.jupyter`. See CONTRACT.md.
 *
 * @module
 */
export * from "./displayable.ts";
export * from "./types.ts";
export * from "./format.ts";
export * from "./tex.ts";
export * from "./md.ts";
export * from "./table.ts";
export * from "./claims.ts";
export * from "./progress.ts";
export * from "./image.ts";
export * from "./charts.ts";
export * from "./plot.ts";
