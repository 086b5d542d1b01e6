import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import {
  deflateBitsPerByte,
  imageBits,
  minLog2Vocab,
  order0EntropyBitsPerByte,
  pixelSeqLen,
} from "@lib/data/lossless_budget.ts";

Deno.test("budget: the article's numbers", () => {
  const bits = imageBits(64, 64, 3, 3);
  assertEquals(bits, 36864);
  assertEquals(minLog2Vocab(bits, 1024), 36);
  assertEquals(minLog2Vocab(bits, 256), 144);
  assertAlmostEquals(2 ** 36 / 6.87e10, 1, 1e-3);
  assertAlmostEquals(2 ** 144 / 2.23e43, 1, 1e-3);
  // every L ≤ 2304 needs log2 V ≥ 16, i.e. V ≥ 65 536
  for (const L of [2304, 1024, 256, 64, 16, 1]) assert(minLog2Vocab(bits, L) >= 16);
  assert(minLog2Vocab(bits, 2305) < 16);
});

Deno.test("pixelSeqLen: 3n² and the 48× shorter (n/4)² grid", () => {
  assertEquals(pixelSeqLen(256), 196608);
  for (const n of [64, 128, 256]) assertEquals(pixelSeqLen(n) / pixelSeqLen(n, 3, 4), 48);
  assertEquals(pixelSeqLen(8, 1), 64);
  assertThrows(
    () => pixelSeqLen(10, 3, 4),
    RangeError,
    "pixelSeqLen: down must be a divisor of n = 10, got 4",
  );
  assertThrows(() => minLog2Vocab(100, 0), RangeError, "minLog2Vocab: L must be an integer ≥ 1, got 0");
  assertThrows(() => imageBits(1, 1, 1, 0), RangeError, "bitsPerByte must be a positive number");
});

Deno.test("order-0 entropy: uniform = 8, constant = 0, two equal symbols = 1", () => {
  assertEquals(order0EntropyBitsPerByte(Uint8Array.from({ length: 512 }, (_, i) => i % 256)), 8);
  assertEquals(order0EntropyBitsPerByte(new Uint8Array(100).fill(7)), 0);
  assertAlmostEquals(
    order0EntropyBitsPerByte(Uint8Array.from({ length: 100 }, (_, i) => (i % 2) * 200)),
    1,
    1e-12,
  );
  assertThrows(() => order0EntropyBitsPerByte(new Uint8Array(0)), TypeError, "non-empty Uint8Array");
});

Deno.test("deflate: random bytes stay ≤ 8.2 bits/byte, periodic data compresses far below its order-0 entropy", () => {
  const r = createRng(1);
  const rand = Uint8Array.from({ length: 20000 }, () => r.int(256));
  const b = deflateBitsPerByte(rand);
  assert(b <= 8.2 && b > 7.9, `${b}`);
  const periodic = Uint8Array.from({ length: 20480 }, (_, i) => (i * 37) % 256);
  assert(deflateBitsPerByte(periodic) < 0.2 && order0EntropyBitsPerByte(periodic) === 8);
});
