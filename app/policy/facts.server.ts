import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { spaces, users } from "~/db/schema";
import { requestMemo } from "~/platform/request-scope.server";
import type { ContentFacts, ContentSpaceFacts, HoldFacts, SpaceFacts, ThreadRootFacts, UserFacts, Viewer } from "./policy";

type SpaceRow = typeof spaces.$inferSelect;

export const spaceFactsOf = (s: SpaceRow): SpaceFacts => ({
  kind: "space",
  id: s.id,
  orgId: s.orgId,
  visibility: s.visibility as SpaceFacts["visibility"],
  joinPolicy: s.joinPolicy as SpaceFacts["joinPolicy"],
  allowedDepartments: s.allowedDepartments,
  approvalTiers: s.approvalTiers,
});

/**
 * The spaces the viewer belongs to, as rows, read once per request: the shell's rail, the
 * composer's choice of space and the home feed's sources all start from them and keep what
 * the policy allows each (list, post, read).
 */
export function memberSpaceRows(viewer: Viewer, db?: Db): Promise<SpaceRow[]> {
  if (!viewer.id || !viewer.orgId || viewer.memberSpaceIds.size === 0) return Promise.resolve([]);
  const orgId = viewer.orgId;
  return requestMemo(`memberSpaces:${viewer.id}`, async () => {
    const d = db ?? (await getDb());
    return d
      .select()
      .from(spaces)
      .where(and(eq(spaces.orgId, orgId), inArray(spaces.id, [...viewer.memberSpaceIds])));
  });
}

export async function loadSpaceFacts(db: DbOrTx, id: string): Promise<SpaceFacts | null> {
  const [s] = await db.select().from(spaces).where(eq(spaces.id, id)).limit(1);
  return s ? spaceFactsOf(s) : null;
}

export type ContentFactRow = {
  id: string;
  org_id: string;
  kind: string;
  author_id: string;
  author_department: string;
  deleted_at: unknown;
  hidden: boolean | null;
  space_id: string | null;
  visibility: string | null;
  allowed_departments: string[] | string | null;
  /** the thread's root (null for a root); the root_* columns are its facts, null when the row is gone */
  root_id: string | null;
  root_author_id: string | null;
  root_author_department: string | null;
  root_deleted: boolean | null;
  root_hidden?: boolean | null;
  root_space_id: string | null;
  root_visibility: string | null;
  root_allowed_departments: string[] | string | null;
  /** pre-approval holds of the item and of its root */
  approval: string | null;
  approval_tier: number | null;
  root_approval: string | null;
  root_approval_tier: number | null;
};

/** content.approval/approval_tier as policy facts; an unknown state holds the item (fail closed). */
export const holdOf = (state: string | null, tier: number | null): HoldFacts | null =>
  state === null ? null : { state: state === "pending" ? "pending" : "rejected", tier: Number(tier ?? 0) };

// postgres.js hands back text[] as arrays; PGlite too, but be strict about it.
const asArray = (v: string[] | string | null): string[] =>
  Array.isArray(v) ? v : typeof v === "string" ? v.replace(/^\{|\}$/g, "").split(",").filter(Boolean) : [];

const spaceOf = (id: string | null, visibility: string | null, allowed: string[] | string | null): ContentSpaceFacts | null =>
  id ? { id, visibility: (visibility ?? "secret") as ContentSpaceFacts["visibility"], allowedDepartments: asArray(allowed) } : null;

export function contentFactsOfRow(r: ContentFactRow): ContentFacts {
  // A root row that no longer exists closes its thread (root_deleted is null then).
  const root: ThreadRootFacts | null = r.root_id
    ? {
        id: r.root_id,
        authorId: r.root_author_id ?? "",
        authorDepartment: r.root_author_department ?? "",
        deleted: r.root_deleted !== false,
        hidden: r.root_hidden === true,
        space: spaceOf(r.root_space_id, r.root_visibility, r.root_allowed_departments),
        hold: holdOf(r.root_approval, r.root_approval_tier),
      }
    : null;
  return {
    kind: "content",
    id: r.id,
    orgId: r.org_id,
    contentKind: r.kind,
    authorId: r.author_id,
    authorDepartment: r.author_department,
    deleted: r.deleted_at !== null,
    hidden: r.hidden === true,
    space: spaceOf(r.space_id, r.visibility, r.allowed_departments),
    root,
    hold: holdOf(r.approval, r.approval_tier),
  };
}

/** The columns contentFactsOfRow reads, for content aliased `c` joined with CONTENT_FACTS_JOINS. */
export const CONTENT_FACTS_COLUMNS = sql`c.id, c.org_id, c.kind, c.author_id, au.department as author_department, c.deleted_at,
  (c.hidden_at is not null) as hidden, c.space_id, s.visibility, s.allowed_departments,
  c.root_id, r.author_id as root_author_id, ru.department as root_author_department, (r.deleted_at is not null) as root_deleted,
  (r.hidden_at is not null) as root_hidden,
  r.space_id as root_space_id, rs.visibility as root_visibility, rs.allowed_departments as root_allowed_departments,
  c.approval, c.approval_tier, r.approval as root_approval, r.approval_tier as root_approval_tier`;

/** The joins behind CONTENT_FACTS_COLUMNS: the item's author and space, its thread root's author and space. */
export const CONTENT_FACTS_JOINS = sql`join users au on au.id = c.author_id left join spaces s on s.id = c.space_id
  left join content r on r.id = c.root_id left join users ru on ru.id = r.author_id left join spaces rs on rs.id = r.space_id`;

export const CONTENT_FACTS_SELECT = sql`${CONTENT_FACTS_COLUMNS} from content c ${CONTENT_FACTS_JOINS}`;

/** Facts of each item and of its thread's root (content.root_id: the top-most ancestor, kept by a trigger). */
export async function loadContentFacts(db: DbOrTx, ids: string[]): Promise<Map<string, ContentFacts>> {
  const out = new Map<string, ContentFacts>();
  if (ids.length === 0) return out;
  const rows = await query<ContentFactRow>(
    db,
    sql`select ${CONTENT_FACTS_SELECT} where c.id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`,
  );
  for (const r of rows) out.set(r.id, contentFactsOfRow(r));
  return out;
}

export async function loadUserFacts(db: DbOrTx, id: string): Promise<UserFacts | null> {
  const [u] = await db
    .select({ id: users.id, orgId: users.orgId, department: users.department, status: users.status })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return u ? { kind: "user", id: u.id, orgId: u.orgId, department: u.department, active: u.status === "active" } : null;
}
