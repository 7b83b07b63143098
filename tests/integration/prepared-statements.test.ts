import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, query, type DbHandle } from "~/db/client.server";

// DATABASE_PREPARE: reads go to PostgreSQL as named statements (parsed once per connection),
// transactions and parameterless statements as before. One connection, so the session's
// pg_prepared_statements is the one that ran them.
const url = process.env.TEST_DATABASE_URL;
const handles: DbHandle[] = [];
afterAll(async () => Promise.all(handles.map((h) => h.close())));

async function open(prepare: boolean) {
  const h = await openDatabase({ kind: "postgres", url: url!, max: 1, prepare, migrate: false });
  handles.push(h);
  return h.db;
}
const named = (db: Awaited<ReturnType<typeof open>>) =>
  query<{ statement: string }>(db, sql`select statement from pg_prepared_statements where statement like ${"%atrium-prepare-probe%"} and statement not like ${"%pg_prepared_statements%"}`);

describe.skipIf(!url)("prepared statements (PostgreSQL)", () => {
  it("with DATABASE_PREPARE a read is prepared once and reused; its results are unchanged", async () => {
    const db = await open(true);
    for (const n of [1, 2, 3]) {
      const rows = await query<{ n: number }>(db, sql`select ${n}::int as n /* atrium-prepare-probe */`);
      expect(rows).toEqual([{ n }]);
    }
    const st = await named(db);
    expect(st).toHaveLength(1);
    // inside a transaction statements stay unnamed (the pooler-safe path)
    await db.transaction(async (tx) => {
      await query(tx, sql`select ${4}::int as n /* atrium-prepare-probe tx */`);
    });
    expect((await named(db)).map((r) => r.statement).some((s) => s.includes("probe tx"))).toBe(false);
  });

  it("with DATABASE_PREPARE=false nothing is prepared (PgBouncer in transaction mode)", async () => {
    const db = await open(false);
    await query(db, sql`select ${1}::int as n /* atrium-prepare-probe */`);
    expect(await named(db)).toHaveLength(0);
  });
});
