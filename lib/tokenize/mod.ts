/**
 * lib/tokenize: unigram lattices, Viterbi decoding and sampling [O09 O10].
 *
 * - `unigram.ts`: vocabularies, lattices, decode, the old / interim / perfect Viterbi samplers, FFBS,
 *   n-best Subword Regularization and exact reference distributions.
 *
 * @module
 */
export * from "./unigram.ts";
