import { describe, expect, it } from "vitest";
import type { Dashboard } from "../../app/analytics/dashboard.server";
import { drawnChart, renderChart, renderDashboardCharts, type ChartSpec } from "../../app/analytics/plot.server";

// The charts are Observable Plot's SVG, rendered on the server: labelled and focusable, with
// no inline <style> left (Content-Security-Policy), user-supplied labels escaped, withheld
// values shown as withheld, numbers in the reader's language.

describe("Plot charts on the server", () => {
  it("a bar chart is labelled, focusable, styleless, escapes its labels and marks a withheld bar", () => {
    const f = renderChart(
      { id: "spaces", kind: "bar", title: "Spaces <b>&", summary: "2 rows", columns: ["group", "contributions"], rows: [["<img src=x onerror=alert(1)>", 1500], ["Desk", null]], valueColumn: 1 },
      "en",
    );
    expect(f.svg.startsWith('<svg role="img" tabindex="0" aria-labelledby="chart-spaces-title chart-spaces-desc"')).toBe(true);
    expect(f.svg).toContain('<title id="chart-spaces-title">Spaces &lt;b&gt;&amp;</title>');
    expect(f.svg).toContain('<desc id="chart-spaces-desc">2 rows</desc>');
    expect(f.svg).not.toContain("<style");
    expect(f.svg).not.toContain("<img");
    expect(f.svg).toContain("— (withheld)");
    expect(f.svg).toContain("1,500");
  });

  it("a line chart breaks at a withheld week and lists its series; French numbers", () => {
    const rows = [["2026-05-04", 1200.5, 3], ["2026-05-11", null, 4], ["2026-05-18", 1300, 5]];
    const f = renderChart({ id: "activity", kind: "line", title: "Actifs", summary: "3 lignes", columns: ["semaine", "actifs", "avant"], rows, dashed: [1] }, "fr");
    expect(f.legend).toEqual([
      { label: "actifs", color: expect.any(String), dashed: false },
      { label: "avant", color: expect.any(String), dashed: true },
    ]);
    expect(f.svg).toMatch(/stroke-dasharray="5 4"/);
    expect(f.svg).toMatch(/1\u202f200,5|1 200,5/);
    expect(f.svg).not.toContain("<style");
  });

  it("a heat map draws known, withheld and empty cells", () => {
    const f = renderChart({ id: "matrix", kind: "heat", title: "M", summary: "s", columns: ["from", "to", "n"], rows: [["A", "B", 12], ["B", "A", null]] }, "en");
    expect(f.svg).toContain("A → B: 12");
    expect(f.svg).toContain("B → A: — (withheld)");
  });

  it("a chart is drawn once per distinct input: the same rows give the same figure, other rows (another viewer's spaces) their own", () => {
    const spec: ChartSpec = { id: "spaces", kind: "bar", title: "Spaces", summary: "2 rows", columns: ["group", "contributions"], rows: [["Markets", 120], ["Desk", null]], valueColumn: 1 };
    const first = drawnChart(spec, "en");
    // the second draw is the kept figure, identical to drawing it afresh
    expect(drawnChart({ ...spec, rows: spec.rows.map((r) => [...r]) }, "en")).toBe(first);
    expect(first.svg).toBe(renderChart(spec, "en").svg);
    // any difference in what is drawn is another figure: a row, a value, the language
    const more = drawnChart({ ...spec, rows: [...spec.rows, ["Secret desk", 40]] }, "en");
    expect(more).not.toBe(first);
    expect(more.svg).toContain("Secret desk");
    expect(drawnChart({ ...spec, rows: [["Markets", 121], ["Desk", null]] }, "en").svg).toContain("121");
    expect(drawnChart(spec, "fr").svg).toContain("masqué");

    // two viewers' dashboards that differ only in the spaces they may list: each page's spaces
    // chart shows its own rows only, whichever was drawn first
    const dash = (rows: (string | number | null)[][]): Dashboard => ({
      scope: "org",
      range: { from: "2026-05-04", to: "2026-05-04", weeks: ["2026-05-04"] },
      previous: { from: "2026-04-27", to: "2026-04-27", weeks: ["2026-04-27"] },
      k: 5,
      kpis: [],
      charts: [{ id: "spaces", kind: "bar", columns: ["group", "contributions", "posts", "questions", "answerRate"], rows }],
      maturity: [],
      coverage: null,
      suppressedAny: false,
    });
    const wide = renderDashboardCharts(dash([["Open floor", 90, 60, 5, 80], ["Deal room", 70, 50, 4, 75]]), "en");
    const narrow = renderDashboardCharts(dash([["Open floor", 90, 60, 5, 80]]), "en");
    expect(wide.spaces.svg).toContain("Deal room");
    expect(narrow.spaces.svg).toContain("Open floor");
    expect(narrow.spaces.svg).not.toContain("Deal room");
  });
});
