/** Test vocabularies shared by the tokenizer tests (the articles' toy examples). */
import { vocabFromProbs } from "@lib/tokenize/unigram.ts";

/** The {a, b} vocabulary of the O09/O10 specs (all strings of length ≤ 3). */
export const VAB = vocabFromProbs({
  a: .26,
  b: .17,
  aa: .04,
  ab: .12,
  ba: .10,
  bb: .03,
  aaa: .01,
  aab: .03,
  aba: .06,
  abb: .04,
  baa: .03,
  bab: .08,
  bba: .02,
  bbb: .01,
}); // deno-fmt-ignore

/** "watching" with equal token probabilities (the article's example). */
export const WATCH_EQ = vocabFromProbs({ w: 1, wat: 1, watch: 1, atching: 1, ching: 1, ing: 1 });
