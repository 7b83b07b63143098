import { and, eq, sql } from "drizzle-orm";
import { runCommand, type Command } from "~/compliance/command.server";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { textArray } from "~/db/sql.server";
import { endorsements, skills, userSkills, users } from "~/db/schema";
import { authorize } from "~/policy/authorize.server";
import { loadUserFacts } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { readableUserCondition } from "~/policy/scopes.server";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { recentAnswers, recentPosts, spacesOf } from "./activity.server";
import { getProfile } from "./directory.server";
import { PeopleInputError } from "./errors.server";
import { userExpertise } from "./expertise.server";

// Profiles: bio, languages, manager and declared skills, edited as one versioned
// record (archive subject kind "profile"), and endorsements of a colleague's skill.
// Every change is a command: row, archive version, audit where due, outbox event
// (the people index reindexes; the expertise consumer counts endorsements).

export const BIO_MAX = 2000;
export const MAX_SKILLS = 30;
export const MAX_LANGUAGES = 10;
const LANGUAGE_RE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export type ProfileInput = { bio: string; languages: string[]; managerId: string | null; skillIds: string[] };

type UserRow = typeof users.$inferSelect;

const profileSnapshot = (u: UserRow, skillIds: string[]) => ({
  bio: u.bio,
  languages: u.languages,
  managerId: u.managerId,
  skills: [...skillIds].sort(),
});

async function declaredSkillIds(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db.select({ id: userSkills.skillId }).from(userSkills).where(eq(userSkills.userId, userId));
  return rows.map((r) => r.id);
}

/** Cleans and checks the input; throws PeopleInputError before anything is written. */
function validate(input: ProfileInput) {
  const bio = input.bio.replace(CONTROL, "").replace(/\r\n/g, "\n").trim();
  if (bio.length > BIO_MAX) throw new PeopleInputError("bio", "profileEdit.error.bioTooLong");
  const languages = [...new Set(input.languages.map((l) => l.trim().toLowerCase()).filter(Boolean))];
  if (languages.length > MAX_LANGUAGES || languages.some((l) => !LANGUAGE_RE.test(l))) throw new PeopleInputError("languages", "profileEdit.error.languages");
  const skillIds = [...new Set(input.skillIds)];
  if (skillIds.length > MAX_SKILLS) throw new PeopleInputError("skills", "profileEdit.error.tooManySkills");
  return { bio, languages, skillIds, managerId: input.managerId || null };
}

/**
 * The manager must be a colleague the editor can see, active, in the same org, and not
 * the person themselves or anyone who reports to them (directly or not): no cycles.
 */
async function checkManager(db: DbOrTx, viewer: Viewer, userId: string, managerId: string | null) {
  if (!managerId) return;
  if (managerId === userId) throw new PeopleInputError("managerId", "profileEdit.error.managerSelf");
  const facts = await loadUserFacts(db, managerId);
  if (!facts || !facts.active || !can(viewer, "read", facts)) throw new PeopleInputError("managerId", "profileEdit.error.managerUnknown");
  const chain = await query<{ id: string }>(
    db,
    sql`with recursive up(id, depth) as (
          select manager_id, 1 from users where id = ${managerId}
          union all select u.manager_id, up.depth + 1 from users u join up on u.id = up.id where up.depth < 100 and u.manager_id is not null)
        select id from up where id = ${userId} limit 1`,
  );
  if (chain.length) throw new PeopleInputError("managerId", "profileEdit.error.managerCycle");
}

async function emitProfile(c: Command, orgId: string, userId: string) {
  await c.emit({ orgId, topic: "user.profile.updated", subjectId: userId });
}

/** Saves a profile: one archive version of the whole profile, one event. */
export async function updateProfile(viewer: Viewer, userId: string, input: ProfileInput, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await loadUserFacts(d, userId);
  authorize(viewer, "edit_profile", facts);
  const clean = validate(input);
  await checkManager(d, viewer, userId, clean.managerId);
  if (clean.skillIds.length) {
    const known = await query<{ id: string }>(
      d,
      sql`select id from skills where org_id = ${facts.orgId} and merged_into is null and id = any(${textArray(clean.skillIds)})`,
    );
    if (known.length !== clean.skillIds.length) throw new PeopleInputError("skills", "profileEdit.error.unknownSkill");
  }
  return runCommand(d, async (c) => {
    const { tx } = c;
    const [cur] = await query<{ id: string }>(tx, sql`select id from users where id = ${userId} for update`);
    if (!cur) notFound();
    // re-checked under the row lock: two concurrent edits must not close a cycle together
    await checkManager(tx, viewer, userId, clean.managerId);
    const before = await declaredSkillIds(tx, userId);
    const removed = before.filter((id) => !clean.skillIds.includes(id));
    const added = clean.skillIds.filter((id) => !before.includes(id));
    if (removed.length) {
      // endorsements belong to a declared skill: dropping the skill withdraws them
      const gone = await query<{ skill_id: string; endorser_id: string; tag: string }>(
        tx,
        sql`delete from endorsements e using skills s where s.id = e.skill_id and e.user_id = ${userId} and e.skill_id = any(${textArray(removed)})
            returning e.skill_id, e.endorser_id, s.tag`,
      );
      for (const g of gone) await c.emit({ orgId: facts.orgId, topic: "people.endorsement.withdrawn", subjectId: userId, payload: { userId, skillId: g.skill_id, endorserId: g.endorser_id, tag: `#${g.tag}` } });
      await tx.delete(userSkills).where(and(eq(userSkills.userId, userId), sql`${userSkills.skillId} = any(${textArray(removed)})`));
    }
    if (added.length) await tx.insert(userSkills).values(added.map((skillId) => ({ userId, skillId, createdAt: now() })));
    const [row] = await tx
      .update(users)
      .set({ bio: clean.bio, languages: clean.languages, managerId: clean.managerId, profileVersion: sql`${users.profileVersion} + 1` })
      .where(eq(users.id, userId))
      .returning();
    await c.archive({
      orgId: facts.orgId,
      subjectKind: "profile",
      subjectId: userId,
      version: row.profileVersion,
      action: row.profileVersion === 1 ? "create" : "edit",
      actorId: viewer.id!,
      data: profileSnapshot(row, clean.skillIds),
    });
    await emitProfile(c, facts.orgId, userId);
    return row;
  });
}

async function endorsableSkill(db: DbOrTx, userId: string, skillId: string) {
  const [row] = await query<{ id: string; tag: string }>(
    db,
    sql`select s.id, s.tag from skills s join user_skills us on us.skill_id = s.id and us.user_id = ${userId}
        where s.id = ${skillId} and s.merged_into is null`,
  );
  return row ?? null;
}

/** Endorses a colleague's declared skill: once per endorser and skill, never one's own. */
export async function setEndorsement(viewer: Viewer, userId: string, skillId: string, on: boolean, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await loadUserFacts(d, userId);
  if (facts && viewer.id === userId && can(viewer, "read", facts)) throw new PeopleInputError("skillId", "endorse.error.self");
  authorize(viewer, "endorse", facts);
  const skill = await endorsableSkill(d, userId, skillId);
  if (!skill) throw new PeopleInputError("skillId", "endorse.error.unknownSkill");
  const subjectId = `${userId}:${skillId}:${viewer.id}`;
  return runCommand(d, async (c) => {
    const { tx } = c;
    const t = now();
    const changed = on
      ? await tx.insert(endorsements).values({ userId, skillId, endorserId: viewer.id!, createdAt: t }).onConflictDoNothing().returning()
      : await tx
          .delete(endorsements)
          .where(and(eq(endorsements.userId, userId), eq(endorsements.skillId, skillId), eq(endorsements.endorserId, viewer.id!)))
          .returning();
    if (!changed.length) throw new PeopleInputError("skillId", on ? "endorse.error.twice" : "endorse.error.notEndorsed", 409);
    const [prev] = await query<{ v: number | null }>(tx, sql`select max(version) as v from archive_records where subject_id = ${subjectId}`);
    await c.archive({
      orgId: facts.orgId,
      subjectKind: "endorsement",
      subjectId,
      version: Number(prev?.v ?? 0) + 1,
      action: on ? "create" : "delete",
      actorId: viewer.id!,
      data: { userId, skillId, endorserId: viewer.id, on },
      at: t,
    });
    await c.emit({
      orgId: facts.orgId,
      topic: on ? "people.endorsement.added" : "people.endorsement.withdrawn",
      subjectId: userId,
      payload: { userId, skillId, endorserId: viewer.id, tag: `#${skill.tag}` },
    });
    await emitProfile(c, facts.orgId, userId);
    return true;
  });
}

export type PersonLink = { id: string; name: string; title: string };

/** The manager chain (nearest first) and direct reports, trimmed to people the viewer may see. */
export async function orgChart(db: DbOrTx, viewer: Viewer, userId: string): Promise<{ managers: PersonLink[]; reports: PersonLink[] }> {
  const chain = await query<{ id: string; depth: number }>(
    db,
    sql`with recursive up(id, depth) as (
          select manager_id, 1 from users where id = ${userId} and manager_id is not null
          union all select u.manager_id, up.depth + 1 from users u join up on u.id = up.id where up.depth < 20 and u.manager_id is not null)
        select id, depth from up`,
  );
  const ids = chain.map((c) => c.id);
  const visible = ids.length
    ? await query<PersonLink>(db, sql`select u.id, u.name, u.title from users u where u.id = any(${textArray(ids)}) and ${readableUserCondition(viewer)}`)
    : [];
  const byId = new Map(visible.map((p) => [p.id, p]));
  // the chain stops at the first person the viewer may not see: nothing is shown past a barrier
  const managers: PersonLink[] = [];
  for (const id of ids) {
    const p = byId.get(id);
    if (!p) break;
    managers.push(p);
  }
  const reports = await query<PersonLink>(
    db,
    sql`select u.id, u.name, u.title from users u where u.manager_id = ${userId} and ${readableUserCondition(viewer)} and u.status = 'active' order by u.name`,
  );
  return { managers, reports };
}

export type SkillView = { id: string; name: string; tag: string; endorsements: number; endorsedByViewer: boolean };

/** Declared skills with endorsement counts; only endorsers the viewer may see are counted. */
export async function skillsOf(db: DbOrTx, viewer: Viewer, userId: string): Promise<SkillView[]> {
  const rows = await query<{ id: string; name: string; tag: string; endorsements: number; mine: boolean }>(
    db,
    sql`select s.id, s.name, s.tag,
          (select count(*)::int from endorsements e join users u on u.id = e.endorser_id
             where e.user_id = ${userId} and e.skill_id = s.id and ${readableUserCondition(viewer)} and u.status = 'active') as endorsements,
          exists (select 1 from endorsements e where e.user_id = ${userId} and e.skill_id = s.id and e.endorser_id = ${viewer.id ?? ""}) as mine
        from user_skills us join skills s on s.id = us.skill_id where us.user_id = ${userId} order by lower(s.name)`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, tag: r.tag, endorsements: Number(r.endorsements), endorsedByViewer: Boolean(r.mine) }));
}

/** What the edit form needs: current values and the org's skills. */
export async function profileForEdit(viewer: Viewer, userId: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = await loadUserFacts(d, userId);
  authorize(viewer, "edit_profile", facts);
  const [u] = await d.select().from(users).where(eq(users.id, userId));
  const taxonomy = await d
    .select({ id: skills.id, name: skills.name })
    .from(skills)
    .where(and(eq(skills.orgId, facts.orgId), sql`${skills.mergedInto} is null`))
    .orderBy(sql`lower(${skills.name})`);
  const managerName = u.managerId
    ? (await query<{ name: string }>(d, sql`select u.name from users u where u.id = ${u.managerId} and ${readableUserCondition(viewer)}`))[0]?.name ?? ""
    : "";
  return {
    id: u.id,
    name: u.name,
    managers: await managerOptions(d, viewer, userId),
    bio: u.bio,
    languages: u.languages,
    managerId: u.managerId,
    managerName,
    skillIds: await declaredSkillIds(d, userId),
    taxonomy,
  };
}

/** Everything the profile page shows, or 404 when the person is hidden from the viewer. */
export async function profilePage(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const profile = await getProfile(viewer, id, d);
  const [chart, skillList, expertise, posts, answers, memberOf] = await Promise.all([
    orgChart(d, viewer, id),
    skillsOf(d, viewer, id),
    userExpertise(d, profile.person.id ? viewer.orgId! : "", id),
    recentPosts(d, viewer, id),
    recentAnswers(d, viewer, id),
    spacesOf(d, viewer, id),
  ]);
  return { ...profile, chart, skills: skillList, expertise, posts, answers, spaces: memberOf };
}

/** People the editor can pick as a manager: visible, active, not the person themselves. */
export async function managerOptions(db: DbOrTx, viewer: Viewer, userId: string): Promise<PersonLink[]> {
  return query<PersonLink>(
    db,
    sql`select u.id, u.name, u.title from users u where ${readableUserCondition(viewer)} and u.status = 'active' and u.id <> ${userId} order by u.name limit 500`,
  );
}
