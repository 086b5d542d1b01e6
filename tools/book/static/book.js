// Kexue Notebooks book: turns each Vega-Lite figure live with vega-embed (local files), keeping the
// static SVG when that fails; re-renders on a light/dark switch. Sets <html data-ready="1"> when done.
(function () {
  "use strict";
  const dark = globalThis.matchMedia ? globalThis.matchMedia("(prefers-color-scheme: dark)") : null;
  const figures = Array.from(document.querySelectorAll("figure.vega"));

  function options() {
    const isDark = dark !== null && dark.matches;
    const opts = { actions: false, renderer: "svg", mode: "vega-lite" };
    if (isDark) {
      opts.theme = "dark";
      opts.config = { background: "#1e2127" };
    }
    return opts;
  }

  function embedAll() {
    const embed = globalThis.vegaEmbed;
    if (typeof embed !== "function") return Promise.resolve();
    const opts = options();
    return Promise.all(figures.map(function (fig) {
      const spec = JSON.parse(fig.querySelector("script.vega-spec").textContent);
      const live = fig.querySelector(".vega-live");
      if (fig._view) fig._view.finalize();
      return embed(live, spec, opts).then(function (result) {
        fig._view = result.view;
        fig.classList.add("live");
      }).catch(function (err) {
        fig.classList.remove("live");
        console.warn("vega-embed failed, showing the static SVG:", err);
      });
    }));
  }

  embedAll().then(function () {
    document.documentElement.dataset.ready = "1";
  });
  if (dark !== null && dark.addEventListener) {
    dark.addEventListener("change", function () {
      embedAll();
    });
  }
})();
