import { sql, type SQL } from "drizzle-orm";

/** A text[] parameter that both drivers accept: one literal string, cast in SQL. */
export function textArray(values: Iterable<string>): SQL {
  const items = [...values].map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);
  return sql`${`{${items.join(",")}}`}::text[]`;
}

export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
