/**
 * The small synthetic arXiv-like listing committed under `data/papers/` (O11): 3 days × 4 categories of
 * generated papers rendered as listing pages, plus one multi-day page whose newest day has 20 entries
 * (older days 25 each) for the "older papers leak in" bug. Regenerate with
 * `deno run -A lib/papers/sample_data.ts`; a test checks that this reproduces the committed bytes.
 *
 * @module
 */
import { generateListing, type Paper, renderListingHtml } from "./listing.ts";

/** The parameters of the committed sample. */
export const SAMPLE = {
  days: ["2023-12-20", "2023-12-21", "2023-12-22"],
  categories: ["cs.AI", "cs.CL", "cs.LG", "stat.ML"],
  seed: 9907,
} as const;

/**
 * The generated papers of the sample (each once, section relative to its primary category).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { samplePapers } from "@lib/papers/sample_data.ts";
 * assertEquals(samplePapers(), samplePapers());
 * ```
 */
export function samplePapers(): Paper[] {
  return generateListing({ days: [...SAMPLE.days], categories: [...SAMPLE.categories], seed: SAMPLE.seed });
}

/** The papers of the multi-day page: cs.AI, 25 entries per day, the newest day cut to 20. */
export function multiDayPapers(): Paper[] {
  const ps = generateListing({
    days: ["2023-12-18", "2023-12-19", "2023-12-20"],
    categories: ["cs.AI"],
    seed: SAMPLE.seed + 1,
    perDay: [25, 25],
    crossRate: 0,
    replaceRate: 0,
  });
  return ps.slice(0, 70);
}

/**
 * Every file of the sample: name (relative to `data/papers/`) → content.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sampleListingFiles } from "@lib/papers/sample_data.ts";
 * const files = sampleListingFiles();
 * assertEquals(Object.keys(files).length, 13);
 * assertEquals(files["listing-cs.AI-2023-12-22.html"]?.startsWith("<!DOCTYPE html>"), true);
 * ```
 */
export function sampleListingFiles(): Record<string, string> {
  const ps = samplePapers(), out: Record<string, string> = {};
  for (const day of SAMPLE.days) {
    for (const c of SAMPLE.categories) {
      out[`listing-${c}-${day}.html`] = renderListingHtml(ps.filter((p) => p.day === day), c);
    }
  }
  out["multiday-cs.AI.html"] = renderListingHtml(multiDayPapers(), "cs.AI");
  return out;
}

if (import.meta.main) {
  const dir = new URL("../../data/papers/", import.meta.url);
  Deno.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(sampleListingFiles())) {
    Deno.writeTextFileSync(new URL(name, dir), text);
  }
  console.log(`wrote ${Object.keys(sampleListingFiles()).length} files to data/papers/`);
}
