import { sql } from "drizzle-orm";
import { query, type Db } from "../../app/db/client.server";
import { createBarrier } from "../../app/compliance/barriers.server";
import { createContent, deleteContent } from "../../app/content/content.server";
import { createSpace, setMember, updateSpaceSettings } from "../../app/spaces/spaces.server";
import { decideApproval, setApprovalSettings } from "../../app/spaces/approvals.server";
import { deactivateUser } from "../../app/identity/accounts.server";
import type { OrgRole } from "../../app/policy/roles";
import { loadContentFacts } from "../../app/policy/facts.server";
import { can } from "../../app/policy/policy";
import { contentSearchFilter } from "../../app/policy/search-filter";
import { loadViewer } from "../../app/policy/viewer.server";
import { getSearchService } from "../../search/client";
import { indexUid } from "../../search/settings";
import { makeOrg, makeUser } from "./factories";
import { rng } from "./rng";

export const WORDS = ["liquidity", "mortgage", "sanctions", "onboarding", "derivatives", "pension", "custody", "treasury", "audit", "complaint"];


/**
 * A random firm with spaces of every kind, then the permission changes that
 * most often leak: a space turned private, people removed from a space, a
 * deactivated author, and a barrier raised after the content was written.
 */
export async function buildLeakWorld(db: Db, seed = 7, posts = 240) {
  const rand = rng(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const org = await makeOrg("Leak Bank");
  const depts = ["Research", "Investment Banking", "Sales", "Operations", "Wealth"];
  const roles: OrgRole[][] = [["member"], ["member"], ["member"], ["curator", "member"], ["compliance", "member"], ["admin", "member"]];
  const users = [];
  for (let i = 0; i < 24; i++) users.push(await makeUser(org.id, { department: pick(depts), roles: pick(roles), password: null }));
  const v = (id: string) => loadViewer(db, id);
  const spaces = [];
  for (let i = 0; i < 10; i++) {
    const owner = pick(users);
    const s = await createSpace(await v(owner.id), {
      name: `Space ${i}`,
      slug: `leak-${org.id.slice(0, 6)}-${i}`,
      visibility: pick(["open", "open", "private", "secret"] as const),
      joinPolicy: "invite",
      allowedDepartments: rand() < 0.2 ? [owner.department] : [],
    });
    for (const u of users) if (u.id !== owner.id && rand() < 0.4 && (s.allowedDepartments.length === 0 || s.allowedDepartments.includes(u.department))) await setMember(await v(owner.id), s.id, u.id, true);
    spaces.push({ row: s, owner });
  }
  // pre-approval: three spaces hold new posts for one or two tiers of approvers among their members
  for (const s of spaces.slice(2, 5)) {
    const ov = await v(s.owner.id);
    const inSpace: typeof users = [];
    for (const u of users) if ((await v(u.id)).memberSpaceIds.has(s.row.id)) inSpace.push(u);
    if (inSpace.length < 2) continue;
    const tiers = rand() < 0.5 ? 1 : 2;
    const seats = inSpace.flatMap((u, i) => (i < tiers ? [{ tier: i + 1, userId: u.id }] : rand() < 0.3 ? [{ tier: 1 + Math.floor(rand() * tiers), userId: u.id }] : []));
    await setApprovalSettings(ov, s.row.id, { tiers, seats });
  }
  const written: Awaited<ReturnType<typeof createContent>>[] = [];
  for (let i = 0; i < posts; i++) {
    const author = pick(users);
    const av = await v(author.id);
    const mine = spaces.filter((s) => av.memberSpaceIds.has(s.row.id));
    const space = rand() < 0.15 || mine.length === 0 ? null : pick(mine).row.id;
    const text = `${pick(WORDS)} ${pick(WORDS)} note ${i}`;
    written.push(await createContent(av, { kind: "post", spaceId: space, bodyJson: { type: "doc" }, bodyText: text }));
  }
  // Threads: comments and replies (a parent may be a comment) by anyone who may comment, so that after the barrier
  // below some comments sit under roots walled off from their readers; some roots deleted.
  const viewers = await Promise.all(users.map((u) => v(u.id)));
  for (let i = 0; i < Math.floor(posts / 2); i++) {
    const parent = pick(written);
    const facts = (await loadContentFacts(db, [parent.id])).get(parent.id)!;
    const writers = viewers.filter((x) => can(x, "comment", facts));
    if (!writers.length) continue;
    const text = `${pick(WORDS)} ${pick(WORDS)} comment ${i}`;
    written.push(await createContent(pick(writers), { kind: "comment", parentId: parent.id, bodyJson: { type: "doc" }, bodyText: text }));
  }
  for (const p of written.filter((w) => w.parentId === null)) {
    if (rand() < 0.1) await deleteContent(await v(p.authorId), p.id);
  }
  // decide some held posts: approve a tier (or all), or reject with a reason
  for (const p of written.filter((w) => w.approval === "pending")) {
    for (let step = 0; step < 2 && rand() < 0.6; step++) {
      const facts = (await loadContentFacts(db, [p.id])).get(p.id)!;
      const approvers = viewers.filter((x) => can(x, "approve", facts));
      if (!approvers.length) break;
      await decideApproval(pick(approvers), p.id, rand() < 0.25 ? { decision: "reject", reason: "no" } : { decision: "approve" });
    }
  }
  // the changes that must reach the index
  const open = spaces.find((s) => s.row.visibility === "open");
  if (open) await updateSpaceSettings(await v(open.owner.id), open.row.id, { name: open.row.name, visibility: "private", joinPolicy: "request" });
  for (const s of spaces.slice(0, 4)) {
    const ov = await v(s.owner.id);
    const member = users.find((u) => u.id !== s.owner.id && ov.memberSpaceIds && true);
    if (member) await setMember(ov, s.row.id, member.id, false).catch(() => undefined);
  }
  const admin = users.find((u) => u.roles.includes("admin")) ?? (await makeUser(org.id, { roles: ["admin", "member"], password: null }));
  const leaver = users.find((u) => u.id !== admin.id)!;
  await deactivateUser(org.id, leaver.id, admin.id);
  const compliance = users.find((u) => u.roles.includes("compliance")) ?? (await makeUser(org.id, { roles: ["compliance", "member"], password: null }));
  await createBarrier(await v(compliance.id), { name: "Wall", sideA: ["Research"], sideB: ["Investment Banking", "Wealth"] });
  return { org, users: users.filter((u) => u.id !== leaver.id), rand, pick };
}

export type LeakReport = { queries: number; hits: number; leaks: string[]; missing: string[] };

/** Random personas × random queries against the raw engine with the policy filter. */
export async function runLeakCheck(db: Db, world: Awaited<ReturnType<typeof buildLeakWorld>>, queries: number): Promise<LeakReport> {
  const service = await getSearchService();
  if (!service) throw new Error("search service is down");
  const index = service.client.index(indexUid("content"));
  const report: LeakReport = { queries: 0, hits: 0, leaks: [], missing: [] };
  const viewers = await Promise.all(world.users.map((u) => loadViewer(db, u.id)));
  const allIds = (await query<{ id: string }>(db, sql`select id from content where org_id = ${world.org.id}`)).map((r) => r.id);
  const facts = await loadContentFacts(db, allIds);
  const texts = new Map((await query<{ id: string; body_text: string }>(db, sql`select id, body_text from content where org_id = ${world.org.id}`)).map((r) => [r.id, r.body_text]));
  for (let i = 0; i < queries; i++) {
    const viewer = world.pick(viewers);
    const word = world.pick(WORDS);
    const res = await index.search(word, { filter: contentSearchFilter(viewer), limit: 1000, attributesToRetrieve: ["id"] });
    report.queries++;
    report.hits += res.hits.length;
    const got = new Set(res.hits.map((h) => h.id as string));
    for (const id of got) {
      const f = facts.get(id);
      if (!f || !can(viewer, "read", f)) report.leaks.push(`${word}: ${id} shown to ${viewer.id}`);
    }
    // and the converse: everything readable that contains the word is found
    for (const [id, f] of facts) {
      if (can(viewer, "read", f) && texts.get(id)!.split(" ").includes(word) && !got.has(id)) report.missing.push(`${word}: ${id} hidden from ${viewer.id}`);
    }
  }
  return report;
}
