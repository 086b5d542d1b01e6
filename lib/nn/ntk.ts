/**
 * Standard vs NTK parameterization of a linear layer
 * (Su, "On the initialization, parameterization and normalization of Transformers",
 * https://kexue.fm/archives/8620; Jacot et al., arXiv 1806.07572).
 *
 * Standard: $y_j = \sum_i x_iw_{i,j}$ with $w \sim \mathcal N(0, 1/m)$. NTK: $y_j = \frac1{\sqrt m}\sum_i x_iv_{i,j}$
 * with $v \sim \mathcal N(0, 1)$. At initialization the two are the same function ($w = v/\sqrt m$),
 * but every NTK parameter is O(1), so an Adam step of size η (≈ η·sign(g) at the first step)
 * changes each of them by about η relative — "lr 1e-2 = 1 % per step".
 *
 * @module
 */
import { createRng } from "../core/rng.ts";
import { checkInt, checkPositive } from "../core/validate.ts";

/** What {@link parameterizationStep} measures, per parameterization. */
export interface ParamStepSide {
  /** Outputs at initialization (batch × fanOut, row-major). */
  outputs: Float64Array;
  /** |Δθ|/|θ| per parameter after one Adam step. */
  relChange: Float64Array;
  /** ‖Δθ‖/‖θ‖ over the whole matrix. */
  rmsRelChange: number;
  /** ‖Δy‖/‖y‖: how much the layer's outputs on the batch moved. */
  outputRelChange: number;
}

/**
 * One Adam step (the first, bias-corrected: $\Delta\theta = -\eta\,g/(|g| + \epsilon)$, i.e. ≈ −η·sign g)
 * on the squared error $\frac1{2B}\lVert y - t\rVert^2$ of one linear layer, in both parameterizations
 * with the *same* initial function ($w = v/\sqrt m$) and the same data.
 *
 * @param opts `fanIn` m ≥ 1, `fanOut` ≥ 1, `batch` (default 64), `lr` η > 0 (default 1e-2),
 *   `eps` (default 1e-12), `seed`
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { parameterizationStep } from "@lib/nn/ntk.ts";
 * const r = parameterizationStep({ fanIn: 64, fanOut: 8, seed: 0 });
 * assertAlmostEquals(r.ntk.rmsRelChange, 0.01, 0.002); // η / RMS(v) with RMS(v) ≈ 1
 * assertAlmostEquals(r.standard.rmsRelChange / r.ntk.rmsRelChange, 8, 1e-6); // √m larger
 * ```
 */
export function parameterizationStep(opts: {
  fanIn: number;
  fanOut: number;
  seed: number;
  batch?: number;
  lr?: number;
  eps?: number;
}): { standard: ParamStepSide; ntk: ParamStepSide; maxOutputDiff: number } {
  const where = "parameterizationStep";
  const m = checkInt(where, "fanIn", opts.fanIn, 1);
  const n = checkInt(where, "fanOut", opts.fanOut, 1);
  const B = checkInt(where, "batch", opts.batch ?? 64, 1);
  const lr = checkPositive(where, "lr", opts.lr ?? 1e-2);
  const eps = checkPositive(where, "eps", opts.eps ?? 1e-12);
  const rng = createRng(opts.seed);
  const dataRng = rng.fork("data"), initRng = rng.fork("init");
  const x = Float64Array.from({ length: B * m }, () => dataRng.normal());
  const target = Float64Array.from({ length: B * n }, () => dataRng.normal());
  const v = Float64Array.from({ length: m * n }, () => initRng.normal()); // v[i*n + j]
  const c = 1 / Math.sqrt(m);
  const w = v.map((vi) => vi * c);
  const forward = (theta: Float64Array, scale: number) => {
    const y = new Float64Array(B * n);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < m; i++) {
        const xi = (x[b * m + i] as number) * scale;
        for (let j = 0; j < n; j++) {
          y[b * n + j] = (y[b * n + j] as number) + xi * (theta[i * n + j] as number);
        }
      }
    }
    return y;
  };
  const side = (theta: Float64Array, scale: number): ParamStepSide => {
    const y = forward(theta, scale);
    const g = new Float64Array(m * n);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < m; i++) {
        const xi = ((x[b * m + i] as number) * scale) / B;
        for (let j = 0; j < n; j++) {
          g[i * n + j] = (g[i * n + j] as number) +
            xi * ((y[b * n + j] as number) - (target[b * n + j] as number));
        }
      }
    }
    const after = theta.map((t, k) => t - (lr * (g[k] as number)) / (Math.abs(g[k] as number) + eps));
    const relChange = theta.map((t, k) => Math.abs((after[k] as number) - t) / Math.abs(t));
    let dd = 0, tt = 0;
    for (let k = 0; k < theta.length; k++) {
      dd += ((after[k] as number) - (theta[k] as number)) ** 2;
      tt += (theta[k] as number) ** 2;
    }
    const y2 = forward(after, scale);
    let dy = 0, yy = 0;
    for (let k = 0; k < y.length; k++) {
      dy += ((y2[k] as number) - (y[k] as number)) ** 2;
      yy += (y[k] as number) ** 2;
    }
    return { outputs: y, relChange, rmsRelChange: Math.sqrt(dd / tt), outputRelChange: Math.sqrt(dy / yy) };
  };
  const standard = side(w, 1), ntk = side(v, c);
  let maxOutputDiff = 0;
  for (let k = 0; k < standard.outputs.length; k++) {
    maxOutputDiff = Math.max(
      maxOutputDiff,
      Math.abs((standard.outputs[k] as number) - (ntk.outputs[k] as number)),
    );
  }
  return { standard, ntk, maxOutputDiff };
}
