import { and, eq, isNull, sql } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { skills } from "~/db/schema";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";
import { notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";
import { PeopleInputError } from "./errors.server";

// The org's skills taxonomy. Org admins add, rename and merge skills; a skill is
// known in Q&A and expertise by its hashtag (`tag`), and in search also by its
// synonyms (French names, acronyms). Merging folds one skill into another: people,
// endorsements and expertise evidence move, and the old tag becomes an alias.

export type Skill = { id: string; name: string; tag: string; synonyms: string[]; aliases: string[] };

const TAG_RE = /^(?=[\p{L}\p{M}\p{N}_-]*\p{L})[\p{L}\p{M}\p{N}_-]{1,50}$/u;

/** "Credit risk" → "credit-risk": the hashtag a skill is known by. */
export function tagOf(name: string): string {
  return name
    .normalize("NFC")
    .toLowerCase()
    .trim()
    .replace(/[\s/&.,'’]+/g, "-")
    .replace(/[^\p{L}\p{M}\p{N}_-]/gu, "")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Lower case, no accents: how names are compared for typo tolerance. */
export const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();

const cleanName = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, "").replace(/\s+/g, " ").trim();

function validName(name: string): string {
  const n = cleanName(name);
  if (!n || n.length > 60 || /[<>#]/.test(n)) throw new PeopleInputError("name", "skills.error.name");
  return n;
}

function validSynonyms(list: string[]): string[] {
  const out = [...new Set(list.map(cleanName).filter(Boolean))];
  if (out.length > 20 || out.some((s) => s.length > 60 || /[<>#]/.test(s))) throw new PeopleInputError("synonyms", "skills.error.synonyms");
  return out;
}

type SkillRow = typeof skills.$inferSelect;
const view = (r: SkillRow): Skill => ({ id: r.id, name: r.name, tag: r.tag, synonyms: r.synonyms, aliases: r.aliases });

/** Live (not merged) skills of the org, by name. Every member reads the taxonomy. */
export async function orgSkills(db: DbOrTx, orgId: string): Promise<Skill[]> {
  const rows = await db
    .select()
    .from(skills)
    .where(and(eq(skills.orgId, orgId), isNull(skills.mergedInto)))
    .orderBy(sql`lower(${skills.name})`);
  return rows.map(view);
}

export async function listSkills(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId } = authorizeOrg(viewer, "manage_skills");
  const rows = await query<{ id: string; name: string; tag: string; synonyms: string[]; aliases: string[]; people: number }>(
    d,
    sql`select s.id, s.name, s.tag, s.synonyms, s.aliases, (select count(*)::int from user_skills us where us.skill_id = s.id) as people
        from skills s where s.org_id = ${orgId} and s.merged_into is null order by lower(s.name)`,
  );
  return rows.map((r) => ({ ...r, people: Number(r.people) }));
}

async function liveSkill(db: DbOrTx, orgId: string, id: string): Promise<SkillRow> {
  const [row] = await db.select().from(skills).where(and(eq(skills.id, id), eq(skills.orgId, orgId), isNull(skills.mergedInto)));
  if (!row) notFound();
  return row;
}

async function tagTaken(db: DbOrTx, orgId: string, tag: string, exceptId = ""): Promise<boolean> {
  const rows = await query<{ id: string }>(
    db,
    sql`select id from skills where org_id = ${orgId} and id <> ${exceptId} and (tag = ${tag} or ${tag} = any(aliases)) limit 1`,
  );
  return rows.length > 0;
}

/** Users whose people documents show the skill (for reindexing after a rename or merge). */
async function holders(db: DbOrTx, skillIds: string[]): Promise<string[]> {
  const rows = await query<{ user_id: string }>(db, sql`select distinct user_id from user_skills where skill_id = any(${textArray(skillIds)})`);
  return rows.map((r) => r.user_id);
}

export async function addSkill(viewer: Viewer, input: { name: string; synonyms: string[] }, db?: Db): Promise<Skill> {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "manage_skills");
  const name = validName(input.name);
  const synonyms = validSynonyms(input.synonyms);
  const tag = tagOf(name);
  if (!TAG_RE.test(tag)) throw new PeopleInputError("name", "skills.error.name");
  return runCommand(d, async ({ tx, audit }) => {
    if (await tagTaken(tx, orgId, tag)) throw new PeopleInputError("name", "skills.error.exists", 409);
    const [row] = await tx.insert(skills).values({ id: newId(), orgId, name, tag, synonyms }).returning();
    await audit({ orgId, actorId, action: "skills.add", targetKind: "skill", targetId: row.id, data: { name, tag, synonyms } });
    return view(row);
  });
}

/** Renames a skill (its tag stays: questions and evidence keep pointing at it) and sets its synonyms. */
export async function renameSkill(viewer: Viewer, id: string, input: { name: string; synonyms: string[] }, db?: Db): Promise<Skill> {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "manage_skills");
  const name = validName(input.name);
  const synonyms = validSynonyms(input.synonyms);
  return runCommand(d, async ({ tx, audit, emit }) => {
    const cur = await liveSkill(tx, orgId, id);
    const [row] = await tx.update(skills).set({ name, synonyms }).where(eq(skills.id, id)).returning();
    await audit({ orgId, actorId, action: "skills.rename", targetKind: "skill", targetId: id, data: { from: cur.name, name, synonyms } });
    for (const userId of await holders(tx, [id])) await emit({ orgId, topic: "user.profile.updated", subjectId: userId, payload: { reason: "skill" } });
    return view(row);
  });
}

/**
 * Folds `fromId` into `intoId`: declared skills and endorsements move (duplicates
 * collapse), expertise evidence is re-keyed to the surviving tag, and the merged
 * skill's name and tag become the survivor's synonym and alias.
 */
export async function mergeSkill(viewer: Viewer, fromId: string, intoId: string, db?: Db): Promise<Skill> {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "manage_skills");
  if (fromId === intoId) throw new PeopleInputError("into", "skills.error.mergeSelf");
  return runCommand(d, async ({ tx, audit, emit }) => {
    const from = await liveSkill(tx, orgId, fromId);
    const into = await liveSkill(tx, orgId, intoId);
    const affected = await holders(tx, [fromId, intoId]);
    await tx.execute(sql`insert into user_skills (user_id, skill_id, created_at)
      select user_id, ${intoId}, created_at from user_skills where skill_id = ${fromId} on conflict do nothing`);
    await tx.execute(sql`delete from user_skills where skill_id = ${fromId}`);
    await tx.execute(sql`insert into endorsements (user_id, skill_id, endorser_id, created_at)
      select user_id, ${intoId}, endorser_id, created_at from endorsements where skill_id = ${fromId} on conflict do nothing`);
    await tx.execute(sql`delete from endorsements where skill_id = ${fromId}`);
    await rekeyEvidence(tx, orgId, [`#${from.tag}`, ...from.aliases.map((a) => `#${a}`)], `#${into.tag}`);
    const synonyms = [...new Set([...into.synonyms, from.name, ...from.synonyms])].filter((s) => s !== into.name);
    const aliases = [...new Set([...into.aliases, from.tag, ...from.aliases])];
    const [row] = await tx.update(skills).set({ synonyms, aliases }).where(eq(skills.id, intoId)).returning();
    await tx.update(skills).set({ mergedInto: intoId }).where(eq(skills.id, fromId));
    await audit({ orgId, actorId, action: "skills.merge", targetKind: "skill", targetId: intoId, data: { from: fromId, fromName: from.name, into: intoId } });
    for (const userId of affected) await emit({ orgId, topic: "user.profile.updated", subjectId: userId, payload: { reason: "skill" } });
    return view(row);
  });
}

/** Evidence on merged tags moves to the surviving tag; the same source counted twice collapses to the newest. */
async function rekeyEvidence(tx: DbOrTx, orgId: string, fromTags: string[], toTag: string) {
  await tx.execute(sql`insert into expertise_evidence (org_id, user_id, tag, kind, source_id, weight, at)
    select org_id, user_id, ${toTag}, kind, source_id, weight, at from expertise_evidence
    where org_id = ${orgId} and tag = any(${textArray(fromTags)})
    on conflict (user_id, tag, kind, source_id) do update set weight = excluded.weight, at = greatest(expertise_evidence.at, excluded.at)`);
  await tx.execute(sql`delete from expertise_evidence where org_id = ${orgId} and tag = any(${textArray(fromTags)})`);
}

/**
 * The tag expertise is kept under: "#kyc" stays "#kyc"; a merged skill's tag or a
 * skill's synonym written as a tag ("#connaissance-client") becomes the skill's tag.
 */
export async function canonicalTags(db: DbOrTx, orgId: string, tags: string[]): Promise<string[]> {
  const keys = [...new Set(tags.map((t) => tagOf(t.replace(/^#/, ""))).filter((t) => TAG_RE.test(t)))];
  if (!keys.length) return [];
  const rows = await orgSkills(db, orgId);
  const byKey = new Map<string, string>();
  for (const s of rows) for (const k of [s.tag, ...s.aliases, ...s.synonyms.map(tagOf)]) if (!byKey.has(k)) byKey.set(k, s.tag);
  return [...new Set(keys.map((k) => `#${byKey.get(k) ?? k}`))];
}

/** Edit distance with adjacent swaps counted as one typo (as Meilisearch does): "kcy" is one typo from "kyc". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Typos allowed for a word of this length (Meilisearch's defaults: 1 from 5 letters, 2 from 9). */
export const typoBudget = (word: string) => (word.length >= 9 ? 2 : word.length >= 5 ? 1 : word.length >= 3 ? 1 : 0);

/** True when `query` names `term`: same words within the typo budget, or a prefix of it (3+ letters). */
export function fuzzyMatches(query: string, term: string): boolean {
  const q = fold(query).replace(/^#/, "");
  const t = fold(term);
  if (q.length < 2 || !t) return false;
  if (q.length >= 3 && t.startsWith(q)) return true;
  if (editDistance(q, t) <= typoBudget(q)) return true;
  const qw = q.split(/[\s-]+/).filter(Boolean);
  const tw = t.split(/[\s-]+/).filter(Boolean);
  // every query word finds a word of the term (multi-word names: "credit risk")
  return qw.length > 0 && qw.every((w) => tw.some((x) => (w.length >= 3 && x.startsWith(w)) || editDistance(w, x) <= typoBudget(w)));
}

/** Skills of the org that a directory query names (by name, tag, synonym or alias, typos tolerated). */
export async function skillsMatching(db: DbOrTx, orgId: string, q: string): Promise<Skill[]> {
  if (!q.trim()) return [];
  const all = await orgSkills(db, orgId);
  return all.filter((s) => [s.name, s.tag, ...s.synonyms, ...s.aliases].some((term) => fuzzyMatches(q, term)));
}
