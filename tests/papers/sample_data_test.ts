import { assertEquals } from "@std/assert";
import { sampleListingFiles } from "@lib/papers/sample_data.ts";

Deno.test("data/papers: regenerating the sample gives the committed bytes", () => {
  const dir = new URL("../../data/papers/", import.meta.url);
  const files = sampleListingFiles();
  const committed = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".html")).sort();
  assertEquals(committed, Object.keys(files).sort());
  for (const [name, text] of Object.entries(files)) {
    assertEquals(Deno.readTextFileSync(new URL(name, dir)), text, name);
  }
});
