import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { registerConsumers } from "../../app/boot.server";
import { query } from "../../app/db/client.server";
import { drainAll } from "../../app/platform/outbox.server";
import { addSkill } from "../../app/people/skills.server";
import * as editPage from "../../app/routes/people.$id_.edit";
import * as profilePage from "../../app/routes/people.$id";
import * as skillsPage from "../../app/routes/admin.skills";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, renderRoute, sessionsFor } from "../support/remix";

// Profiles, endorsements and the skills taxonomy through their routes: what is saved is
// versioned; bad input is a clear 4xx with nothing stored.

let world: World;
let tokens: Record<string, string>;
let skills: Record<"kyc" | "aml" | "fx", string>;

beforeAll(async () => {
  registerConsumers();
  world = await buildWorld();
  tokens = await sessionsFor(world, ["alice", "bob", "carol", "ivan", "admin", "curator"]);
  const admin = await world.viewer(world.users.admin.id);
  skills = {
    kyc: (await addSkill(admin, { name: "KYC", synonyms: ["Connaissance client"] })).id,
    aml: (await addSkill(admin, { name: "AML", synonyms: ["LCB-FT"] })).id,
    fx: (await addSkill(admin, { name: "FX", synonyms: ["Change"] })).id,
  };
});

const edit = (who: string, id: string, fields: Record<string, string | string[]>) =>
  callRoute(editPage.action, postRequest(`/people/${id}/edit`, fields, { token: tokens[who] }), { id });
const profileAction = (who: string, id: string, fields: Record<string, string>) =>
  callRoute(profilePage.action, postRequest(`/people/${id}`, fields, { token: tokens[who] }), { id });

/** Everything a bad request must leave untouched. */
async function snapshot() {
  const [r] = await query<Record<string, unknown>>(
    world.db,
    sql`select (select count(*)::int from archive_records where org_id = ${world.org.id}) as archive,
               (select count(*)::int from endorsements) as endorsements,
               (select count(*)::int from user_skills) as user_skills,
               (select count(*)::int from outbox_events where org_id = ${world.org.id}) as events,
               (select json_agg(json_build_object('id', id, 'bio', bio, 'manager', manager_id, 'langs', languages, 'v', profile_version) order by id)
                  from users where org_id = ${world.org.id}) as users`,
  );
  return JSON.stringify(r);
}

describe("profile edit", () => {
  it("saves bio, languages, manager and skills as archived versions, and the page shows them", async () => {
    const alice = world.users.alice.id;
    const res = await edit("alice", alice, { bio: "KYC reviews for private clients.\nAlso FX.", languages: "fr, en", managerId: world.users.carol.id, skills: [skills.kyc, skills.fx] });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/people/${alice}`);
    const versions = await query<{ version: number; action: string; data: { bio: string; skills: string[]; managerId: string } }>(
      world.db,
      sql`select version, action, data from archive_records where subject_kind = 'profile' and subject_id = ${alice} order by version`,
    );
    expect(versions.map((v) => [v.version, v.action])).toEqual([[1, "create"]]);
    expect(versions[0].data).toMatchObject({ bio: "KYC reviews for private clients.\nAlso FX.", managerId: world.users.carol.id });
    expect(versions[0].data.skills.sort()).toEqual([skills.kyc, skills.fx].sort());
    // a second edit is version 2; dropping a skill removes it
    expect((await edit("alice", alice, { bio: "KYC reviews.", languages: "fr", managerId: world.users.carol.id, skills: [skills.kyc] })).status).toBe(302);
    const [v2] = await query<{ version: number }>(world.db, sql`select max(version) as version from archive_records where subject_kind = 'profile' and subject_id = ${alice}`);
    expect(Number(v2.version)).toBe(2);
    const [ev] = await query<{ n: number }>(world.db, sql`select count(*)::int as n from outbox_events where topic = 'user.profile.updated' and subject_id = ${alice}`);
    expect(Number(ev.n)).toBe(2);

    const page = await readJson(await callRoute(profilePage.loader, getRequest(`/people/${alice}`, { token: tokens.carol }), { id: alice }));
    expect(page.person.bio).toBe("KYC reviews.");
    expect(page.person.languages).toEqual(["fr"]);
    expect(page.skills.map((s: { name: string }) => s.name)).toEqual(["KYC"]);
    expect(page.chart.managers.map((m: { id: string }) => m.id)).toEqual([world.users.carol.id]);
    expect(page.canEndorse).toBe(true);
    const carolPage = await readJson(await callRoute(profilePage.loader, getRequest(`/people/${world.users.carol.id}`, { token: tokens.alice }), { id: world.users.carol.id }));
    expect(carolPage.chart.reports.map((m: { id: string }) => m.id)).toEqual([alice]);
    // French page
    const html = await renderRoute(profilePage as never, getRequest(`/people/${alice}`, { token: tokens.carol, lang: "fr" }), "/people/:id");
    expect(html).toContain("KYC reviews.");
  });

  it("refuses bad input with a clear 4xx and stores nothing", async () => {
    const alice = world.users.alice.id;
    const carol = world.users.carol.id;
    const curator = world.users.curator.id;
    // the chain so far: alice reports to carol (test above); now curator reports to alice
    expect((await edit("curator", curator, { bio: "", languages: "", managerId: alice })).status).toBe(302);
    const before = await snapshot();
    const cases: [string, string, Record<string, string | string[]>, number, RegExp][] = [
      ["alice", alice, { bio: "x".repeat(2001) }, 400, /too long/],
      ["alice", alice, { bio: "ok", skills: ["no-such-skill"] }, 400, /not in your organisation/],
      ["alice", alice, { bio: "ok", languages: "english!!" }, 400, /language codes/],
      ["alice", alice, { bio: "ok", managerId: alice }, 400, /own manager/],
      // curator → alice → carol: carol under curator, or under alice, would close a loop
      ["carol", carol, { bio: "ok", managerId: curator }, 400, /loop/],
      ["carol", carol, { bio: "ok", managerId: alice }, 400, /loop/],
      ["alice", alice, { bio: "ok", managerId: "00000000-0000-0000-0000-000000000000" }, 400, /not found/],
      // across the barrier a manager does not exist for you
      ["bob", world.users.bob.id, { bio: "ok", managerId: world.users.ivan.id }, 400, /not found/],
    ];
    for (const [who, id, fields, status, message] of cases) {
      const res = await edit(who, id, fields);
      expect(res.status, JSON.stringify(fields).slice(0, 60)).toBe(status);
      expect(JSON.stringify(await res.json())).toMatch(message);
    }
    // someone else's profile: visible but not editable
    expect((await edit("carol", alice, { bio: "hacked" })).status).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it("endorsements: a colleague's declared skill, once, withdrawable; never one's own", async () => {
    const alice = world.users.alice.id;
    const before = await snapshot();
    const bad: [string, Record<string, string>, number, RegExp | null][] = [
      ["alice", { intent: "endorse", skillId: skills.kyc }, 400, /your own skills/],
      ["carol", { intent: "endorse", skillId: skills.aml }, 400, /not declared/],
      ["carol", { intent: "endorse", skillId: "unknown" }, 400, /not declared/],
      ["carol", { intent: "withdraw", skillId: skills.kyc }, 409, /not endorsed/],
      ["carol", { intent: "endorse" }, 400, null],
    ];
    for (const [who, fields, status, message] of bad) {
      const res = await profileAction(who, alice, fields);
      expect(res.status, `${who} ${JSON.stringify(fields)}`).toBe(status);
      if (message) expect(JSON.stringify(await res.json())).toMatch(message);
    }
    expect(await snapshot()).toBe(before);

    expect((await profileAction("carol", alice, { intent: "endorse", skillId: skills.kyc })).status).toBe(200);
    const twice = await profileAction("carol", alice, { intent: "endorse", skillId: skills.kyc });
    expect(twice.status).toBe(409);
    expect(JSON.stringify(await twice.json())).toMatch(/already endorsed/);
    expect((await profileAction("bob", alice, { intent: "endorse", skillId: skills.kyc })).status).toBe(200);
    await drainAll(world.db);
    let page = await readJson(await callRoute(profilePage.loader, getRequest(`/people/${alice}`, { token: tokens.carol }), { id: alice }));
    expect(page.skills).toMatchObject([{ name: "KYC", endorsements: 2, endorsedByViewer: true }]);
    expect(page.expertise).toMatchObject([{ tag: "#kyc", endorsements: 2 }]);
    // ivan is across the barrier from bob: bob's endorsement is not counted for him
    page = await readJson(await callRoute(profilePage.loader, getRequest(`/people/${alice}`, { token: tokens.ivan }), { id: alice }));
    expect(page.skills).toMatchObject([{ name: "KYC", endorsements: 1 }]);
    // withdraw
    expect((await profileAction("carol", alice, { intent: "withdraw", skillId: skills.kyc })).status).toBe(200);
    await drainAll(world.db);
    page = await readJson(await callRoute(profilePage.loader, getRequest(`/people/${alice}`, { token: tokens.carol }), { id: alice }));
    expect(page.skills).toMatchObject([{ name: "KYC", endorsements: 1, endorsedByViewer: false }]);
    expect(page.expertise).toMatchObject([{ tag: "#kyc", endorsements: 1 }]);
    const archived = await query<{ action: string }>(world.db, sql`select action from archive_records where subject_kind = 'endorsement' and subject_id like ${`${alice}:%`} order by id`);
    expect(archived.map((a) => a.action)).toEqual(["create", "create", "delete"]);
    // across the barrier the person does not exist
    expect((await profileAction("ivan", world.users.bob.id, { intent: "endorse", skillId: skills.kyc })).status).toBe(404);
  });

  it("the org chart stops at a barrier", async () => {
    const carol = world.users.carol.id;
    // carol's manager becomes bob (Research): ivan (IB) sees carol but not bob above her
    expect((await edit("carol", carol, { bio: "", managerId: world.users.bob.id })).status).toBe(302);
    const asIvan = await readJson(await callRoute(profilePage.loader, getRequest(`/people/${carol}`, { token: tokens.ivan }), { id: carol }));
    expect(asIvan.chart.managers).toEqual([]);
    const asAlice = await readJson(await callRoute(profilePage.loader, getRequest(`/people/${carol}`, { token: tokens.alice }), { id: carol }));
    expect(asAlice.chart.managers.map((m: { id: string }) => m.id)).toEqual([world.users.bob.id]);
  });
});

describe("skills taxonomy admin", () => {
  const post = (who: string, fields: Record<string, string>) => callRoute(skillsPage.action, postRequest("/admin/skills", fields, { token: tokens[who] }));

  it("is the org admins' page: 404 to everyone else", async () => {
    expect((await callRoute(skillsPage.loader, getRequest("/admin/skills", { token: tokens.carol }))).status).toBe(404);
    expect((await post("curator", { intent: "add", name: "Treasury" })).status).toBe(404);
  });

  it("adds, renames and merges; bad or duplicate names are refused", async () => {
    expect((await post("admin", { intent: "add", name: "Credit risk", synonyms: "Risque de crédit" })).status).toBe(200);
    expect((await post("admin", { intent: "add", name: "credit RISK" })).status).toBe(409);
    expect((await post("admin", { intent: "add", name: "<b>" })).status).toBe(400);
    expect((await post("admin", { intent: "add", name: "x".repeat(61) })).status).toBe(400);
    expect((await post("admin", { intent: "add", name: "Ops", synonyms: Array.from({ length: 21 }, (_, i) => `s${i}`).join(",") })).status).toBe(400);
    let list = (await readJson(await callRoute(skillsPage.loader, getRequest("/admin/skills", { token: tokens.admin })))).skills as { id: string; name: string; tag: string; synonyms: string[] }[];
    const credit = list.find((s) => s.tag === "credit-risk")!;
    expect(credit.synonyms).toEqual(["Risque de crédit"]);
    expect((await post("admin", { intent: "rename", id: credit.id, name: "Credit risk management", synonyms: "Risque de crédit, CRM" })).status).toBe(200);
    expect((await post("admin", { intent: "merge", id: credit.id, into: credit.id })).status).toBe(400);
    expect((await post("admin", { intent: "merge", id: skills.fx, into: credit.id })).status).toBe(200);
    list = (await readJson(await callRoute(skillsPage.loader, getRequest("/admin/skills", { token: tokens.admin })))).skills;
    expect(list.find((s) => s.id === skills.fx)).toBeUndefined();
    const merged = list.find((s) => s.id === credit.id)!;
    expect(merged).toMatchObject({ name: "Credit risk management", tag: "credit-risk" });
    expect(merged.synonyms).toEqual(expect.arrayContaining(["FX", "Change", "CRM"]));
    // merging a skill that no longer exists
    expect((await post("admin", { intent: "merge", id: skills.fx, into: credit.id })).status).toBe(404);
  });
});
