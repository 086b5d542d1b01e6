import { assert, assertEquals, assertFalse, assertStringIncludes, assertThrows } from "@std/assert";
import { bundleOf, tex, texRewrite } from "@lib/display/mod.ts";

const raw = String.raw;

Deno.test("tex: bundle has html (MathML), markdown, latex and plain", () => {
  const b = bundleOf(tex("E = mc^2"));
  assertEquals(Object.keys(b).sort(), ["text/html", "text/latex", "text/markdown", "text/plain"]);
  const html = b["text/html"] as string;
  assertStringIncludes(html, "<math");
  assertStringIncludes(html, 'display="block"');
  assertEquals(b["text/markdown"], "$$E = mc^2$$");
  assertEquals(b["text/latex"], "$$E = mc^2$$");
  assertEquals(b["text/plain"], "E = mc^2");
});

Deno.test("tex: inline mode uses single dollars and no block display", () => {
  const b = bundleOf(tex(raw`\alpha_t`, { display: false }));
  assertEquals(b["text/markdown"], raw`$\alpha_t$`);
  assertFalse((b["text/html"] as string).includes('display="block"'));
});

Deno.test("tex: output is deterministic", () => {
  const s = raw`\boldsymbol{u}_t = \text{sign}\big(\beta_1 \boldsymbol{m}_{t-1}\big) \tag{2}`;
  assertEquals(bundleOf(tex(s)), bundleOf(tex(s)));
});

Deno.test("tex: \\label disappears, \\eqref renders as (x), \\style keeps its body", () => {
  const src =
    raw`\style{color:red}{\boldsymbol{\theta}_t} = \theta_{t-1} - \eta\, \eqref{eq:lion} \label{eq:update}`;
  const b = bundleOf(tex(src));
  const html = b["text/html"] as string;
  assertFalse(html.includes("eq:update"), "the label text must not be rendered");
  assertFalse(html.includes("color:red"), "the \\style css is dropped");
  assertStringIncludes(html, "<mtext>(eq:lion)</mtext>");
  assertStringIncludes(html, "<mi>θ</mi>");
  const md = b["text/markdown"] as string;
  assertFalse(md.includes(raw`\label`));
  assertFalse(md.includes(raw`\eqref`));
  assertFalse(md.includes(raw`\style`));
  assertStringIncludes(md, raw`\text{(eq:lion)}`);
  assertEquals(b["text/plain"], src, "text/plain keeps the original source");
});

Deno.test("texRewrite: nested groups, escapes, optional args, unknown commands kept", () => {
  assertEquals(texRewrite(raw`\label{a{b}c}x`), "x");
  assertEquals(texRewrite(raw`\eqref{eq_1}`), raw`\text{(eq\_1)}`);
  assertEquals(texRewrite(raw`\ref{fig:a}`), raw`\text{fig:a}`);
  assertEquals(texRewrite(raw`\style{x}{\style{y}{z}}`), "{{z}}");
  assertEquals(texRewrite(raw`\bbox[yellow,5px]{x}`), "{x}");
  assertEquals(texRewrite(raw`\require{cancel}\cancel{x}`), raw`\cancel{x}`);
  assertEquals(texRewrite(raw`\labelled{x}`), raw`\labelled{x}`, "only whole command names match");
  assertEquals(texRewrite(raw`\{ \label {a} \}`), raw`\{  \}`);
  assertEquals(texRewrite(raw`\label`), raw`\label`, "a missing argument is left for KaTeX to report");
});

Deno.test("tex: article-style environments render", () => {
  const cases = [
    raw`\begin{aligned} \boldsymbol{m}_t &= \beta\boldsymbol{m}_{t-1} + (1-\beta)\boldsymbol{g}_t \\ \boldsymbol{\theta}_t &= \boldsymbol{\theta}_{t-1} - \eta_t\,\text{sign}(\boldsymbol{m}_t) \end{aligned} \label{eq:tiger}`,
    raw`\begin{equation} p(x) = \frac{1}{Z} e^{-E(x)} \label{eq:p} \end{equation}`,
    raw`x = 1 \tag{3.1}`,
    raw`\text{中文}\ \mathbb{E}_{x\sim p}[f(x)]`,
  ];
  for (const c of cases) assertStringIncludes(bundleOf(tex(c))["text/html"] as string, "<math");
});

Deno.test("tex: macros work in KaTeX and are defined in the Markdown copy", () => {
  const b = bundleOf(tex(raw`\E{x}[f]`, { macros: { "\\E": raw`\mathbb{E}_{#1}` } }));
  assertStringIncludes(b["text/html"] as string, '<mi mathvariant="double-struck">E</mi>');
  assertEquals(b["text/markdown"], raw`$$\def\E#1{\mathbb{E}_{#1}} \E{x}[f]$$`);
});

Deno.test("tex: invalid LaTeX throws a SyntaxError naming the input", () => {
  const e = assertThrows(() => tex(raw`\frac{1}{`), SyntaxError, raw`\frac{1}{`);
  assertStringIncludes((e as Error).message, "KaTeX parse error");
  assertFalse((e as Error).message.includes("\u0332"));
  assertThrows(() => tex(raw`\notacommand x`), SyntaxError, raw`\notacommand`);
  assertThrows(() => tex(raw`x \tag{1}`, { display: false }), SyntaxError, "display");
  assertThrows(() => tex(""), TypeError, "tex: latex must be a non-empty string");
  assertThrows(() => tex(42 as unknown as string), TypeError, "tex: latex must be a string, got 42");
  assertThrows(() => tex("x", { macros: { E: "y" } }), TypeError, "macro name");
});

Deno.test("tex: the caller's macros object is not mutated", () => {
  const macros = { "\\R": raw`\mathbb{R}` };
  tex(raw`\gdef\foo{1} \R`, { macros });
  assertEquals(Object.keys(macros), ["\\R"]);
  assert(true);
});
