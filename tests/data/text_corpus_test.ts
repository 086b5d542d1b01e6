import { assert, assertEquals, assertGreater, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { COMMON_WORDS, zipfWordCorpus } from "@lib/data/text_corpus.ts";

Deno.test("zipfWordCorpus: length, determinism, Zipf frequencies, separator", () => {
  assertEquals(COMMON_WORDS.length, 60);
  const a = zipfWordCorpus(COMMON_WORDS, 5000, createRng(3)),
    b = zipfWordCorpus(COMMON_WORDS, 5000, createRng(3));
  assertEquals(a, b);
  assertEquals([...a].length, 5000);
  assert(a !== zipfWordCorpus(COMMON_WORDS, 5000, createRng(4)));
  const spaced = zipfWordCorpus(["x", "yy", "zzz"], 60000, createRng(1), { separator: " ", exponent: 1 })
    .split(" ");
  const freq = (w: string) => spaced.filter((t) => t === w).length / spaced.length;
  // p ∝ 1, 1/2, 1/3 → 6/11, 3/11, 2/11
  assert(Math.abs(freq("x") - 6 / 11) < 0.015 && Math.abs(freq("zzz") - 2 / 11) < 0.015);
  const steep = zipfWordCorpus(["x", "y"], 20000, createRng(1), { exponent: 3 });
  assertGreater(steep.split("x").length / steep.length, 0.85); // 8/9 are x
  assertEquals([..."😀😀"].length, [...zipfWordCorpus(["😀"], 2, createRng(0))].length);
  assertThrows(() => zipfWordCorpus([], 10, createRng(0)), RangeError, "words.length");
  assertThrows(() => zipfWordCorpus(["a"], 0, createRng(0)), RangeError, "nChars");
  assertThrows(() => zipfWordCorpus(["a"], 5, createRng(0), { exponent: 0 }), RangeError, "exponent");
});
