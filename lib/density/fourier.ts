/**
 * The Fourier Basis Density Model (De la Fuente, Singh, Ballé, arXiv 2402.15345) as presented by Su
 * (G08, https://kexue.fm/archives/10007): a density on [−1, 1] written as a truncated Fourier series
 * $f_\theta(x)=\sum_{n=-N}^{N}c_n e^{i\pi nx}$ whose coefficients are the autocorrelation
 * $c_n=\sum_{k=0}^{N-n}a_k a_{k+n}^*$ of free complex parameters $a_0,\dots,a_N$. Then
 * $f_\theta(x)=\big|\sum_k a_k e^{-i\pi kx}\big|^2\ge0$ (Fejér–Riesz), $\int_{-1}^1 f_\theta=2c_0$, and
 * $p_\theta=f_\theta/(2c_0)$ is a normalised density. The real line is reached through $x=\tanh((y-\mu)/\sigma)$.
 *
 * @module
 */
import { tf } from "../core/tf_setup.ts";
import type { Matrix } from "../core/matrix.ts";
import type { Rng } from "../core/rng.ts";
import { checkFinite, checkInt, checkPositive, rangeError, typeError } from "../core/validate.ts";
import { adamwUpdate } from "../optim/adamw.ts";

/** Parameters of an FBDM: $a_k$ = re[k] + i·im[k] (k = 0..N), and the squashing location μ and scale σ > 0. */
export interface FourierDensity {
  re: Float64Array;
  im: Float64Array;
  mu: number;
  sigma: number;
}

function _check(where: string, fd: FourierDensity): number {
  if (fd === null || typeof fd !== "object") typeError(where, "fd", "a FourierDensity", fd);
  if (!(fd.re instanceof Float64Array)) typeError(where, "fd.re", "a Float64Array", fd.re);
  if (!(fd.im instanceof Float64Array)) typeError(where, "fd.im", "a Float64Array", fd.im);
  if (fd.re.length === 0) rangeError(where, "fd.re.length", "≥ 1", 0);
  if (fd.im.length !== fd.re.length) {
    rangeError(where, "fd.im.length", `fd.re.length = ${fd.re.length}`, fd.im.length);
  }
  let s = 0;
  for (let k = 0; k < fd.re.length; k++) {
    checkFinite(where, `fd.re[${k}]`, fd.re[k]);
    checkFinite(where, `fd.im[${k}]`, fd.im[k]);
    s += fd.re[k]! ** 2 + fd.im[k]! ** 2;
  }
  if (!(s > 0)) rangeError(where, "fd", "parameters with Σ|a_k|² > 0", 0);
  checkFinite(where, "fd.mu", fd.mu);
  checkPositive(where, "fd.sigma", fd.sigma);
  return fd.re.length - 1;
}

function _points(where: string, name: string, x: ArrayLike<number>): void {
  if (x === null || typeof x !== "object" || typeof x.length !== "number") {
    typeError(where, name, "an array of numbers", x);
  }
}

/**
 * Random FBDM parameters: $a_k$ with independent N(0, 1) real and imaginary parts, damped by $1/(1+k)$.
 *
 * @param N highest frequency (≥ 0)
 * @param rng random stream
 * @param mu location (default 0)
 * @param sigma scale (default 1)
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { randomFourierDensity } from "@lib/density/fourier.ts";
 * assertEquals(randomFourierDensity(8, createRng(0)).re.length, 9);
 * ```
 */
export function randomFourierDensity(N: number, rng: Rng, mu = 0, sigma = 1): FourierDensity {
  checkInt("randomFourierDensity", "N", N, 0);
  const re = new Float64Array(N + 1), im = new Float64Array(N + 1);
  for (let k = 0; k <= N; k++) {
    re[k] = rng.normal() / (1 + k);
    im[k] = rng.normal() / (1 + k);
  }
  return { re, im, mu, sigma };
}

/**
 * Fourier coefficients $c_n=\sum_{k=0}^{N-n}a_k a_{k+n}^*$ for n = 0..N (eq. 7); $c_0=\sum_k|a_k|^2$ is real and
 * $c_{-n}=c_n^*$.
 *
 * @param fd model parameters
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { coeffs } from "@lib/density/fourier.ts";
 * // a = (1, i): c_0 = 2, c_1 = a_0·conj(a_1) = −i
 * const c = coeffs({ re: Float64Array.of(1, 0), im: Float64Array.of(0, 1), mu: 0, sigma: 1 });
 * assertEquals([c.re[0], c.im[0], c.re[1], c.im[1]], [2, 0, 0, -1]);
 * ```
 */
export function coeffs(fd: FourierDensity): { re: Float64Array; im: Float64Array } {
  const N = _check("coeffs", fd);
  const re = new Float64Array(N + 1), im = new Float64Array(N + 1);
  for (let n = 0; n <= N; n++) {
    let sr = 0, si = 0;
    for (let k = 0; k + n <= N; k++) {
      const ar = fd.re[k]!, ai = fd.im[k]!, br = fd.re[k + n]!, bi = fd.im[k + n]!;
      sr += ar * br + ai * bi;
      si += ai * br - ar * bi;
    }
    re[n] = sr;
    im[n] = si;
  }
  return { re, im };
}

/**
 * The normalised density on [−1, 1] from the series (eq. 9):
 * $p_\theta(x)=\frac12+\sum_{n=1}^N\mathrm{Re}\big[\tfrac{c_n}{c_0}e^{i\pi nx}\big]$. Zero outside [−1, 1].
 *
 * @param fd model parameters
 * @param x evaluation points
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { densityUnit } from "@lib/density/fourier.ts";
 * // a = (1, 0): c_1 = 0, the uniform density 1/2
 * assertAlmostEquals(densityUnit({ re: Float64Array.of(1, 0), im: Float64Array.of(0, 0), mu: 0, sigma: 1 }, [0.3])[0]!, 0.5, 1e-15);
 * ```
 */
export function densityUnit(fd: FourierDensity, x: ArrayLike<number>): Float64Array {
  _points("densityUnit", "x", x);
  const c = coeffs(fd), N = fd.re.length - 1, c0 = c.re[0]!;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = checkFinite("densityUnit", `x[${i}]`, x[i]);
    if (xi < -1 || xi > 1) continue;
    let s = 0.5;
    for (let n = 1; n <= N; n++) {
      const ph = Math.PI * n * xi;
      s += (c.re[n]! * Math.cos(ph) - c.im[n]! * Math.sin(ph)) / c0;
    }
    out[i] = s;
  }
  return out;
}

/**
 * The same density from the squared-modulus form (eq. 8): $p_\theta(x)=\big|\sum_{k=0}^N a_k e^{-i\pi kx}\big|^2/(2c_0)$,
 * non-negative by construction. Zero outside [−1, 1].
 *
 * @param fd model parameters
 * @param x evaluation points
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { densityUnit, densityUnitFejer } from "@lib/density/fourier.ts";
 * const fd = { re: Float64Array.of(1, 0.5), im: Float64Array.of(0, -0.3), mu: 0, sigma: 1 };
 * assertAlmostEquals(densityUnitFejer(fd, [0.2])[0]!, densityUnit(fd, [0.2])[0]!, 1e-15);
 * ```
 */
export function densityUnitFejer(fd: FourierDensity, x: ArrayLike<number>): Float64Array {
  const N = _check("densityUnitFejer", fd);
  _points("densityUnitFejer", "x", x);
  let c0 = 0;
  for (let k = 0; k <= N; k++) c0 += fd.re[k]! ** 2 + fd.im[k]! ** 2;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = checkFinite("densityUnitFejer", `x[${i}]`, x[i]);
    if (xi < -1 || xi > 1) continue;
    let sr = 0, si = 0;
    for (let k = 0; k <= N; k++) {
      const ph = Math.PI * k * xi, co = Math.cos(ph), sn = Math.sin(ph);
      // (ar + i·ai)(cos − i·sin)
      sr += fd.re[k]! * co + fd.im[k]! * sn;
      si += fd.im[k]! * co - fd.re[k]! * sn;
    }
    out[i] = (sr * sr + si * si) / (2 * c0);
  }
  return out;
}

/**
 * The CDF on [−1, 1] (eq. 12, the corrected form):
 * $\Phi(x)=\frac{x+1}2+\sum_{n=1}^N\mathrm{Re}\Big[\frac{c_n}{c_0}\frac{e^{i\pi nx}-(-1)^n}{i\pi n}\Big]$, evaluated on [−1, 1]
 * (including both ends); 0 below −1, 1 above 1.
 *
 * @param fd model parameters
 * @param x evaluation points
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { cdfUnit } from "@lib/density/fourier.ts";
 * const fd = { re: Float64Array.of(1, 0.5), im: Float64Array.of(0, -0.3), mu: 0, sigma: 1 };
 * const [a, b] = cdfUnit(fd, [-1, 1]);
 * assertAlmostEquals(a!, 0, 1e-15);
 * assertAlmostEquals(b!, 1, 1e-15);
 * ```
 */
export function cdfUnit(fd: FourierDensity, x: ArrayLike<number>): Float64Array {
  _points("cdfUnit", "x", x);
  const c = coeffs(fd), N = fd.re.length - 1, c0 = c.re[0]!;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = checkFinite("cdfUnit", `x[${i}]`, x[i]);
    if (xi < -1) continue;
    if (xi > 1) {
      out[i] = 1;
      continue;
    }
    let s = (xi + 1) / 2;
    for (let n = 1; n <= N; n++) {
      const ph = Math.PI * n * xi, sg = n % 2 === 0 ? 1 : -1;
      s += (c.re[n]! * Math.sin(ph) + c.im[n]! * (Math.cos(ph) - sg)) / (Math.PI * n * c0);
    }
    out[i] = s;
  }
  return out;
}

/**
 * The density on ℝ (eq. 10): $q_\theta(y)=\frac1\sigma\mathrm{sech}^2\big(\frac{y-\mu}\sigma\big)\,p_\theta\big(\tanh\frac{y-\mu}\sigma\big)$.
 *
 * @param fd model parameters
 * @param y evaluation points
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { densityReal } from "@lib/density/fourier.ts";
 * // uniform p = 1/2 → q(y) = sech²(y)/2, the logistic-like density, q(0) = 1/2
 * assertAlmostEquals(densityReal({ re: Float64Array.of(2), im: Float64Array.of(0), mu: 0, sigma: 1 }, [0])[0]!, 0.5, 1e-15);
 * ```
 */
export function densityReal(fd: FourierDensity, y: ArrayLike<number>): Float64Array {
  _check("densityReal", fd);
  _points("densityReal", "y", y);
  const u = Float64Array.from(y, (v, i) => (checkFinite("densityReal", `y[${i}]`, v) - fd.mu) / fd.sigma);
  const p = densityUnit(fd, u.map(Math.tanh));
  return p.map((v, i) => {
    const ch = Math.cosh(u[i]!);
    return v / (fd.sigma * ch * ch);
  });
}

/**
 * The CDF on ℝ: $\Phi(\tanh((y-\mu)/\sigma))$.
 *
 * @param fd model parameters
 * @param y evaluation points
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { cdfReal } from "@lib/density/fourier.ts";
 * assertAlmostEquals(cdfReal({ re: Float64Array.of(2), im: Float64Array.of(0), mu: 1, sigma: 1 }, [1])[0]!, 0.5, 1e-15);
 * ```
 */
export function cdfReal(fd: FourierDensity, y: ArrayLike<number>): Float64Array {
  _check("cdfReal", fd);
  _points("cdfReal", "y", y);
  return cdfUnit(
    fd,
    Float64Array.from(y, (v, i) => Math.tanh((checkFinite("cdfReal", `y[${i}]`, v) - fd.mu) / fd.sigma)),
  );
}

/**
 * Differentiable $\log q_\theta(y)$ (eq. 10 with eq. 8) in real arithmetic, for fitting by gradient descent:
 * with $u=(y-\mu)/\sigma$, $x=\tanh u$, $A(x)=\sum_k a_k e^{-i\pi kx}$,
 * $\log q = \log|A(x)|^2 - \log(2\sum_k|a_k|^2) - \log\sigma + \log\mathrm{sech}^2u$.
 *
 * @param re real parts of a (length N + 1)
 * @param im imaginary parts of a
 * @param mu location μ
 * @param logSigma log σ
 * @param y points
 * @returns log density at each point
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { logDensityRealTf } from "@lib/density/fourier.ts";
 * await initTf();
 * const l = logDensityRealTf(tf.tensor1d([2]), tf.tensor1d([0]), tf.scalar(0), tf.scalar(0), tf.tensor1d([0]));
 * assertAlmostEquals(l.dataSync()[0]!, Math.log(0.5), 1e-6);
 * ```
 */
export function logDensityRealTf(
  re: tf.Tensor1D,
  im: tf.Tensor1D,
  mu: tf.Scalar,
  logSigma: tf.Scalar,
  y: tf.Tensor1D,
): tf.Tensor1D {
  const where = "logDensityRealTf";
  for (
    const [name, t, r] of [["re", re, 1], ["im", im, 1], ["mu", mu, 0], ["logSigma", logSigma, 0], [
      "y",
      y,
      1,
    ]] as const
  ) {
    if (!(t instanceof tf.Tensor) || t.rank !== r) typeError(where, name, `a rank-${r} tf.Tensor`, t);
  }
  if (re.shape[0] !== im.shape[0]) {
    rangeError(where, "im.shape[0]", `re.shape[0] = ${re.shape[0]}`, im.shape[0]);
  }
  const K = re.shape[0];
  return tf.tidy(() => {
    const u = tf.div(tf.sub(y, mu), tf.exp(logSigma));
    const x = tf.tanh(u);
    const k = tf.range(0, K, 1, "float32");
    const ph = tf.mul(Math.PI, tf.outerProduct(x as tf.Tensor1D, k)); // n×K
    const co = tf.cos(ph), sn = tf.sin(ph);
    const r2 = re.reshape([K, 1]), i2 = im.reshape([K, 1]);
    const ar = tf.add(tf.matMul(co, r2), tf.matMul(sn, i2));
    const ai = tf.sub(tf.matMul(co, i2), tf.matMul(sn, r2));
    const f = tf.add(tf.square(ar), tf.square(ai)).reshape([-1]);
    const norm = tf.mul(2, tf.add(tf.sum(tf.square(re)), tf.sum(tf.square(im))));
    const au = tf.abs(u);
    // log sech²u = 2 log 2 − 2|u| − 2 log(1 + e^{−2|u|})
    const logSech2 = tf.sub(tf.sub(2 * Math.LN2, tf.mul(2, au)), tf.mul(2, tf.softplus(tf.mul(-2, au))));
    return tf.add(tf.sub(tf.sub(tf.log(tf.add(f, 1e-30)), tf.log(norm)), logSigma), logSech2) as tf.Tensor1D;
  });
}

/**
 * Differentiable smoothness penalty of $p_\theta$ (eq. 11 applied to $c_n/(2c_0)$):
 * $\int_{-1}^1|p_\theta'|^2dx=\sum_{n=1}^N\pi^2n^2|c_n|^2/c_0^2$.
 *
 * @param re real parts of a
 * @param im imaginary parts of a
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertAlmostEquals } from "@std/assert";
 * import { initTf } from "@lib/core/tf_setup.ts";
 * import { smoothnessPenaltyTf } from "@lib/density/fourier.ts";
 * await initTf();
 * // a = (1, 1): c_0 = 2, c_1 = 1 → π²/4
 * assertAlmostEquals(smoothnessPenaltyTf(tf.tensor1d([1, 1]), tf.tensor1d([0, 0])).dataSync()[0]!, Math.PI ** 2 / 4, 1e-5);
 * ```
 */
export function smoothnessPenaltyTf(re: tf.Tensor1D, im: tf.Tensor1D): tf.Scalar {
  const K = re.shape[0];
  return tf.tidy(() => {
    const c0 = tf.add(tf.sum(tf.square(re)), tf.sum(tf.square(im)));
    let s: tf.Tensor = tf.scalar(0);
    for (let n = 1; n < K; n++) {
      const ar = re.slice(0, K - n), ai = im.slice(0, K - n), br = re.slice(n), bi = im.slice(n);
      const cr = tf.sum(tf.add(tf.mul(ar, br), tf.mul(ai, bi)));
      const ci = tf.sum(tf.sub(tf.mul(ai, br), tf.mul(ar, bi)));
      s = tf.add(s, tf.mul(Math.PI ** 2 * n * n, tf.add(tf.square(cr), tf.square(ci))));
    }
    return tf.div(s, tf.square(c0)) as tf.Scalar;
  });
}

/**
 * Smoothness penalty $\int_{-1}^1|p_\theta'(x)|^2dx=\sum_{n=1}^N\pi^2n^2|c_n|^2/c_0^2$ (eq. 11 on $p_\theta$).
 *
 * @param fd model parameters
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { smoothnessPenalty } from "@lib/density/fourier.ts";
 * assertAlmostEquals(smoothnessPenalty({ re: Float64Array.of(1, 1), im: Float64Array.of(0, 0), mu: 0, sigma: 1 }), Math.PI ** 2 / 4, 1e-15);
 * ```
 */
export function smoothnessPenalty(fd: FourierDensity): number {
  const c = coeffs(fd), c0 = c.re[0]!;
  let s = 0;
  for (let n = 1; n < c.re.length; n++) s += Math.PI ** 2 * n * n * (c.re[n]! ** 2 + c.im[n]! ** 2);
  return s / (c0 * c0);
}

/**
 * Inverse-CDF sampling on ℝ: u ~ U(0, 1), x = Φ⁻¹(u) by bisection on eq. 12 (to 1e-12), y = μ + σ·artanh(x).
 *
 * @param fd model parameters
 * @param n number of samples (≥ 1)
 * @param rng random stream
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { sampleInverseCdf } from "@lib/density/fourier.ts";
 * const y = sampleInverseCdf({ re: Float64Array.of(1, 0.9), im: Float64Array.of(0, 0), mu: 0, sigma: 1 }, 10, createRng(1));
 * assert(y.every(Number.isFinite));
 * ```
 */
export function sampleInverseCdf(fd: FourierDensity, n: number, rng: Rng): Float64Array {
  _check("sampleInverseCdf", fd);
  checkInt("sampleInverseCdf", "n", n, 1);
  const out = new Float64Array(n);
  const one = new Float64Array(1);
  const cdf = (x: number) => {
    one[0] = x;
    return cdfUnit(fd, one)[0]!;
  };
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    let lo = -1, hi = 1;
    while (hi - lo > 1e-12) {
      const mid = 0.5 * (lo + hi);
      if (cdf(mid) < u) lo = mid;
      else hi = mid;
    }
    const x = Math.min(1 - 1e-15, Math.max(-1 + 1e-15, 0.5 * (lo + hi)));
    out[i] = fd.mu + fd.sigma * Math.atanh(x);
  }
  return out;
}

/**
 * The (2N+1)×(2N+1) Hermitian Toeplitz matrix $T_{nm}=c_{n-m}$ (n, m = −N..N, $c_{-n}=c_n^*$, zero beyond N) as
 * real and imaginary parts; it is positive semi-definite for autocorrelation coefficients (eq. 6).
 *
 * @param c coefficients c_0..c_N from {@link coeffs}
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toeplitzFromCoeffs } from "@lib/density/fourier.ts";
 * const t = toeplitzFromCoeffs({ re: Float64Array.of(2, 0), im: Float64Array.of(0, -1) });
 * assertEquals([t.re.rows, t.im.data[1], t.im.data[3]], [3, 1, -1]); // T_{0,1} = c_{−1} = conj(c_1) = i
 * ```
 */
export function toeplitzFromCoeffs(c: { re: Float64Array; im: Float64Array }): { re: Matrix; im: Matrix } {
  if (
    c === null || typeof c !== "object" || !(c.re instanceof Float64Array) || !(c.im instanceof Float64Array)
  ) {
    typeError("toeplitzFromCoeffs", "c", "{ re: Float64Array; im: Float64Array }", c);
  }
  if (c.re.length === 0 || c.im.length !== c.re.length) {
    rangeError("toeplitzFromCoeffs", "c.im.length", `c.re.length = ${c.re.length} ≥ 1`, c.im.length);
  }
  const N = c.re.length - 1, m = 2 * N + 1;
  const re = new Float64Array(m * m), im = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const d = i - j;
      if (Math.abs(d) > N) continue;
      re[i * m + j] = c.re[Math.abs(d)]!;
      im[i * m + j] = d >= 0 ? c.im[d]! : -c.im[-d]!;
    }
  }
  return { re: { rows: m, cols: m, data: re }, im: { rows: m, cols: m, data: im } };
}

/**
 * Packs parameters as θ = [Re a_0..a_N, Im a_0..a_N, μ, log σ] (length 2N + 4, the model's parameter count).
 *
 * @param fd model parameters
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { packFourier, unpackFourier } from "@lib/density/fourier.ts";
 * const fd = { re: Float64Array.of(1, 2), im: Float64Array.of(0, 3), mu: 4, sigma: 1 };
 * assertEquals(Array.from(packFourier(fd)), [1, 2, 0, 3, 4, 0]);
 * assertEquals(unpackFourier(packFourier(fd)), fd);
 * ```
 */
export function packFourier(fd: FourierDensity): Float64Array {
  const N = _check("packFourier", fd);
  const th = new Float64Array(2 * N + 4);
  th.set(fd.re, 0);
  th.set(fd.im, N + 1);
  th[2 * N + 2] = fd.mu;
  th[2 * N + 3] = Math.log(fd.sigma);
  return th;
}

/**
 * Inverse of {@link packFourier}.
 *
 * @param theta packed parameters (even length ≥ 4)
 */
export function unpackFourier(theta: Float64Array): FourierDensity {
  if (!(theta instanceof Float64Array) || theta.length < 4 || theta.length % 2 !== 0) {
    rangeError("unpackFourier", "theta.length", "an even number ≥ 4", theta?.length);
  }
  const N = theta.length / 2 - 2;
  return {
    re: theta.slice(0, N + 1),
    im: theta.slice(N + 1, 2 * N + 2),
    mu: theta[2 * N + 2]!,
    sigma: Math.exp(theta[2 * N + 3]!),
  };
}

/**
 * Objective of the FBDM fit and its exact gradient (float64, closed-form derivatives of eqs. 8, 10, 11):
 * $L(\theta)=-\frac1n\sum_i\log q_\theta(y_i)+\gamma\sum_{n\ge1}\pi^2n^2|c_n|^2/c_0^2$, θ as in {@link packFourier}.
 *
 * @param theta packed parameters
 * @param y data
 * @param gamma smoothness weight γ ≥ 0
 * @returns loss and gradient (same layout as θ)
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { fourierNllGrad } from "@lib/density/fourier.ts";
 * // a = (2): q = sech²(y)/2, −log q(0) = log 2
 * assertAlmostEquals(fourierNllGrad(Float64Array.of(2, 0, 0, 0), [0], 0).loss, Math.LN2, 1e-15);
 * ```
 */
export function fourierNllGrad(
  theta: Float64Array,
  y: ArrayLike<number>,
  gamma: number,
): { loss: number; grad: Float64Array } {
  const fd = unpackFourier(theta);
  const N = fd.re.length - 1, K = N + 1, ar = fd.re, ai = fd.im, sigma = fd.sigma;
  const grad = new Float64Array(theta.length);
  let c0 = 0;
  for (let k = 0; k < K; k++) c0 += ar[k]! ** 2 + ai[k]! ** 2;
  const cs = new Float64Array(K), sn = new Float64Array(K);
  let loss = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const u = (y[i]! - fd.mu) / sigma, x = Math.tanh(u);
    const c1 = Math.cos(Math.PI * x), s1 = Math.sin(Math.PI * x);
    cs[0] = 1;
    sn[0] = 0;
    for (let k = 1; k < K; k++) {
      cs[k] = cs[k - 1]! * c1 - sn[k - 1]! * s1;
      sn[k] = sn[k - 1]! * c1 + cs[k - 1]! * s1;
    }
    let R = 0, I = 0, dR = 0, dI = 0;
    for (let k = 0; k < K; k++) {
      R += ar[k]! * cs[k]! + ai[k]! * sn[k]!;
      I += ai[k]! * cs[k]! - ar[k]! * sn[k]!;
      dR += Math.PI * k * (ai[k]! * cs[k]! - ar[k]! * sn[k]!);
      dI += -Math.PI * k * (ai[k]! * sn[k]! + ar[k]! * cs[k]!);
    }
    const f = R * R + I * I + 1e-300;
    const au = Math.abs(u);
    const logSech2 = 2 * Math.LN2 - 2 * au - 2 * Math.log1p(Math.exp(-2 * au));
    loss -= Math.log(f) - Math.log(2 * c0) - Math.log(sigma) + logSech2;
    for (let k = 0; k < K; k++) {
      grad[k]! -= (2 * (R * cs[k]! - I * sn[k]!)) / f;
      grad[K + k]! -= (2 * (R * sn[k]! + I * cs[k]!)) / f;
    }
    const dlogq_du = ((2 * (R * dR + I * dI)) / f) * (1 - x * x) - 2 * x;
    grad[2 * K]! -= -dlogq_du / sigma;
    grad[2 * K + 1]! -= -1 - u * dlogq_du;
  }
  loss /= n;
  for (let j = 0; j < theta.length; j++) grad[j] = grad[j]! / n;
  // normaliser: + log(2 c0) per point → ∂/∂ar_k = 2 ar_k / c0
  for (let k = 0; k < K; k++) {
    grad[k]! += (2 * ar[k]!) / c0;
    grad[K + k]! += (2 * ai[k]!) / c0;
  }
  if (gamma > 0) {
    const c = coeffs(fd);
    let S = 0;
    const dS = new Float64Array(2 * K);
    for (let m = 1; m < K; m++) {
      const w = Math.PI ** 2 * m * m, cr = c.re[m]!, ci = c.im[m]!;
      S += w * (cr * cr + ci * ci);
      for (let j = 0; j < K; j++) {
        // ∂c_m/∂ar_j = conj(a_{j+m}) + a_{j−m};  ∂c_m/∂ai_j = i·conj(a_{j+m}) − i·a_{j−m}
        let dr = 0, di = 0, er = 0, ei = 0;
        if (j + m < K) {
          dr += ar[j + m]!;
          di += -ai[j + m]!;
          er += ai[j + m]!;
          ei += ar[j + m]!;
        }
        if (j - m >= 0) {
          dr += ar[j - m]!;
          di += ai[j - m]!;
          er += ai[j - m]!;
          ei += -ar[j - m]!;
        }
        // ∂|c|² = 2 Re(conj(c)·∂c) = 2(cr·Re∂c + ci·Im∂c)
        dS[j]! += w * 2 * (cr * dr + ci * di);
        dS[K + j]! += w * 2 * (cr * er + ci * ei);
      }
    }
    loss += (gamma * S) / (c0 * c0);
    for (let k = 0; k < K; k++) {
      grad[k]! += gamma * (dS[k]! / (c0 * c0) - (4 * S * ar[k]!) / (c0 * c0 * c0));
      grad[K + k]! += gamma * (dS[K + k]! / (c0 * c0) - (4 * S * ai[k]!) / (c0 * c0 * c0));
    }
  }
  return { loss, grad };
}

/** Options of {@link fitFourierDensity}. */
export interface FitOptions {
  /** Full-batch Adam steps (default 2000). */
  steps?: number;
  /** Adam learning rate (default 0.02). */
  lr?: number;
  /** Weight γ ≥ 0 of the smoothness penalty on p_θ (default 1e-4). */
  gamma?: number;
}

/**
 * Maximum-likelihood fit of an FBDM on ℝ: minimises $-\frac1n\sum_i\log q_\theta(y_i)+\gamma\int|p_\theta'|^2$ over
 * $a_0..a_N$, μ and log σ by full-batch Adam on the exact gradient ({@link fourierNllGrad}). Initialisation:
 * μ = sample mean, σ = sample std, $a_0=1$, other $a_k$ ~ 0.01·N(0, 1) (so $p_\theta$ starts near uniform).
 *
 * @param y training sample (≥ 2 finite values)
 * @param N highest frequency ≥ 0
 * @param rng stream for the initial a_k
 * @param opts steps, lr, gamma
 * @returns the fitted parameters and the loss every 50 steps
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { createRng } from "@lib/core/rng.ts";
 * import { fitFourierDensity } from "@lib/density/fourier.ts";
 * const y = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i) + (i % 2 ? 2 : -2));
 * const { fd, losses } = fitFourierDensity(y, 4, createRng(0), { steps: 100 });
 * assert(losses.at(-1)! < losses[0]! && fd.re.length === 5);
 * ```
 */
export function fitFourierDensity(
  y: ArrayLike<number>,
  N: number,
  rng: Rng,
  opts: FitOptions = {},
): { fd: FourierDensity; losses: number[] } {
  const where = "fitFourierDensity";
  _points(where, "y", y);
  if (y.length < 2) rangeError(where, "y.length", "≥ 2", y.length);
  checkInt(where, "N", N, 0);
  const steps = checkInt(where, "opts.steps", opts.steps ?? 2000, 0);
  const lr = checkPositive(where, "opts.lr", opts.lr ?? 0.02);
  const gamma = opts.gamma ?? 1e-4;
  if (!(gamma >= 0) || !Number.isFinite(gamma)) {
    rangeError(where, "opts.gamma", "a non-negative number", gamma);
  }
  let m = 0;
  for (let i = 0; i < y.length; i++) m += checkFinite(where, `y[${i}]`, y[i]);
  m /= y.length;
  let v = 0;
  for (let i = 0; i < y.length; i++) v += (y[i]! - m) ** 2;
  const sd = Math.sqrt(v / (y.length - 1));
  if (!(sd > 0)) rangeError(where, "y", "not all equal", y);
  const re = Float64Array.from({ length: N + 1 }, (_, k) => (k === 0 ? 1 : 0.01 * rng.normal()));
  const im = Float64Array.from({ length: N + 1 }, (_, k) => (k === 0 ? 0 : 0.01 * rng.normal()));
  const theta = packFourier({ re, im, mu: m, sigma: sd });
  const state = { m: new Float64Array(theta.length), v: new Float64Array(theta.length) };
  const losses: number[] = [];
  const yy = Float64Array.from(y);
  for (let t = 0; t < steps; t++) {
    const { loss, grad } = fourierNllGrad(theta, yy, gamma);
    if (t % 50 === 0 || t === steps - 1) losses.push(loss);
    adamwUpdate(theta, grad, state, t + 1, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  }
  return { fd: unpackFourier(theta), losses };
}
