import { assert, assertEquals, assertThrows } from "@std/assert";
import { createRng } from "@lib/core/rng.ts";
import { kmeans, vqDecode, vqEncode } from "@lib/vq/kmeans.ts";

function blobs(n: number, K: number, d: number, seed: number): { X: Float32Array; centers: Float64Array } {
  const rng = createRng(seed);
  const centers = new Float64Array(K * d);
  for (let i = 0; i < centers.length; i++) centers[i] = 20 * rng.uniform();
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    for (let j = 0; j < d; j++) X[i * d + j] = centers[k * d + j]! + 0.1 * rng.normal();
  }
  return { X, centers };
}

Deno.test("kmeans: inertia non-increasing and recovers well-separated blobs", () => {
  const { X } = blobs(400, 5, 3, 7);
  const { centroids, assign, inertia } = kmeans(X, 400, 3, 5, 20, createRng(3));
  for (let i = 1; i < inertia.length; i++) assert(inertia[i]! <= inertia[i - 1]! + 1e-9);
  // every blob maps to one cluster, blobs to distinct clusters
  const label = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const b = i % 5;
    if (!label.has(b)) label.set(b, assign[i]!);
    assertEquals(assign[i], label.get(b));
  }
  assertEquals(new Set(label.values()).size, 5);
  // final inertia ≈ n·d·0.01 (noise variance)
  assert(Math.abs(inertia.at(-1)! / (400 * 3) - 0.01) < 0.003, `inertia ${inertia.at(-1)}`);
  // vqEncode agrees with the returned assignment
  assertEquals(Array.from(vqEncode(X, 400, 3, centroids, 5)), Array.from(assign));
});

Deno.test("kmeans: K = n gives zero inertia; deterministic per seed", () => {
  const X = new Float32Array([0, 1, 2, 5, 9]);
  const r = kmeans(X, 5, 1, 5, 3, createRng(0));
  assertEquals(r.inertia.at(-1), 0);
  const a = kmeans(blobs(100, 4, 2, 1).X, 100, 2, 4, 5, createRng(9));
  const b = kmeans(blobs(100, 4, 2, 1).X, 100, 2, 4, 5, createRng(9));
  assertEquals(Array.from(a.centroids), Array.from(b.centroids));
});

Deno.test("vqDecode ∘ vqEncode maps points to their nearest centroid", () => {
  const C = new Float32Array([0, 0, 1, 1, -1, 2]);
  const X = new Float32Array([0.9, 0.8, -0.9, 1.9, 0.1, -0.1]);
  const codes = vqEncode(X, 3, 2, C, 3);
  assertEquals(Array.from(codes), [1, 2, 0]);
  assertEquals(Array.from(vqDecode(codes, C, 2)), [1, 1, -1, 2, 0, 0]);
});

Deno.test("kmeans/vq: bad input gives clear errors", () => {
  const X = new Float32Array(6);
  assertThrows(
    () => kmeans(X, 3, 2, 0, 1, createRng(0)),
    RangeError,
    "kmeans: K must be an integer ≥ 1, got 0",
  );
  assertThrows(
    () => kmeans(X, 3, 2, 4, 1, createRng(0)),
    RangeError,
    "kmeans: n must be an integer ≥ 4, got 3",
  );
  assertThrows(
    () => kmeans(X, 2, 2, 1, 1, createRng(0)),
    RangeError,
    "kmeans: X.length must be n·d = 4, got 6",
  );
  assertThrows(() => kmeans([NaN, 0], 1, 2, 1, 1, createRng(0)), RangeError, "X[0] must be a finite number");
  assertThrows(
    () => vqEncode(X, 3, 2, new Float32Array(0), 0),
    RangeError,
    "vqEncode: K must be an integer ≥ 1",
  );
  assertThrows(
    () => vqDecode([3], new Float32Array(4), 2),
    RangeError,
    "vqDecode: codes[0] must be an integer in [0, 1]",
  );
});
