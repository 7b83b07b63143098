import type { ReactNode } from "react";
import type { Cell } from "~/analytics/chart-text";
import type { Figure } from "~/analytics/plot.server";
import { Card } from "~/components/ui";
import { oneByteHtml } from "~/utils/one-byte-html";

// Accessible charts: each is a table first. The SVG (drawn by Observable Plot on the server)
// has a <title> and <desc>, and the same rows are listed in a data table under it and offered
// as CSV. A withheld value (null) is drawn as a gap or a grey bar and written as "—".

export type { Cell };
// one formatter for every cell (what Number#toLocaleString() builds afresh on each call)
const numbers = new Intl.NumberFormat();
const fmt = (v: Cell) => (v === null ? "—" : typeof v === "number" ? numbers.format(v) : v);

type Base = { title: string; summary: string; columns: string[]; rows: Cell[][]; csvHref?: string; csvLabel: string; tableLabel: string; children?: ReactNode };

export function ChartCard({ title, summary, columns, rows, csvHref, csvLabel, tableLabel, children, id }: Base & { id: string }) {
  return (
    <Card className="space-y-3 p-4" data-chart={id}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        {csvHref ? (
          <a href={csvHref} download className="text-sm text-indigo-700 underline hover:text-indigo-900" data-csv={id}>
            {csvLabel}
          </a>
        ) : null}
      </div>
      {children}
      <details>
        <summary className="cursor-pointer text-sm text-slate-600">{tableLabel}</summary>
        <div className="overflow-x-auto">
          <table className="mt-2 w-full text-left text-sm">
            <caption className="sr-only">{summary}</caption>
            <thead className="border-b border-slate-200 text-xs text-slate-500">
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col" className="px-2 py-1 font-medium">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i} className="border-b border-slate-100">
                  {r.map((v, j) =>
                    j === 0 ? (
                      <th key={j} scope="row" className="px-2 py-1 font-normal">
                        {fmt(v)}
                      </th>
                    ) : (
                      <td key={j} className="px-2 py-1 tabular-nums">
                        {fmt(v)}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </Card>
  );
}

/**
 * A chart drawn by Observable Plot on the server (app/analytics/plot.server.ts): the SVG markup
 * comes from Plot with its text escaped by the DOM serializer, already labelled (role="img",
 * <title>, <desc>) and focusable. Line charts list their series beside it.
 */
export function PlotFigure({ figure }: { figure: Figure | undefined }) {
  if (!figure) return null;
  return (
    <figure className="space-y-2">
      {/* Plot labels its mark groups (aria-label on a role-less <g>, which ARIA prohibits); the svg itself is the labelled image */}
      <div className="atrium-plot-frame" dangerouslySetInnerHTML={{ __html: oneByteHtml(figure.svg.replace(/(<g\b[^>]*?)\saria-label="[^"]*"/g, "$1")) }} />
      {figure.legend.length ? (
        <figcaption>
          <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
            {figure.legend.map((l) => (
              <li key={l.label} className="flex items-center gap-1">
                <svg width="16" height="6" aria-hidden="true">
                  <line x1="0" x2="16" y1="3" y2="3" stroke={l.color} strokeWidth="3" strokeDasharray={l.dashed ? "4 3" : undefined} />
                </svg>
                {l.label}
              </li>
            ))}
          </ul>
        </figcaption>
      ) : null}
    </figure>
  );
}
