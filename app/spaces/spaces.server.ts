import { and, eq, sql } from "drizzle-orm";
import { authorizeOrg } from "~/policy/authorize.server";
import { runCommand, type Command } from "~/compliance/command.server";
import { getDb, query, type Db } from "~/db/client.server";
import { spaceApprovers, spaceJoinRequests, spaceMembers, spaces, users } from "~/db/schema";
import { memberSpaceRows, spaceFactsOf } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { listableSpaceCondition, readableUserCondition } from "~/policy/scopes.server";
import { forbidden, notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";

export type SpaceVisibility = "open" | "private" | "secret";
export type JoinPolicy = "open" | "request" | "invite";

export type SpaceInput = {
  name: string;
  slug: string;
  description?: string;
  visibility: SpaceVisibility;
  joinPolicy: JoinPolicy;
  allowedDepartments?: string[];
};

type SpaceRow = typeof spaces.$inferSelect;

export async function createSpace(viewer: Viewer, input: SpaceInput, db?: Db): Promise<SpaceRow> {
  const d = db ?? (await getDb());
  authorizeOrg(viewer, "create_space");
  return runCommand(d, async ({ tx, audit, emit }) => {
    const [row] = await tx
      .insert(spaces)
      .values({
        id: newId(),
        orgId: viewer.orgId!,
        slug: input.slug,
        name: input.name,
        description: input.description ?? "",
        visibility: input.visibility,
        joinPolicy: input.joinPolicy,
        allowedDepartments: input.allowedDepartments ?? [],
        createdBy: viewer.id!,
      })
      .returning();
    await tx.insert(spaceMembers).values({ spaceId: row.id, userId: viewer.id!, role: "admin" });
    await audit({
      orgId: row.orgId,
      actorId: viewer.id,
      action: "space.create",
      targetKind: "space",
      targetId: row.id,
      data: { visibility: row.visibility, joinPolicy: row.joinPolicy, allowedDepartments: row.allowedDepartments },
    });
    await emit({ orgId: row.orgId, topic: "space.created", subjectId: row.id });
    return row;
  });
}

/** A space as the viewer may see it: full for readers, "about" only for listed private spaces, else 404. */
export async function getSpace(viewer: Viewer, slugOrId: { slug?: string; id?: string }, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.orgId) notFound();
  const cond = slugOrId.id ? eq(spaces.id, slugOrId.id) : and(eq(spaces.orgId, viewer.orgId), eq(spaces.slug, slugOrId.slug ?? ""));
  const [row] = await d.select().from(spaces).where(cond).limit(1);
  if (!row) notFound();
  const facts = spaceFactsOf(row);
  if (!can(viewer, "list", facts)) notFound();
  return {
    space: row,
    abilities: {
      read: can(viewer, "read", facts),
      join: can(viewer, "join", facts),
      requestJoin: can(viewer, "request_join", facts),
      leave: can(viewer, "leave", facts),
      post: can(viewer, "post", facts),
      manage: can(viewer, "manage", facts),
      approvals: can(viewer, "approvals", facts),
    },
  };
}

export const SPACES_PAGE = 24;

/**
 * One page of the spaces directory: the spaces the viewer may list, theirs first, then by name;
 * `q` narrows to names or descriptions containing it. An org of thousands of spaces is browsed a
 * page at a time (the whole list was 1.3 MB of HTML at 2,000 spaces).
 */
export async function listSpaces(viewer: Viewer, o: { q?: string; page?: number } = {}, db?: Db) {
  const d = db ?? (await getDb());
  const page = o.page ?? 0;
  const q = o.q?.trim() ?? "";
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await query<{ id: string; slug: string; name: string; description: string; visibility: string; join_policy: string; members: number; is_member: boolean }>(
    d,
    sql`select s.id, s.slug, s.name, s.description, s.visibility, s.join_policy,
          (select count(*)::int from space_members m where m.space_id = s.id) as members,
          exists (select 1 from space_members m where m.space_id = s.id and m.user_id = ${viewer.id ?? ""}) as is_member
        from spaces s where ${listableSpaceCondition(viewer, sql.raw("s"))}
          ${q ? sql`and (s.name ilike ${pattern} or s.description ilike ${pattern})` : sql``}
        order by is_member desc, s.name, s.id
        limit ${SPACES_PAGE + 1} offset ${page * SPACES_PAGE}`,
  );
  const spaces = rows.slice(0, SPACES_PAGE).map((s) => ({
    id: s.id,
    slug: s.slug,
    name: s.name,
    description: s.description,
    visibility: s.visibility as SpaceVisibility,
    members: Number(s.members),
    isMember: Boolean(s.is_member),
  }));
  return { spaces, more: rows.length > SPACES_PAGE };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** The spaces the viewer belongs to (and may still see), for the shell's left rail. */
export async function mySpaces(viewer: Viewer, db?: Db): Promise<{ slug: string; name: string }[]> {
  const rows = await memberSpaceRows(viewer, db);
  return rows
    .filter((s) => can(viewer, "list", spaceFactsOf(s)))
    .sort(byName)
    .slice(0, 30)
    .map((s) => ({ slug: s.slug, name: s.name }));
}

export async function spaceMembersList(viewer: Viewer, spaceId: string, db?: Db) {
  const d = db ?? (await getDb());
  const { abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (!abilities.read) notFound();
  // Members behind a barrier from the viewer stay invisible here too.
  return query<{ id: string; name: string; title: string; department: string; role: string }>(
    d,
    sql`select u.id, u.name, u.title, u.department, m.role from space_members m join users u on u.id = m.user_id
        where m.space_id = ${spaceId} and ${readableUserCondition(viewer, sql.raw("u"))} order by u.name`,
  );
}

async function membershipChanged({ emit, audit }: Command, orgId: string, spaceId: string, userId: string, change: string, actorId: string) {
  await emit({ orgId, topic: "space.membership", subjectId: spaceId, payload: { userId, change } });
  if (actorId !== userId) {
    await audit({ orgId, actorId, action: `space.member.${change}`, targetKind: "space", targetId: spaceId, data: { userId } });
  }
}

/**
 * Provisioning from the identity provider (SCIM groups mapped to spaces), inside the caller's command: adds
 * or removes one plain member, with the same event and audit as a space admin's change. Space admins are left
 * alone (they manage the space, the directory does not). Returns whether anything changed.
 */
export async function provisionMembership(c: Command, orgId: string, spaceId: string, userId: string, member: boolean, actorId: string): Promise<boolean> {
  if (member) {
    const added = await c.tx.insert(spaceMembers).values({ spaceId, userId, role: "member" }).onConflictDoNothing().returning({ userId: spaceMembers.userId });
    if (!added.length) return false;
    await c.tx.delete(spaceJoinRequests).where(and(eq(spaceJoinRequests.spaceId, spaceId), eq(spaceJoinRequests.userId, userId)));
  } else {
    const removed = await c.tx
      .delete(spaceMembers)
      .where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId), eq(spaceMembers.role, "member")))
      .returning({ userId: spaceMembers.userId });
    if (!removed.length) return false;
    await c.tx.delete(spaceApprovers).where(and(eq(spaceApprovers.spaceId, spaceId), eq(spaceApprovers.userId, userId)));
  }
  await membershipChanged(c, orgId, spaceId, userId, member ? "add" : "remove", actorId);
  return true;
}

export async function joinSpace(viewer: Viewer, spaceId: string, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (abilities.requestJoin) {
    await d.insert(spaceJoinRequests).values({ spaceId, userId: viewer.id! }).onConflictDoNothing();
    return "requested" as const;
  }
  if (!abilities.join) forbidden();
  await runCommand(d, async (c) => {
    const tx = c.tx;
    await tx.insert(spaceMembers).values({ spaceId, userId: viewer.id!, role: "member" }).onConflictDoNothing();
    await membershipChanged(c, space.orgId, spaceId, viewer.id!, "join", viewer.id!);
  });
  return "joined" as const;
}

export async function leaveSpace(viewer: Viewer, spaceId: string, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (!abilities.leave) forbidden();
  await runCommand(d, async (c) => {
    const tx = c.tx;
    await tx.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, viewer.id!)));
    // an approver seat follows membership
    await tx.delete(spaceApprovers).where(and(eq(spaceApprovers.spaceId, spaceId), eq(spaceApprovers.userId, viewer.id!)));
    await membershipChanged(c, space.orgId, spaceId, viewer.id!, "leave", viewer.id!);
  });
}

/** Space admins add (or approve) and remove members. */
export async function setMember(viewer: Viewer, spaceId: string, userId: string, member: boolean, role: "member" | "admin" = "member", db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (!abilities.manage) forbidden();
  const [target] = await d.select({ orgId: users.orgId, department: users.department }).from(users).where(eq(users.id, userId));
  if (!target || target.orgId !== space.orgId) notFound();
  await runCommand(d, async (c) => {
    const tx = c.tx;
    if (member) {
      await tx
        .insert(spaceMembers)
        .values({ spaceId, userId, role })
        .onConflictDoUpdate({ target: [spaceMembers.spaceId, spaceMembers.userId], set: { role } });
      await tx.delete(spaceJoinRequests).where(and(eq(spaceJoinRequests.spaceId, spaceId), eq(spaceJoinRequests.userId, userId)));
    } else {
      await tx.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)));
      await tx.delete(spaceApprovers).where(and(eq(spaceApprovers.spaceId, spaceId), eq(spaceApprovers.userId, userId)));
    }
    await membershipChanged(c, space.orgId, spaceId, userId, member ? "add" : "remove", viewer.id!);
  });
}

/** Visibility, join policy and department limits are permission changes: audited and re-indexed. */
export async function updateSpaceSettings(viewer: Viewer, spaceId: string, input: Omit<SpaceInput, "slug">, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (!abilities.manage) forbidden();
  await runCommand(d, async ({ tx, audit, emit }) => {
    await tx
      .update(spaces)
      .set({
        name: input.name,
        description: input.description ?? "",
        visibility: input.visibility,
        joinPolicy: input.joinPolicy,
        allowedDepartments: input.allowedDepartments ?? [],
      })
      .where(eq(spaces.id, spaceId));
    await audit({
      orgId: space.orgId,
      actorId: viewer.id,
      action: "space.settings",
      targetKind: "space",
      targetId: spaceId,
      data: {
        from: { visibility: space.visibility, joinPolicy: space.joinPolicy, allowedDepartments: space.allowedDepartments },
        to: { visibility: input.visibility, joinPolicy: input.joinPolicy, allowedDepartments: input.allowedDepartments ?? [] },
      },
    });
    await emit({ orgId: space.orgId, topic: "space.permissions", subjectId: spaceId });
  });
}
