import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { compileQuery } from "../../app/db/compile.server";
import { textArray } from "../../app/db/sql.server";
import { users } from "../../app/db/schema";

// compileQuery must give drizzle's own text and parameters for what it handles, and decline the rest
// (every statement of the suite is also checked as it runs: tests/setup/worker-setup.ts).
const drizzle = new PgDialect();
const same = (q: SQL) => {
  const { sql: text, params } = drizzle.sqlToQuery(q);
  expect(compileQuery(q)).toEqual({ sql: text, params });
};

describe("compileQuery", () => {
  it("text, nested sql, values of every kind, lists and joins as drizzle writes them", () => {
    const at = new Date(Date.UTC(2026, 11, 2));
    same(sql`select 1`);
    same(sql`select * from content c where c.id = ${"a"} and c.version > ${3} and c.pinned = ${true} and c.deleted_at is ${null}`);
    same(sql`select ${at}::timestamptz, ${at.toISOString()}::timestamptz`);
    same(sql`select x from t where a in ${["a", "b", "c"]} and b in (${sql.join(["x", "y"].map((v) => sql`${v}`), sql`, `)})`);
    same(sql`select ${textArray(["it's", 'a "q"', "back\\slash"])} ${sql.raw("order by 1")} ${sql``}`);
    same(sql`with a as (${sql`select ${1} as n`}) select n from a where ${sql`n = ${1}`} and ${sql.empty()} true`);
    same(sql`select ${sql.param(5)} + ${sql.param("x")}`);
  });

  it("declines what only drizzle's builder knows: tables, columns, names, placeholders, inlined params", () => {
    expect(compileQuery(sql`select ${users.id} from ${users}`)).toBeNull();
    expect(compileQuery(sql`select * from ${sql.identifier("users")}`)).toBeNull();
    expect(compileQuery(sql`select ${sql.placeholder("p")}`)).toBeNull();
    expect(compileQuery(sql`select ${"x"}`.inlineParams())).toBeNull();
    expect(compileQuery(sql`select ${{ a: 1 }}::jsonb`)).toBeNull();
  });
});
