import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";
import { textArray } from "~/db/sql.server";

// Who knows about these tags. A plain first version for Q&A routing: accepted answers
// on questions carrying any of the tags, most first (the people capability replaces it
// with decayed, explained expertise; the signature is the contract).

export async function topExperts(
  db: DbOrTx,
  input: { orgId: string; tags: string[]; limit: number; excludeUserIds: string[] },
): Promise<{ userId: string; score: number }[]> {
  if (!input.tags.length || input.limit <= 0) return [];
  const rows = await query<{ user_id: string; score: number }>(
    db,
    sql`select a.author_id as user_id, count(distinct a.id)::int as score
        from qa_questions q
        join content a on a.id = q.accepted_answer_id and a.deleted_at is null
        join content qc on qc.id = q.content_id and qc.deleted_at is null
        where q.org_id = ${input.orgId}
          and exists (select 1 from content_tags t where t.content_id = q.content_id and t.tag = any(${textArray(input.tags)}))
          and not (a.author_id = any(${textArray(input.excludeUserIds)}))
        group by a.author_id
        order by score desc, a.author_id
        limit ${input.limit}`,
  );
  return rows.map((r) => ({ userId: r.user_id, score: Number(r.score) }));
}
