import { assert, assertEquals, assertFalse, assertThrows } from "@std/assert";
import { bundleOf, DISPLAY, displayable, isDisplayable, md } from "@lib/display/mod.ts";

Deno.test("displayable: the kernel's symbol returns a fresh copy of the bundle", () => {
  assertEquals(DISPLAY, Symbol.for("Jupyter.display"));
  const d = displayable({ "text/plain": "p", "text/html": "<i>p</i>" });
  const b1 = d[Symbol.for("Jupyter.display") as typeof DISPLAY]();
  b1["text/plain"] = "changed";
  assertEquals(bundleOf(d)["text/plain"], "p");
  assertEquals(String(d), "p");
  assertEquals(Deno.inspect(d), "p");
});

Deno.test("displayable: text/plain is required; isDisplayable", () => {
  assertThrows(() => displayable({ "text/html": "x" }), TypeError, 'bundle["text/plain"] must be a string');
  assert(isDisplayable(md("x")));
  assertFalse(isDisplayable({}));
  assertFalse(isDisplayable(null));
  assertThrows(() => bundleOf({} as never), TypeError, "bundleOf: x must be a Displayable");
});

Deno.test("md: markdown and plain copies", () => {
  assertEquals(bundleOf(md("# Title\n\n$x^2$")), {
    "text/markdown": "# Title\n\n$x^2$",
    "text/plain": "# Title\n\n$x^2$",
  });
  assertThrows(() => md(1 as unknown as string), TypeError, "md: markdown must be a string");
});

Deno.test("lib/display never references Deno.jupyter", async () => {
  const dir = new URL("../../lib/display/", import.meta.url);
  let files = 0;
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".ts")) continue;
    files++;
    const src = await Deno.readTextFile(new URL(e.name, dir));
    // Strip comments and string literals: docs and messages may mention `Deno.jupyter` as what
    // to pass in a notebook.
    const code = src
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""')
      .replace(/\/\/.*$/gm, "");
    assertFalse(/Deno\s*\.\s*jupyter|Deno\s*\[/.test(code), `${e.name} references Deno.jupyter`);
  }
  assert(files >= 10);
});
