import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { type AttnKind, decodeCost, kvCacheBytes, kvCachePerToken } from "@lib/attention/kv_cache.ts";

Deno.test("kvCachePerToken: the article's configurations", () => {
  assertEquals(kvCachePerToken("mha", { h: 32, dk: 128, dv: 128 }), 8192);
  assertEquals(kvCachePerToken("gqa", { h: 64, g: 8, dk: 128, dv: 128 }), 2048);
  assertEquals(kvCachePerToken("mqa", { dk: 128, dv: 128 }), 256);
  assertEquals(kvCachePerToken("mla", { dc: 512, dr: 64 }), 576);
  assertEquals(kvCachePerToken("mla", { dc: 512 }), 512);
  const ratio = kvCachePerToken("mha", { h: 128, dk: 128, dv: 128 }) /
    kvCachePerToken("mla", { dc: 512, dr: 64 });
  assertAlmostEquals(ratio, 56.89, 0.01);
});

Deno.test("kvCachePerToken: GQA interpolates, g = h is MHA and g = 1 is MQA, cache ratio g/h", () => {
  const dims = { h: 16, dk: 64, dv: 32 };
  assertEquals(kvCachePerToken("gqa", { ...dims, g: 16 }), kvCachePerToken("mha", dims));
  assertEquals(kvCachePerToken("gqa", { ...dims, g: 1 }), kvCachePerToken("mqa", dims));
  for (const g of [1, 2, 4, 8, 16]) {
    assertEquals(kvCachePerToken("gqa", { ...dims, g }) / kvCachePerToken("mha", dims), g / 16);
  }
});

Deno.test("kvCacheBytes and decodeCost", () => {
  const mha = { h: 32, dk: 128, dv: 128 };
  assertEquals(kvCacheBytes("mha", mha, { layers: 32, context: 4096 }), 2 ** 31);
  assertEquals(kvCacheBytes("mha", mha, { layers: 32, context: 4096, batch: 2, bytesPerElem: 4 }), 2 ** 33);
  const c = decodeCost("gqa", { h: 64, g: 8, dk: 128, dv: 128 }, 100);
  assertEquals(c, {
    flops: 64 * 100 * 256,
    cacheBytes: 2048 * 100 * 2,
    qkHead: 128,
    vHead: 128,
    intensity: 4,
  });
  const mla = decodeCost("mla", { h: 128, dc: 512, dr: 64, dk: 128, dv: 128 }, 32768);
  const mhaBig = decodeCost("mha", { h: 128, dk: 128, dv: 128 }, 32768);
  assertEquals([mla.qkHead, mla.vHead], [576, 512]);
  assertAlmostEquals(mhaBig.cacheBytes / mla.cacheBytes, 32768 / 576, 1e-12);
  assertAlmostEquals(mla.flops / mhaBig.flops, (576 + 512) / 256, 1e-12); // 4.25× the attention arithmetic
});

Deno.test("kv cache: bad input throws with the argument named", () => {
  assertThrows(
    () => kvCachePerToken("gqa", { h: 8, g: 3, dk: 4, dv: 4 }),
    RangeError,
    "dims.g must be a divisor of h = 8",
  );
  assertThrows(() => kvCachePerToken("mha", { dk: 4, dv: 4 }), RangeError, 'dims.h must be given for "mha"');
  assertThrows(() => kvCachePerToken("mla", { dr: 64 }), RangeError, "dims.dc");
  assertThrows(
    () => kvCachePerToken("mqa", { dk: 1.5, dv: 4 }),
    RangeError,
    "dims.dk must be an integer ≥ 1",
  );
  assertThrows(() => kvCachePerToken("xqa" as AttnKind, {}), RangeError, "kind must be");
  assertThrows(
    () => kvCacheBytes("mqa", { dk: 4, dv: 4 }, { layers: 0, context: 1 }),
    RangeError,
    "opts.layers",
  );
  assertThrows(() => decodeCost("mqa", { dk: 4, dv: 4 }, 10), RangeError, "dims.h");
  assertThrows(
    () => decodeCost("mqa", { h: 2, dk: 4, dv: 4 }, 0),
    RangeError,
    "context must be an integer ≥ 1",
  );
});
