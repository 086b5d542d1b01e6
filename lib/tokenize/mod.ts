/**
 * lib/tokenize: unigram lattices, Viterbi decoding and sampling [O09 O10].
 *
 * - `unigram.ts`: vocabularies, lattices, decode, the old / interim / perfect Viterbi samplers, FFBS,
 *   n-best Subword Regularization and exact reference distributions.
 * - `perfect_sampling.ts`: exact laws of the duel-chain and reservoir rules, n-best SR, linear-space
 *   partition, discordant pairs and a χ²/TV sampler report (O10).
 *
 * @module
 */
export * from "./unigram.ts";
export * from "./perfect_sampling.ts";
