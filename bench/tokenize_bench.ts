/**
 * Tokenizer throughput on 1 MB of unsegmented synthetic text (`deno task bench`): characters per second
 * of Viterbi decoding, the article's first Viterbi sampling, the perfect (reservoir) sampler and FFBS,
 * lattice building included. Sentences of 100 characters, a 2,000-token substring vocabulary (max
 * length 6) learned from a separate 200,000-character sample, α = 0.1.
 */
import { createRng } from "@lib/core/rng.ts";
import { COMMON_WORDS, zipfWordCorpus } from "@lib/data/text_corpus.ts";
import {
  buildLattice,
  buildSubstringVocab,
  ffbsSample,
  type Lattice,
  viterbiDecode,
  viterbiSampleOld,
  viterbiSamplePerfect,
} from "@lib/tokenize/unigram.ts";

const rng = createRng(7);
const vocab = buildSubstringVocab(zipfWordCorpus(COMMON_WORDS, 200_000, rng.fork("train")), {
  maxLen: 6,
  keep: 2000,
});
const text = zipfWordCorpus(COMMON_WORDS, 1_000_000, rng.fork("test"));
const sentences = text.match(/[\s\S]{1,100}/g) ?? [];
const samplerRng = rng.fork("sample");

function run(name: string, f: (lat: Lattice) => unknown) {
  Deno.bench({
    name: `${name}: 1 MB (${text.length.toLocaleString("en")} chars)`,
    group: "tokenize 1 MB",
    baseline: name === "decode",
    n: 3,
    warmup: 1,
    fn: () => {
      for (const s of sentences) f(buildLattice(s, vocab));
    },
  });
}

run("decode", (lat) => viterbiDecode(lat));
run("Viterbi sampling (first version)", (lat) => viterbiSampleOld(lat, 0.1, samplerRng));
run("perfect sampling (reservoir)", (lat) => viterbiSamplePerfect(lat, 0.1, samplerRng));
run("FFBS", (lat) => ffbsSample(lat, 0.1, samplerRng));
