import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyArchive } from "../../app/compliance/verify.server";
import { getDb, query } from "../../app/db/client.server";
import { sql } from "drizzle-orm";
import { printChaosReport, runChaos } from "../../scripts/lib/chaos-run";
import { lostCount } from "../../scripts/lib/load-check";
import { printLoadReport, runLoad } from "../../scripts/lib/load-run";
import { seedScale, type ScaleReport } from "../../scripts/lib/scale-seed";
import { TEST_PASSWORD } from "../../scripts/lib/factories";
import { embeddedMeili, ensureServerBuild, startServer, waitFor } from "../../scripts/lib/server-process";

// Issue 18's tools at CI size: the scale seed's bulk-loaded data verifies with the archive's own
// verifier (PGlite and PostgreSQL); `load` and `chaos` run end to end against the production
// server on PostgreSQL (LOAD_SECONDS / CHAOS_SECONDS shorten or lengthen them).

const port = 3470 + Number(process.env.VITEST_POOL_ID ?? 1) * 4;

let seeded: ScaleReport;
beforeAll(async () => {
  seeded = await seedScale(await getDb(), { users: 40, spaces: 4, posts: 300, weeks: 3, seed: 7, password: TEST_PASSWORD, chunk: 120 });
}, 300_000);

describe("seed:scale", () => {
  it("bulk-loads valid data: every version in the org's chain, the chain verifies, rows match the report", async () => {
    const db = await getDb();
    const v = await verifyArchive(db, { orgId: seeded.orgId });
    expect(v.problem).toBeUndefined();
    expect(v.ok).toBe(true);
    const [a] = await query<{ n: number }>(db, sql`select count(*)::int as n from archive_records where org_id = ${seeded.orgId} and subject_kind in ('post', 'comment', 'question', 'answer', 'reaction', 'acceptance')`);
    // the bulk's versions plus the best-practice nominations' own (subject kind best_practice, not counted here)
    expect(a.n).toBe(seeded.archiveRecords);
    const [c] = await query<{ posts: number; children: number; rooted: number }>(
      db,
      sql`select count(*) filter (where kind in ('post', 'question'))::int as posts, count(*) filter (where parent_id is not null)::int as children,
                 count(*) filter (where parent_id is not null and root_id = parent_id)::int as rooted
          from content where org_id = ${seeded.orgId}`,
    );
    expect(c.posts).toBe(seeded.content.posts + seeded.content.questions);
    expect(c.children).toBe(seeded.content.comments + seeded.content.answers);
    expect(c.rooted).toBe(c.children); // the content_set_root trigger ran on the bulk rows
    // every content row has its create version, with the row's own text
    const [missing] = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from content c where c.org_id = ${seeded.orgId}
          and not exists (select 1 from archive_records r where r.subject_id = c.id and r.version = 1 and r.data->>'text' = c.body_text)`,
    );
    expect(missing.n).toBe(0);
    const [cells] = await query<{ n: number }>(db, sql`select count(*)::int as n from analytics_cells where org_id = ${seeded.orgId}`);
    expect(cells.n).toBeGreaterThan(0);
    expect(seeded.bestPractices).toBeGreaterThan(0);
  }, 300_000);
});

describe.skipIf(!process.env.DATABASE_URL)("seed:scale bulk mode (PostgreSQL)", () => {
  it("drops the secondary indexes for the load and rebuilds them; triggers off, the same facts hold and the chain verifies", async () => {
    const db = await getDb();
    const indexes = async () =>
      (await query<{ name: string }>(db, sql`select indexname as name from pg_indexes where schemaname = 'public' and tablename in ('content', 'archive_records', 'content_tags', 'reactions', 'follows', 'qa_questions') order by 1`)).map((x) => x.name);
    const before = await indexes();
    const stateFile = path.join(os.tmpdir(), `scale-seed-test-${process.pid}.json`);
    const r = await seedScale(db, { users: 40, spaces: 4, posts: 400, weeks: 3, seed: 9, password: TEST_PASSWORD, chunk: 150, bulk: true, indexStateFile: stateFile });
    expect(r.seconds.indexes).toBeGreaterThanOrEqual(0); // the rebuild ran
    expect(await indexes()).toEqual(before);
    expect(fs.existsSync(stateFile)).toBe(false);
    const v = await verifyArchive(db, { orgId: r.orgId });
    expect(v.problem).toBeUndefined();
    expect(v.ok).toBe(true);
    const [head] = await query<{ seq: number }>(db, sql`select seq::int as seq from chain_heads where org_id = ${r.orgId} and chain = 'archive'`);
    const [last] = await query<{ seq: number }>(db, sql`select max(seq)::int as seq from archive_records where org_id = ${r.orgId}`);
    expect(head.seq).toBe(last.seq);
    const [c] = await query<{ posts: number; children: number; rooted: number }>(
      db,
      sql`select count(*) filter (where kind in ('post', 'question'))::int as posts, count(*) filter (where parent_id is not null)::int as children,
                 count(*) filter (where parent_id is not null and root_id = parent_id)::int as rooted
          from content where org_id = ${r.orgId}`,
    );
    expect(c.posts).toBe(r.content.posts + r.content.questions);
    expect(c.children).toBe(r.content.comments + r.content.answers);
    expect(c.rooted).toBe(c.children);
    // the guard is back on: the head refuses a jump
    await expect(db.execute(sql`update chain_heads set seq = seq + 2 where org_id = ${r.orgId} and chain = 'archive'`)).rejects.toThrow();
  }, 300_000);
});

describe.skipIf(!process.env.DATABASE_URL)("load and chaos, end to end on PostgreSQL", () => {
  beforeAll(() => ensureServerBuild(), 180_000);

  it("load: signed-in people read and write through the forms; 0 server errors, every acknowledged write in PostgreSQL, the chain and the index", async () => {
    const server = startServer({ port, databaseUrl: process.env.DATABASE_URL! });
    try {
      await waitFor(async () => (await fetch(`${server.base}/healthz`)).status === 200, 240_000, () => `the server; it said:\n${server.output()}`, 200);
      await waitFor(async () => ((await (await fetch(`${server.base}/healthz`)).json()) as { search: string }).search === "ok", 120_000, "search ok", 250);
      const r = await runLoad(await getDb(), {
        base: server.base,
        connections: 6,
        durationSeconds: Number(process.env.LOAD_SECONDS ?? 12),
        writeEvery: 3,
        password: TEST_PASSWORD,
        meili: embeddedMeili(server.dataDir),
        pid: server.proc.pid,
        orgId: seeded.orgId,
        log: (s) => console.log(s),
      });
      printLoadReport(r);
      expect(r.status["5xx"]).toBe(0);
      expect(r.transportErrors).toBe(0);
      expect(r.writes.acknowledged).toBeGreaterThan(0);
      expect(r.check.lost).toEqual({ database: [], archive: [], index: [] });
      expect(lostCount(r.check)).toBe(0);
    } finally {
      await server.stop();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  }, 600_000);

  it("chaos: Meilisearch and one of two instances SIGKILLed and restarted; 0 server errors, 0 lost writes, archive verifies, index converges", async () => {
    const r = await runChaos(await getDb(), {
      databaseUrl: process.env.DATABASE_URL!,
      ports: [port + 1, port + 2],
      durationSeconds: Number(process.env.CHAOS_SECONDS ?? 15),
      writers: 2,
      seed: 18,
      log: (s) => console.log(s),
    });
    printChaosReport(r);
    expect(r.events.map((e) => e.what)).toContain("SIGKILL Meilisearch");
    expect(r.events.some((e) => e.what.startsWith("SIGKILL app instance"))).toBe(true);
    expect(r.writes.serverErrors).toBe(0);
    expect(r.writes.acknowledged).toBeGreaterThan(0);
    expect(r.check.lost).toEqual({ database: [], archive: [], index: [] });
    expect(r.archive).toEqual({ ok: true, checked: expect.any(Number), problem: undefined });
    // converged within the check's wait (the ≤ 60 s target is `npm run chaos`'s verdict: see docs/benchmarks.md)
    expect(r.convergeSeconds).not.toBeNull();
  }, 900_000);
});
