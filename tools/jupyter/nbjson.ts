/**
 * Serializes a notebook the way Jupyter does (`json.dumps(nb, sort_keys=True, indent=1,
 * ensure_ascii=False)` plus a final newline), so that saving in JupyterLab and re-executing here give
 * the same bytes and small diffs.
 *
 * @module
 */

/** A deep copy with object keys in sorted order. */
export function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x && typeof x === "object") {
    const o = x as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return x;
}

/** The notebook's file text: keys sorted, one-space indent, trailing newline. */
export function notebookToJson(nb: unknown): string {
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}
