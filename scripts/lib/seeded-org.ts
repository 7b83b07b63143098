// The organisation `npm run seed:scale` made, as the benchmarks at full size see it (issue 18):
// the org itself, and representative people and places picked deterministically (same seed →
// same picks), so `npm run bench` measures the seeded bank instead of loading corpora of its own.
// `npm run load` and `npm run chaos` find the same org (scripts/lib/load-check.ts uses seededOrgId).
import { sql } from "drizzle-orm";
import { query, type Db } from "../../app/db/client.server";

export const NO_SEED = "no seeded organisation in this database: run `npm run seed:scale` first (e.g. `npm run seed:scale -- --preset small` to try)";

/** The newest organisation the scale seed made (its name starts "Scale Bank "), or `orgId` when given. */
export async function seededOrgId(db: Db, orgId?: string): Promise<string> {
  const [org] = orgId
    ? await query<{ id: string }>(db, sql`select id from orgs where id = ${orgId}`)
    : await query<{ id: string }>(db, sql`select id from orgs where name like 'Scale Bank %' order by created_at desc limit 1`);
  if (!org) throw new Error(orgId ? `no organisation ${orgId} in this database` : NO_SEED);
  return org.id;
}

export type Candidate = { id: string; email: string; roles: string[]; spaces: number; inBusySpace: boolean };
export type People = { member: Candidate; curator: Candidate; hr: Candidate; compliance: Candidate };

const byEmail = (a: Candidate, b: Candidate) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0);

/**
 * The viewers the pages are measured for: an ordinary member (roles exactly member) of the busy
 * space who belongs to the most spaces (a heavy home feed), and the first curator (library
 * review), HR person (analytics dashboard) and compliance officer (export, archive search) by
 * email. Ties break by email, so the same seed always gives the same people.
 */
export function pickPeople(candidates: Candidate[]): People {
  const sorted = [...candidates].sort(byEmail);
  const withRole = (role: string) => {
    const c = sorted.find((x) => x.roles.includes(role));
    if (!c) throw new Error(`the seeded organisation has no one with the ${role} role (the scale seed makes one): reseed`);
    return c;
  };
  const ordinary = sorted.filter((x) => x.roles.length === 1 && x.roles[0] === "member" && x.inBusySpace);
  if (!ordinary.length) throw new Error("the seeded organisation has no ordinary member in its busiest open space: reseed");
  const member = ordinary.reduce((best, x) => (x.spaces > best.spaces ? x : best));
  return { member, curator: withRole("curator"), hr: withRole("hr"), compliance: withRole("compliance") };
}

export type SeededOrg = {
  orgId: string;
  name: string;
  people: People;
  /** the open space with the most posts */
  busySpace: { id: string; slug: string; posts: number };
  /** the busy space's most commented post among its newest 500 */
  post: { id: string; comments: number };
  /** the newest question of an open space with answers, and its title (the similar-questions probe) */
  question: { id: string; title: string; answers: number };
  size: { users: number; spaces: number; content: number };
};

/** Finds the seeded org and its representative people and places (read only). */
export async function loadSeededOrg(db: Db, orgId?: string): Promise<SeededOrg> {
  const id = await seededOrgId(db, orgId);
  const [{ name }] = await query<{ name: string }>(db, sql`select name from orgs where id = ${id}`);
  const [busy] = await query<{ id: string; slug: string; posts: number }>(
    db,
    sql`select s.id, s.slug, count(c.id)::int as posts from spaces s join content c on c.space_id = s.id and c.kind = 'post' and c.deleted_at is null
        where s.org_id = ${id} and s.visibility = 'open' group by s.id, s.slug order by posts desc, s.slug limit 1`,
  );
  if (!busy) throw new Error(`the organisation ${name} has no open space with posts: ${NO_SEED}`);
  const candidates = await query<Candidate>(
    db,
    sql`select u.id, u.email, u.roles, count(m.space_id)::int as spaces, bool_or(m.space_id = ${busy.id}) as "inBusySpace"
        from users u left join space_members m on m.user_id = u.id
        where u.org_id = ${id} and u.status = 'active' and u.password_hash is not null
        group by u.id, u.email, u.roles`,
  );
  const people = pickPeople(candidates.map((c) => ({ ...c, inBusySpace: Boolean(c.inBusySpace) })));
  // among the busy space's newest 500 posts, the one with the most comments (a full thread page)
  const [post] = await query<{ id: string; comments: number }>(
    db,
    sql`select id, comments from (
          select p.id, p.created_at, (select count(*)::int from content c where c.parent_id = p.id and c.kind = 'comment' and c.deleted_at is null) as comments
          from content p where p.space_id = ${busy.id} and p.kind = 'post' and p.deleted_at is null and p.approval is null
          order by p.created_at desc, p.id limit 500) newest
        where comments > 0 order by comments desc, created_at desc, id limit 1`,
  );
  if (!post) throw new Error(`no post with comments in ${busy.slug}: ${NO_SEED}`);
  const [question] = await query<{ id: string; title: string; answers: number }>(
    db,
    sql`select q.id, q.title, (select count(*)::int from content a where a.parent_id = q.id and a.kind = 'answer' and a.deleted_at is null) as answers
        from content q join spaces s on s.id = q.space_id and s.visibility = 'open'
        where q.org_id = ${id} and q.kind = 'question' and q.deleted_at is null and q.approval is null
          and exists (select 1 from content a where a.parent_id = q.id and a.kind = 'answer' and a.deleted_at is null)
        order by q.created_at desc, q.id limit 1`,
  );
  if (!question) throw new Error(`no answered question in ${name}: ${NO_SEED}`);
  const [size] = await query<{ users: number; spaces: number; content: number }>(
    db,
    sql`select (select count(*)::int from users where org_id = ${id}) as users, (select count(*)::int from spaces where org_id = ${id}) as spaces,
               (select count(*)::int from content where org_id = ${id}) as content`,
  );
  return { orgId: id, name, people, busySpace: busy, post, question, size };
}

/** The window of the org's newest `items` archive versions (what an export of that many items reads). */
export async function newestArchiveWindow(db: Db, orgId: string, items: number): Promise<{ from: Date | null; available: number }> {
  const [row] = await query<{ at: string | Date }>(
    db,
    sql`select at from archive_records where org_id = ${orgId} and action <> 'expire' order by at desc offset ${items - 1} limit 1`,
  );
  if (row) return { from: new Date(row.at), available: items };
  const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from archive_records where org_id = ${orgId} and action <> 'expire'`);
  return { from: null, available: n };
}
