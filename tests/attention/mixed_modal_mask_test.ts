import { assert, assertEquals, assertThrows } from "@std/assert";
import { mixedModalMask } from "@lib/attention/mixed_modal_mask.ts";

Deno.test("mixedModalMask: text causal, image blocks bidirectional, nothing sees a later segment", () => {
  const segs = [
    { kind: "text", len: 6 },
    { kind: "image", len: 9 },
    { kind: "text", len: 4 },
    { kind: "image", len: 3 },
  ] as const;
  const m = mixedModalMask([...segs]), L = 22;
  assertEquals(m.length, L * L);
  const at = (i: number, j: number) => m[i * L + j]!;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < L; j++) assertEquals(at(i, j), j <= i ? 1 : 0, `text ${i},${j}`);
  }
  for (let i = 6; i < 15; i++) {
    for (let j = 0; j < L; j++) assertEquals(at(i, j), j < 15 ? 1 : 0, `image ${i},${j}`);
  }
  for (let i = 15; i < 19; i++) {
    for (let j = 0; j < L; j++) assertEquals(at(i, j), j <= i ? 1 : 0, `text2 ${i},${j}`);
  }
  for (let i = 19; i < 22; i++) for (let j = 0; j < L; j++) assertEquals(at(i, j), 1, `image2 ${i},${j}`);
  // all-text is the plain causal mask
  const c = mixedModalMask([{ kind: "text", len: 5 }]);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert(c[i * 5 + j] === (j <= i ? 1 : 0));
});

Deno.test("mixedModalMask: bad input", () => {
  assertThrows(() => mixedModalMask([]), TypeError, "mixedModalMask: segments must be a non-empty array");
  assertThrows(
    () => mixedModalMask([{ kind: "text", len: 0 }]),
    RangeError,
    "segments[0].len must be an integer ≥ 1",
  );
  assertThrows(
    () => mixedModalMask([{ kind: "audio" as unknown as "text", len: 2 }]),
    RangeError,
    'segments[0].kind must be "text" or "image"',
  );
});
