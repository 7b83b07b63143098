import { sql } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { getDb, query, type Db } from "~/db/client.server";
import { loadUserFacts } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { readableUserCondition } from "~/policy/scopes.server";
import { cleanQuery } from "~/utils/text";

export type PersonSummary = { id: string; name: string; title: string; department: string; region: string };

/** People the viewer may see whose name or email starts with `q` (mention autocomplete, directory). */
export async function searchPeople(viewer: Viewer, q: string, limit = 8, db?: Db): Promise<PersonSummary[]> {
  const d = db ?? (await getDb());
  const term = cleanQuery(q).toLowerCase().replace(/[%_\\]/g, "");
  const like = `%${term}%`;
  return query<PersonSummary>(
    d,
    sql`select u.id, u.name, u.title, u.department, u.region from users u
        where ${readableUserCondition(viewer, sql.raw("u"))} and u.status = 'active'
          and (${term} = '' or lower(u.name) like ${like} or lower(u.email) like ${like})
        order by u.name limit ${Math.min(Math.max(limit, 1), 50)}`,
  );
}

/** A profile, or 404 when the person is hidden from the viewer (other firm, barrier, deactivated). */
export async function getProfile(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await loadUserFacts(d, id);
  authorize(viewer, "read", facts);
  const [row] = await query<PersonSummary & { languages: string[]; status: string; following: boolean; bio: string }>(
    d,
    sql`select u.id, u.name, u.title, u.department, u.region, u.languages, u.status, u.bio,
          exists (select 1 from follows f where f.user_id = ${viewer.id ?? ""} and f.target_kind = 'user' and f.target_id = u.id) as following
        from users u where u.id = ${id}`,
  );
  return {
    person: row,
    canMention: can(viewer, "mention", facts),
    canEdit: can(viewer, "edit_profile", facts),
    canEndorse: can(viewer, "endorse", facts),
    isSelf: viewer.id === id,
  };
}
