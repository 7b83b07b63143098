import { createHash } from "node:crypto";
import * as Plot from "@observablehq/plot";
import { Window } from "happy-dom";
import { formatNumber, translate, type Locale } from "~/i18n";
import { chartText, type Cell } from "./chart-text";
import type { Dashboard } from "./dashboard.server";

// Charts drawn by Observable Plot on the server: SVG markup, no client script. Plot's SVG
// carries a <style> element; it is removed here and the same rules live in app/styles/app.css
// (.atrium-plot), so the page needs no inline stylesheet under the Content-Security-Policy.
// Each SVG is labelled by its own <title> and <desc>, is focusable, and sits above the data
// table and CSV link that carry the same rows (app/components/charts.tsx).

export const PALETTE = ["#4f46e5", "#0891b2", "#16a34a", "#d97706", "#db2777", "#64748b"];
const CLASS = "atrium-plot";
const WITHHELD_FILL = "#e2e8f0";

export type LegendItem = { label: string; color: string; dashed: boolean };
export type Figure = { svg: string; legend: LegendItem[] };
export type ChartSpec = {
  /** unique on the page: the ids of the SVG's title and description derive from it */
  id: string;
  kind: "line" | "bar" | "heat";
  title: string;
  summary: string;
  columns: string[];
  rows: Cell[][];
  /** line: indexes (among the series) drawn dashed, e.g. the previous period */
  dashed?: number[];
  /** bar: the column holding the bar's value */
  valueColumn?: number;
};

let happy: Window | null = null;
const doc = () => (happy ??= new Window()).document as unknown as Document;

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Plot's SVG as markup: its <style> dropped, an accessible name and description added. */
function finish(el: Element, spec: ChartSpec): string {
  const svg = el.tagName.toLowerCase() === "svg" ? el : el.querySelector("svg");
  if (!svg) throw new Error("Plot did not return an SVG");
  for (const s of [...svg.querySelectorAll("style")]) s.remove();
  const d = svg.ownerDocument;
  const ns = "http://www.w3.org/2000/svg";
  const title = d.createElementNS(ns, "title");
  title.setAttribute("id", `chart-${spec.id}-title`);
  title.textContent = spec.title;
  const desc = d.createElementNS(ns, "desc");
  desc.setAttribute("id", `chart-${spec.id}-desc`);
  desc.textContent = spec.summary;
  svg.insertBefore(desc, svg.firstChild);
  svg.insertBefore(title, desc);
  svg.removeAttribute("aria-label");
  svg.removeAttribute("aria-description");
  // the accessible attributes first, so the markup reads <svg role="img" …>
  const rest = svg.outerHTML.replace(/^<svg\s*/, "");
  return `<svg role="img" tabindex="0" aria-labelledby="chart-${spec.id}-title chart-${spec.id}-desc" ${rest}`;
}

function lineChart(spec: ChartSpec, locale: Locale): Figure {
  const series = spec.columns.slice(1);
  const weeks = spec.rows.map((r) => String(r[0]));
  const every = Math.max(1, Math.ceil(weeks.length / 6));
  const legend = series.map((label, s) => ({ label, color: PALETTE[s % PALETTE.length], dashed: spec.dashed?.includes(s) ?? false }));
  const marks = series.flatMap((label, s) => {
    const pts = spec.rows.map((r) => ({ week: String(r[0]), value: num(r[s + 1]) ? (r[s + 1] as number) : null }));
    const { color, dashed } = legend[s];
    return [
      // a withheld week (null) breaks the line instead of being drawn as zero
      Plot.lineY(pts, { x: "week", y: "value", stroke: color, strokeWidth: 2, strokeDasharray: dashed ? "5 4" : undefined }),
      Plot.dot(
        pts.filter((p) => p.value !== null),
        { x: "week", y: "value", r: 2.5, fill: color, title: (p: { week: string; value: number }) => `${label}, ${p.week}: ${formatNumber(locale, p.value)}` },
      ),
    ];
  });
  const el = Plot.plot({
    document: doc(),
    className: CLASS,
    width: 640,
    height: 240,
    marginLeft: 48,
    x: { type: "point", domain: weeks, ticks: weeks.filter((_, i) => i % every === 0), tickFormat: (w: string) => w.slice(5), label: null },
    y: { grid: true, zero: true, label: null, tickFormat: (v: number) => formatNumber(locale, v) },
    marks: [Plot.ruleY([0], { stroke: "#cbd5e1" }), ...marks],
  });
  return { svg: finish(el, spec), legend };
}

function barChart(spec: ChartSpec, locale: Locale): Figure {
  const col = spec.valueColumn ?? 1;
  const withheld = translate(locale, "analytics.withheld");
  const bars = spec.rows.map((r, i) => ({ i: String(i), label: String(r[0]), value: num(r[col]) ? (r[col] as number) : null }));
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  const known = bars.filter((b) => b.value !== null) as { i: string; label: string; value: number }[];
  const hidden = bars.filter((b) => b.value === null);
  const el = Plot.plot({
    document: doc(),
    className: CLASS,
    width: 640,
    height: Math.max(1, bars.length) * 28 + 30,
    marginLeft: 180,
    marginRight: 80,
    // rows keep the dashboard's order; labels may repeat (two spaces with one name), so the band is the row index
    y: { domain: bars.map((b) => b.i), tickFormat: (i: string) => (bars[Number(i)]?.label ?? "").slice(0, 28), label: null, tickSize: 0 },
    x: { domain: [0, max], label: null, grid: true, tickFormat: (v: number) => formatNumber(locale, v) },
    marks: [
      Plot.barX(known, { x: "value", y: "i", fill: PALETTE[0], rx: 3, title: (b: { label: string; value: number }) => `${b.label}: ${formatNumber(locale, b.value)}` }),
      Plot.barX(hidden, { x1: 0, x2: max / 16, y: "i", fill: WITHHELD_FILL, rx: 3, title: (b: { label: string }) => `${b.label}: — (${withheld})` }),
      Plot.text(known, { x: "value", y: "i", text: (b: { value: number }) => formatNumber(locale, b.value), textAnchor: "start", dx: 6, fill: "#334155" }),
      Plot.text(hidden, { x: max / 16, y: "i", text: () => `— (${withheld})`, textAnchor: "start", dx: 6, fill: "#334155" }),
    ],
  });
  return { svg: finish(el, spec), legend: [] };
}

function heatMap(spec: ChartSpec, locale: Locale): Figure {
  const withheld = translate(locale, "analytics.withheld");
  const names = [...new Set(spec.rows.flatMap((r) => [String(r[0]), String(r[1])]))].sort();
  const cells = spec.rows.map((r) => ({ from: String(r[0]), to: String(r[1]), value: num(r[2]) ? (r[2] as number) : null }));
  const max = Math.max(1, ...cells.map((c) => c.value ?? 0));
  const known = cells.filter((c) => c.value !== null) as { from: string; to: string; value: number }[];
  const hidden = cells.filter((c) => c.value === null);
  const dark = known.filter((c) => c.value / max > 0.55);
  const light = known.filter((c) => c.value / max <= 0.55);
  const side = Math.max(200, 150 + names.length * 44);
  const label = (c: { from: string; to: string }, v: string) => `${c.from} → ${c.to}: ${v}`;
  const el = Plot.plot({
    document: doc(),
    className: CLASS,
    width: side,
    height: side - 20,
    marginLeft: 130,
    marginTop: 110,
    padding: 0.05,
    x: { domain: names, axis: "top", tickRotate: -40, tickFormat: (n: string) => n.slice(0, 18), label: null },
    y: { domain: names, tickFormat: (n: string) => n.slice(0, 20), label: null },
    color: { type: "linear", domain: [0, max], range: ["#e0e7ff", "#4f46e5"] },
    marks: [
      Plot.cell(known, { x: "to", y: "from", fill: "value", title: (c: { from: string; to: string; value: number }) => label(c, formatNumber(locale, c.value)) }),
      Plot.cell(hidden, { x: "to", y: "from", fill: WITHHELD_FILL, title: (c: { from: string; to: string }) => label(c, `— (${withheld})`) }),
      Plot.text(light, { x: "to", y: "from", text: (c: { value: number }) => formatNumber(locale, c.value), fill: "#334155" }),
      Plot.text(dark, { x: "to", y: "from", text: (c: { value: number }) => formatNumber(locale, c.value), fill: "white" }),
      Plot.text(hidden, { x: "to", y: "from", text: () => "—", fill: "#334155" }),
    ],
  });
  return { svg: finish(el, spec), legend: [] };
}

/** One chart as SVG markup (plus the legend the page lists beside it). */
export function renderChart(spec: ChartSpec, locale: Locale): Figure {
  return spec.kind === "line" ? lineChart(spec, locale) : spec.kind === "bar" ? barChart(spec, locale) : heatMap(spec, locale);
}

// Drawing is the dashboard's dearest step (Plot through happy-dom: ~5–30 ms a chart, most of a
// page's CPU), and its figures only change when a rollup changes the cells. A drawn chart is kept
// under the digest of everything it is drawn from (locale, id, kind, words, every row): the same
// input always gives the same SVG, so a hit serves only the rows this viewer's own dashboard
// produced, after their own scope and suppression — nothing one viewer's scope changes is shared
// (a space another viewer may not list makes a different spaces chart, hence a different key).
const DRAWN_MAX = 256;
const drawn = new Map<string, Figure>();

/** The chart's figure, drawn once per distinct input (least recently used dropped past DRAWN_MAX). */
export function drawnChart(spec: ChartSpec, locale: Locale): Figure {
  const key = createHash("sha256").update(JSON.stringify([locale, spec])).digest("base64");
  const hit = drawn.get(key);
  if (hit) {
    drawn.delete(key);
    drawn.set(key, hit);
    return hit;
  }
  const figure = renderChart(spec, locale);
  drawn.set(key, figure);
  if (drawn.size > DRAWN_MAX) drawn.delete(drawn.keys().next().value!);
  return figure;
}

/** Every drawable chart of a dashboard, by chart id, in the reader's language. */
export function renderDashboardCharts(dash: Dashboard, locale: Locale): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  for (const c of dash.charts) {
    if (c.kind === "table") continue;
    const text = chartText(locale, c);
    const valueColumn = c.columns.indexOf(c.columns.includes("contributions") ? "contributions" : "count");
    const dashed = c.columns.slice(1).flatMap((x, i) => (x.endsWith("Previous") ? [i] : []));
    out[c.id] = drawnChart({ id: c.id, kind: c.kind, ...text, dashed, valueColumn }, locale);
  }
  return out;
}
