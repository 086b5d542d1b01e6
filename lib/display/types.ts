/**
 * Shared types of lib/display.
 *
 * @module
 */

/** A table / chart cell value. `null` is a missing value. */
export type Cell = number | string | boolean | null;

/** One record of tabular data (a table row, a chart datum). */
export type Row = Record<string, Cell>;

/** A Vega-Lite v5 specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;
