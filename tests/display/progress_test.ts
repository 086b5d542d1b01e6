import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { bundleOf, type Displayable, progress } from "@lib/display/mod.ts";

type Call = { text: string; display_id?: string; update?: boolean };

function fakeSink() {
  const calls: Call[] = [];
  return {
    calls,
    display(x: Displayable, o?: { display_id?: string; update?: boolean }) {
      calls.push({ text: bundleOf(x)["text/plain"] as string, display_id: o?.display_id, update: o?.update });
      return Promise.resolve();
    },
  };
}

Deno.test("progress: first display, then updates with the same display_id; final text", async () => {
  const sink = fakeSink();
  const p = progress(sink, "training Lion", 1000);
  for (let i = 0; i < 1000; i++) p.tick(1, { loss: 1 / (i + 1) + 0.3511 });
  await p.done();
  const [first, ...rest] = sink.calls;
  assert(first);
  assertEquals(first.update, false);
  assert(first.display_id && first.display_id.startsWith("progress-training-lion-"));
  assertEquals(first.text, "training Lion: 0/1000 ░░░░░░░░░░░░░░░░░░░░");
  for (const c of rest) {
    assertEquals(c.display_id, first.display_id);
    assertEquals(c.update, true);
  }
  // Throttled: every 20 steps (2%) → 50 updates, plus the final line.
  assertEquals(rest.length, 51);
  assertEquals(rest[0]!.text, "training Lion: 20/1000 ░░░░░░░░░░░░░░░░░░░░ · loss 0.4011");
  assertEquals(rest.at(-1)!.text, "training Lion: 1000/1000 · loss 0.3521");
  assertEquals(p.count, 1000);
});

Deno.test("progress: every tick shown when total ≤ 50; ids are fresh and deterministic per label", async () => {
  const sink = fakeSink();
  const a = progress(sink, "fit", 5);
  const b = progress(sink, "fit", 5);
  const ia = Number(a.id.split("-").at(-1)), ib = Number(b.id.split("-").at(-1));
  assertEquals(ib, ia + 1);
  for (let i = 0; i < 5; i++) a.tick();
  assertEquals(sink.calls.filter((c) => c.display_id === a.id).length, 6);
  await a.done({ acc: 0.98765 });
  assertEquals(sink.calls.at(-1)!.text, "fit: 5/5 · acc 0.9877");
  assertThrows(() => a.tick(), Error, "tick() after done()");
  await a.done(); // a second done() is a no-op
});

Deno.test("progress: null sink is a no-op; validation", async () => {
  const p = progress(null, "quiet", 3);
  p.tick(3);
  await p.done();
  assertThrows(() => progress(null, "x", 0), RangeError, "progress: total must be an integer ≥ 1, got 0");
  assertThrows(() => progress(null, "", 3), TypeError, "progress: label");
  assertThrows(() => progress({} as never, "x", 3), TypeError, "progress: sink");
  assertThrows(() => progress(null, "x", 3).tick(-1), RangeError, "progress: n");
  assertThrows(
    () => progress(null, "x", 3).tick(1, { loss: "a" as unknown as number }),
    TypeError,
    "info.loss",
  );
});

Deno.test("progress: a failing sink surfaces at done(), not as an unhandled rejection", async () => {
  const sink = { display: () => Promise.reject(new Error("iopub closed")) };
  const p = progress(sink, "x", 2);
  await assertRejects(() => p.done(), Error, "iopub closed");
});
