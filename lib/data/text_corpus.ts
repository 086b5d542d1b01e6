/**
 * Unsegmented synthetic text for tokenizer experiments, seeded and offline: words drawn i.i.d. from a
 * Zipf law over a word list, $P(\text{word}_k)\propto (k+1)^{-s}$, concatenated (by default without
 * separators, like Chinese text or BytePiece's byte stream), so a tokenizer must find the boundaries.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";

/** 60 frequent English words, most frequent first (a default word list for {@link zipfWordCorpus}). */
export const COMMON_WORDS: readonly string[] = [
  "the of and to in is that it for as with was",
  "on be by this are at from or an which one have",
  "not but all can they their there been more other when into",
  "some time only these then model train token word text data random",
  "sample path score best piece order state water watch watching ting ching",
].join(" ").split(" ");

/**
 * Concatenates Zipf-distributed words until exactly `nChars` code points are produced (the last word
 * is cut).
 *
 * @param words the word list, most frequent first (non-empty strings)
 * @param nChars number of code points to produce (≥ 1)
 * @param rng random stream
 * @param opts exponent s > 0 (default 1) and separator placed between words (default "")
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { zipfWordCorpus } from "@lib/data/text_corpus.ts";
 * const t = zipfWordCorpus(["ab", "c"], 10, createRng(0));
 * assertEquals([...t].length, 10);
 * assertEquals(t.replace(/ab|c/g, "").length <= 1, true); // only words (the last may be cut)
 * ```
 */
export function zipfWordCorpus(
  words: readonly string[],
  nChars: number,
  rng: Rng,
  opts: { exponent?: number; separator?: string } = {},
): string {
  if (!Array.isArray(words)) typeError("zipfWordCorpus", "words", "an array of strings", words);
  if (words.length === 0) rangeError("zipfWordCorpus", "words.length", "≥ 1", 0);
  for (const w of words) {
    if (typeof w !== "string" || w.length === 0) {
      typeError("zipfWordCorpus", "words[i]", "a non-empty string", w);
    }
  }
  checkInt("zipfWordCorpus", "nChars", nChars, 1);
  if (typeof rng !== "function") typeError("zipfWordCorpus", "rng", "an Rng", rng);
  const s = checkPositive("zipfWordCorpus", "exponent", opts.exponent ?? 1);
  const sep = opts.separator ?? "";
  if (typeof sep !== "string") typeError("zipfWordCorpus", "separator", "a string", sep);
  const cdf = new Float64Array(words.length);
  let acc = 0;
  for (let k = 0; k < words.length; k++) cdf[k] = acc += Math.pow(k + 1, -s);
  const parts: string[] = [];
  let n = 0;
  const sepLen = [...sep].length;
  while (n < nChars) {
    const u = rng() * acc;
    let lo = 0, hi = words.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    if (parts.length > 0 && sepLen > 0) {
      parts.push(sep);
      n += sepLen;
    }
    const w = words[lo]!;
    parts.push(w);
    n += [...w].length;
  }
  return Array.from(parts.join("")).slice(0, nChars).join("");
}
