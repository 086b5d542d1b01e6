/**
 * lib/density: one-dimensional density models — the Fourier Basis Density Model (G08) and its baselines
 * (Gaussian mixtures by EM and by gradient, the deep-factorized-prior style monotone CDF network).
 * Diagnostics (KL by quadrature, modes, KS test) live in `lib/prob/density1d.ts`, KDE in `lib/prob/kde.ts`.
 *
 * @module
 */
export * from "./fourier.ts";
export * from "./gmm_fit.ts";
export * from "./dfp.ts";
