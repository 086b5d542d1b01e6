/**
 * The plot-rendering workload of the benchmarks (kept apart from `workloads.ts` so that the tfjs
 * workloads load without Vega).
 *
 * @module
 */
import { renderSvg } from "@lib/display/plot.ts";
import type { Workload } from "./workloads.ts";

/** A two-series line chart of 2 × 500 points rendered to SVG by lib/display/plot.ts. */
export const PLOT_WORKLOAD: Workload = {
  id: "plot_line_1000",
  group: "plot",
  label: "renderSvg: line chart, 2 series × 500 points",
  unit: "renders/s",
  work: 1,
  torch: false,
  prepare() {
    const values = Array.from({ length: 1000 }, (_, i) => ({
      x: i % 500,
      y: Math.sin((i % 500) / 40) * (i < 500 ? 1 : 0.5),
      s: i < 500 ? "a" : "b",
    }));
    const spec = {
      data: { values },
      mark: "line" as const,
      encoding: {
        x: { field: "x", type: "quantitative" as const },
        y: { field: "y", type: "quantitative" as const },
        color: { field: "s", type: "nominal" as const },
      },
    };
    return {
      run: async () => {
        await renderSvg(spec);
      },
      dispose: () => {},
    };
  },
};
