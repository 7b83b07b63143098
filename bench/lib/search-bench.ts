// What the search benchmarks (bench/search.ts, bench/similar.ts) share: the database they may fill,
// a Meilisearch (MEILI_URL, else a child process whose data is kept between runs), the synthetic
// organisation (2,000 people, 400 spaces of mixed visibility) and the viewer who searches it.
// App modules are imported only once the environment is set: the database module reads it on import.
import fs from "node:fs";
import { sql } from "drizzle-orm";
import type { Db } from "../../app/db/client.server";
import type { Viewer } from "../../app/policy/policy";

/** BENCH_DATABASE_URL (else DATABASE_URL) as the app's database; exits when neither is set. */
export function useBenchDatabase(): string {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    console.error("Set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may fill.");
    process.exit(2);
  }
  process.env.DATABASE_URL = url;
  return url;
}

export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
export const fmt = (xs: number[], opts: { max?: boolean } = {}) =>
  `p50 ${pct(xs, 50).toFixed(2)} ms  p95 ${pct(xs, 95).toFixed(2)} ms${opts.max ? `  max ${Math.max(...xs).toFixed(2)} ms` : ""}`;

/** The search service and the database, with one stop() for both and the child engine. */
export async function startSearchBench(dataDir: string) {
  const { startMeilisearch } = await import("../../search/process");
  const { getSearchService, stopSearchService } = await import("../../search/client");
  const { getDb, closeDb } = await import("../../app/db/client.server");
  let child: Awaited<ReturnType<typeof startMeilisearch>> | null = null;
  if (!process.env.MEILI_URL) {
    fs.mkdirSync(dataDir, { recursive: true });
    child = await startMeilisearch({ dataDir });
    process.env.MEILI_URL = child.url;
    process.env.MEILI_MASTER_KEY = child.masterKey;
  }
  const service = await getSearchService();
  if (!service) throw new Error("Meilisearch did not come up");
  const db = await getDb();
  return {
    service,
    db,
    async stop() {
      await stopSearchService();
      await child?.stop();
      await closeDb();
    },
  };
}

/**
 * Empties the corpus organisation `${prefix}-org` (`extraDeletes` first, for rows that point at its
 * content or people) and creates it again with 2,000 people in five departments and 400 spaces
 * (open, open, private, secret).
 */
export async function resetBenchOrg(db: Db, prefix: string, name: string, extraDeletes: ReturnType<typeof sql>[] = []) {
  const org = `${prefix}-org`;
  for (const statement of extraDeletes) await db.execute(statement);
  await db.execute(sql`delete from space_members where space_id like ${prefix + "-%"}`);
  await db.execute(sql`delete from content where org_id = ${org}`);
  await db.execute(sql`delete from spaces where org_id = ${org}`);
  await db.execute(sql`delete from users where org_id = ${org}`);
  await db.execute(sql`delete from orgs where id = ${org}`);
  await db.execute(sql`insert into orgs (id, name) values (${org}, ${name})`);
  await db.execute(sql`insert into users (id, org_id, email, name, department)
    select ${prefix} || '-u' || g, ${org}, ${prefix} || g || '@bench.test', 'Person ' || g, (array['Sales','Research','Operations','Wealth','Compliance'])[1 + g % 5]
    from generate_series(1, 2000) g`);
  await db.execute(sql`insert into spaces (id, org_id, slug, name, visibility, created_by)
    select ${prefix} || '-s' || g, ${org}, 's' || g, 'Space ' || g, (array['open','open','private','secret'])[1 + g % 4], ${prefix} || '-u1'
    from generate_series(1, 400) g`);
}

/** The person who searches: `${prefix}-u1`, member of the first 200 spaces (half the organisation's). */
export async function benchViewer(db: Db, prefix: string): Promise<{ id: string; viewer: Viewer }> {
  const { loadViewer } = await import("../../app/policy/viewer.server");
  const { contentSearchFilter } = await import("../../app/policy/search-filter");
  const me = `${prefix}-u1`;
  await db.execute(sql`delete from space_members where user_id = ${me}`);
  await db.execute(sql`insert into space_members (space_id, user_id) select ${prefix} || '-s' || g, ${me} from generate_series(1, 200) g`);
  const viewer = await loadViewer(db, me);
  console.log(`Viewer in ${viewer.memberSpaceIds.size} spaces; filter ${contentSearchFilter(viewer).length} characters`);
  return { id: me, viewer };
}
