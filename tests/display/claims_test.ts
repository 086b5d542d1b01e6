import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { bundleOf, Claims } from "@lib/display/mod.ts";

Deno.test("Claims: all pass → table headed Claims with ✔ and a summary", () => {
  const c = new Claims();
  assertEquals(
    c.check("Tiger with β1 = β2 equals Lion", true, { measured: 2.3e-9, expected: "< 1e-6" }),
    true,
  );
  c.check("loss ratio ≈ 2", Math.abs(2.01 - 2) < 0.05, { measured: 2.01, expected: 2 });
  const b = bundleOf(c.report());
  assertEquals(Object.keys(b).sort(), ["text/html", "text/markdown", "text/plain"]);
  const plain = b["text/plain"] as string;
  assertEquals(plain.split("\n")[0], "Claims: 2/2 ✔");
  assertStringIncludes(plain, "Tiger with β1 = β2 equals Lion  2.3e-9    < 1e-6    ✔");
  assertStringIncludes(b["text/html"] as string, "<caption>Claims</caption>");
  assertStringIncludes(b["text/html"] as string, '<th style="text-align: left">claim</th>');
  assertStringIncludes(b["text/markdown"] as string, "**Claims**");
});

Deno.test("Claims: a failed claim makes report() throw with name, measured and expected", () => {
  const c = new Claims();
  c.check("ok claim", true);
  c.check("loss decreases below 0.5", false, { measured: 0.9123, expected: "< 0.5" });
  const err = 0 / 0; // a NaN from a broken computation
  c.check("NaN comparison fails", err < 1, { measured: err, expected: "< 1" });
  const e = assertThrows(() => c.report(), Error, "2 of 3 claims failed");
  const msg = (e as Error).message;
  assertStringIncludes(msg, "✘ loss decreases below 0.5: measured 0.9123, expected < 0.5");
  assertStringIncludes(msg, "✘ NaN comparison fails: measured NaN, expected < 1");
  assertStringIncludes(msg, "Claims: 1/3 ✔");
});

Deno.test("Claims: non-boolean pass, bad names, duplicates, empty report", () => {
  const c = new Claims();
  assertThrows(
    () => c.check("x", NaN as unknown as boolean),
    TypeError,
    'pass (claim "x") must be a boolean, got NaN',
  );
  assertThrows(() => c.check("x", 1 as unknown as boolean), TypeError, "must be a boolean");
  assertThrows(() => c.check("x", undefined as unknown as boolean), TypeError, "must be a boolean");
  assertThrows(() => c.check("", true), TypeError, "Claims.check: name must be a non-empty string");
  assertThrows(() => c.check("x", true, { measured: {} as unknown as number }), TypeError, "detail.measured");
  assertThrows(() => new Claims().report(), Error, "no claims were checked");
  c.check("x", true);
  assertThrows(() => c.check("x", true), RangeError, 'claim "x" was already checked');
  assertEquals(c.results, [{ name: "x", pass: true, measured: "", expected: "" }]);
});
