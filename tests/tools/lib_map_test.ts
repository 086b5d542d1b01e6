import { assert, assertEquals } from "@std/assert";
import { libMap } from "../../tools/lib_map.ts";

Deno.test("lib/README.md is the current map of lib/ (regenerate: deno run -A tools/lib_map.ts)", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  const committed = await Deno.readTextFile(`${root}lib/README.md`);
  const fresh = await libMap();
  if (committed !== fresh) {
    const a = committed.split("\n"), b = fresh.split("\n");
    const i = a.findIndex((l, k) => l !== b[k]);
    assertEquals(a[i], b[i], `lib/README.md is stale from line ${i + 1}: run deno run -A tools/lib_map.ts`);
  }
  // every area of lib/ has a section
  for (const e of Deno.readDirSync(`${root}lib`)) {
    if (e.isDirectory) assert(fresh.includes(`## lib/${e.name}\n`), `section for lib/${e.name}`);
  }
});
