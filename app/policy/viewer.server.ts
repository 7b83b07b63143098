import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";
import type { OrgRole } from "~/policy/roles";
import type { Viewer } from "./policy";
import { ANONYMOUS, approverKey } from "./policy";

/** The viewer's facts as `viewerFactsSql` selects them. */
export type ViewerFactsRow = {
  id: string;
  org_id: string;
  department: string;
  roles: string[];
  status: string;
  spaces: { s: string; r: string }[] | null;
  blocked: string[] | null;
  seats: { s: string; t: number }[] | null;
};

/**
 * The select list of a viewer's facts — roles, memberships, barrier side and approval seats — for
 * the users row aliased `u`: one statement with whatever else needs the user (the session lookup
 * reads them with the session, so a signed-in page pays one round trip for both).
 */
export const viewerFactsSql = () =>
  sql`u.id, u.org_id, u.department, u.roles, u.status,
      (select json_agg(json_build_object('s', m.space_id, 'r', m.role)) from space_members m where m.user_id = u.id) as spaces,
      (${blockedSql(sql`u.org_id`, sql`u.department`)}) as blocked,
      (select json_agg(json_build_object('s', a.space_id, 't', a.tier)) from space_approvers a where a.user_id = u.id) as seats`;

/** The policy's viewer from its facts' row; inactive people are the anonymous viewer. */
export function viewerFromRow(u: ViewerFactsRow | undefined): Viewer {
  if (!u || u.status !== "active") return ANONYMOUS;
  const spaces = u.spaces ?? [];
  return {
    id: u.id,
    orgId: u.org_id,
    department: u.department,
    roles: new Set(u.roles as OrgRole[]),
    memberSpaceIds: new Set(spaces.map((m) => m.s)),
    adminSpaceIds: new Set(spaces.filter((m) => m.r === "admin").map((m) => m.s)),
    blockedDepartments: (u.blocked ?? []).filter((d) => d !== u.department),
    approverTiers: new Set((u.seats ?? []).map((s) => approverKey(s.s, Number(s.t)))),
  };
}

/** Resolves a person's viewer facts in one round trip (the session lookup reads them itself). */
export async function loadViewer(db: DbOrTx, userId: string | null | undefined): Promise<Viewer> {
  if (!userId) return ANONYMOUS;
  const [u] = await query<ViewerFactsRow>(db, sql`select ${viewerFactsSql()} from users u where u.id = ${userId}`);
  return viewerFromRow(u);
}

/** The departments on the far side of every barrier `department` stands on, sorted, as one array (SQL). */
function blockedSql(orgId: ReturnType<typeof sql>, department: ReturnType<typeof sql>) {
  return sql`select array_agg(distinct d order by d) from barriers b,
               unnest(case when ${department} = any(b.side_a) then b.side_b else b.side_a end) as d
             where ${department} <> '' and b.org_id = ${orgId}
               and (${department} = any(b.side_a) or ${department} = any(b.side_b))`;
}

/** Departments on the far side of every information barrier the department stands on (the same SQL as loadViewer). */
export async function blockedDepartments(db: DbOrTx, orgId: string, department: string): Promise<string[]> {
  if (!department) return [];
  const [r] = await query<{ blocked: string[] | null }>(db, sql`select (${blockedSql(sql`${orgId}`, sql`${department}`)}) as blocked`);
  return (r?.blocked ?? []).filter((d) => d !== department);
}
