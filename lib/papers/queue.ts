/**
 * A discrete-event job queue with a result cache and request coalescing (O11's [Kimi] FAQ queue) and
 * priority classes (O12's VIP > today > history). Non-preemptive; `servers` identical workers.
 *
 * A job (a click) with a `key` (the paper) arriving at time t:
 * - `cache`: if the key's result was finished by t, it is served at once (wait 0, response 0, cached);
 * - `coalesce`: if the key is queued or running, the click joins that job (same start and finish);
 * - otherwise it is queued. The next job to start is the first by (arrival, id) under `"fifo"` and by
 *   (priority, arrival, id) under `"priority"` (a smaller number is served first).
 *
 * wait = start − arrival (clipped at 0 for a join of a running job), response = finish − arrival.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import {
  checkFinite,
  checkInt,
  checkNonNegative,
  checkPositive,
  rangeError,
  typeError,
} from "../core/validate.ts";

/** A request. `key` identifies the work (the paper); jobs without a key never share work. */
export type Job = { id: string; arrival: number; priority: number; service: number; key?: string };

/** The outcome of one job; `servedBy` is the id of the job whose work answered it. */
export type JobResult = {
  id: string;
  start: number;
  finish: number;
  wait: number;
  response: number;
  cached: boolean;
  servedBy: string;
};

/**
 * Runs the queue and returns one result per job, in the input order.
 *
 * @param jobs the requests (ids unique)
 * @param opts `discipline`; `servers` 1; `cache` false; `coalesce` false
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { simulateQueue } from "@lib/papers/queue.ts";
 * const jobs = [
 *   { id: "a", arrival: 0, priority: 2, service: 1, key: "p1" },
 *   { id: "b", arrival: 0.5, priority: 2, service: 1, key: "p2" },
 *   { id: "c", arrival: 0.6, priority: 0, service: 1, key: "p1" }, // joins a's running job
 *   { id: "d", arrival: 5, priority: 2, service: 1, key: "p2" }, // p2 is done: cached
 * ];
 * const r = simulateQueue(jobs, { discipline: "priority", cache: true, coalesce: true });
 * assertEquals(r.map((x) => x.finish), [1, 2, 1, 5]);
 * assertEquals(r.map((x) => x.cached), [false, false, false, true]);
 * ```
 */
export function simulateQueue(
  jobs: Job[],
  opts: { discipline: "fifo" | "priority"; servers?: number; cache?: boolean; coalesce?: boolean },
): JobResult[] {
  const where = "simulateQueue";
  if (!Array.isArray(jobs)) typeError(where, "jobs", "an array of jobs", jobs);
  if (opts.discipline !== "fifo" && opts.discipline !== "priority") {
    rangeError(where, "opts.discipline", '"fifo" or "priority"', opts.discipline);
  }
  const servers = checkInt(where, "opts.servers", opts.servers ?? 1, 1);
  const ids = new Set<string>();
  jobs.forEach((j, i) => {
    checkFinite(where, `jobs[${i}].arrival`, j.arrival);
    checkFinite(where, `jobs[${i}].priority`, j.priority);
    checkNonNegative(where, `jobs[${i}].service`, j.service);
    if (ids.has(j.id)) rangeError(where, `jobs[${i}].id`, "unique", j.id);
    ids.add(j.id);
  });
  const byArrival = (a: Job, b: Job) => a.arrival - b.arrival || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const before = opts.discipline === "fifo"
    ? byArrival
    : (a: Job, b: Job) => a.priority - b.priority || byArrival(a, b);
  const order = [...jobs].sort(byArrival);
  const res = new Map<string, JobResult>();
  const queued = new Map<string, Job>(); // key → queued job
  const started = new Map<string, JobResult>(); // key → latest started job's result
  const joiners = new Map<string, Job[]>(); // job id → jobs that joined it while queued
  const free = new Array<number>(servers).fill(-Infinity);
  const queue: Job[] = [];
  let next = 0;
  const admit = (j: Job) => {
    const done = j.key === undefined ? undefined : started.get(j.key);
    if (done && opts.cache && done.finish <= j.arrival) {
      res.set(j.id, {
        id: j.id,
        start: j.arrival,
        finish: j.arrival,
        wait: 0,
        response: 0,
        cached: true,
        servedBy: done.servedBy,
      });
    } else if (done && opts.coalesce && done.finish > j.arrival) {
      const { start, finish } = done;
      res.set(j.id, {
        id: j.id,
        start,
        finish,
        wait: Math.max(0, start - j.arrival),
        response: finish - j.arrival,
        cached: false,
        servedBy: done.id,
      });
    } else if (j.key !== undefined && opts.coalesce && queued.has(j.key)) {
      joiners.get(queued.get(j.key)!.id)!.push(j);
    } else {
      queue.push(j);
      joiners.set(j.id, []);
      if (j.key !== undefined) queued.set(j.key, j);
    }
  };
  while (next < order.length || queue.length > 0) {
    let s = 0;
    for (let k = 1; k < servers; k++) if (free[k]! < free[s]!) s = k;
    const tFree = free[s]!;
    while (next < order.length && order[next]!.arrival <= tFree) admit(order[next++]!);
    if (queue.length === 0) {
      if (next >= order.length) break;
      const t = order[next]!.arrival;
      while (next < order.length && order[next]!.arrival === t) admit(order[next++]!);
      if (queue.length === 0) continue;
    }
    let b = 0;
    for (let k = 1; k < queue.length; k++) if (before(queue[k]!, queue[b]!) < 0) b = k;
    const j = queue.splice(b, 1)[0]!;
    const start = Math.max(tFree, j.arrival), finish = start + j.service;
    free[s] = finish;
    const r: JobResult = {
      id: j.id,
      start,
      finish,
      wait: start - j.arrival,
      response: finish - j.arrival,
      cached: false,
      servedBy: j.id,
    };
    res.set(j.id, r);
    if (j.key !== undefined) {
      queued.delete(j.key);
      started.set(j.key, r);
    }
    for (const o of joiners.get(j.id)!) {
      res.set(o.id, {
        id: o.id,
        start,
        finish,
        wait: start - o.arrival,
        response: finish - o.arrival,
        cached: false,
        servedBy: j.id,
      });
    }
  }
  return jobs.map((j) => res.get(j.id)!);
}

/**
 * The `Pending` number a user sees at time t for job `jobId`: how many distinct jobs will start before
 * the work serving it and are still waiting at t (0 once that work has started or before the click).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pendingAt, simulateQueue } from "@lib/papers/queue.ts";
 * const jobs = [0, 0, 0, 0].map((a, i) => ({ id: `j${i}`, arrival: a, priority: 0, service: 1 }));
 * const r = simulateQueue(jobs, { discipline: "fifo" });
 * assertEquals([0, 0.5, 1.5, 2.5, 3.5].map((t) => pendingAt(r, jobs, t, "j3")), [2, 2, 1, 0, 0]);
 * ```
 */
export function pendingAt(results: JobResult[], jobs: Job[], t: number, jobId: string): number {
  const i = jobs.findIndex((j) => j.id === jobId);
  if (i < 0) rangeError("pendingAt", "jobId", "the id of one of the jobs", jobId);
  const me = results[i]!;
  if (t < jobs[i]!.arrival || t >= me.start || me.cached) return 0;
  let n = 0;
  results.forEach((r, k) => {
    const own = r.servedBy === r.id && r.id !== me.servedBy;
    if (own && jobs[k]!.arrival <= t && r.start > t && r.start < me.start) n++;
  });
  return n;
}

/**
 * The number of distinct jobs waiting (arrived, not started) at t = t_0, t_0 + dt, …, up to the last
 * finish; t_0 is the first arrival.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { queueLengthTrace, simulateQueue } from "@lib/papers/queue.ts";
 * const jobs = [0, 0, 0].map((a, i) => ({ id: `j${i}`, arrival: a, priority: 0, service: 1 }));
 * const tr = queueLengthTrace(simulateQueue(jobs, { discipline: "fifo" }), jobs, 1);
 * assertEquals(tr.map((p) => p.length), [2, 1, 0, 0]);
 * ```
 */
export function queueLengthTrace(
  results: JobResult[],
  jobs: Job[],
  dt: number,
): { t: number; length: number }[] {
  checkPositive("queueLengthTrace", "dt", dt);
  if (jobs.length === 0) return [];
  const own = results.map((r, k) => ({ a: jobs[k]!.arrival, r })).filter((o) => o.r.servedBy === o.r.id);
  const t0 = Math.min(...jobs.map((j) => j.arrival)), t1 = Math.max(...results.map((r) => r.finish));
  const out: { t: number; length: number }[] = [];
  for (let k = 0; t0 + k * dt <= t1 + 1e-9; k++) {
    const t = t0 + k * dt;
    out.push({ t, length: own.filter((o) => o.a <= t && o.r.start > t).length });
  }
  return out;
}

/**
 * Arrival times of a homogeneous Poisson process with `rate` per unit time on [t0, t1): exponential
 * gaps $t_{k+1} = t_k - \ln(1-u)/\lambda$.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { poissonArrivals } from "@lib/papers/queue.ts";
 * const ts = poissonArrivals(2, 0, 1000, createRng(1));
 * assertEquals(Math.abs(ts.length - 2000) < 150, true);
 * assertEquals(ts.every((t, i) => t >= 0 && t < 1000 && (i === 0 || t >= ts[i - 1]!)), true);
 * ```
 */
export function poissonArrivals(rate: number, t0: number, t1: number, rng: Rng): number[] {
  checkNonNegative("poissonArrivals", "rate", rate);
  checkFinite("poissonArrivals", "t0", t0);
  checkFinite("poissonArrivals", "t1", t1);
  const out: number[] = [];
  if (rate === 0) return out;
  const gap = () => -Math.log(1 - rng()) / rate;
  for (let t = t0 + gap(); t < t1; t += gap()) out.push(t);
  return out;
}
