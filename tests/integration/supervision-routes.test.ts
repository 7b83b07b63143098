import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createContent } from "../../app/content/content.server";
import { getDb, query } from "../../app/db/client.server";
import { translate } from "../../app/i18n";
import { consumers, drainConsumer } from "../../app/platform/outbox.server";
import * as lexiconPage from "../../app/routes/compliance.lexicon";
import * as reviewPage from "../../app/routes/compliance.review";
import * as postPage from "../../app/routes/posts.$id";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, renderRoute, sessionsFor, type RequestOptions } from "../support/remix";

// The review queue and lexicon pages called the way Remix calls them.

let w: World;
let tokens: Record<string, string>;
const tok = (name: string, lang?: string): RequestOptions => ({ token: tokens[name], lang });

async function drainSupervision() {
  const c = consumers().find((x) => x.name === "supervision")!;
  while ((await drainConsumer(await getDb(), c)) > 0);
}
const policyCount = async () => (await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from supervision_policies where org_id = ${w.org.id}`))[0].n;

beforeAll(async () => {
  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "bob", "admin", "compliance", "outsider"]);
});

describe("supervision pages", () => {
  it("do not exist for anyone but compliance officers of the org (404, loader and action)", async () => {
    for (const who of ["alice", "admin"]) {
      for (const [mod, path] of [[reviewPage, "/compliance/review"], [lexiconPage, "/compliance/lexicon"]] as const) {
        expect((await callRoute(mod.loader, getRequest(path, tok(who)))).status).toBe(404);
        expect((await callRoute(mod.action, postRequest(path, { intent: "note", flagId: "x", note: "hi", name: "p", severity: "high", terms: "x" }, tok(who)))).status).toBe(404);
      }
    }
    expect(await policyCount()).toBe(0);
  });

  it("refuses a catastrophic or invalid regular expression with a 400 in the viewer's language, storing nothing", async () => {
    const res = await callRoute(lexiconPage.action, postRequest("/compliance/lexicon", { intent: "policy", name: "Bad", severity: "high", terms: "", patterns: "(a+)+$" }, tok("compliance", "fr")));
    expect(res.status).toBe(400);
    expect((await readJson(res)).errors.patterns).toBe(translate("fr", "supervision.error.pattern.nestedQuantifier"));
    const invalid = await callRoute(lexiconPage.action, postRequest("/compliance/lexicon", { intent: "policy", name: "Bad", severity: "high", patterns: "([a-" }, tok("compliance")));
    expect(invalid.status).toBe(400);
    const rate = await callRoute(lexiconPage.action, postRequest("/compliance/lexicon", { intent: "sampling", spaceId: "", percent: "150" }, tok("compliance")));
    expect(rate.status).toBe(400);
    expect(await policyCount()).toBe(0);
  });

  it("works the queue: a policy set on the page flags a post, the reviewer hides it, the author sees why and bob gets 404", async () => {
    const saved = await callRoute(lexiconPage.action, postRequest("/compliance/lexicon", { intent: "policy", name: "Promises", severity: "high", terms: "guarantee\ngarantie", patterns: "", exceptions: "" }, tok("compliance")));
    expect(saved.status).toBe(200);
    const post = await createContent(await w.viewer(w.users.alice.id), { kind: "post", spaceId: w.spaces.open.id, ...doc("We <b>guarantee</b> a 20% return") });
    await drainSupervision();
    const res = await callRoute(reviewPage.loader, getRequest("/compliance/review?state=open&severity=high", tok("compliance")));
    expect(res.status).toBe(200);
    const data = await readJson(res);
    const item = data.items.find((i: { contentId: string }) => i.contentId === post.id);
    expect(item.text.slice(item.spans[0].start, item.spans[0].end)).toBe("guarantee");
    // rendered highlighted, and escaped: the post's markup is text, never HTML
    const html = await renderRoute(reviewPage, getRequest("/compliance/review", tok("compliance")));
    expect(html).toContain("<mark");
    expect(html).toContain("&lt;b&gt;");
    expect(html).not.toContain("<b>guarantee");
    // bad filters: 400
    await expect(callRoute(reviewPage.loader, getRequest("/compliance/review?state=bogus", tok("compliance")))).resolves.toMatchObject({ status: 400 });
    // hiding needs a reason
    const noReason = await callRoute(reviewPage.action, postRequest("/compliance/review", { intent: "hide", flagId: item.id, reason: "" }, tok("compliance")));
    expect(noReason.status).toBe(400);
    const hide = await callRoute(reviewPage.action, postRequest("/compliance/review", { intent: "hide", flagId: item.id, reason: "Promise of returns under review" }, tok("compliance")));
    expect(hide.status).toBe(200);
    expect((await callRoute(postPage.loader, getRequest(`/posts/${post.id}`, tok("bob")), { id: post.id })).status).toBe(404);
    const own = await callRoute(postPage.loader, getRequest(`/posts/${post.id}`, tok("alice")), { id: post.id });
    expect(own.status).toBe(200);
    expect((await readJson(own)).post.hiddenReason).toBe("Promise of returns under review");
    const hidden = await readJson(await callRoute(reviewPage.loader, getRequest("/compliance/review?state=hidden", tok("compliance"))));
    expect(hidden.items.map((i: { contentId: string }) => i.contentId)).toContain(post.id);
  });
});

describe("the audit trail in words", () => {
  it("reads each entry as a sentence in the viewer's language, filters and pages, and exports CSV (the export audited)", async () => {
    const auditPage = await import("../../app/routes/compliance.audit");
    const exportRoute = await import("../../app/routes/compliance.audit.export");
    // the queue reads above left supervision entries; a French reader sees them in French
    const fr = await readJson(await callRoute(auditPage.loader, getRequest(`/compliance/audit?action=supervision.hide`, tok("compliance", "fr"))));
    expect(fr.records.length).toBe(1);
    expect(fr.records[0].sentence).toMatch(/^.+ a masqué « We <b>guarantee<\/b> a 20% return » \(publication de Alice\) le temps d’une enquête$/);
    const en = await readJson(await callRoute(auditPage.loader, getRequest(`/compliance/audit?action=supervision&actor=${encodeURIComponent(w.users.compliance.email)}`, tok("compliance"))));
    expect(en.records.every((r: { action: string }) => r.action.startsWith("supervision."))).toBe(true);
    expect(en.records.map((r: { sentence: string }) => r.sentence)).toContain(`${w.users.compliance.name} read the review queue`);
    expect((await callRoute(auditPage.loader, getRequest("/compliance/audit?from=2026-02-31", tok("compliance")))).status).toBe(400);
    expect((await callRoute(auditPage.loader, getRequest("/compliance/audit", tok("alice")))).status).toBe(404);
    expect((await callRoute(exportRoute.loader, getRequest("/compliance/audit/export", tok("alice")))).status).toBe(404);

    const res = await callRoute(exportRoute.loader, getRequest("/compliance/audit/export?action=supervision.hide", tok("compliance")));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const csv = (await res.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(csv[0]).toBe("seq,at,actor,actor_email,action,target_kind,target_id,description,data");
    expect(csv.length).toBe(2);
    expect(csv[1]).toContain("hid “We <b>guarantee</b> a 20% return” (post by Alice) pending investigation");
    const [last] = await query<{ action: string }>(await getDb(), sql`select action from audit_log where org_id = ${w.org.id} order by seq desc limit 1`);
    expect(last.action).toBe("compliance.audit.export");
  });
});
