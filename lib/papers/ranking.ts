/**
 * Stars from a simulated click log, the `-sorted-by-stars` view, and the position-bias correction by
 * inverse propensity (O11).
 *
 * Model (the project's, not the article's): readers scan the list top-down, so position r (0-based) is
 * examined with probability e(r); an examined paper with latent appeal q is opened ([PDF]) with
 * probability σ(q − 2); a [PDF] click is followed by a [Kimi] click with probability `kimiRate`.
 * $\text{stars}_i = \#\text{PDF}_i + \#\text{Kimi}_i$.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkInt, checkLength, checkPositive, checkRange, typeError } from "../core/validate.ts";

/** One click of the simulated log; `t` in minutes of the day. */
export type ClickEvent = { user: number; paper: number; kind: "pdf" | "kimi"; t: number };

/**
 * Simulates `users` readers who each scan the list in its default order (paper i at position i) once.
 * Reader u arrives at a uniform time in [t0, t1) and spends `scan` minutes per position; paper i is
 * opened with probability $e(i)\,\sigma(q_i - 2)$; each opening is followed, with probability `kimiRate`,
 * by a [Kimi] click an Exp(`kimiDelay`) time later. Events come back sorted by time.
 *
 * @param n number of papers
 * @param users number of readers
 * @param appeal latent appeal q_i, length n
 * @param exam examination probability of a 0-based position, values in [0, 1]
 * @param rng the random stream
 * @param opts `kimiRate` 0.3, `t0` 600, `t1` 840, `scan` 0.1, `kimiDelay` 2 (minutes)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { simulateClicks } from "@lib/papers/ranking.ts";
 * const r = simulateClicks(3, 50, new Float64Array([5, 0, -5]), () => 1, createRng(0));
 * assertEquals(r.pdf[0]! > r.pdf[2]!, true);
 * assertEquals(r.events.length, r.pdf.reduce((a, b) => a + b, 0) + r.kimi.reduce((a, b) => a + b, 0));
 * ```
 */
export function simulateClicks(
  n: number,
  users: number,
  appeal: Float64Array,
  exam: (rank: number) => number,
  rng: Rng,
  opts: { kimiRate?: number; t0?: number; t1?: number; scan?: number; kimiDelay?: number } = {},
): { pdf: Int32Array; kimi: Int32Array; events: ClickEvent[] } {
  const where = "simulateClicks";
  checkInt(where, "n", n, 1);
  checkInt(where, "users", users, 0);
  checkLength(where, "appeal", appeal, n);
  if (typeof exam !== "function") typeError(where, "exam", "a function of the rank", exam);
  const kimiRate = checkRange(where, "opts.kimiRate", opts.kimiRate ?? 0.3, 0, 1);
  const t0 = opts.t0 ?? 600, t1 = checkRange(where, "opts.t1", opts.t1 ?? 840, t0, Infinity);
  const scan = checkRange(where, "opts.scan", opts.scan ?? 0.1, 0, Infinity);
  const delay = checkPositive(where, "opts.kimiDelay", opts.kimiDelay ?? 2);
  const e = Float64Array.from({ length: n }, (_, r) => checkRange(where, `exam(${r})`, exam(r), 0, 1));
  const pdf = new Int32Array(n), kimi = new Int32Array(n), events: ClickEvent[] = [];
  for (let u = 0; u < users; u++) {
    const start = t0 + (t1 - t0) * rng();
    for (let i = 0; i < n; i++) {
      if (rng() >= e[i]! / (1 + Math.exp(2 - appeal[i]!))) continue;
      const t = start + scan * i;
      pdf[i]!++;
      events.push({ user: u, paper: i, kind: "pdf", t });
      if (rng() < kimiRate) {
        kimi[i]!++;
        events.push({ user: u, paper: i, kind: "kimi", t: t - delay * Math.log(1 - rng()) });
      }
    }
  }
  events.sort((a, b) => a.t - b.t || a.user - b.user || a.paper - b.paper);
  return { pdf, kimi, events };
}

/**
 * The `-sorted-by-stars` view: items by stars descending; the sort is stable, so ties keep the input
 * (arXiv) order.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sortByStars } from "@lib/papers/ranking.ts";
 * assertEquals(sortByStars(["a", "b", "c", "d"], [1, 3, 1, 3]), ["b", "d", "a", "c"]);
 * ```
 */
export function sortByStars<T>(items: T[], stars: ArrayLike<number>): T[] {
  if (!Array.isArray(items)) typeError("sortByStars", "items", "an array", items);
  checkLength("sortByStars", "stars", stars, items.length);
  return items.map((x, i) => ({ x, i, s: stars[i]! })).sort((a, b) => b.s - a.s || a.i - b.i).map((o) => o.x);
}

/**
 * Inverse-propensity scores $\widehat q_i \propto \text{clicks}_i / e(r_i)$: clicks divided by the
 * examination probability of the position where the item was shown.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ipsScores } from "@lib/papers/ranking.ts";
 * assertEquals(ipsScores([10, 5], [1, 0.5]), new Float64Array([10, 10]));
 * ```
 */
export function ipsScores(clicks: ArrayLike<number>, exam: ArrayLike<number>): Float64Array {
  checkLength("ipsScores", "clicks", clicks);
  checkLength("ipsScores", "exam", exam, clicks.length);
  return Float64Array.from(clicks, (c, i) => c / checkRange("ipsScores", `exam[${i}]`, exam[i], 0, 1, "lo"));
}
