import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query } from "../../app/db/client.server";
import { editContent } from "../../app/content/content.server";
import * as archivePage from "../../app/routes/compliance.archive";
import * as holdsPage from "../../app/routes/compliance.holds";
import * as retentionPage from "../../app/routes/compliance.retention";
import * as exportsPage from "../../app/routes/compliance.exports";
import * as exportDownload from "../../app/routes/compliance.exports.$id";
import * as erasurePage from "../../app/routes/compliance.erasure";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, renderRoute, sessionsFor, type RequestOptions } from "../support/remix";

let w: World;
let tokens: Record<string, string>;
const tok = (name: string, lang?: string): RequestOptions => ({ token: tokens[name], lang });
const holdsOf = async () => (await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from legal_holds where org_id = ${w.org.id}`))[0].n;

beforeAll(async () => {
  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "bob", "admin", "compliance"]);
  await editContent(await w.viewer(w.users.alice.id), w.posts.openByAlice.id, doc("Open post by Alice, reworded"));
});

describe("records pages", () => {
  it("404 for a member and an org admin on every records page and action", async () => {
    const fake = "00000000-0000-4000-8000-000000000000";
    for (const who of ["alice", "admin"]) {
      const statuses = [
        (await callRoute(archivePage.loader, getRequest("/compliance/archive", tok(who)))).status,
        (await callRoute(archivePage.loader, getRequest("/compliance/archive?q=secret", tok(who)))).status,
        (await callRoute(archivePage.action, postRequest("/compliance/archive", { q: "" }, tok(who)))).status,
        (await callRoute(holdsPage.loader, getRequest("/compliance/holds", tok(who)))).status,
        (await callRoute(holdsPage.action, postRequest("/compliance/holds", { intent: "create", matter: "X", custodians: w.users.bob.email }, tok(who)))).status,
        (await callRoute(holdsPage.action, postRequest("/compliance/holds", { intent: "release", id: fake, reason: "x" }, tok(who)))).status,
        (await callRoute(retentionPage.loader, getRequest("/compliance/retention", tok(who)))).status,
        (await callRoute(retentionPage.action, postRequest("/compliance/retention", { intent: "dryrun" }, tok(who)))).status,
        (await callRoute(retentionPage.action, postRequest("/compliance/retention", { intent: "default", days: "9000" }, tok(who)))).status,
        (await callRoute(exportsPage.loader, getRequest("/compliance/exports", tok(who)))).status,
        (await callRoute(exportDownload.loader, getRequest(`/compliance/exports/${fake}`, tok(who)), { id: fake })).status,
      ];
      expect(statuses, who).toEqual(Array(statuses.length).fill(404));
    }
    expect(await holdsOf()).toBe(0);
  });

  it("archive search shows the edited-out version with its match marked", async () => {
    const res = await callRoute(archivePage.loader, getRequest("/compliance/archive?q=Open+post+by+Alice&deleted=on", tok("compliance")));
    expect(res.status).toBe(200);
    const hits = (await readJson(res)).hits as Array<{ subjectId: string; version: number; excerpt: Array<{ text: string; match: boolean }> }>;
    const mine = hits.filter((h) => h.subjectId === w.posts.openByAlice.id);
    expect(mine.map((h) => h.version)).toEqual([2, 1]);
    expect(mine[1].excerpt.filter((p) => p.match).map((p) => p.text)).toEqual(["Open", "post", "by", "Alice"]);
    const unknown = await callRoute(archivePage.loader, getRequest("/compliance/archive?q=x&custodian=nobody%40nowhere.test", tok("compliance")));
    expect(unknown.status).toBe(400);
  });

  it("bad input is a clear 4xx and stores nothing", async () => {
    const post = (fields: Record<string, string | string[]>) => callRoute(holdsPage.action, postRequest("/compliance/holds", { intent: "create", ...fields }, tok("compliance")));
    const empty = await post({ matter: "Empty", custodians: "" });
    expect(empty.status).toBe(400);
    expect((await readJson(empty)).errors.custodians).toBe("Name at least one custodian or space.");
    expect((await post({ matter: "", custodians: w.users.bob.email })).status).toBe(400);
    expect((await post({ matter: "Bad date", custodians: w.users.bob.email, from: "2026-02-31" })).status).toBe(400);
    expect(await holdsOf()).toBe(0);
    expect((await post({ matter: "Walker", custodians: w.users.bob.email, from: "2026-01-01", to: "2026-06-30" })).status).toBe(200);
    const overlap = await post({ matter: "Walker", custodians: `${w.users.carol.email}, ${w.users.bob.email}`, from: "2026-03-01" });
    expect(overlap.status).toBe(409);
    expect((await readJson(overlap)).errors.custodians).toContain("Walker");
    expect(await holdsOf()).toBe(1);
    const listed = await readJson(await callRoute(holdsPage.loader, getRequest(`/compliance/holds?custodian=${encodeURIComponent(w.users.bob.email)}`, tok("compliance"))));
    expect(listed.holds.map((h: { matter: string }) => h.matter)).toEqual(["Walker"]);

    const below = await callRoute(retentionPage.action, postRequest("/compliance/retention", { intent: "default", days: "30" }, tok("compliance", "fr")));
    expect(below.status).toBe(400);
    expect((await readJson(below)).errors.days).toBe("La durée ne peut pas être inférieure au minimum légal de 2192 jours.");
    expect((await callRoute(retentionPage.action, postRequest("/compliance/retention", { intent: "default", days: "abc" }, tok("compliance")))).status).toBe(400);
    const [none] = await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from retention_policies where org_id = ${w.org.id}`);
    expect(none.n).toBe(0);
    const ok = await callRoute(retentionPage.action, postRequest("/compliance/retention", { intent: "default", days: "2600" }, tok("compliance")));
    expect(ok.status).toBe(200);
    const dry = await readJson(await callRoute(retentionPage.action, postRequest("/compliance/retention", { intent: "dryrun" }, tok("compliance"))));
    expect(dry.plan).toMatchObject({ versions: 0 });
  });
});

describe("erasure page", () => {
  const requests = async () => (await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from erasure_requests where org_id = ${w.org.id}`))[0].n;
  const post = (who: string, fields: Record<string, string>, lang?: string) => callRoute(erasurePage.action, postRequest("/compliance/erasure", fields, tok(who, lang)));

  it("is 404 to a member on the page and on every action, valid input or not", async () => {
    const fake = "00000000-0000-4000-8000-000000000000";
    for (const who of ["alice", "bob"]) {
      const statuses = [
        (await callRoute(erasurePage.loader, getRequest("/compliance/erasure", tok(who)))).status,
        (await post(who, { intent: "file", email: w.users.carol.email, reason: "x" })).status,
        (await post(who, { intent: "file", email: "not an email" })).status,
        (await post(who, { intent: "carry-out", id: fake })).status,
        (await post(who, { intent: "decline", id: fake, note: "x" })).status,
      ];
      expect(statuses, who).toEqual(Array(statuses.length).fill(404));
    }
    expect(await requests()).toBe(0);
  });

  it("bad input is a clear 4xx in English and French and stores nothing; compliance and admins file and decide", async () => {
    const bad = await post("compliance", { intent: "file", email: "not an email" });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).errors.email).toBeTruthy();
    const unknown = await post("compliance", { intent: "file", email: "nobody@nowhere.test" }, "fr");
    expect(unknown.status).toBe(400);
    expect((await readJson(unknown)).errors.email).toBe("Personne dans votre organisation n’a l’adresse nobody@nowhere.test.");
    expect((await post("compliance", { intent: "carry-out", id: "not-an-id" })).status).toBe(400);
    expect((await post("compliance", { intent: "decline", id: "00000000-0000-4000-8000-000000000000", note: "" })).status).toBe(400);
    expect((await post("compliance", { intent: "carry-out", id: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect(await requests()).toBe(0);

    expect((await post("admin", { intent: "file", email: w.users.carol.email, reason: "Her request" })).status).toBe(200);
    const open = await post("compliance", { intent: "file", email: w.users.carol.email });
    expect(open.status).toBe(409);
    expect((await readJson(open)).errors.email).toBe("An erasure request for this person is already open.");
    expect(await requests()).toBe(1);
    const page = await renderRoute(erasurePage, getRequest("/compliance/erasure", tok("compliance")));
    expect(page).toContain(w.users.carol.name);
    expect(page).toContain("Carry out");
    const [{ id }] = await query<{ id: string }>(await getDb(), sql`select id from erasure_requests where org_id = ${w.org.id}`);
    const done = await post("compliance", { intent: "carry-out", id });
    expect(done.status).toBe(200);
    const { pseudonym } = await readJson(done);
    expect(pseudonym).toMatch(/^Former employee /);
    const again = await post("admin", { intent: "file", email: w.users.carol.email });
    expect(again.status).toBe(400); // her email is gone: nobody has it any more
    const after = await renderRoute(erasurePage, getRequest("/compliance/erasure", tok("admin")));
    expect(after).toContain(pseudonym);
    expect(after).toContain("Carried out");
    // her one post is the record in use and inside the org's retention: kept, and the page says until when
    expect(after).toMatch(/1 versions kept: retention of 2600 days \(org default\) until /);
    expect(after).not.toContain(w.users.carol.name);
  });
});
