import { sql } from "drizzle-orm";
import { query, type Db } from "../../app/db/client.server";

/**
 * Bulk-loads a feed-shaped org straight in SQL: `spaces` open spaces, `authors`
 * users, `posts` posts spread over them (one in ten is a comment, one in fifty deleted).
 * Returns ids for building feed sources.
 */
export async function loadFeedData(db: Db, opts: { posts: number; spaces: number; authors: number; prefix: string }) {
  const { prefix } = opts;
  const org = `${prefix}-org`;
  await db.execute(sql`insert into orgs (id, name) values (${org}, ${"Bench " + prefix})`);
  await db.execute(sql`insert into users (id, org_id, email, name, department)
    select ${prefix} || '-u' || g, ${org}, ${prefix} || '-u' || g || '@bench.test', 'Author ' || g, (array['Sales','Research','Operations','Wealth'])[1 + g % 4]
    from generate_series(1, ${opts.authors}) g`);
  await db.execute(sql`insert into spaces (id, org_id, slug, name, visibility, created_by)
    select ${prefix} || '-s' || g, ${org}, 's' || g, 'Space ' || g, 'open', ${prefix} || '-u1'
    from generate_series(1, ${opts.spaces}) g`);
  // uuid-shaped ids keep the id column realistic; created_at spreads over ~a year
  await db.execute(sql`insert into content (id, org_id, kind, space_id, author_id, body_json, body_text, created_at, updated_at, deleted_at)
    select md5(${prefix} || g)::uuid::text, ${org}, case when g % 10 = 0 then 'comment' else 'post' end,
      ${prefix} || '-s' || (1 + (g::bigint * 7919) % ${opts.spaces}), ${prefix} || '-u' || (1 + (g::bigint * 104729) % ${opts.authors}),
      '{"type":"doc"}'::jsonb, 'post ' || g,
      now() - (g || ' seconds')::interval * 30, now() - (g || ' seconds')::interval * 30,
      case when g % 50 = 0 then now() else null end
    from generate_series(1, ${opts.posts}::int) g`);
  await db.execute(sql`analyze content`);
  const spaces = Array.from({ length: opts.spaces }, (_, i) => `${prefix}-s${i + 1}`);
  const authors = Array.from({ length: opts.authors }, (_, i) => `${prefix}-u${i + 1}`);
  return { org, spaces, authors };
}

export async function explain(db: Db, q: ReturnType<typeof sql>) {
  const rows = await query<Record<string, string>>(db, sql`explain (analyze, costs off, timing off) ${q}`);
  return rows.map((r) => Object.values(r)[0]).join("\n");
}
