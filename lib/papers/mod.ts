/**
 * lib/papers: Cool Papers rules and simulations (O11, O12): arXiv identifiers, generated listings,
 * stars and position bias, the FAQ/crawl job queue, the redirect extension's rules.
 *
 * @module
 */
export * from "./arxiv_id.ts";
export * from "./id_corpus.ts";
export * from "./listing.ts";
export * from "./match_pattern.ts";
export * from "./queue.ts";
export * from "./ranking.ts";
export * from "./redirect.ts";
export * from "./redirect_cases.ts";
export * from "./sample_data.ts";
