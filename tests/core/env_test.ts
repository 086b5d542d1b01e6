import { assertEquals, assertThrows } from "@std/assert";
import { readEnv, threadsFromEnv } from "@lib/core/env.ts";

Deno.test("readEnv: set, unset", () => {
  Deno.env.set("KEXUE_ENV_TEST", "x");
  try {
    assertEquals(readEnv("KEXUE_ENV_TEST"), "x");
  } finally {
    Deno.env.delete("KEXUE_ENV_TEST");
  }
  assertEquals(readEnv("KEXUE_ENV_TEST"), undefined);
});

Deno.test("threadsFromEnv: counts, empty, on/off words only when asked, clear errors", () => {
  assertEquals(threadsFromEnv("f", "V", 8, "3"), 3);
  assertEquals(threadsFromEnv("f", "V", 8, " 8 "), 8);
  assertEquals(threadsFromEnv("f", "V", 8, ""), undefined);
  assertEquals(threadsFromEnv("f", "V", 8, undefined), undefined);
  assertEquals(threadsFromEnv("f", "V", 8, "off", true), undefined);
  assertEquals(threadsFromEnv("f", "V", 8, "0", true), undefined);
  assertEquals(threadsFromEnv("f", "V", 8, "on", true), 1);
  assertThrows(() => threadsFromEnv("f", "V", 8, "on"), RangeError, "f: V must be an integer in [1, 8]");
  assertThrows(() => threadsFromEnv("f", "V", 8, "0"), RangeError, "an integer in [1, 8]");
  assertThrows(
    () => threadsFromEnv("f", "V", 8, "9", true),
    RangeError,
    '"0"/"off", "1"/"on", or a thread count',
  );
  assertThrows(() => threadsFromEnv("f", "V", 8, "2.5"), RangeError, "2.5");
});
