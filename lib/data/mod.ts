/**
 * Generated data sets (base area: any area may import it).
 *
 * - `zipf_task.ts`: the zipf-bow task of the shared optimizer benchmark (X-opt).
 *
 * @module
 */
export * from "./zipf_task.ts";
