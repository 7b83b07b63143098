import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, query } from "../../app/db/client.server";
import { editContent } from "../../app/content/content.server";
import * as archivePage from "../../app/routes/compliance.archive";
import * as holdsPage from "../../app/routes/compliance.holds";
import * as retentionPage from "../../app/routes/compliance.retention";
import * as exportsPage from "../../app/routes/compliance.exports";
import * as exportDownload from "../../app/routes/compliance.exports.$id";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, sessionsFor, type RequestOptions } from "../support/remix";

let w: World;
let tokens: Record<string, string>;
const tok = (name: string, lang?: string): RequestOptions => ({ token: tokens[name], lang });
const holdsOf = async () => (await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from legal_holds where org_id = ${w.org.id}`))[0].n;

beforeAll(async () => {
  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "admin", "compliance"]);
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
