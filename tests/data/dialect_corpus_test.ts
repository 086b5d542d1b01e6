import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  dialectCorpus,
  mlmBayesPosteriors,
  sampleTopicSentence,
  topicLogLikelihood,
  topicMarkovSource,
  topicTransitionMatrix,
} from "@lib/data/dialect_corpus.ts";

const src = topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 });

Deno.test("topicMarkovSource(doublyStochastic): rows and columns of every M_k sum to 1; two distinct successors", () => {
  for (let k = 0; k < 2; k++) {
    const m = topicTransitionMatrix(src, k);
    for (let i = 0; i < 16; i++) {
      let r = 0, c = 0, nz = 0;
      for (let j = 0; j < 16; j++) {
        r += m.data[i * 16 + j]!;
        c += m.data[j * 16 + i]!;
        if (m.data[i * 16 + j]! > 0) nz++;
      }
      assertAlmostEquals(r, 1, 1e-12);
      assertAlmostEquals(c, 1, 1e-12);
      assertEquals(nz, 2);
    }
  }
  // seeded: the same seed gives the same source
  assertEquals(topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.3], seed: 0 }), src);
});

Deno.test("token frequencies are uniform (1/V ± 0.01) in each topic over 100k tokens", () => {
  const rng = createRng(1);
  for (let k = 0; k < 2; k++) {
    const counts = new Float64Array(16);
    for (let s = 0; s < 100_000 / 25; s++) for (const t of sampleTopicSentence(src, k, 25, rng)) counts[t]!++;
    for (const c of counts) {
      assert(Math.abs(c / 100_000 - 1 / 16) <= 0.01, `topic ${k}: frequency ${c / 100_000}`);
    }
  }
});

Deno.test("the Bayes classifier (topicLogLikelihood) is ≥ 0.99 accurate on 1000 sentences of length 24", () => {
  const c = dialectCorpus(src, 1000, 24, createRng(2));
  let hit = 0;
  c.sentences.forEach((x, i) => {
    const pred = topicLogLikelihood(src, x, 0) >= topicLogLikelihood(src, x, 1) ? 0 : 1;
    if (pred === c.topics[i]) hit++;
  });
  assert(hit / 1000 >= 0.99, `Bayes accuracy ${hit / 1000}`);
  // log-likelihood of a sentence is finite in its own topic: −log V + Σ log p
  const x = sampleTopicSentence(src, 1, 24, createRng(3));
  const ll = topicLogLikelihood(src, x, 1);
  assert(
    Number.isFinite(ll) && ll <= -Math.log(16) + 23 * Math.log(0.7) + 1e-9 &&
      ll >= -Math.log(16) + 23 * Math.log(0.3) - 1e-9,
  );
});

Deno.test("non-doubly-stochastic sources and validation", () => {
  const s2 = topicMarkovSource({ vocab: 8, topics: 3, probs: [0.5, 0.5], seed: 4, doublyStochastic: false });
  const m = topicTransitionMatrix(s2, 2);
  for (let i = 0; i < 8; i++) {
    assertAlmostEquals(m.data.slice(i * 8, i * 8 + 8).reduce((a, b) => a + b, 0), 1, 1e-12);
  }
  assertThrows(
    () => topicMarkovSource({ vocab: 16, topics: 2, probs: [0.7, 0.2], seed: 0 }),
    RangeError,
    "sum of opts.probs",
  );
  assertThrows(
    () => topicMarkovSource({ vocab: 1, topics: 2, probs: [1], seed: 0 }),
    RangeError,
    "opts.vocab",
  );
  assertThrows(() => sampleTopicSentence(src, 2, 5, createRng(0)), RangeError, "topic");
  assertThrows(() => topicLogLikelihood(src, Int32Array.of(0, 16), 0), RangeError, "seq[1]");
});

Deno.test("mlmBayesPosteriors equals brute-force enumeration on a tiny source (V = 4, K = 2, n = 4)", () => {
  const s = topicMarkovSource({ vocab: 4, topics: 2, probs: [0.6, 0.4], seed: 3 });
  const ch = { rate: 0.3, maskId: 4, probs: [0.7, 0.2, 0.1] as [number, number, number] };
  const [pm, pr, ps] = ch.probs;
  const e1 = (t: number, x: number) => (t === 4 ? pm : pr / 4 + (t === x ? ps : 0));
  const e0 = (t: number, x: number) => (1 - ch.rate) * (t === x ? 1 : 0) + ch.rate * e1(t, x);
  const mats = [topicTransitionMatrix(s, 0), topicTransitionMatrix(s, 1)];
  for (const input of [Int32Array.of(0, 4, 2, 4), Int32Array.of(4, 4, 1, 3), Int32Array.of(2, 1, 0, 3)]) {
    const got = mlmBayesPosteriors(s, input, ch);
    for (let i = 0; i < 4; i++) {
      const w = new Float64Array(4);
      for (let code = 0; code < 256; code++) {
        const x = [code & 3, (code >> 2) & 3, (code >> 4) & 3, (code >> 6) & 3];
        for (let k = 0; k < 2; k++) {
          let p = 0.5 / 4;
          for (let j = 1; j < 4; j++) p *= mats[k]!.data[x[j - 1]! * 4 + x[j]!]!;
          for (let j = 0; j < 4; j++) p *= j === i ? e1(input[j]!, x[j]!) : e0(input[j]!, x[j]!);
          w[x[i]!] = w[x[i]!]! + p;
        }
      }
      const z = w.reduce((a, b) => a + b, 0);
      for (let x = 0; x < 4; x++) assertAlmostEquals(got[i * 4 + x]!, w[x]! / z, 1e-12);
    }
  }
});
