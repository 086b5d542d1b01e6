import { assert, assertAlmostEquals, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { classBalance, makeZipfTask, sliceBatch, zipfProbs } from "@lib/data/zipf_task.ts";

const task = makeZipfTask();

Deno.test("makeZipfTask: X-opt sizes and defaults", () => {
  assertEquals([task.train.size, task.test.size, task.train.seqLen, task.vocab, task.classes], [
    16384,
    4096,
    16,
    512,
    8,
  ]);
  assertEquals(task.train.tokens.length, 16384 * 16);
  assertEquals(task.teacher.length, 512 * 8);
  assertEquals(task.train.labels, task.trainClean, "no label noise by default");
});

Deno.test("makeZipfTask is deterministic: same seed ⇒ identical arrays; another seed differs", () => {
  const again = makeZipfTask();
  assertEquals(again.train.tokens, task.train.tokens);
  assertEquals(again.test.tokens, task.test.tokens);
  assertEquals(again.train.labels, task.train.labels);
  assertEquals(again.teacher, task.teacher);
  assertNotEquals(
    makeZipfTask({ seed: 1, nTrain: 64, nTest: 8 }).train.tokens,
    makeZipfTask({ nTrain: 64, nTest: 8 }).train.tokens,
  );
});

Deno.test("teacher rows 0..7 (the stop words) are zero, the others are not", () => {
  for (let i = 0; i < 8 * 8; i++) assertEquals(task.teacher[i], 0);
  for (let r = 8; r < 512; r++) {
    assert(task.teacher.subarray(r * 8, r * 8 + 8).some((x) => x !== 0), `row ${r}`);
  }
});

Deno.test("no class has less than 3% of the train labels; labels follow the teacher", () => {
  const bal = classBalance(task.train.labels, 8);
  for (const f of bal) assert(f >= 0.03, `class share ${f}`);
  assertAlmostEquals(bal.reduce((a, b) => a + b, 0), 1, 1e-12);
  // recompute one label by hand
  const i = 123, score = new Float64Array(8);
  for (let j = 0; j < 16; j++) {
    for (let c = 0; c < 8; c++) score[c]! += task.teacher[task.train.tokens[i * 16 + j]! * 8 + c]!;
  }
  assertEquals(task.train.labels[i], score.indexOf(Math.max(...score)));
});

Deno.test("token frequencies follow p_k ∝ (k+1)^-1.1", () => {
  const p = zipfProbs(512, 1.1);
  assertAlmostEquals(p.reduce((a, b) => a + b, 0), 1, 1e-12);
  const counts = new Float64Array(512);
  for (const k of task.train.tokens) counts[k]!++;
  const n = task.train.tokens.length;
  for (const k of [0, 1, 7, 50]) {
    const se = Math.sqrt(p[k]! * (1 - p[k]!) / n);
    assert(Math.abs(counts[k]! / n - p[k]!) < 5 * se, `token ${k}`);
  }
});

Deno.test("labelNoise flips about q of the train labels and leaves the test set clean", () => {
  const clean = makeZipfTask({ nTrain: 4000, nTest: 500 });
  const noisy = makeZipfTask({ nTrain: 4000, nTest: 500, labelNoise: 0.4 });
  assertEquals(noisy.trainClean, clean.train.labels);
  assertEquals(noisy.test.labels, clean.test.labels);
  let changed = 0;
  for (let i = 0; i < 4000; i++) if (noisy.train.labels[i] !== clean.train.labels[i]) changed++;
  // a flip picks the true class with probability 1/8: expected 0.4·7/8 = 0.35
  assertAlmostEquals(changed / 4000, 0.35, 0.04);
});

Deno.test("sliceBatch picks rows in order, with repeats", () => {
  const s = sliceBatch(task.train, Int32Array.from([5, 5, 0]));
  assertEquals(s.size, 3);
  assertEquals(s.tokens.subarray(0, 16), task.train.tokens.subarray(80, 96));
  assertEquals(s.tokens.subarray(16, 32), task.train.tokens.subarray(80, 96));
  assertEquals(Array.from(s.labels), [task.train.labels[5], task.train.labels[5], task.train.labels[0]]);
});

Deno.test("bad inputs throw clear errors", () => {
  assertThrows(
    () => makeZipfTask({ vocab: 1 }),
    RangeError,
    "makeZipfTask: vocab must be an integer ≥ 2, got 1",
  );
  assertThrows(
    () => makeZipfTask({ nStop: 600 }),
    RangeError,
    "makeZipfTask: nStop must be an integer < vocab (512), got 600",
  );
  assertThrows(
    () => makeZipfTask({ labelNoise: 1.5 }),
    RangeError,
    "makeZipfTask: labelNoise must be in [0, 1], got 1.5",
  );
  assertThrows(
    () => makeZipfTask({ zipfS: 0 }),
    RangeError,
    "makeZipfTask: zipfS must be a positive number, got 0",
  );
  assertThrows(
    () => sliceBatch(task.test, Int32Array.from([4096])),
    RangeError,
    "sliceBatch: idx[0] must be in [0, 4096), got 4096",
  );
  assertThrows(
    () => classBalance(Int32Array.from([3]), 2),
    RangeError,
    "classBalance: label must be in [0, 2), got 3",
  );
});
