import { assert, assertEquals, assertThrows } from "@std/assert";
import { bandMask } from "@lib/attention/masks.ts";
import { hwfaMaxWindow, maskReach, receptiveField } from "@lib/attention/receptive_field.ts";
import { matrix } from "@lib/core/matrix.ts";

Deno.test("maskReach of stacked causal windows: every row reaches min(i + 1, (w − 1)L + 1) tokens", () => {
  const n = 128;
  for (const w of [2, 3, 5, 8]) {
    const mask = bandMask(n, w, { causal: true });
    for (const layers of [1, 2, 3, 4]) {
      const reach = maskReach(mask, layers), rf = receptiveField(w, layers);
      assertEquals(reach[n - 1]!.filter(Boolean).length, rf, `w=${w} L=${layers}`);
      for (let i = 0; i < n; i++) {
        const row = reach[i]!;
        assertEquals(row.filter(Boolean).length, Math.min(i + 1, rf));
        // contiguous block ending at i, nothing in the future
        assert(row.every((b, j) => b === (j <= i && i - j < rf)), `row ${i}`);
      }
    }
  }
});

Deno.test("maskReach: full causal attention reaches every earlier token in one layer; identity stays put", () => {
  const n = 9, full = bandMask(n, n, { causal: true });
  assert(maskReach(full, 1).every((row, i) => row.every((b, j) => b === j <= i)));
  const none = matrix(n, n); // attends nowhere: only the residual stream
  assert(maskReach(none, 5).every((row, i) => row.every((b, j) => b === (i === j))));
  // a "previous token only" mask (shift) composes to a band of width L + 1
  const prev = matrix(n, n);
  for (let i = 1; i < n; i++) prev.data[i * n + i - 1] = 1;
  assertEquals(maskReach(prev, 3)[8]!.filter(Boolean).length, 4);
});

Deno.test("receptiveField and hwfaMaxWindow: the article's numbers and the defining inequality", () => {
  assertEquals(receptiveField(16, 23), 346);
  assertEquals(receptiveField(32, 23), 714); // ablation 6: > 512
  assertEquals(receptiveField(7, 0), 1);
  assertEquals(hwfaMaxWindow(512, 24, 0.75), 17);
  assertEquals(hwfaMaxWindow(64, 2, 0.5), 32);
  for (
    const [n, l, a] of [[512, 24, 0.75], [64, 2, 0.5], [100, 5, 1], [4096, 12, 0.3], [64, 3, 0.75]] as const
  ) {
    const w = hwfaMaxWindow(n, l, a);
    assert(receptiveField(w, l - 1) <= a * n + 1e-9, `${n},${l},${a}`);
    assert(receptiveField(w + 1, l - 1) > a * n, `${n},${l},${a}: w is the largest`);
  }
});

Deno.test("receptive-field helpers reject bad arguments", () => {
  assertThrows(() => maskReach(matrix(2, 3), 1), RangeError, "square");
  assertThrows(() => maskReach(matrix(2, 2), 0), RangeError, "layers");
  assertThrows(() => receptiveField(0, 2), RangeError, "w");
  assertThrows(() => hwfaMaxWindow(64, 1, 0.5), RangeError, "layers");
  assertThrows(() => hwfaMaxWindow(64, 2, 1.5), RangeError, "alpha");
  assertThrows(() => hwfaMaxWindow(64, 2, 0), RangeError, "alpha");
  assertThrows(() => hwfaMaxWindow(16, 24, 0.75), RangeError, "alpha·trainLen");
});
