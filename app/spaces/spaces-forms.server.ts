import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, query, type Db } from "~/db/client.server";
import { spaceJoinRequests } from "~/db/schema";
import type { Viewer } from "~/policy/policy";
import { readableUserCondition } from "~/policy/scopes.server";
import { forbidden, notFound } from "~/utils/http.server";
import { submitPost, type BodyFields } from "~/content/composer.server";
import { setFollow } from "~/feed/follows.server";
import { spaceFeed } from "~/feed/feeds.server";
import { JOIN_POLICIES, SLUG_RE, SPACE_VISIBILITIES } from "./space-options";
import { approvalSettings, ApprovalSettingsSchema, seatsOf, setApprovalSettings, type ApprovalSettingsError } from "./approvals.server";
import {
  createSpace,
  getSpace,
  joinSpace,
  leaveSpace,
  setMember,
  spaceMembersList,
  updateSpaceSettings,
  type SpaceInput,
} from "./spaces.server";

// What the space pages need beyond spaces.server.ts: form schemas, the duplicate
// slug as a field error, join requests and member lookup, one call per route.

const departmentsField = z
  .string()
  .max(1000)
  .optional()
  .transform((raw) => [...new Set((raw ?? "").split(",").map((d) => d.trim()).filter(Boolean))])
  .refine((list) => list.length <= 20 && list.every((d) => d.length <= 80), "spaces.form.departmentsInvalid");

/** Fields shared by the create form and the settings form. */
export const spaceSettingsFields = {
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(1000).optional().default(""),
  visibility: z.enum(SPACE_VISIBILITIES),
  joinPolicy: z.enum(JOIN_POLICIES),
  departments: departmentsField,
};

export const CreateSpaceSchema = z.object({
  ...spaceSettingsFields,
  slug: z.string().trim().regex(SLUG_RE, "spaces.form.slugInvalid"),
});

const idField = z.string().min(1).max(64);

export const SpaceIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("join") }),
  z.object({ intent: z.literal("leave") }),
  z.object({ intent: z.literal("follow") }),
  z.object({ intent: z.literal("unfollow") }),
  z.object({ intent: z.literal("approve"), userId: idField }),
  z.object({ intent: z.literal("remove"), userId: idField }),
]);
export type SpaceIntent = z.infer<typeof SpaceIntentSchema>;

export const SpaceSettingsIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("settings"), ...spaceSettingsFields }),
  z.object({ intent: z.literal("addMember"), email: z.string().trim().min(1).max(254).email(), role: z.enum(["member", "admin"]).default("member") }),
  ApprovalSettingsSchema,
]);
export type SpaceSettingsIntent = z.infer<typeof SpaceSettingsIntentSchema>;

type CreateSpaceForm = z.infer<typeof CreateSpaceSchema>;

type DbError = { code?: unknown; constraint_name?: unknown; constraint?: unknown; cause?: unknown };

// drizzle wraps driver errors in `cause`; postgres.js and PGlite both report code 23505.
function isUniqueViolation(error: unknown, constraint: string): boolean {
  let cur = error as DbError | undefined;
  for (let depth = 0; cur && depth < 5; depth++, cur = cur.cause as DbError | undefined) {
    if (cur.code !== "23505") continue;
    const name = cur.constraint_name ?? cur.constraint;
    // Without a constraint name, the only unique key an insert into spaces can break is the slug.
    return name === undefined || name === constraint;
  }
  return false;
}

/** createSpace with a taken slug reported as a field error instead of a 500. */
export async function createSpaceFromForm(viewer: Viewer, input: CreateSpaceForm, db?: Db) {
  const d = db ?? (await getDb());
  const spaceInput: SpaceInput = {
    name: input.name,
    slug: input.slug,
    description: input.description,
    visibility: input.visibility,
    joinPolicy: input.joinPolicy,
    allowedDepartments: input.departments,
  };
  try {
    const space = await createSpace(viewer, spaceInput, d);
    return { ok: true as const, space };
  } catch (e) {
    if (isUniqueViolation(e, "spaces_org_slug_key")) return { ok: false as const, field: "slug" as const, error: "spaces.form.slugTaken" as const };
    throw e;
  }
}

/** The space header: the space as the viewer may see it, plus follow and pending-request state. */
export async function spaceHeader(viewer: Viewer, slug: string, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { slug }, d);
  const uid = viewer.id ?? "";
  const [state] = await query<{ members: number; following: boolean; requested: boolean }>(
    d,
    sql`select (select count(*)::int from space_members m where m.space_id = ${space.id}) as members,
          exists (select 1 from follows f where f.user_id = ${uid} and f.target_kind = 'space' and f.target_id = ${space.id}) as following,
          exists (select 1 from space_join_requests r where r.space_id = ${space.id} and r.user_id = ${uid}) as requested`,
  );
  return {
    space: {
      id: space.id,
      slug: space.slug,
      name: space.name,
      description: space.description,
      visibility: space.visibility as (typeof SPACE_VISIBILITIES)[number],
      joinPolicy: space.joinPolicy as (typeof JOIN_POLICIES)[number],
      allowedDepartments: space.allowedDepartments,
      createdAt: space.createdAt.toISOString(),
      members: Number(state?.members ?? 0),
    },
    abilities,
    following: Boolean(state?.following),
    requested: Boolean(state?.requested),
  };
}

/** The feed tab: posts for readers; for a listed private space, only the fact that it is locked. */
export async function spaceFeedPage(viewer: Viewer, slug: string, cursor: string | null, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { slug }, d);
  if (!abilities.read) return { locked: true as const, spaceId: space.id, canPost: false, posts: [], nextCursor: null };
  const feed = await spaceFeed(viewer, space.id, cursor, d);
  return { locked: false as const, spaceId: space.id, canPost: abilities.post, ...feed };
}

/** A post from the space feed's composer: members only (readers who are not members get 403, others 404). */
export async function postToSpace(viewer: Viewer, slug: string, input: BodyFields, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { slug }, d);
  if (!abilities.read) notFound();
  if (!abilities.post) forbidden();
  return submitPost(viewer, { body: input.body, bodyText: input.bodyText, spaceId: space.id }, d);
}

/** Join requests waiting for a space admin (manage only; people hidden from the viewer stay hidden). */
export async function pendingJoinRequests(viewer: Viewer, spaceId: string, db?: Db) {
  const d = db ?? (await getDb());
  const { abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (!abilities.manage) notFound();
  return query<{ id: string; name: string; title: string; department: string; requested_at: string }>(
    d,
    sql`select u.id, u.name, u.title, u.department, r.created_at as requested_at
        from space_join_requests r join users u on u.id = r.user_id
        where r.space_id = ${spaceId} and u.status = 'active' and ${readableUserCondition(viewer, sql.raw("u"))}
        order by r.created_at, u.name`,
  );
}

/** The members tab: readers see members; managers also see pending requests. */
export async function spaceMembersPage(viewer: Viewer, slug: string, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { slug }, d);
  if (!abilities.read) notFound();
  const members = await spaceMembersList(viewer, space.id, d);
  const pending = abilities.manage ? await pendingJoinRequests(viewer, space.id, d) : [];
  return {
    members: members.map((m) => ({ ...m, role: m.role === "admin" ? ("admin" as const) : ("member" as const), isViewer: m.id === viewer.id })),
    pending: pending.map((p) => ({ id: p.id, name: p.name, title: p.title, department: p.department, requestedAt: new Date(p.requested_at).toISOString() })),
    canManage: abilities.manage,
  };
}

/** An active person in the viewer's org, found by email, whom the viewer may see; else null. */
export async function findUserIdByEmail(viewer: Viewer, email: string, db?: Db): Promise<string | null> {
  const d = db ?? (await getDb());
  if (!viewer.orgId) return null;
  const [row] = await query<{ id: string }>(
    d,
    sql`select u.id from users u
        where u.org_id = ${viewer.orgId} and lower(u.email) = ${email.trim().toLowerCase()} and u.status = 'active'
          and ${readableUserCondition(viewer, sql.raw("u"))}
        limit 1`,
  );
  return row?.id ?? null;
}

/** The settings page (manage only, else 404). */
export async function spaceSettingsPage(viewer: Viewer, slug: string, db?: Db) {
  const d = db ?? (await getDb());
  const header = await spaceHeader(viewer, slug, d);
  if (!header.abilities.manage) notFound();
  return { ...header.space, approvals: await approvalSettings(viewer, header.space.id, d) };
}

export type SettingsResult =
  | { ok: true; intent: "settings" | "addMember" | "approvals" }
  | { ok: false; field: "email"; error: "spaces.settings.emailNotFound" }
  | { ok: false; field: "tiers" | "seats"; error: ApprovalSettingsError; vars: Record<string, number> };

export async function runSpaceSettingsIntent(viewer: Viewer, slug: string, input: SpaceSettingsIntent, db?: Db): Promise<SettingsResult> {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { slug }, d);
  if (!abilities.manage) notFound();
  if (input.intent === "settings") {
    await updateSpaceSettings(
      viewer,
      space.id,
      { name: input.name, description: input.description, visibility: input.visibility, joinPolicy: input.joinPolicy, allowedDepartments: input.departments },
      d,
    );
    return { ok: true, intent: "settings" };
  }
  if (input.intent === "approvals") {
    const r = await setApprovalSettings(viewer, space.id, { tiers: input.tiers, seats: seatsOf(input) }, d);
    if (!r.ok) return { ok: false, field: r.field, error: r.error, vars: { tier: r.tier ?? 0, count: r.count ?? 0 } };
    return { ok: true, intent: "approvals" };
  }
  const userId = await findUserIdByEmail(viewer, input.email, d);
  if (!userId) return { ok: false, field: "email", error: "spaces.settings.emailNotFound" };
  await setMember(viewer, space.id, userId, true, input.role, d);
  return { ok: true, intent: "addMember" };
}

export type SpaceIntentResult = "joined" | "requested" | "left" | "followed" | "unfollowed" | "approved" | "removed";

/** The space header and members actions, dispatched by intent. */
export async function runSpaceIntent(viewer: Viewer, slug: string, input: SpaceIntent, db?: Db): Promise<SpaceIntentResult> {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { slug }, d);
  switch (input.intent) {
    case "join":
      return joinSpace(viewer, space.id, d);
    case "leave":
      await leaveSpace(viewer, space.id, d);
      return "left";
    case "follow":
    case "unfollow":
      await setFollow(viewer, "space", space.id, input.intent === "follow", d);
      return input.intent === "follow" ? "followed" : "unfollowed";
    case "approve": {
      // Only managers learn whether a request exists.
      if (!abilities.manage) forbidden();
      const [request] = await d
        .select({ userId: spaceJoinRequests.userId })
        .from(spaceJoinRequests)
        .where(and(eq(spaceJoinRequests.spaceId, space.id), eq(spaceJoinRequests.userId, input.userId)));
      if (!request) notFound();
      await setMember(viewer, space.id, input.userId, true, "member", d);
      return "approved";
    }
    case "remove":
      if (input.userId === viewer.id) forbidden(); // leaving is its own action
      await setMember(viewer, space.id, input.userId, false, "member", d);
      return "removed";
  }
}
