import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { gaussianMatrix, matrix } from "@lib/core/matrix.ts";
import { createRng } from "@lib/core/rng.ts";
import { softmaxRows } from "@lib/attention/softmax_attention.ts";
import { klRows, rowEntropy } from "@lib/attention/entropy.ts";

Deno.test("rowEntropy: closed forms and the bound H ≤ log m", () => {
  const h = rowEntropy(matrix(3, 2, [0.5, 0.5, 0.9, 0.1, 0, 1]));
  assertAlmostEquals(h[0]!, Math.log(2), 1e-15);
  assertAlmostEquals(h[1]!, -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)), 1e-15);
  assertEquals(h[2], 0);
  const p = softmaxRows(gaussianMatrix(20, 16, createRng(0), 2));
  for (const x of rowEntropy(p)) assert(x > 0 && x < Math.log(16));
});

Deno.test("klRows: zero on equal rows, positive otherwise, matches a hand sum, ∞ on missing support", () => {
  const rng = createRng(1);
  const p = softmaxRows(gaussianMatrix(10, 8, rng)), q = softmaxRows(gaussianMatrix(10, 8, rng));
  for (const x of klRows(p, p)) assertEquals(x, 0);
  const kl = klRows(p, q);
  assert(kl.every((x) => x > 0));
  let hand = 0;
  for (let j = 0; j < 8; j++) hand += p.data[j]! * Math.log(p.data[j]! / q.data[j]!);
  assertLess(Math.abs(kl[0]! - hand), 1e-15);
  // Gibbs: KL(p‖q) = −H(p) − Σ p log q.
  const h = rowEntropy(p);
  let cross = 0;
  for (let j = 0; j < 8; j++) cross -= p.data[8 + j]! * Math.log(q.data[8 + j]!);
  assertAlmostEquals(kl[1]!, cross - h[1]!, 1e-14);
  assertEquals(klRows(matrix(1, 2, [0.5, 0.5]), matrix(1, 2, [1, 0]))[0], Infinity);
  assertEquals(klRows(matrix(1, 2, [1, 0]), matrix(1, 2, [0.5, 0.5]))[0], Math.log(2));
});

Deno.test("validation: rows must be distributions of the same shape", () => {
  assertThrows(
    () => rowEntropy(matrix(1, 2, [0.5, 0.6])),
    RangeError,
    "rowEntropy: the sum of p row 0 must be 1",
  );
  assertThrows(
    () => rowEntropy(matrix(1, 2, [1.5, -0.5])),
    RangeError,
    "rowEntropy: p[0][1] must be a finite number ≥ 0",
  );
  assertThrows(() => rowEntropy(matrix(2, 0)), RangeError, "p.cols must be ≥ 1");
  assertThrows(
    () => klRows(matrix(1, 2, [0.5, 0.5]), matrix(1, 3, [0.2, 0.3, 0.5])),
    RangeError,
    "klRows: q must be a 1×2 matrix",
  );
  assertThrows(
    () => klRows(matrix(1, 1, [1]), matrix(1, 1, [1]), -1),
    RangeError,
    "tol must be a non-negative",
  );
});
