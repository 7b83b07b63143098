import { sql } from "drizzle-orm";
import { query, type Db, type Tx } from "../../app/db/client.server";

// What an insider with table ownership can do: switch the append-only triggers off for one
// transaction (ALTER TABLE is transactional), rewrite, switch them back on. Tamper tests go
// through here so they prove verification catches what the database itself cannot refuse.

const PROTECTED = ["archive_records", "audit_log", "checkpoints", "chain_heads"];

export async function asTableOwner<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    for (const t of PROTECTED) await tx.execute(sql.raw(`alter table ${t} disable trigger user`));
    const result = await fn(tx);
    for (const t of PROTECTED) await tx.execute(sql.raw(`alter table ${t} enable trigger user`));
    return result;
  });
}

export type OrgSnapshot = { orgId: string; tables: Record<string, unknown[]> };

/** Every protected row of one org, exactly (timestamps at full precision through to_jsonb). */
export async function snapshotOrg(db: Db, orgId: string): Promise<OrgSnapshot> {
  const tables: Record<string, unknown[]> = {};
  for (const t of PROTECTED) {
    const rows = await query<{ j: unknown }>(db, sql`select to_jsonb(x) as j from ${sql.raw(t)} x where x.org_id = ${orgId}`);
    tables[t] = rows.map((r) => (typeof r.j === "string" ? JSON.parse(r.j) : r.j));
  }
  return { orgId, tables };
}

/** Puts an org's protected rows back as they were, so later tests see a clean archive. */
export async function restoreOrg(db: Db, snap: OrgSnapshot) {
  await asTableOwner(db, async (tx) => {
    for (const t of PROTECTED) {
      await tx.execute(sql`delete from ${sql.raw(t)} where org_id = ${snap.orgId}`);
      if (snap.tables[t].length === 0) continue;
      // every stored column but the generated ones (archive_records.search_tsv), which PostgreSQL fills again
      const cols = await query<{ c: string }>(
        tx,
        sql`select column_name as c from information_schema.columns
            where table_schema = current_schema() and table_name = ${t} and is_generated = 'NEVER' order by ordinal_position`,
      );
      const list = sql.raw(cols.map((c) => `"${c.c}"`).join(", "));
      await tx.execute(
        sql`insert into ${sql.raw(t)} (${list}) select ${list} from jsonb_populate_recordset(null::${sql.raw(t)}, ${JSON.stringify(snap.tables[t])}::jsonb)`,
      );
    }
  });
}
