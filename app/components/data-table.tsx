import type { ReactNode } from "react";
import { Card, cx } from "~/components/ui";

/**
 * Records in a card, as the admin and compliance pages list them: a caption, a row of column headings,
 * then the rows (`<tr>`s) given as children.
 */
export function DataTable({
  caption,
  columns,
  actionsColumn,
  note,
  className,
  children,
}: {
  caption: ReactNode;
  columns: readonly ReactNode[];
  /** A last column for each row's buttons: its heading is read by screen readers only. */
  actionsColumn?: ReactNode;
  /** A line under the table, e.g. that the list is cut short. */
  note?: ReactNode;
  /** Classes for the card. */
  className?: string;
  children: ReactNode;
}) {
  return (
    <Card className={cx(className, "overflow-x-auto")}>
      <table className="w-full text-left text-sm">
        <caption className="px-4 pt-4 pb-2 text-left text-base font-semibold text-slate-900">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            {columns.map((heading, i) => (
              <th key={i} scope="col" className="px-4 py-2 font-medium">
                {heading}
              </th>
            ))}
            {actionsColumn ? (
              <th scope="col" className="px-4 py-2 font-medium">
                <span className="sr-only">{actionsColumn}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
      {note ? <p className="px-4 pb-4 text-sm text-slate-600">{note}</p> : null}
    </Card>
  );
}
