/**
 * Regenerates the notebook table in README.md (between `<!-- notebooks:start -->` and
 * `<!-- notebooks:end -->`) from data/catalog.json and the notebooks present, so a new notebook needs no
 * hand-edited list. Runtimes come from a timings file written by
 * `deno task reproduce --timings-out FILE` (seconds per notebook, 2-core machine).
 *
 * usage: deno run -A tools/readme_table.ts [--timings FILE]
 *
 * @module
 */
import { parseArgs } from "node:util";

import type { Catalog } from "./book/build.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

const { values } = parseArgs({ args: Deno.args, options: { timings: { type: "string" } } });
const catalog = JSON.parse(await Deno.readTextFile(`${root}/data/catalog.json`)) as Catalog;
const timings: Record<string, number> = values.timings
  ? JSON.parse(await Deno.readTextFile(values.timings))
  : {};
const byId = new Map<string, string>();
for (const e of [...Deno.readDirSync(`${root}/notebooks`)].filter((e) => e.name.endsWith(".ipynb"))) {
  const nb = JSON.parse(await Deno.readTextFile(`${root}/notebooks/${e.name}`));
  byId.set(nb.metadata?.kexue?.id, e.name);
}
const rows = catalog.articles.filter((a) => byId.has(a.id)).sort((a, b) => a.id.localeCompare(b.id));
const lines = [
  "| id | article | date | topic | runtime¹ |",
  "|---|---|---|---|---|",
  ...rows.map((a) => {
    const file = byId.get(a.id)!;
    const title = a.zh ? `${a.zh} — ${a.en}` : a.en;
    const link = a.url ? `[${title}](${a.url})` : title;
    const t = timings[`notebooks/${file}`];
    return `| ${a.id} | ${link} · [notebook](notebooks/${file}) | ${a.date ?? "—"} | ${a.topic} | ${
      t === undefined ? "—" : `${Math.max(1, Math.round(t))} s`
    } |`;
  }),
];
const readme = await Deno.readTextFile(`${root}/README.md`);
const re = /<!-- notebooks:start -->[\s\S]*<!-- notebooks:end -->/;
if (!re.test(readme)) {
  throw new Error("README.md has no <!-- notebooks:start --> … <!-- notebooks:end --> block");
}
await Deno.writeTextFile(
  `${root}/README.md`,
  readme.replace(re, `<!-- notebooks:start -->\n${lines.join("\n")}\n<!-- notebooks:end -->`),
);
console.log(`README table: ${rows.length} notebooks`);
