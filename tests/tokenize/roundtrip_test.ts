/**
 * Every decoder and sampler returns a segmentation of its input: the tokens concatenate back to the
 * exact string, for random Unicode text mixing ASCII, CJK and astral-plane characters (surrogate pairs).
 */
import { assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  buildLattice,
  ffbsSample,
  nBestSample,
  viterbiDecode,
  viterbiSampleInterim,
  viterbiSampleOld,
  viterbiSamplePerfect,
  vocabFromProbs,
} from "@lib/tokenize/unigram.ts";

const ALPHABET = ["a", "b", "今", "天", "😀", "𝄞", "é"];

Deno.test("round trip: all samplers on 200 random Unicode strings (astral-plane characters included)", () => {
  const rng = createRng(11);
  const probs: Record<string, number> = {};
  for (const c of ALPHABET) probs[c] = 0.05 + rng();
  for (let i = 0; i < 30; i++) {
    const len = 2 + rng.int(3);
    const tok = Array.from({ length: len }, () => ALPHABET[rng.int(ALPHABET.length)]!).join("");
    probs[tok] = 0.05 + rng();
  }
  const vocab = vocabFromProbs(probs);
  for (let s = 0; s < 200; s++) {
    const text = Array.from({ length: 1 + rng.int(40) }, () => ALPHABET[rng.int(ALPHABET.length)]!).join("");
    const lat = buildLattice(text, vocab);
    const alpha = [0.1, 1, 5][s % 3]!;
    const outs: [string, string[]][] = [
      ["decode", viterbiDecode(lat).tokens],
      ["old", viterbiSampleOld(lat, alpha, rng)],
      ["interim", viterbiSampleInterim(lat, alpha, rng)],
      ["perfect", viterbiSamplePerfect(lat, alpha, rng)],
      ["ffbs", ffbsSample(lat, alpha, rng)],
      ["n-best", nBestSample(lat, 4, alpha, rng)],
    ];
    for (const [name, toks] of outs) {
      assertEquals(toks.join(""), text, `${name} on ${JSON.stringify(text)}`);
      for (const t of toks) assertEquals(vocab.has(t), true, `${name}: token ${t} is in the vocabulary`);
    }
  }
});

Deno.test("bad input: empty vocabulary, negative α, a character no token covers", () => {
  assertThrows(() => vocabFromProbs({}), RangeError, "vocabFromProbs: p must be non-empty");
  const vocab = vocabFromProbs({ a: 0.5, "😀": 0.5 });
  const lat = buildLattice("a😀a", vocab);
  assertThrows(() => viterbiSamplePerfect(lat, -0.5, createRng(0)), RangeError, "alpha");
  assertThrows(() => ffbsSample(lat, -1, createRng(0)), RangeError, "alpha");
  assertThrows(() => viterbiDecode(buildLattice("a𝄞", vocab)), RangeError, "not reachable");
});
