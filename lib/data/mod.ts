/**
 * Generated data sets (base area: any area may import it).
 *
 * - `zipf_task.ts`: the zipf-bow task of the shared optimizer benchmark (X-opt).
 * - `text_corpus.ts`: unsegmented Zipf-word text for tokenizer experiments (O09 O10).
 *
 * @module
 */
export * from "./zipf_task.ts";
export * from "./text_corpus.ts";
export * from "./synthetic_lm.ts";
export * from "./dialect_corpus.ts";
export * from "./synthetic_sequences.ts";
export * from "./toy2d.ts";
export * from "./glyphs.ts";
export * from "./image_ops.ts";
export * from "./image_metrics.ts";
export * from "./che_tasks.ts";
export * from "./lossless_budget.ts";
