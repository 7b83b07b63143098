import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { skeletonQuery, type FeedSources } from "../../app/feed/home-feed.server";
import type { Viewer } from "../../app/policy/policy";
import { explain, loadFeedData } from "../../scripts/lib/feed-data";

// The home feed must read each source through its own keyset-limited index scan,
// never the whole candidate set (notes: ~300 ms at 1M posts for the natural query).

let db: Db;
let viewer: Viewer;
let sources: FeedSources;

beforeAll(async () => {
  db = await getDb();
  const prefix = `plan${Date.now().toString(36)}`;
  const data = await loadFeedData(db, { posts: 100_000, spaces: 200, authors: 500, prefix });
  const mySpaces = data.spaces.slice(0, 20);
  viewer = {
    id: data.authors[0],
    orgId: data.org,
    department: "Sales",
    roles: new Set(["member"]),
    memberSpaceIds: new Set(mySpaces),
    adminSpaceIds: new Set(),
    blockedDepartments: [],
  };
  sources = { spaceIds: mySpaces, authorIds: data.authors.slice(100, 150), tags: [] };
}, 120_000);

describe("home feed query plan at 100,000 posts", () => {
  it("uses one keyset-limited index scan per source and no sequential scan of content", async () => {
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from content where org_id = ${viewer.orgId}`);
    expect(n).toBe(100_000);
    const plan = await explain(db, skeletonQuery(viewer, sources, { limit: 21 }));
    expect(plan).toMatch(/Index (Only )?Scan using content_feed_space_idx/);
    expect(plan).toMatch(/Index (Only )?Scan using content_feed_author_idx/);
    expect(plan).not.toMatch(/Seq Scan on content/);
    // each lateral scan stops at the page size: 20 spaces + 50 authors, at most 21 rows each
    const scanned = [...plan.matchAll(/Index (?:Only )?Scan using content_feed_\w+_idx[^\n]*\n[^\n]*?actual rows=(\d+(?:\.\d+)?) loops=(\d+)/g)];
    const rowsPerLoop = [...plan.matchAll(/Scan using content_feed_\w+_idx.*?actual rows=(\d+(?:\.\d+)?) loops=(\d+)/g)].map((m) => Number(m[1]));
    expect(rowsPerLoop.length).toBeGreaterThanOrEqual(2);
    for (const r of rowsPerLoop) expect(r).toBeLessThanOrEqual(21);
    void scanned;
  });

  it("pages deeper with the same plan shape (cursor)", async () => {
    const first = await query<{ id: string; created_at: string }>(db, skeletonQuery(viewer, sources, { limit: 21 }));
    const last = first[20];
    const plan = await explain(
      db,
      skeletonQuery(viewer, sources, { limit: 21, cursor: { at: new Date(last.created_at).toISOString(), id: last.id } }),
    );
    expect(plan).toMatch(/content_feed_space_idx/);
    expect(plan).not.toMatch(/Seq Scan on content/);
    const second = await query<{ id: string }>(
      db,
      skeletonQuery(viewer, sources, { limit: 21, cursor: { at: new Date(last.created_at).toISOString(), id: last.id } }),
    );
    const firstIds = new Set(first.slice(0, 21).map((r) => r.id));
    expect(second.filter((r) => firstIds.has(r.id))).toEqual([]);
    expect(second).toHaveLength(21);
  });

  it("returns exactly what the natural (slow) query returns", async () => {
    const fast = await query<{ id: string }>(db, skeletonQuery(viewer, sources, { limit: 21 }));
    const spaceList = sql.join(sources.spaceIds.map((s) => sql`${s}`), sql`, `);
    const authorList = sql.join(sources.authorIds.map((s) => sql`${s}`), sql`, `);
    const natural = await query<{ id: string }>(
      db,
      sql`select id from content where kind = 'post' and deleted_at is null and (space_id in (${spaceList}) or author_id in (${authorList}))
          order by created_at desc, id desc limit 21`,
    );
    expect(fast.map((r) => r.id)).toEqual(natural.map((r) => r.id));
  });
});
