/**
 * A progress line that updates one output in place (Jupyter `display_id`), throttled, with no
 * wall-clock time in it (outputs must be byte-identical on rerun).
 *
 * @module
 */
import { checkInt, typeError } from "../core/validate.ts";
import { type Displayable, displayable } from "./displayable.ts";
import { formatNumber } from "./format.ts";

/** Where progress is shown: `Deno.jupyter` in a notebook, or a fake in tests. */
export interface DisplaySink {
  /** Shows `obj`; with `update: true`, replaces the output created with the same `display_id`. */
  display(obj: Displayable, options?: { display_id?: string; update?: boolean }): unknown;
}

/** A running progress line. */
export interface Progress {
  /** The display id used for every update (`progress-<label>-<k>`, deterministic). */
  readonly id: string;
  /** Steps done so far. */
  readonly count: number;
  /** Advances by `n` steps (default 1); `info` values (e.g. `{ loss }`) are shown after the count. */
  tick(n?: number, info?: Record<string, number>): void;
  /** Shows the final line (`label: count/total · info`); resolves when the sink has it. */
  done(info?: Record<string, number>): Promise<void>;
}

const created = new Map<string, number>();

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "progress";
}

function checkInfo(info: unknown): Record<string, number> | undefined {
  if (info === undefined) return undefined;
  if (info === null || typeof info !== "object" || Array.isArray(info)) {
    typeError("progress", "info", "a record of name → number", info);
  }
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== "number") typeError("progress", `info.${k}`, "a number", v);
  }
  return info as Record<string, number>;
}

/**
 * Creates a progress line. The first display happens at once (`label: 0/total`) with a fresh
 * display id; later ticks update that output in place, at most every 2% of `total` (every tick
 * when `total` ≤ 50), and always when the count reaches `total`. Pass `Deno.jupyter` as `sink` in
 * a notebook; with `null` everything is a no-op (scripts, tests).
 *
 * @param sink `Deno.jupyter`-like object, or `null`.
 * @param label what is running, e.g. `"training Lion"`.
 * @param total number of steps, an integer ≥ 1.
 * @returns a {@link Progress} with `tick(n?, info?)` and `done(info?)`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bundleOf, progress, type Displayable } from "@lib/display/mod.ts";
 * const shown: string[] = [];
 * const sink = { display: (x: Displayable) => shown.push(bundleOf(x)["text/plain"] as string) };
 * const p = progress(sink, "training Lion", 4);
 * for (let i = 0; i < 4; i++) p.tick(1, { loss: 0.35214 });
 * await p.done();
 * assertEquals(shown.at(-1), "training Lion: 4/4 · loss 0.3521");
 * ```
 */
export function progress(sink: DisplaySink | null, label: string, total: number): Progress {
  if (sink !== null && (typeof sink !== "object" || typeof sink.display !== "function")) {
    typeError("progress", "sink", "an object with a display() method (Deno.jupyter) or null", sink);
  }
  if (typeof label !== "string" || label === "") typeError("progress", "label", "a non-empty string", label);
  checkInt("progress", "total", total, 1);
  const base = slug(label);
  const k = (created.get(base) ?? 0) + 1;
  created.set(base, k);
  const id = `progress-${base}-${k}`;
  const step = total <= 50 ? 1 : Math.ceil(total / 50);
  let count = 0;
  let info: Record<string, number> | undefined;
  let shownBucket = 0;
  let finished = false;
  let failure: unknown = undefined;
  const pending: Promise<unknown>[] = [];

  const text = (final: boolean): string => {
    let s = `${label}: ${count}/${total}`;
    if (!final) {
      const filled = Math.min(20, Math.floor((20 * count) / total));
      s += ` ${"█".repeat(filled)}${"░".repeat(20 - filled)}`;
    }
    if (info) {
      for (const [name, v] of Object.entries(info)) s += ` · ${name} ${formatNumber(v)}`;
    }
    return s;
  };
  const show = (final: boolean, update: boolean) => {
    if (sink === null) return;
    if (failure !== undefined) throw failure;
    const r = sink.display(displayable({ "text/plain": text(final) }), { display_id: id, update });
    if (r instanceof Promise) {
      // Keep failures for the next call instead of letting them become unhandled rejections.
      pending.push(r.catch((e) => {
        failure ??= e;
      }));
      if (pending.length > 64) pending.splice(0, pending.length - 8);
    }
  };

  show(false, false);
  return {
    id,
    get count() {
      return count;
    },
    tick(n = 1, newInfo?: Record<string, number>) {
      if (finished) throw new Error(`progress: tick() after done() for ${JSON.stringify(label)}`);
      checkInt("progress", "n", n, 0);
      info = checkInfo(newInfo) ?? info;
      count += n;
      // One update per `step` steps, and one when the count reaches `total`.
      const bucket = count >= total ? Infinity : Math.floor(count / step);
      if (bucket > shownBucket) {
        shownBucket = bucket;
        show(false, true);
      }
    },
    async done(finalInfo?: Record<string, number>) {
      if (finished) return;
      info = checkInfo(finalInfo) ?? info;
      finished = true;
      show(true, true);
      await Promise.all(pending);
      if (failure !== undefined) throw failure;
    },
  };
}
