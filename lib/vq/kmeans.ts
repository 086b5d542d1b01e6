/**
 * Plain k-means (Lloyd's algorithm with k-means++ seeding) and the nearest-centroid encode/decode pair of
 * vector quantization. Used to initialise VQ codebooks from encoder outputs (G09,
 * https://kexue.fm/archives/10489) and as the image tokenizer of G07.
 *
 * Points are stored row-major: `X[i·d + j]` is coordinate j of point i.
 *
 * @module
 */
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, rangeError, typeError } from "../core/validate.ts";

function _checkPoints(where: string, name: string, X: ArrayLike<number>, n: number, d: number): void {
  if (X === null || typeof X !== "object" || typeof X.length !== "number") {
    typeError(where, name, "an array of numbers", X);
  }
  if (X.length !== n * d) rangeError(where, `${name}.length`, `n·d = ${n * d}`, X.length);
  for (let i = 0; i < X.length; i++) checkFinite(where, `${name}[${i}]`, X[i]);
}

function _sqDist(X: ArrayLike<number>, i: number, C: ArrayLike<number>, k: number, d: number): number {
  let s = 0;
  const a = i * d, b = k * d;
  for (let j = 0; j < d; j++) {
    const t = (X[a + j] as number) - (C[b + j] as number);
    s += t * t;
  }
  return s;
}

function _nearest(
  X: ArrayLike<number>,
  i: number,
  C: ArrayLike<number>,
  K: number,
  d: number,
): [number, number] {
  let best = 0, bestD = Infinity;
  for (let k = 0; k < K; k++) {
    const s = _sqDist(X, i, C, k, d);
    if (s < bestD) {
      bestD = s;
      best = k;
    }
  }
  return [best, bestD];
}

/**
 * k-means: minimises the inertia $\sum_i \min_k \Vert x_i - c_k\Vert^2$ by Lloyd iterations (assign each point to
 * its nearest centroid, move each centroid to the mean of its points), seeded by k-means++ (each new centroid
 * drawn with probability ∝ squared distance to the nearest chosen one). A centroid that loses all its points is
 * re-seeded at the point farthest from its centroid, so all K codes stay in use when n ≥ K distinct points exist.
 *
 * @param X points, n×d row-major
 * @param n number of points (≥ K)
 * @param d dimension (≥ 1)
 * @param K number of centroids (≥ 1)
 * @param iters Lloyd iterations (≥ 0; 0 returns the k-means++ seeds)
 * @param rng random stream for the seeding
 * @returns centroids (K×d), the final assignment (n), and the inertia before each iteration and after the
 * last (length iters + 1; non-increasing)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { kmeans } from "@lib/vq/kmeans.ts";
 * const X = new Float32Array([0, 0, 0, 1, 10, 10, 10, 11]); // two pairs, d = 2
 * const { centroids, assign, inertia } = kmeans(X, 4, 2, 2, 5, createRng(1));
 * assertEquals(assign[0] === assign[1] && assign[2] === assign[3] && assign[0] !== assign[2], true);
 * assertEquals(inertia.at(-1), 1); // each pair contributes 2·0.5²
 * const c = Array.from(centroids).sort((a, b) => a - b);
 * assertEquals(c, [0, 0.5, 10, 10.5]);
 * ```
 */
export function kmeans(
  X: ArrayLike<number>,
  n: number,
  d: number,
  K: number,
  iters: number,
  rng: Rng,
): { centroids: Float32Array; assign: Int32Array; inertia: number[] } {
  const where = "kmeans";
  checkInt(where, "d", d, 1);
  checkInt(where, "K", K, 1);
  checkInt(where, "n", n, K);
  checkInt(where, "iters", iters, 0);
  if (typeof rng !== "function") typeError(where, "rng", "an Rng", rng);
  _checkPoints(where, "X", X, n, d);
  // k-means++ seeding (in float64)
  const C = new Float64Array(K * d);
  const first = rng.int(n);
  for (let j = 0; j < d; j++) C[j] = X[first * d + j] as number;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) dist[i] = _sqDist(X, i, C, 0, d);
  for (let k = 1; k < K; k++) {
    let tot = 0;
    for (let i = 0; i < n; i++) tot += dist[i] as number;
    let pick = n - 1;
    if (tot > 0) {
      let u = rng.uniform() * tot;
      for (let i = 0; i < n; i++) {
        u -= dist[i] as number;
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(n);
    for (let j = 0; j < d; j++) C[k * d + j] = X[pick * d + j] as number;
    for (let i = 0; i < n; i++) dist[i] = Math.min(dist[i] as number, _sqDist(X, i, C, k, d));
  }
  const assign = new Int32Array(n);
  const inertia: number[] = [];
  const sums = new Float64Array(K * d), counts = new Int32Array(K);
  const assignAll = (): number => {
    let tot = 0;
    for (let i = 0; i < n; i++) {
      const [k, s] = _nearest(X, i, C, K, d);
      assign[i] = k;
      dist[i] = s;
      tot += s;
    }
    return tot;
  };
  inertia.push(assignAll());
  for (let it = 0; it < iters; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const k = assign[i] as number;
      counts[k]!++;
      for (let j = 0; j < d; j++) sums[k * d + j]! += X[i * d + j] as number;
    }
    for (let k = 0; k < K; k++) {
      const c = counts[k] as number;
      if (c > 0) {
        for (let j = 0; j < d; j++) C[k * d + j] = (sums[k * d + j] as number) / c;
      } else {
        // empty cluster: move it to the currently worst-served point
        let far = 0;
        for (let i = 1; i < n; i++) if ((dist[i] as number) > (dist[far] as number)) far = i;
        for (let j = 0; j < d; j++) C[k * d + j] = X[far * d + j] as number;
        dist[far] = 0;
      }
    }
    inertia.push(assignAll());
  }
  return { centroids: Float32Array.from(C), assign, inertia };
}

/**
 * Vector-quantization encoder: index of the nearest centroid (squared Euclidean distance; ties → lowest index)
 * for every point.
 *
 * @param X points, n×d row-major
 * @param n number of points
 * @param d dimension
 * @param centroids codebook, K×d row-major
 * @param K codebook size (≥ 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { vqEncode } from "@lib/vq/kmeans.ts";
 * const codes = vqEncode(new Float32Array([0.1, 0.9, 2]), 3, 1, new Float32Array([0, 1]), 2);
 * assertEquals(Array.from(codes), [0, 1, 1]);
 * ```
 */
export function vqEncode(
  X: ArrayLike<number>,
  n: number,
  d: number,
  centroids: ArrayLike<number>,
  K: number,
): Int32Array {
  const where = "vqEncode";
  checkInt(where, "n", n, 0);
  checkInt(where, "d", d, 1);
  checkInt(where, "K", K, 1);
  _checkPoints(where, "X", X, n, d);
  _checkPoints(where, "centroids", centroids, K, d);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = _nearest(X, i, centroids, K, d)[0];
  return out;
}

/**
 * Vector-quantization decoder: replaces every code by its centroid.
 *
 * @param codes code indices (each in [0, K))
 * @param centroids codebook, K×d row-major
 * @param d dimension
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { vqDecode } from "@lib/vq/kmeans.ts";
 * assertEquals(Array.from(vqDecode(new Int32Array([1, 0]), new Float32Array([0, 0, 5, 6]), 2)), [5, 6, 0, 0]);
 * ```
 */
export function vqDecode(codes: ArrayLike<number>, centroids: ArrayLike<number>, d: number): Float32Array {
  const where = "vqDecode";
  checkInt(where, "d", d, 1);
  if (centroids === null || typeof centroids !== "object" || typeof centroids.length !== "number") {
    typeError(where, "centroids", "an array of numbers", centroids);
  }
  if (centroids.length === 0 || centroids.length % d !== 0) {
    rangeError(where, "centroids.length", `a positive multiple of d = ${d}`, centroids.length);
  }
  const K = centroids.length / d;
  const out = new Float32Array(codes.length * d);
  for (let i = 0; i < codes.length; i++) {
    const c = checkInt(where, `codes[${i}]`, codes[i], 0, K - 1);
    for (let j = 0; j < d; j++) out[i * d + j] = centroids[c * d + j] as number;
  }
  return out;
}
