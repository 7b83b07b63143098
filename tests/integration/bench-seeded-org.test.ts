import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query } from "../../app/db/client.server";
import { TEST_PASSWORD } from "../../scripts/lib/factories";
import { loadWorld } from "../../scripts/lib/load-check";
import { seedScale, type ScaleReport } from "../../scripts/lib/scale-seed";
import { loadSeededOrg, newestArchiveWindow, seededOrgId } from "../../scripts/lib/seeded-org";

// `npm run bench` at full size finds the seed:scale organisation and its representative people and
// places (scripts/lib/seeded-org.ts); here on a tiny seed of this test's own, found by its id (the
// test database is shared: "the newest seeded org" may be another file's).

let seeded: ScaleReport;
beforeAll(async () => {
  seeded = await seedScale(await getDb(), { users: 30, spaces: 3, posts: 200, weeks: 2, seed: 11, password: TEST_PASSWORD, chunk: 100, rollup: false });
}, 120_000);

describe("the seeded organisation for the benchmarks", () => {
  it("picks people with the seed's roles, a busy open space, a post with comments and an answered question", async () => {
    const db = await getDb();
    const o = await loadSeededOrg(db, seeded.orgId);
    expect(o.orgId).toBe(seeded.orgId);
    expect(o.size.users).toBe(seeded.users);
    const roles = async (id: string) => (await query<{ roles: string[] }>(db, sql`select roles from users where id = ${id} and org_id = ${seeded.orgId}`))[0].roles;
    expect(await roles(o.people.member.id)).toEqual(["member"]);
    expect(await roles(o.people.curator.id)).toContain("curator");
    expect(await roles(o.people.hr.id)).toContain("hr");
    expect(await roles(o.people.compliance.id)).toContain("compliance");

    const [space] = await query<{ org_id: string; visibility: string; posts: number }>(
      db,
      sql`select org_id, visibility, (select count(*)::int from content where space_id = s.id and kind = 'post' and deleted_at is null) as posts from spaces s where id = ${o.busySpace.id}`,
    );
    expect(space).toMatchObject({ org_id: seeded.orgId, visibility: "open", posts: o.busySpace.posts });
    const [{ most }] = await query<{ most: number }>(
      db,
      sql`select max(n)::int as most from (select count(*) as n from content c join spaces s on s.id = c.space_id and s.visibility = 'open'
          where c.org_id = ${seeded.orgId} and c.kind = 'post' and c.deleted_at is null group by c.space_id) x`,
    );
    expect(o.busySpace.posts).toBe(most);
    const [member] = await query<{ n: number }>(db, sql`select count(*)::int as n from space_members where space_id = ${o.busySpace.id} and user_id = ${o.people.member.id}`);
    expect(member.n).toBe(1);

    const [post] = await query<{ space_id: string; kind: string; comments: number }>(
      db,
      sql`select space_id, kind, (select count(*)::int from content c where c.parent_id = p.id and c.kind = 'comment') as comments from content p where id = ${o.post.id}`,
    );
    expect(post).toMatchObject({ space_id: o.busySpace.id, kind: "post" });
    expect(post.comments).toBeGreaterThan(0);
    // the busy space has fewer than 500 posts here: its most commented post of all
    const [{ top }] = await query<{ top: number }>(
      db,
      sql`select max((select count(*) from content c where c.parent_id = p.id and c.kind = 'comment'))::int as top from content p where p.space_id = ${o.busySpace.id} and p.kind = 'post'`,
    );
    expect(post.comments).toBe(top);
    expect(o.post.comments).toBe(top);
    const [q] = await query<{ org_id: string; kind: string; answers: number }>(
      db,
      sql`select org_id, kind, (select count(*)::int from content a where a.parent_id = q.id and a.kind = 'answer') as answers from content q where id = ${o.question.id}`,
    );
    expect(q).toMatchObject({ org_id: seeded.orgId, kind: "question" });
    expect(q.answers).toBe(o.question.answers);
    expect(o.question.answers).toBeGreaterThan(0);
    expect(o.question.title.length).toBeGreaterThan(0);

    // deterministic: the same database gives the same picks
    expect(await loadSeededOrg(db, seeded.orgId)).toEqual(o);
  }, 60_000);

  it("windows the org's newest archive versions for an export of N items", async () => {
    const db = await getDb();
    const count = async (from: Date | null) =>
      (await query<{ n: number }>(db, sql`select count(*)::int as n from archive_records where org_id = ${seeded.orgId} and action <> 'expire' and (${from?.toISOString() ?? null}::timestamptz is null or at >= ${from?.toISOString() ?? null}::timestamptz)`))[0].n;
    const w = await newestArchiveWindow(db, seeded.orgId, 50);
    expect(w.available).toBe(50);
    expect(await count(w.from)).toBeGreaterThanOrEqual(50); // versions sharing the boundary instant come too
    const all = await count(null);
    const more = await newestArchiveWindow(db, seeded.orgId, all + 10);
    expect(more).toEqual({ from: null, available: all });
  });

  it("says to seed first when there is no such organisation; load finds the same org", async () => {
    const db = await getDb();
    await expect(seededOrgId(db, "no-such-org")).rejects.toThrow(/no organisation no-such-org/);
    const world = await loadWorld(db, 5, seeded.orgId);
    expect(world.orgId).toBe(seeded.orgId);
    expect(world.people.length).toBeGreaterThan(0);
  });
});
