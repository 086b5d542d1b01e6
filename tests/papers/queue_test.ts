import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { type Job, pendingAt, poissonArrivals, queueLengthTrace, simulateQueue } from "@lib/papers/queue.ts";
import { createRng } from "@lib/core/rng.ts";

function day(seed: number): Job[] {
  const rng = createRng(seed), jobs: Job[] = [];
  const add = (cls: number, ts: number[]) =>
    ts.forEach((t, i) => jobs.push({ id: `${cls}-${i}`, arrival: t, priority: cls, service: 0.5 }));
  add(0, poissonArrivals(0.02, 0, 1440, rng.fork("vip")));
  add(1, poissonArrivals(3, 600, 720, rng.fork("today")));
  add(2, poissonArrivals(0.5, 0, 1440, rng.fork("history")));
  return jobs;
}
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

Deno.test("priority vs FIFO: same total wait and makespan; today faster, history slower; VIP bound", () => {
  for (const seed of [0, 1, 2]) {
    const jobs = day(seed);
    const f = simulateQueue(jobs, { discipline: "fifo" }),
      p = simulateQueue(jobs, { discipline: "priority" });
    const sum = (r: typeof f) => r.reduce((a, x) => a + x.wait, 0);
    assertAlmostEquals(sum(f), sum(p), 1e-9 * sum(f));
    assertAlmostEquals(Math.max(...f.map((r) => r.finish)), Math.max(...p.map((r) => r.finish)), 1e-9);
    const cls = (r: typeof f, c: number) =>
      meanOf(r.filter((_, i) => jobs[i]!.priority === c).map((x) => x.wait));
    assert(cls(p, 1) < cls(f, 1), `seed ${seed} today`);
    assert(cls(p, 2) >= cls(f, 2), `seed ${seed} history`);
    jobs.forEach((j, i) => {
      if (j.priority !== 0) return;
      const queuedVips = jobs.filter((o, k) =>
        o.priority === 0 && o.arrival <= j.arrival && p[k]!.start > j.arrival && k !== i
      ).length;
      assert(p[i]!.wait <= j.service * (1 + queuedVips) + 1e-9, `VIP ${j.id}`);
    });
    const order = jobs.map((j, i) => ({ j, r: f[i]! })).sort((a, b) => a.j.arrival - b.j.arrival);
    for (let k = 1; k < order.length; k++) assert(order[k]!.r.start >= order[k - 1]!.r.start);
    for (const r of p) assert(r.start >= jobs.find((j) => j.id === r.id)!.arrival);
  }
});

Deno.test("cache and coalescing: one job per key while busy, instant after", () => {
  const jobs: Job[] = [
    { id: "a", arrival: 0, priority: 0, service: 1, key: "x" },
    { id: "b", arrival: 0.2, priority: 0, service: 1, key: "y" },
    { id: "c", arrival: 0.3, priority: 0, service: 1, key: "y" }, // joins b while queued
    { id: "d", arrival: 0.5, priority: 0, service: 1, key: "x" }, // joins a while running
    { id: "e", arrival: 3, priority: 0, service: 1, key: "x" }, // cached
  ];
  const on = simulateQueue(jobs, { discipline: "fifo", cache: true, coalesce: true });
  assertEquals(on.map((r) => r.servedBy), ["a", "b", "b", "a", "a"]);
  assertEquals(on.map((r) => r.response), [1, 1.8, 1.7, 0.5, 0]);
  assertEquals(on.map((r) => r.cached), [false, false, false, false, true]);
  const off = simulateQueue(jobs, { discipline: "fifo" });
  assertEquals(off.map((r) => r.finish), [1, 2, 3, 4, 5]);
  assertEquals(off.map((r) => r.servedBy), ["a", "b", "c", "d", "e"]);
  const cacheOnly = simulateQueue(jobs, { discipline: "fifo", cache: true });
  assertEquals(cacheOnly.map((r) => r.finish), [1, 2, 3, 4, 3]);
  const two = simulateQueue(jobs, { discipline: "fifo", servers: 2 });
  assertEquals(two.map((r) => r.finish), [1, 1.2, 2, 2.2, 4]);
});

Deno.test("pendingAt and queueLengthTrace agree with a hand count", () => {
  const jobs: Job[] = [0, 0, 0, 0.5, 10].map((a, i) => ({
    id: `j${i}`,
    arrival: a,
    priority: 0,
    service: 1,
  }));
  const r = simulateQueue(jobs, { discipline: "fifo" });
  assertEquals(pendingAt(r, jobs, 0.5, "j3"), 2);
  assertEquals(pendingAt(r, jobs, 3, "j3"), 0);
  assertEquals(pendingAt(r, jobs, 0.2, "j3"), 0); // before its click
  assertEquals(queueLengthTrace(r, jobs, 1).slice(0, 5).map((p) => p.length), [2, 2, 1, 0, 0]);
  assertThrows(() => pendingAt(r, jobs, 0, "zz"), RangeError, "jobId");
  assertThrows(() => simulateQueue(jobs, { discipline: "lifo" as "fifo" }), RangeError, "discipline");
  assertThrows(() => simulateQueue([jobs[0]!, jobs[0]!], { discipline: "fifo" }), RangeError, "unique");
});

Deno.test("poissonArrivals: count and gap mean within seeded bounds", () => {
  const ts = poissonArrivals(0.5, 0, 4000, createRng(4));
  assert(Math.abs(ts.length - 2000) < 4 * Math.sqrt(2000));
  const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
  assert(Math.abs(meanOf(gaps) - 2) < 0.15);
  assertEquals(poissonArrivals(0, 0, 10, createRng(0)), []);
});

Deno.test("regression: a click that becomes cached exactly at the last finish ends the run", () => {
  const jobs: Job[] = [
    { id: "a", arrival: 0, priority: 0, service: 1, key: "x" },
    { id: "b", arrival: 1, priority: 0, service: 1, key: "x" },
  ];
  const r = simulateQueue(jobs, { discipline: "fifo", cache: true });
  assertEquals(r.map((x) => [x.finish, x.cached]), [[1, false], [1, true]]);
});
