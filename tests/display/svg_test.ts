import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { bundleOf } from "@lib/display/displayable.ts";
import { latticeSvg } from "@lib/display/svg.ts";

const lat = {
  length: 3,
  symbols: ["a", "<", "b"],
  edges: [{ s: 0, e: 1, v: -1 }, { s: 1, e: 2, v: -2 }, { s: 0, e: 2, v: -1.5 }, { s: 2, e: 3, v: -0.5 }],
};

Deno.test("latticeSvg: one arc per edge, highlighted path, escaping, determinism", () => {
  const b = bundleOf(latticeSvg(lat, { highlight: [0, 2, 3], title: "t&t" }));
  const svg = b["image/svg+xml"] as string;
  assert(svg.startsWith("<svg") && svg.endsWith("</svg>"));
  assertEquals(svg.match(/class="edge/g)?.length, 4);
  assertEquals(svg.match(/class="edge hl"/g)?.length, 2);
  assertStringIncludes(svg, "&lt;");
  assertStringIncludes(svg, "t&amp;t");
  assertStringIncludes(svg, "a&lt; -1.50");
  assertEquals(b["text/plain"], 't&t: lattice of "a<b" (4 edges, highlighted 2)');
  assertEquals(bundleOf(latticeSvg(lat, { highlight: [0, 2, 3], title: "t&t" }))["image/svg+xml"], svg);
  const bare = bundleOf(latticeSvg(lat, { labels: false }))["image/svg+xml"] as string;
  assert(!bare.includes("-1.50") && !bare.includes('class="edge hl"'));
});

Deno.test("latticeSvg: validation", () => {
  assertThrows(() => latticeSvg(lat, { highlight: [0, 3, 2] }), RangeError, "highlight");
  assertThrows(() => latticeSvg(lat, { highlight: [1, 3] }), RangeError, "highlight");
  assertThrows(() => latticeSvg({ ...lat, edges: [{ s: 2, e: 2, v: 0 }] }), RangeError, "edge");
  assertThrows(() => latticeSvg({ ...lat, symbols: ["a"] }), RangeError, "lat.symbols.length");
  assertThrows(() => latticeSvg(null as unknown as typeof lat), TypeError, "lat");
});
