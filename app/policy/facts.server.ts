import { eq, sql } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";
import { spaces, users } from "~/db/schema";
import type { ContentFacts, SpaceFacts, UserFacts } from "./policy";

type SpaceRow = typeof spaces.$inferSelect;

export const spaceFactsOf = (s: SpaceRow): SpaceFacts => ({
  kind: "space",
  id: s.id,
  orgId: s.orgId,
  visibility: s.visibility as SpaceFacts["visibility"],
  joinPolicy: s.joinPolicy as SpaceFacts["joinPolicy"],
  allowedDepartments: s.allowedDepartments,
});

export async function loadSpaceFacts(db: DbOrTx, id: string): Promise<SpaceFacts | null> {
  const [s] = await db.select().from(spaces).where(eq(spaces.id, id)).limit(1);
  return s ? spaceFactsOf(s) : null;
}

type ContentFactRow = {
  id: string;
  org_id: string;
  kind: string;
  author_id: string;
  author_department: string;
  deleted_at: unknown;
  space_id: string | null;
  visibility: string | null;
  allowed_departments: string[] | string | null;
};

// postgres.js hands back text[] as arrays; PGlite too, but be strict about it.
const asArray = (v: string[] | string | null): string[] =>
  Array.isArray(v) ? v : typeof v === "string" ? v.replace(/^\{|\}$/g, "").split(",").filter(Boolean) : [];

export function contentFactsOfRow(r: ContentFactRow): ContentFacts {
  return {
    kind: "content",
    id: r.id,
    orgId: r.org_id,
    contentKind: r.kind,
    authorId: r.author_id,
    authorDepartment: r.author_department,
    deleted: r.deleted_at !== null,
    space: r.space_id
      ? { id: r.space_id, visibility: (r.visibility ?? "secret") as "open", allowedDepartments: asArray(r.allowed_departments) }
      : null,
  };
}

export const CONTENT_FACTS_SELECT = sql`c.id, c.org_id, c.kind, c.author_id, au.department as author_department, c.deleted_at,
  c.space_id, s.visibility, s.allowed_departments
  from content c join users au on au.id = c.author_id left join spaces s on s.id = c.space_id`;

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
