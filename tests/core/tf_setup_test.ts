import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects } from "@std/assert";
import { initTf, type TfBackend } from "@lib/core/tf_setup.ts";
import { wasmGapFillStatus } from "@lib/core/tf_ops.ts";

Deno.test("initTf() switches to wasm, verifies it and installs the gap-fills", async () => {
  assertEquals(await initTf(), "wasm");
  assertEquals(tf.getBackend(), "wasm");
  const status = wasmGapFillStatus();
  for (const [name, ok] of Object.entries(status)) assert(ok, `${name} not installed by initTf`);
  // the backend really computes (a kernel that only the fills provide)
  const g = tf.grad((e: tf.Tensor) => tf.gather(e, [1, 1]).sum())(tf.ones([2, 3]));
  assertEquals(Array.from(g.dataSync()), [0, 0, 0, 2, 2, 2]);
  g.dispose();
});

Deno.test("initTf is idempotent and switches between cpu and wasm", async () => {
  const before = tf.memory().numTensors;
  assertEquals(await initTf("wasm"), "wasm");
  assertEquals(await initTf("wasm"), "wasm");
  assertEquals(tf.getBackend(), "wasm");
  try {
    assertEquals(await initTf("cpu"), "cpu");
    assertEquals(tf.getBackend(), "cpu");
    assertEquals(await initTf("cpu"), "cpu");
  } finally {
    assertEquals(await initTf("wasm"), "wasm");
  }
  assertEquals(tf.getBackend(), "wasm");
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("initTf rejects an unknown backend without switching", async () => {
  await initTf("wasm");
  await assertRejects(
    () => initTf("webgl" as TfBackend),
    RangeError,
    'initTf: backend must be "wasm" or "cpu", got "webgl"',
  );
  await assertRejects(
    () => initTf(undefined as unknown as TfBackend).then(() => initTf(3 as unknown as TfBackend)),
    RangeError,
  );
  assertEquals(tf.getBackend(), "wasm");
});
