import { and, eq, sql } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";
import { spaceApprovers, spaceMembers, users } from "~/db/schema";
import type { OrgRole } from "~/policy/roles";
import type { Viewer } from "./policy";
import { ANONYMOUS, approverKey } from "./policy";

/** Resolves the viewer's facts once per request: roles, memberships and barrier side. */
export async function loadViewer(db: DbOrTx, userId: string | null | undefined): Promise<Viewer> {
  if (!userId) return ANONYMOUS;
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!u || u.status !== "active") return ANONYMOUS;
  const memberships = await db
    .select({ spaceId: spaceMembers.spaceId, role: spaceMembers.role })
    .from(spaceMembers)
    .where(and(eq(spaceMembers.userId, userId)));
  const blocked = await blockedDepartments(db, u.orgId, u.department);
  const seats = await db.select({ spaceId: spaceApprovers.spaceId, tier: spaceApprovers.tier }).from(spaceApprovers).where(eq(spaceApprovers.userId, userId));
  return {
    id: u.id,
    orgId: u.orgId,
    department: u.department,
    roles: new Set(u.roles as OrgRole[]),
    memberSpaceIds: new Set(memberships.map((m) => m.spaceId)),
    adminSpaceIds: new Set(memberships.filter((m) => m.role === "admin").map((m) => m.spaceId)),
    blockedDepartments: blocked,
    approverTiers: new Set(seats.map((s) => approverKey(s.spaceId, s.tier))),
  };
}

/** Departments on the far side of every information barrier the department stands on. */
export async function blockedDepartments(db: DbOrTx, orgId: string, department: string): Promise<string[]> {
  if (!department) return [];
  const rows = await query<{ dept: string }>(
    db,
    sql`select distinct unnest(case when ${department} = any(side_a) then side_b else side_a end) as dept
        from barriers
        where org_id = ${orgId} and (${department} = any(side_a) or ${department} = any(side_b))`,
  );
  return rows.map((r) => r.dept).filter((d) => d !== department).sort();
}
