import { describe, expect, it } from "vitest";
import { renderChart } from "../../app/analytics/plot.server";

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
});
