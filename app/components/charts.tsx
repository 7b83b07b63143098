import { useId, type ReactNode } from "react";
import { Card } from "~/components/ui";

// Small accessible SVG charts, rendered on the server (no chart library is installed yet:
// docs/analytics.md names the one to adopt). Each chart is a table first: the SVG has a
// <title> and <desc>, and the same rows are listed in a data table under it and offered as
// CSV. A withheld value (null) is drawn as a gap and written as "—".

export type Cell = string | number | null;
const PALETTE = ["#4f46e5", "#0891b2", "#16a34a", "#d97706", "#db2777", "#64748b"];
const fmt = (v: Cell) => (v === null ? "—" : typeof v === "number" ? v.toLocaleString() : v);

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

function Svg({ title, summary, width, height, children }: { title: string; summary: string; width: number; height: number; children: ReactNode }) {
  const id = useId();
  return (
    <svg role="img" tabIndex={0} aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${width} ${height}`} className="h-auto w-full focus:outline-2 focus:outline-indigo-600">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{summary}</desc>
      {children}
    </svg>
  );
}

/** Weekly series: the first column is the x axis, every other column a line (a "previous" series dashed). */
export function LineChart(props: Base & { dashed?: number[] }) {
  const { rows, columns, title, summary } = props;
  const W = 640;
  const H = 220;
  const pad = { l: 40, r: 10, t: 10, b: 40 };
  const series = columns.slice(1);
  const values = rows.flatMap((r) => r.slice(1).filter((v): v is number => typeof v === "number"));
  const max = Math.max(1, ...values);
  const x = (i: number) => pad.l + (rows.length <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (rows.length - 1));
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.t - pad.b);
  return (
    <Svg title={title} summary={summary} width={W} height={H + 24 * Math.ceil(series.length / 3)}>
      <line x1={pad.l} x2={W - pad.r} y1={y(0)} y2={y(0)} stroke="#cbd5e1" />
      <text x={pad.l - 6} y={y(max) + 4} textAnchor="end" fontSize="10" fill="#64748b">
        {fmt(Math.round(max * 10) / 10)}
      </text>
      <text x={pad.l - 6} y={y(0) + 4} textAnchor="end" fontSize="10" fill="#64748b">
        0
      </text>
      {rows.map((r, i) =>
        i % Math.max(1, Math.ceil(rows.length / 6)) === 0 ? (
          <text key={i} x={x(i)} y={H - pad.b + 14} textAnchor="middle" fontSize="10" fill="#64748b">
            {String(r[0]).slice(5)}
          </text>
        ) : null,
      )}
      {series.map((name, s) => {
        const color = PALETTE[s % PALETTE.length];
        // a withheld week breaks the line instead of being drawn as zero
        const segments: string[][] = [[]];
        rows.forEach((r, i) => {
          const v = r[s + 1];
          if (typeof v === "number") segments[segments.length - 1].push(`${x(i)},${y(v)}`);
          else if (segments[segments.length - 1].length) segments.push([]);
        });
        return (
          <g key={name}>
            {segments.filter((p) => p.length).map((p, k) => (
              <polyline key={k} points={p.join(" ")} fill="none" stroke={color} strokeWidth={2} strokeDasharray={props.dashed?.includes(s) ? "5 4" : undefined} />
            ))}
            {rows.map((r, i) =>
              typeof r[s + 1] === "number" ? (
                <circle key={i} cx={x(i)} cy={y(r[s + 1] as number)} r={2.5} fill={color}>
                  <title>{`${name}, ${r[0]}: ${fmt(r[s + 1])}`}</title>
                </circle>
              ) : null,
            )}
            <rect x={pad.l + (s % 3) * 200} y={H + 4 + 24 * Math.floor(s / 3) - 8} width={12} height={4} fill={color} />
            <text x={pad.l + (s % 3) * 200 + 16} y={H + 4 + 24 * Math.floor(s / 3)} fontSize="11" fill="#334155">
              {name}
            </text>
          </g>
        );
      })}
    </Svg>
  );
}

/** Horizontal bars of one value column (by index), labelled by the first column. */
export function BarChart(props: Base & { valueColumn: number; withheld: string }) {
  const { rows, title, summary, valueColumn } = props;
  const W = 640;
  const bar = 22;
  const label = 180;
  const max = Math.max(1, ...rows.map((r) => (typeof r[valueColumn] === "number" ? (r[valueColumn] as number) : 0)));
  return (
    <Svg title={title} summary={summary} width={W} height={Math.max(1, rows.length) * (bar + 6) + 6}>
      {rows.map((r, i) => {
        const v = r[valueColumn];
        const y = 6 + i * (bar + 6);
        const w = typeof v === "number" ? Math.max(1, (v / max) * (W - label - 70)) : 0;
        return (
          <g key={i}>
            <text x={label - 8} y={y + bar / 2 + 4} textAnchor="end" fontSize="11" fill="#334155">
              {String(r[0]).slice(0, 28)}
            </text>
            {typeof v === "number" ? (
              <rect x={label} y={y} width={w} height={bar} fill={PALETTE[0]} rx={3} />
            ) : (
              <rect x={label} y={y} width={40} height={bar} fill="#e2e8f0" rx={3} />
            )}
            <text x={label + (typeof v === "number" ? w : 40) + 6} y={y + bar / 2 + 4} fontSize="11" fill="#334155">
              {typeof v === "number" ? fmt(v) : `— (${props.withheld})`}
            </text>
          </g>
        );
      })}
    </Svg>
  );
}

/** A heat map of (row, column, value) triples. */
export function HeatMap(props: Base & { withheld: string }) {
  const { rows, title, summary } = props;
  const names = [...new Set(rows.flatMap((r) => [String(r[0]), String(r[1])]))].sort();
  const cell = 44;
  const label = 130;
  const max = Math.max(1, ...rows.map((r) => (typeof r[2] === "number" ? r[2] : 0)));
  const value = new Map(rows.map((r) => [`${r[0]}\u0001${r[1]}`, r[2]]));
  const W = label + names.length * cell + 10;
  const H = label + names.length * cell + 10;
  return (
    <Svg title={title} summary={summary} width={Math.max(W, 200)} height={H}>
      {names.map((n, j) => (
        <text key={`c${n}`} x={label + j * cell + cell / 2} y={label - 6} fontSize="10" fill="#334155" transform={`rotate(-40 ${label + j * cell + cell / 2} ${label - 6})`}>
          {n.slice(0, 18)}
        </text>
      ))}
      {names.map((from, i) => (
        <g key={from}>
          <text x={label - 6} y={label + i * cell + cell / 2 + 4} textAnchor="end" fontSize="10" fill="#334155">
            {from.slice(0, 20)}
          </text>
          {names.map((to, j) => {
            const v = value.get(`${from}\u0001${to}`);
            const known = typeof v === "number";
            const shade = known ? 0.12 + 0.88 * ((v as number) / max) : 0;
            return (
              <g key={to}>
                <rect x={label + j * cell} y={label + i * cell} width={cell - 2} height={cell - 2} fill={v === undefined ? "#f8fafc" : known ? `rgba(79,70,229,${shade})` : "#e2e8f0"}>
                  <title>{`${from} → ${to}: ${v === undefined ? 0 : known ? fmt(v as number) : `— (${props.withheld})`}`}</title>
                </rect>
                <text x={label + j * cell + cell / 2 - 1} y={label + i * cell + cell / 2 + 3} textAnchor="middle" fontSize="10" fill={shade > 0.55 ? "white" : "#334155"}>
                  {v === undefined ? "" : known ? fmt(v as number) : "—"}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </Svg>
  );
}
