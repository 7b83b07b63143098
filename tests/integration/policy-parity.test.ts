import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query, type Db } from "../../app/db/client.server";
import { barriers, content, spaces, users } from "../../app/db/schema";
import { CONTENT_FACTS_SELECT, contentFactsOfRow, spaceFactsOf } from "../../app/policy/facts.server";
import { can, type ContentFacts, type SpaceFacts, type Viewer } from "../../app/policy/policy";
import { listableSpaceCondition, readableContentCondition, readableSpaceCondition, readableUserCondition } from "../../app/policy/scopes.server";
import { blockedDepartments } from "../../app/policy/viewer.server";
import type { OrgRole } from "../../app/policy/roles";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { rng } from "../../scripts/lib/rng";

// Property: for random viewers and random content, can(viewer, "read", x) holds
// exactly when x is in the viewer's SQL list scope. Seeded, so a failure replays.

const SEED = Number(process.env.PARITY_SEED ?? 20261126);
const rand = rng(SEED);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const subset = <T,>(xs: readonly T[], p: number) => xs.filter(() => rand() < p);

const DEPTS = ["Research", "Investment Banking", "Sales", "Operations", "Compliance", "Wealth", ""];
const ROLES: OrgRole[] = ["member", "curator", "compliance", "hr", "admin"];

let db: Db;
let orgId: string;
let spaceRows: (typeof spaces.$inferSelect)[] = [];
let contentFacts: ContentFacts[] = [];
let userRows: { id: string; department: string; status: string }[] = [];
const blockedCache = new Map<string, string[]>();

beforeAll(async () => {
  db = await getDb();
  const org = await makeOrg("Parity Bank");
  orgId = org.id;
  const other = await makeOrg("Elsewhere");
  const creator = await makeUser(orgId, { password: null });
  const foreign = await makeUser(other.id, { password: null });
  await db.insert(barriers).values([
    { id: crypto.randomUUID() as string, orgId, name: "Chinese wall", sideA: ["Research"], sideB: ["Investment Banking"] },
    { id: crypto.randomUUID() as string, orgId, name: "Private side", sideA: ["Wealth", "Investment Banking"], sideB: ["Sales"] },
  ]);
  const authorVals = Array.from({ length: 40 }, (_, i) => ({
    id: crypto.randomUUID() as string,
    orgId,
    email: `parity-${orgId}-${i}@example.test`,
    name: `Author ${i}`,
    department: pick(DEPTS),
    status: rand() < 0.1 ? "deactivated" : "active",
  }));
  await db.insert(users).values(authorVals);
  userRows = authorVals.map((a) => ({ id: a.id, department: a.department, status: a.status }));
  const spaceVals = Array.from({ length: 25 }, (_, i) => ({
    id: crypto.randomUUID() as string,
    orgId,
    slug: `s${i}`,
    name: `Space ${i}`,
    visibility: pick(["open", "open", "private", "secret"] as const),
    joinPolicy: pick(["open", "request", "invite"] as const),
    allowedDepartments: rand() < 0.3 ? subset(DEPTS.filter(Boolean), 0.3) : [],
    createdBy: creator.id,
  }));
  spaceRows = await db.insert(spaces).values(spaceVals).returning();
  const t0 = Date.now();
  const contentVals = Array.from({ length: 400 }, (_, i) => ({
    id: crypto.randomUUID() as string,
    orgId: rand() < 0.03 ? other.id : orgId,
    kind: pick(["post", "comment", "question", "answer"]),
    spaceId: rand() < 0.15 ? null : pick(spaceRows).id,
    authorId: pick(authorVals).id,
    bodyJson: { type: "doc" },
    bodyText: `item ${i}`,
    deletedAt: rand() < 0.1 ? new Date() : null,
    createdAt: new Date(t0 - i * 1000),
    updatedAt: new Date(t0 - i * 1000),
  }));
  // a few foreign-org items need a foreign author to be realistic
  for (const c of contentVals) if (c.orgId === other.id) { c.authorId = foreign.id; c.spaceId = null; }
  // answers and comments hang under a question of the same org, in its space (as createContent does)
  const questions = contentVals.filter((c) => c.kind === "question");
  const rootOf = new Map<string, (typeof contentVals)[number]>();
  for (const c of contentVals as (typeof contentVals[number] & { parentId?: string })[]) {
    if (c.kind !== "answer" && c.kind !== "comment") continue;
    const same = questions.filter((q) => q.orgId === c.orgId);
    const parent = same[Math.floor(rand() * same.length)];
    if (!parent || rand() < 0.3) continue;
    c.parentId = parent.id;
    c.spaceId = parent.spaceId;
    rootOf.set(c.id, parent);
  }
  // pre-approval holds on roots in spaces: pending at a tier (1–3) or rejected
  for (const c of contentVals as (typeof contentVals[number] & { parentId?: string; approval?: string | null; approvalTier?: number | null })[]) {
    if (c.parentId || !c.spaceId) continue;
    const r = rand();
    if (r < 0.15) Object.assign(c, { approval: "pending", approvalTier: 1 + Math.floor(rand() * 3) });
    else if (r < 0.2) Object.assign(c, { approval: "rejected", approvalTier: 1 });
  }
  await db.insert(content).values(contentVals);
  // Threads: comments, answers and replies up to three levels under earlier items, by
  // authors on either side of the barriers; each inherits its root's space (as the write
  // path does). The content_set_root trigger records the root.
  let parents = contentVals.filter((c) => c.orgId === orgId);
  for (let depth = 1; depth <= 3; depth++) {
    const level = Array.from({ length: depth === 1 ? 200 : 80 }, (_, i) => {
      const parent = pick(parents);
      const root = rootOf.get(parent.id) ?? parent;
      const row = {
        id: crypto.randomUUID() as string,
        orgId,
        kind: pick(["comment", "comment", "answer"]),
        spaceId: root.spaceId,
        parentId: parent.id,
        authorId: pick(authorVals).id,
        bodyJson: { type: "doc" },
        bodyText: `reply ${depth}.${i}`,
        deletedAt: rand() < 0.1 ? new Date() : null,
        createdAt: new Date(t0 + depth * 100_000 + i * 1000),
        updatedAt: new Date(t0 + depth * 100_000 + i * 1000),
      };
      rootOf.set(row.id, root);
      return row;
    });
    await db.insert(content).values(level);
    contentVals.push(...(level as typeof contentVals));
    parents = level as typeof contentVals;
  }
  const rows = await query<Parameters<typeof contentFactsOfRow>[0]>(
    db,
    sql`select ${CONTENT_FACTS_SELECT} where c.id in (${sql.join(contentVals.map((c) => sql`${c.id}`), sql`, `)})`,
  );
  contentFacts = rows.map(contentFactsOfRow);
  // the trigger walked each reply to its top-most ancestor
  for (const f of contentFacts) expect(f.root?.id ?? null, f.id).toBe(rootOf.get(f.id)?.id ?? null);
  for (const d of DEPTS) blockedCache.set(d, await blockedDepartments(db, orgId, d));
});

function randomViewer(): Viewer {
  const department = pick(DEPTS);
  const members = subset(spaceRows, 0.25);
  return {
    id: rand() < 0.5 ? pick(userRows).id : crypto.randomUUID(),
    orgId,
    department,
    roles: new Set(subset(ROLES, 0.25)),
    memberSpaceIds: new Set(members.map((s) => s.id)),
    adminSpaceIds: new Set(subset(members, 0.3).map((s) => s.id)),
    blockedDepartments: blockedCache.get(department)!,
    approverTiers: new Set(subset(spaceRows, 0.2).map((s) => `${s.id}:${1 + Math.floor(rand() * 3)}`)),
  };
}

const VIEWERS = Number(process.env.PARITY_VIEWERS ?? 1000);

describe("policy parity: can() equals the SQL list scope", () => {
  it(`content: ${VIEWERS} random viewers × 760 items (400 roots, 360 in threads)`, async () => {
    expect(contentFacts.length).toBe(760);
    let visibleSomewhere = 0;
    let hiddenSomewhere = 0;
    let hiddenByRootOnly = 0;
    let heldSeen = 0;
    let heldHidden = 0;
    for (let i = 0; i < VIEWERS; i++) {
      const v = randomViewer();
      const inScope = new Set(
        (await query<{ id: string }>(db, sql`select c.id from content c where ${readableContentCondition(v)}`)).map((r) => r.id),
      );
      const allowed = new Set(contentFacts.filter((c) => can(v, "read", c)).map((c) => c.id));
      const onlyScope = [...inScope].filter((id) => !allowed.has(id));
      const onlyCan = [...allowed].filter((id) => !inScope.has(id));
      if (onlyScope.length || onlyCan.length) {
        throw new Error(`viewer #${i} (seed ${SEED}) disagrees: in scope only ${onlyScope.slice(0, 3)}; can() only ${onlyCan.slice(0, 3)}`);
      }
      visibleSomewhere += allowed.size;
      hiddenByRootOnly += contentFacts.filter((c) => c.root && !allowed.has(c.id) && can(v, "read", { ...c, root: null, space: c.root.space })).length;
      hiddenSomewhere += contentFacts.length - allowed.size;
      for (const c of contentFacts) {
        if (!c.hold && !c.root?.hold) continue;
        const unheld = can(v, "read", { ...c, hold: null, root: c.root ? { ...c.root, hold: null } : null });
        if (unheld && allowed.has(c.id)) heldSeen++;
        if (unheld && !allowed.has(c.id)) heldHidden++;
      }
    }
    // the generator must exercise both outcomes, or the property proves nothing
    expect(visibleSomewhere).toBeGreaterThan(VIEWERS * 20);
    expect(hiddenSomewhere).toBeGreaterThan(VIEWERS * 20);
    // and replies hidden only by their root (live themselves, author on the viewer's side)
    expect(hiddenByRootOnly).toBeGreaterThan(VIEWERS);
    // pre-approval holds decide the outcome both ways (author / current-tier approver, or hidden)
    expect(heldSeen).toBeGreaterThan(VIEWERS / 10);
    expect(heldHidden).toBeGreaterThan(VIEWERS);
  }, 240_000);

  it("spaces: read and list scopes equal can()", async () => {
    const facts: SpaceFacts[] = spaceRows.map(spaceFactsOf);
    for (let i = 0; i < 300; i++) {
      const v = randomViewer();
      for (const [action, cond] of [
        ["read", readableSpaceCondition(v)],
        ["list", listableSpaceCondition(v)],
      ] as const) {
        const inScope = new Set(
          (await query<{ id: string }>(db, sql`select s.id from spaces s where s.org_id = ${orgId} and ${cond}`)).map((r) => r.id),
        );
        const allowed = new Set(facts.filter((s) => can(v, action, s)).map((s) => s.id));
        expect([...inScope].sort(), `${action} viewer #${i}`).toEqual([...allowed].sort());
      }
    }
  });

  it("people: the directory scope equals can(read)", async () => {
    for (let i = 0; i < 300; i++) {
      const v = randomViewer();
      const inScope = new Set(
        (await query<{ id: string }>(db, sql`select u.id from users u where u.org_id = ${orgId} and ${readableUserCondition(v)}`)).map((r) => r.id),
      );
      const all = await query<{ id: string; department: string; status: string }>(db, sql`select id, department, status from users where org_id = ${orgId}`);
      const allowed = new Set(
        all.filter((u) => can(v, "read", { kind: "user", id: u.id, orgId, department: u.department, active: u.status === "active" })).map((u) => u.id),
      );
      expect([...inScope].sort(), `viewer #${i}`).toEqual([...allowed].sort());
    }
  });
});
