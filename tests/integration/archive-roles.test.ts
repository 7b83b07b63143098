import fs from "node:fs";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { getDb } from "../../app/db/client.server";
import { env } from "../../app/env.server";

// The documented role split (docs/sql/role-split.sql, section 3) applied to this worker's
// database for a throw-away runtime role: it may append to the archive but not rewrite it,
// switch the triggers off or leave replication mode. PostgreSQL only (PGlite has one role).

const pg = Boolean(process.env.TEST_DATABASE_URL);

function grantsFromDocs(role: string) {
  const text = fs.readFileSync("docs/sql/role-split.sql", "utf8");
  const section = text.slice(text.indexOf("-- 3."), text.indexOf("-- 4."));
  return section
    .split("\n")
    .filter((l) => /^(GRANT|REVOKE)\b/.test(l))
    .map((l) => l.replace(/\batrium_app\b/g, role));
}

describe.skipIf(!pg)("database role split", () => {
  it("the runtime role appends but cannot update, delete, truncate, disable triggers or replicate", async () => {
    await getDb(); // migrated
    const url = new URL(env().DATABASE_URL!);
    const role = `atrium_rt_${process.pid}`;
    const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop role if exists ${role}`);
    await admin.unsafe(`create role ${role} login password 'rt-secret'`);
    let app: ReturnType<typeof postgres> | null = null;
    const org = `roles-${process.pid}`;
    try {
      await admin.unsafe(`grant usage on schema public to ${role}`);
      for (const stmt of grantsFromDocs(role)) await admin.unsafe(stmt);
      const u = new URL(url);
      u.username = role;
      u.password = "rt-secret";
      app = postgres(u.toString(), { max: 1, onnotice: () => {} });
      const denied = async (q: string) => {
        try {
          await app!.unsafe(q);
          return "accepted";
        } catch (e) {
          return (e as Error).message;
        }
      };
      // appending works: a head at 0, moved forward by one
      await app.unsafe(`insert into chain_heads (org_id, chain, seq, hash) values ('${org}', 'archive', 0, repeat('0', 64))`);
      await app.unsafe(`update chain_heads set seq = 1, hash = 'h' where org_id = '${org}'`);
      expect(await denied(`select nextval(pg_get_serial_sequence('archive_records', 'id'))`)).not.toMatch(/denied/);
      for (const t of ["archive_records", "audit_log", "checkpoints"]) {
        expect(await denied(`update ${t} set hash = hash`)).toMatch(/permission denied/);
        expect(await denied(`delete from ${t}`)).toMatch(/permission denied/);
        expect(await denied(`truncate ${t}`)).toMatch(/permission denied/);
        expect(await denied(`alter table ${t} disable trigger user`)).toMatch(/must be owner/);
      }
      expect(await denied(`delete from chain_heads where org_id = '${org}'`)).toMatch(/permission denied/);
      expect(await denied(`set session_replication_role = replica`)).toMatch(/permission denied/);
    } finally {
      await app?.end();
      // leave no half-made chain for later tests (the owner's purge path)
      await admin.begin(async (tx) => {
        await tx.unsafe(`select set_config('atrium.retention_purge', 'on', true)`);
        await tx.unsafe(`delete from chain_heads where org_id = '${org}'`);
      });
      await admin.unsafe(`drop owned by ${role}`);
      await admin.unsafe(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});
