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

  // The other sources read only rows at or above the lead source's page floor: the answer must not
  // change whichever source fills the page, on any page, in either direction.
  it("returns the natural query's rows on every page, whichever source fills it", async () => {
    type Row = { id: string; created_at: string | Date };
    const natural = (src: FeedSources, limit: number, cursor: { at: string; id: string } | null, dir: "older" | "newer") => {
      const spaces = src.spaceIds.length ? sql.join(src.spaceIds.map((s) => sql`${s}`), sql`, `) : sql`null`;
      const authors = src.authorIds.length ? sql.join(src.authorIds.map((s) => sql`${s}`), sql`, `) : sql`null`;
      const cur = cursor ? (dir === "older" ? sql` and (created_at, id) < (${cursor.at}::timestamptz, ${cursor.id})` : sql` and (created_at, id) > (${cursor.at}::timestamptz, ${cursor.id})`) : sql``;
      return query<Row>(
        db,
        sql`select id, created_at from content where deleted_at is null and approval is null
              and ((kind in ('post', 'question') and space_id in (${spaces})) or (kind = 'post' and author_id in (${authors})))${cur}
            order by created_at desc, id desc limit ${limit}`,
      );
    };
    const key = (r: Row) => ({ at: new Date(r.created_at).toISOString(), id: r.id });
    const cases: { name: string; src: FeedSources; limit: number }[] = [
      { name: "spaces fill the page", src: sources, limit: 21 },
      // one space of ~500 posts and a 600-row page: the lead source cannot fill it (no floor)
      { name: "the lead source runs short", src: { ...sources, spaceIds: sources.spaceIds.slice(0, 1) }, limit: 600 },
      // a quiet space beside many authors: the authors fill most of every page
      { name: "authors fill the page", src: { spaceIds: sources.spaceIds.slice(0, 1), authorIds: sources.authorIds, tags: [] }, limit: 21 },
    ];
    for (const c of cases) {
      let cursor: { at: string; id: string } | null = null;
      for (let page = 0; page < 8; page++) {
        const fast = await query<Row>(db, skeletonQuery(viewer, c.src, { limit: c.limit, cursor }));
        const want = await natural(c.src, c.limit, cursor, "older");
        expect(fast.map((r) => r.id), `${c.name}, page ${page}`).toEqual(want.map((r) => r.id));
        expect(fast).toHaveLength(c.limit);
        cursor = key(fast[fast.length - 1]);
      }
      // newer than a point in the middle: the newest rows above it
      const newer = await query<Row>(db, skeletonQuery(viewer, c.src, { limit: c.limit, newerThan: cursor }));
      const want = await natural(c.src, c.limit, cursor, "newer");
      expect(newer.map((r) => r.id), `${c.name}, newer`).toEqual(want.map((r) => r.id));
      expect(newer.length).toBeGreaterThan(0);
    }
  });

  it("reads each follow source only down to the lead source's page floor", async () => {
    const plan = await explain(db, skeletonQuery(viewer, sources, { limit: 21 }));
    // 50 authors: before the floor each author's scan read a page (~21 rows); with it, a few rows in all
    const author = plan.match(/Scan using content_feed_author_idx[^\n]*?actual rows=(\d+(?:\.\d+)?) loops=(\d+)/);
    expect(author).not.toBeNull();
    expect(Number(author![1]) * Number(author![2])).toBeLessThan(21 * 5);
  });
});
